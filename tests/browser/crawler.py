"""Visit every page reachable from a site's home page in Chromium and record what went wrong.

One pass per site does everything that needs a loaded page, so each page is
loaded once: the links, images, stylesheets, scripts and feeds it references
(each fetched and expected to answer 200), every request the browser makes
(none may leave the site's sub-folder, let alone 127.0.0.1), console errors
(CSP violations included), axe-core with the WCAG 2.0/2.1 A and AA rules, and
horizontal scrolling at 360 px and at 200 % zoom. Problems are collected as
one line each, naming the page (relative to the site's root) and the fault.

Sitemap and feed URLs count as links: a page listed only there is still
reached, and a broken address in them is reported like a broken link.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit
from typing import TYPE_CHECKING
from xml.etree import ElementTree

if TYPE_CHECKING:  # the modules are imported only once Chromium is known to be there
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request, Response

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 800}
# 200 % zoom of a 1280 × 800 window lays the page out in 640 × 400 CSS pixels: that is what we check.
NARROW = {"360 px": {"width": 360, "height": 740}, "zoom 200 %": {"width": 640, "height": 400}}
RESOURCE_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch", "apple-touch-icon",
                 "mask-icon"}
MAX_PAGES = 2000
NOT_FOUND_PROBE = "cette-page/n-existe-pas/"  # two levels deep: the 404 page must not depend on depth

LINKS_JS = """() => {
  const out = [];
  const add = (kind, url, el) => { if (url) out.push([kind, url, (el.textContent || el.alt || '').trim().slice(0, 40)]); };
  const srcset = (kind, value, el) => (value || '').split(',').map(s => s.trim().split(/\\s+/)[0])
      .filter(Boolean).forEach(u => add(kind, new URL(u, document.baseURI).href, el));
  document.querySelectorAll('a[href], area[href]').forEach(el => add('link', el.href, el));
  document.querySelectorAll('link[href]').forEach(el => {
    const rels = (el.getAttribute('rel') || '').toLowerCase().split(/\\s+/);
    add(rels.some(r => RESOURCE_RELS.includes(r)) ? 'resource' : 'link', el.href, el);
  });
  document.querySelectorAll('img[src], script[src], iframe[src], video[src], audio[src], source[src], track[src], embed[src]')
    .forEach(el => add('resource', el.src, el));
  document.querySelectorAll('video[poster]').forEach(el => add('resource', el.poster, el));
  document.querySelectorAll('object[data]').forEach(el => add('resource', el.data, el));
  document.querySelectorAll('img[srcset], source[srcset]').forEach(el => srcset('resource', el.getAttribute('srcset'), el));
  document.querySelectorAll('form[action]').forEach(el => add('link', el.action, el));
  const ids = [...document.querySelectorAll('[id]')].map(el => el.id)
      .concat([...document.querySelectorAll('a[name]')].map(el => el.name));
  return {links: out, ids};
}""".replace("RESOURCE_RELS", repr(sorted(RESOURCE_RELS)))

START_AXE_JS = """() => { window.__axeViolations = axe.run({runOnly: {type: 'tag', values: %r}, resultTypes: ['violations']})
    .then(results => results.violations); }""" % WCAG_TAGS
OVERFLOW_JS = """() => {
  const root = document.documentElement, width = root.clientWidth;
  if (root.scrollWidth <= width) return null;
  const wide = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > width + 1);
  const leaves = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + [...el.classList].map(c => '.' + c).join('') + ' « ' + (el.textContent || '').trim().slice(0, 40) + ' »';
  return root.scrollWidth + ' px wide in ' + width + ' px: ' + leaves.slice(0, 4).map(name).join(', ');
}"""


@dataclass
class Visit:
    """One page as the browser saw it."""

    url: str  # relative to the site's root: "" is the home page
    status: int
    referrer: str
    ids: set[str] = field(default_factory=set)


@dataclass
class Crawl:
    """Everything one crawl found; each problem is a line ``page: what is wrong``."""

    base_url: str
    visits: dict[str, Visit] = field(default_factory=dict)
    checked: dict[str, int] = field(default_factory=dict)  # every URL fetched → its status
    broken: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)

    def relative(self, url: str) -> str:
        return url[len(self.base_url):] if url.startswith(self.base_url) else url

    @property
    def pages(self) -> list[str]:
        return sorted(url for url, visit in self.visits.items() if visit.status == 200)


def report(problems: list[str]) -> str:
    """An assertion message: how many problems, then one per line."""
    return f"{len(problems)} problem(s):\n" + "\n".join(problems)


@dataclass
class _Tab:
    """One browser tab of the crawl: what it shows, so that its events are put on the right page."""

    page: Page
    url: str = ""  # relative to the site's root
    axe_running: bool = False


def crawl_site(browser: Browser, base_url: str, tabs: int = 2) -> Crawl:
    """Crawl from ``base_url`` (the home page) and from an unknown address, which must answer 404.

    Two tabs take turns: while axe-core works on one page, the other tab loads and checks the next,
    so both processor cores are busy.
    """
    from axe_playwright_python.sync_playwright import Axe  # only for its axe.min.js

    crawl = Crawl(base_url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR", service_workers="block")
    context.add_init_script(script=Axe().axe_script)  # once per context, not once per page
    context.route(lambda url: not url.startswith(origin + "/"), lambda route: route.abort())
    queue: deque[tuple[str, str, int]] = deque([(base_url, "(départ)", 200),
                                                 (base_url + NOT_FOUND_PROBE, "(adresse inconnue)", 404)])
    fragments: list[tuple[str, str, str]] = []
    open_tabs = [_open_tab(crawl, context, origin) for _ in range(tabs)]
    while any(tab.axe_running for tab in open_tabs) or queue:
        for tab in open_tabs:
            if tab.axe_running:
                _collect_axe(crawl, tab)
            while queue and crawl.relative(queue[0][0]) in crawl.visits:
                queue.popleft()
            if queue and len(crawl.visits) < MAX_PAGES:
                url, referrer, expected = queue.popleft()
                for kind, target, text in _visit(crawl, tab, url, referrer, expected):
                    _follow(crawl, context, origin, tab.url, kind, target, text, queue, fragments)
        if len(crawl.visits) >= MAX_PAGES and queue:
            crawl.broken.append(f"more than {MAX_PAGES} pages: the crawl stopped")
            queue.clear()
    for referrer, target, fragment in fragments:
        visit = crawl.visits.get(crawl.relative(target))
        if visit and fragment not in visit.ids:
            crawl.broken.append(f"{referrer or '(accueil)'}: link to {crawl.relative(target)}#{fragment}: "
                                f"no element has id « {fragment} »")
    context.close()
    return crawl


def _open_tab(crawl: Crawl, context: BrowserContext, origin: str) -> _Tab:
    tab = _Tab(context.new_page())
    tab.page.on("request", lambda request: _check_request(crawl, origin, tab.url, request))
    tab.page.on("response", lambda response: _check_response(crawl, tab.url, response))
    tab.page.on("requestfailed", lambda request: crawl.broken.append(
        f"{tab.url or '(accueil)'}: {crawl.relative(request.url)} failed ({request.failure})"))
    tab.page.on("console", lambda message: _check_console(crawl, tab.url, message))
    tab.page.on("pageerror", lambda error: crawl.console.append(f"{tab.url or '(accueil)'}: uncaught {error}"))
    return tab


def _visit(crawl: Crawl, tab: _Tab, url: str, referrer: str, expected: int) -> list[tuple[str, str, str]]:
    """Load one page, check it, start axe-core on it, and return what it links to."""
    page, tab.url = tab.page, crawl.relative(url)
    name = tab.url or "(accueil)"
    response = page.goto(url, wait_until="load")
    status = response.status if response else 0
    crawl.visits[tab.url] = visit = Visit(tab.url, status, referrer)
    if status != expected:
        crawl.broken.append(f"{name} (linked from {referrer or '(accueil)'}): answered {status}, expected {expected}")
    found = page.evaluate(LINKS_JS)
    visit.ids = set(found["ids"])
    for label, viewport in NARROW.items():
        page.set_viewport_size(viewport)
        problem = page.evaluate(OVERFLOW_JS)
        if problem:
            crawl.overflow.append(f"{name}: horizontal scrolling at {label}, the page is {problem}")
    page.set_viewport_size(DESKTOP)
    page.evaluate(START_AXE_JS)  # returns at once; _collect_axe waits for the result
    tab.axe_running = True
    return found["links"]


def _collect_axe(crawl: Crawl, tab: _Tab) -> None:
    name = tab.url or "(accueil)"
    for violation in tab.page.evaluate("window.__axeViolations"):
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:3])
        more = f" (+{len(violation['nodes']) - 3})" if len(violation["nodes"]) > 3 else ""
        crawl.axe.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} — {targets}{more}")
    tab.axe_running = False


def _follow(crawl: Crawl, context: BrowserContext, origin: str, page: str, kind: str, target: str, text: str,
            queue: deque, fragments: list) -> None:
    """Check one address found on ``page``; queue it if it is one of the site's pages."""
    scheme = urlsplit(target).scheme
    if scheme in ("mailto", "tel", "data", "blob"):
        return
    where = f"{page or '(accueil)'}: {'link' if kind == 'link' else 'resource'} « {text} » → {target}"
    if scheme not in ("http", "https"):
        crawl.broken.append(f"{where}: unexpected scheme")
        return
    if not target.startswith(origin + "/"):
        if kind != "link":
            crawl.outside.append(f"{where}: loaded from another origin")
        return  # an external link is fine; it is not followed
    if not target.startswith(crawl.base_url):
        crawl.outside.append(f"{where}: outside the site's folder {urlsplit(crawl.base_url).path}")
        return
    address, fragment = urldefrag(target)
    if fragment and kind == "link":
        fragments.append((page, address, fragment))
    if crawl.relative(address) == page:
        return  # a link within the page (the skip link): only its fragment needs checking
    status, content_type, body = _fetch(crawl, context, address)
    if status != 200:
        crawl.broken.append(f"{where}: answered {status}")
        return
    if kind == "link" and content_type.startswith("text/html") and not crawl.relative(address).startswith("admin/"):
        queue.append((address, page, 200))  # the web editor (admin/) is checked as a link, not crawled as a page
    elif body is not None:
        for url in _xml_addresses(body):
            _follow(crawl, context, origin, crawl.relative(address), "link", url, "", queue, fragments)


def _fetch(crawl: Crawl, context: BrowserContext, address: str) -> tuple[int, str, bytes | None]:
    """Status and type of an address (each fetched once); the body too when it is XML to read."""
    if address in crawl.checked:
        return crawl.checked[address], "", None
    response = context.request.get(address, max_redirects=0)
    crawl.checked[address] = response.status
    content_type = response.headers.get("content-type", "")
    body = response.body() if response.status == 200 and "xml" in content_type else None
    response.dispose()
    return response.status, content_type, body


def _xml_addresses(body: bytes) -> list[str]:
    """The addresses a sitemap or a feed lists: <loc>, <link>text</link>, <link href>, enclosures."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return []
    found = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("loc", "link") and (element.text or "").strip():
            found.append(element.text.strip())
        if tag in ("link", "enclosure", "content") and (element.get("href") or element.get("url")):
            found.append(element.get("href") or element.get("url"))
    return found


def _check_request(crawl: Crawl, origin: str, page: str, request: Request) -> None:
    url = request.url
    if urlsplit(url).scheme in ("data", "blob"):
        return
    if not url.startswith(origin + "/"):
        crawl.outside.append(f"{page or '(accueil)'}: the browser requested {url} (another origin)")
    elif not url.startswith(crawl.base_url):
        crawl.outside.append(f"{page or '(accueil)'}: the browser requested {url} (outside the site's folder)")


def _check_response(crawl: Crawl, page: str, response: Response) -> None:
    if response.request.is_navigation_request() and response.request.frame.parent_frame is None:
        return  # the page itself: _visit compares its status with the expected one
    if response.status != 200:
        crawl.broken.append(f"{page or '(accueil)'}: the browser requested {crawl.relative(response.url)}, "
                            f"answered {response.status}")


def _check_console(crawl: Crawl, page: str, message: ConsoleMessage) -> None:
    if message.type == "error":
        if message.location.get("url") == crawl.base_url + NOT_FOUND_PROBE and "status of 404" in message.text:
            return  # the browser logs the 404 status of the probe page itself
        crawl.console.append(f"{page or '(accueil)'}: console error: {message.text}")
