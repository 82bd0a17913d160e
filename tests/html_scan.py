"""What a visitor's browser sees in a built page, read with the standard library's HTML parser."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

RESOURCE_TAGS = {"img": "src", "script": "src", "source": "src", "link": "href"}
# Tags a browser lays out as their own block (or cell): their texts never run into each other.
BLOCKS = {"p", "div", "li", "ul", "ol", "dt", "dd", "dl", "td", "th", "tr", "br", "section", "article", "header",
          "footer", "nav", "aside", "figure", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class ScannedPage:
    path: str  # relative to the site folder, e.g. "laureats/index.html"
    lang: str | None = None
    root: str | None = None  # the 404 page's links start from the site's public path, e.g. "/label/"
    title: str = ""
    links: list[str] = field(default_factory=list)  # <a href>
    main_links: list[str] = field(default_factory=list)  # <a href> inside <main>
    resources: list[str] = field(default_factory=list)  # img/script/link URLs the browser fetches
    ids: set[str] = field(default_factory=set)
    headings: list[tuple[int, str]] = field(default_factory=list)
    breadcrumbs: list[str] = field(default_factory=list)  # the crumbs' texts, the current page last
    breadcrumb_links: list[str] = field(default_factory=list)
    main_text: str = ""

    @property
    def h1(self) -> list[str]:
        return [text for level, text in self.headings if level == 1]

    def resolve(self, url: str) -> str | None:
        """The site file a local URL points to (relative to the page's folder, or to ``root``), None if external."""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None
        if not parts.path:
            return self.path  # a fragment of this page
        if self.root and parts.path.startswith(self.root):
            target = parts.path[len(self.root):]  # served at any address, the 404 page links from the public root
        else:
            target = posixpath.join(posixpath.dirname(self.path), parts.path)
        if not target or target.endswith("/") or posixpath.basename(target) in (".", ".."):
            target = posixpath.join(target, "index.html")
        return posixpath.normpath(target)


class _Scanner(HTMLParser):
    def __init__(self, page: ScannedPage):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.heading: tuple[int, list[str]] | None = None
        self.in_title = False
        self.in_main = 0
        self.in_crumbs = 0
        self.crumb: list[str] | None = None
        self.main_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.page.ids.add(a["id"])
        if tag == "html":
            self.page.lang = a.get("lang")
        elif tag == "title":
            self.in_title = True
        elif tag == "a" and "href" in a:
            self.page.links.append(a["href"])
            if self.in_main:
                self.page.main_links.append(a["href"])
            if self.in_crumbs:
                self.page.breadcrumb_links.append(a["href"])
        if tag in RESOURCE_TAGS and a.get(RESOURCE_TAGS[tag]) and not (tag == "link" and a.get("rel") == "canonical"):
            self.page.resources.append(a[RESOURCE_TAGS[tag]])
        if re.fullmatch(r"h[1-6]", tag):
            self.heading = (int(tag[1]), [])
        if tag == "main":
            self.in_main += 1
        if tag in BLOCKS:
            self.main_parts.append(" ")
        if tag == "nav" and "breadcrumbs" in a.get("class", ""):
            self.in_crumbs += 1
        if tag == "li" and self.in_crumbs:
            self.crumb = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.heading and tag == f"h{self.heading[0]}":
            self.page.headings.append((self.heading[0], squash("".join(self.heading[1]))))
            self.heading = None
        if tag == "main":
            self.in_main -= 1
        if tag in BLOCKS:
            self.main_parts.append(" ")
        if tag == "nav" and self.in_crumbs:
            self.in_crumbs -= 1
        if tag == "li" and self.crumb is not None:
            self.page.breadcrumbs.append(squash("".join(self.crumb)))
            self.crumb = None

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page.title += data
        if self.heading:
            self.heading[1].append(data)
        if self.in_main:
            self.main_parts.append(data)
        if self.crumb is not None:
            self.crumb.append(data)


def squash(text: str) -> str:
    """Runs of ASCII white space as one space; non-breaking spaces are kept, they are the typography under test."""
    return re.sub(r"[ \t\n\r\f]+", " ", text).strip()


def scan(site: Path, rel: str) -> ScannedPage:
    page = ScannedPage(rel)
    if rel == "404.html":  # its canonical address is <public path>404.html
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', (site / rel).read_text("utf-8"))
        page.root = urlsplit(canonical.group(1)).path.removesuffix("404.html") if canonical else None
    scanner = _Scanner(page)
    scanner.feed((site / rel).read_text("utf-8"))
    scanner.close()
    page.main_text = squash("".join(scanner.main_parts))
    return page


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def listing_pages(site: Path, first: str) -> list[ScannedPage]:
    """A paginated listing, followed from its first page through its « Page suivante » links."""
    pages = [scan(site, first)]
    while True:
        html = (site / pages[-1].path).read_text("utf-8")
        match = re.search(r'<a href="([^"]+)" rel="next"', html)
        if not match:
            return pages
        pages.append(scan(site, pages[-1].resolve(match.group(1))))
