"""Stage 4 — render: planned pages → bytes, through Jinja2 templates.

Templates autoescape and use ``StrictUndefined``: a typo in a template fails
the build loudly. Links are made relative to the page being rendered, so the
site works from any sub-folder. Each page also gets a fingerprint of what it is
made from (its templates, the records it shows, the engine's code); a page
whose fingerprint is unchanged since the last build need not be rendered again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from urllib.parse import urlsplit
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

import jinja2
from markupsafe import Markup

from .feeds import feed_title
from .images import ImageSet
from .markup import MarkdownCache
from .model import Edition, FreePage, Laureate, Site
from .pages import Page, filter_index
from .record import code_digest
from .parallel import in_chunks
from .sharing import ShareImage, json_script, laureate_graph, share_image, site_graph
from .typography import french

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
# Context keys holding the page's own record: a change anywhere in its file re-renders the page.
MAIN_KEYS = {"laureate", "edition", "page"}
# A link to the site's root (not ``//host``) or to content/media/: literal prefixes, found by a fast scan
_SITE_LINKS = {attribute: re.compile(attribute + r'="(?:/(?!/)|(?=media/))') for attribute in ("href", "src")}
# A template naming another: ``{% extends "base.html" %}``, ``{% from "partials/card.html" import … %}``…
_REFERENCE = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+(?:"([^"]+)"|'([^']+)'|(.))\s*(.?)""")
# Below this many pages to render, forking workers costs more than it saves.
PARALLEL_MIN_PAGES = 200
CHUNK_PAGES = 32
# Templates of outputs that are not markup: rendered without HTML escaping
PLAIN_OUTPUTS = ("txt", "json")


def template_environment(templates: Path, cache_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment of ``templates``; compiled templates are kept in ``cache_dir/jinja`` when given.

    A long-lived process (the preview) keeps one, and empties its cache when a template changed
    (``BuildState.templates``): Jinja2's own ``auto_reload`` would stat every template at every page.
    """
    cache = _BytecodeCache(str(cache_dir / "jinja")) if cache_dir else None
    if cache_dir:
        (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
    # HTML and XML (whose escapes HTML's are) autoescape; robots.txt and JSON are not HTML: a « & » stays « & »
    # (a JSON output goes through the ``json`` filter, which encodes it whole).
    autoescape = jinja2.select_autoescape(disabled_extensions=PLAIN_OUTPUTS, default_for_string=True, default=True)
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=autoescape,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, bytecode_cache=cache, auto_reload=False)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates, kept while their source and the engine are the same: the compiled code also holds the
    engine's choices (which outputs are escaped), which Jinja2's own key (the source alone) would miss."""

    def get_source_checksum(self, source: str) -> str:
        return super().get_source_checksum(code_digest() + "\0" + source)


class Renderer:
    """A Jinja2 environment bound to one site, with the filters templates need."""

    def __init__(self, templates: Path, markdown: MarkdownCache, site: Site, preview: bool = False,
                 images: Mapping[str, ImageSet] | None = None, env: jinja2.Environment | None = None,
                 references: dict[str, tuple[str, tuple[str, ...] | None]] | None = None):
        self.env = env or template_environment(templates)
        self.images: Mapping[str, ImageSet] = images or {}
        self.config = site.config
        self.env.filters.update(date_fr=date_fr, plural=plural, ordinal=ordinal, markdown=self._markdown_filter(),
                                json_ld=json_script, french=french, json=json_text)
        self.env.globals.update(href=href, site=site.config, preview=preview, nav=navigation(site),
                                base_path=urlsplit(site.config.base_url).path or "/",
                                image_set=self.images.__getitem__, share_image=self.share_image,
                                site_data=lambda: site_graph(site.config), laureate_data=self.laureate_data,
                                feed_title=feed_title(site), filter_index=filter_index,
                                once_per_depth=self._once_per_depth)
        self.markdown = markdown
        self.templates = templates
        self._digests: dict[str, str] = {}
        self._fingerprints: dict[str, str] = {}  # by output path: asked for by rendering, search and the record
        # laureate file → the outputs fingerprinted so far that show its card, or the whole record
        self.shown_on: dict[str, list[str]] = {}
        self.main_on: dict[str, list[str]] = {}
        # template → (its source, the templates it names); a long-lived caller passes one to keep across builds
        self._references = references if references is not None else {}
        self._cards: dict[int, bytes] = {}  # id(laureate) → card digest, for this build's records
        self.base_digest = hashlib.blake2b(
            repr((code_digest(), site.shared_digest, site.config.base_url, navigation(site), preview)).encode(),
            digest_size=16).hexdigest()
        self.rendered = 0
        self._made: dict[tuple, Markup] = {}  # see ``_once_per_depth``

    def render(self, page: Page) -> bytes:
        template = self.env.get_template(page.template)
        self.rendered += 1
        return template.render(page.context, page_url=page.url, title=page.title).encode("utf-8")

    @jinja2.pass_context
    def _once_per_depth(self, context: Any, macro: Any, *args: Any) -> Markup:
        """``macro(*args)``, made once per build for pages at the same depth (a laureate's card appears on
        every listing that shows it: about seven pages). Records are told apart by identity: they live as long
        as the build."""
        key = (macro.name, href(context, ""), *(a if isinstance(a, (str, int)) else id(a) for a in args))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = macro(*args)
        return made

    def fingerprint(self, page: Page) -> str:
        """What the page is made from; equal fingerprints mean equal output."""
        known = self._fingerprints.get(page.output)
        if known is None:
            known = self._fingerprints[page.output] = self._fingerprint(page)
        return known

    def _fingerprint(self, page: Page) -> str:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{self.base_digest}\0{self.template_digest(page.template)}\0{page.url}\0{page.title}".encode())
        shown: list[tuple[str, bool]] = []
        for key in sorted(page.context):
            h.update(key.encode())
            self._feed(h, page.context[key], key in MAIN_KEYS, shown)
        for path, main in set(shown):
            (self.main_on if main else self.shown_on).setdefault(path, []).append(page.output)
        return h.hexdigest()

    def release(self) -> None:
        """Forget this build's caches (a fingerprint per page, a digest and a rendered card per laureate): the
        compiled templates it shares with the next build keep a reference to it."""
        self._fingerprints.clear()
        self._cards.clear()
        self._made.clear()
        self.shown_on, self.main_on = {}, {}

    def compile_templates(self, names: Iterable[str]) -> None:
        """Load every template now: syntax errors surface before any page is rendered, and forked workers share them."""
        for name in sorted(set(names)):
            self.env.get_template(name)

    def share_image(self, name: str | None, alt: str | None) -> ShareImage:
        """The image a link preview shows: ``name``'s (a laureate's ``image``), else the site's default."""
        return share_image(self.config, self.images[name] if name else None, alt)

    def laureate_data(self, laureate: Laureate) -> dict[str, Any]:
        image = self.share_image(laureate.image, laureate.image_alt) if laureate.image else None
        return laureate_graph(self.config, laureate, image)

    def template_digest(self, name: str) -> str:
        """Hash of a template and every template it extends, includes or imports."""
        if name not in self._digests:
            h = hashlib.blake2b(digest_size=16)
            for dependency in sorted(self._closure(name)):
                h.update(dependency.encode() + b"\0" + (self.templates / dependency).read_bytes())
            self._digests[name] = h.hexdigest()
        return self._digests[name]

    def _closure(self, name: str, seen: set[str] | None = None) -> set[str]:
        seen = seen if seen is not None else set()
        if name in seen:
            return seen
        seen.add(name)
        source = (self.templates / name).read_text("utf-8")
        known = self._references.get(name)
        if known is None or known[0] != source:
            known = self._references[name] = (source, referenced_templates(source))
        children = known[1]
        if children is None:  # a name computed at render time: the page may use any template
            children = tuple(sorted(p.relative_to(self.templates).as_posix()
                                    for p in self.templates.rglob("*") if p.is_file()))
        for child in children:
            self._closure(child, seen)
        return seen

    def _markdown_filter(self) -> Any:
        @jinja2.pass_context
        def markdown_filter(context: Any, text: str) -> Markup:
            return Markup(relative_links(self.markdown.html(text), context["page_url"]))
        return markdown_filter


    def _feed(self, h: Any, value: Any, main: bool, shown: list[tuple[str, bool]]) -> None:
        if isinstance(value, Laureate):
            shown.append((value.source.path, main))
            h.update(value.source.digest.encode() if main else self._card(value))
            if value.image:  # its published files are named after the image's content
                h.update(self.images[value.image].key.encode())
        elif isinstance(value, (Edition, FreePage)):
            h.update(value.source.digest.encode())
        elif isinstance(value, dict):
            for key in sorted(value, key=repr):
                h.update(repr(key).encode())
                self._feed(h, value[key], False, shown)
        elif isinstance(value, (list, tuple)):
            h.update(b"[")
            for item in value:
                self._feed(h, item, False, shown)
            h.update(b"]")
        else:
            h.update(repr(value).encode())

    def _card(self, laureate: Laureate) -> bytes:
        digest = self._cards.get(id(laureate))
        if digest is None:
            digest = self._cards[id(laureate)] = card_digest(laureate).encode()
        return digest


def referenced_templates(source: str) -> tuple[str, ...] | None:
    """The templates ``source`` extends, includes or imports by name; None if one is named by an expression.

    A text scan, much cheaper than parsing: this runs for every template on every build.
    """
    names = []
    for match in _REFERENCE.finditer(source):
        if match.group(3) is not None or match.group(4) in ("~", "+", "[", "(", ".", "|"):
            return None
        names.append(match.group(1) or match.group(2))
    return tuple(dict.fromkeys(names))


def card_digest(laureate: Laureate) -> str:
    """What a laureate shows in listings: editing only its body leaves listings alone."""
    return repr((laureate.slug, laureate.title, laureate.porteur, laureate.summary, laureate.edition,
                 laureate.image, laureate.image_alt, laureate.draft, [q.slug for q in laureate.quartiers],
                 [t.slug for t in laureate.themes]))


def navigation(site: Site) -> tuple[tuple[str, str], ...]:
    """The main menu: the engine's sections, free pages that ask for a menu position, then the search."""
    sections = (("Lauréats", "laureats/"), ("Éditions", "editions/"), ("Quartiers", "quartiers/"),
                ("Thématiques", "thematiques/"))
    free = tuple((p.title, f"{p.slug}/") for p in site.pages if p.menu is not None)
    return sections + free + (("Recherche", "recherche/"),)


@jinja2.pass_context
def href(context: Any, target: str) -> str:
    """A link from the page being rendered to ``target`` (a site-root-relative URL), as a relative path.

    The 404 page is served at any address, so its links start from ``base_url``'s path instead (a
    ``<base>`` element would also redirect its in-page links, such as the skip link, to the home page).
    """
    current = context["page_url"]
    if current == "404.html":
        return context["base_path"] + target
    return ("../" * current.count("/") + target) or "./"


def relative_links(html: str, page_url: str) -> str:
    """Root-relative links written in Markdown (``/candidater/``, ``media/x.pdf``) made relative."""
    prefix = "../" * page_url.count("/")
    for attribute, link in _SITE_LINKS.items():
        if attribute + '="' in html:
            html = link.sub(f'{attribute}="{prefix}', html)
    return html


def json_text(value: Any) -> Markup:
    """Compact UTF-8 JSON for a ``.json`` output (inside HTML, use Jinja's ``tojson``, which escapes ``<``)."""
    return Markup(json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True))


def date_fr(value: dt.date) -> str:
    """« 5 juin 2020 », « 1er mars 2021 », without depending on the machine's locale."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day}\u00a0{MONTHS[value.month - 1]} {value.year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 lauréat », « 2 lauréats », « 0 lauréat » (French: 0 and 1 are singular)."""
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{count}\u00a0{word}"


def ordinal(number: int) -> Markup:
    """« 1<sup>re</sup> », « 2<sup>e</sup> »: the feminine ordinal of « édition »."""
    return Markup(f"{int(number)}<sup>{'re' if number == 1 else 'e'}</sup>")


def render_pages(pages: Sequence[Page], renderer: Renderer, jobs: int | None = None) -> Iterator[tuple[Page, bytes]]:
    """Render ``pages`` in order, spread over ``jobs`` forked processes (by default: one per core, when
    there are at least ``PARALLEL_MIN_PAGES`` pages).

    Workers inherit the renderer (compiled templates, site, Markdown cache) by
    forking and send back bytes; results are yielded as they arrive, so the
    caller can write them without holding the whole site.
    """
    def render_chunk(start: int, end: int) -> tuple[list[bytes], int, int]:
        rendered, conversions = renderer.rendered, renderer.markdown.conversions
        data = [renderer.render(pages[i]) for i in range(start, end)]
        counts = renderer.rendered - rendered, renderer.markdown.conversions - conversions
        renderer.rendered, renderer.markdown.conversions = rendered, conversions  # counted below, in the parent
        return data, *counts

    for start, _end, (data, rendered, conversions) in in_chunks(render_chunk, len(pages), jobs, PARALLEL_MIN_PAGES,
                                                                CHUNK_PAGES):
        renderer.rendered += rendered
        renderer.markdown.conversions += conversions
        yield from zip(pages[start:start + len(data)], data)
