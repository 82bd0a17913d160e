"""Stage 4 — render: planned pages → bytes, through Jinja2 templates.

Templates autoescape and use ``StrictUndefined``: a typo in a template fails
the build loudly. Links are made relative to the page being rendered, so the
site works from any sub-folder. What each page is made from (its fingerprint) is the speed layer's
(``speed/fingerprints.py``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, MutableMapping, Sequence

import jinja2
from markupsafe import Markup

from vitrine.site.markup import MarkdownCache
from vitrine.content.model import Document, Laureate, Site
from vitrine.site.figures import label_figures
from vitrine.site.french_formats import date_fr, euros, file_size, host, ordinal, plural
from vitrine.site.filters import filter_index
from vitrine.site.pages import Page
from vitrine.errors import ContentError, keep_template_frame
from vitrine.options import Spread, in_order
from vitrine.site.template_calls import TemplateContext
from vitrine.site.template_code import TemplateCodeGenerator
from vitrine.site.sharing import ShareImage, feed_title, json_script, laureate_graph, share_image, site_graph
from vitrine.content.typography import french

if TYPE_CHECKING:
    from vitrine.outputs.images import ImageSet, Variant  # the renderer is given them: prepared before pages are rendered

# A link to the site's root (not ``//host``) or to content/media/: literal prefixes, found by a fast scan
_SITE_LINKS = {attribute: re.compile(attribute + r'="(?:/(?!/)|(?=media/))') for attribute in ("href", "src")}
# Below this many pages to render, forking workers costs more than it saves.
PARALLEL_MIN_PAGES = 200
CHUNK_PAGES = 32
# Templates of outputs that are not markup: rendered without HTML escaping
PLAIN_OUTPUTS = ("txt", "json", "css")


def template_environment(templates: Path) -> jinja2.Environment:
    """The Jinja2 environment of ``templates``.

    A long-lived process (the preview) keeps one, and empties its cache when a template changed
    (``BuildState.templates``): Jinja2's own ``auto_reload`` would stat every template at every page. (Compiled
    templates were also kept on disk between processes: measured, no target needed it; ``benchmarks/README.md``.)
    """
    # HTML and XML (whose escapes HTML's are) autoescape; robots.txt and JSON are not HTML: a « & » stays « & »
    # (a JSON output goes through the ``json`` filter, which encodes it whole).
    autoescape = jinja2.select_autoescape(disabled_extensions=PLAIN_OUTPUTS, default_for_string=True, default=True)
    return _Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=autoescape,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, auto_reload=False,
                              # every template kept, in a dictionary: a theme has a few dozen, and Jinja2's bounded
                              # cache moves each one in a list at each lookup (eight a page: imports, extends, include)
                              cache_size=-1)


class _Environment(jinja2.Environment):
    context_class = TemplateContext  # its calls of plain functions shortened
    code_generator_class = TemplateCodeGenerator  # its outputs' escaping shortened

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals: the environment's own dictionary when the template adds none (ours never do), not
        Jinja2's ``ChainMap`` over it, which every page's context copies one name at a time in Python, and every
        import without context compares name by name (a twentieth of a page's time)."""
        return super().make_globals(d) if d else self.globals


class Renderer:
    """A Jinja2 environment bound to one site, with the filters templates need."""

    def __init__(self, templates: Path, markdown: MarkdownCache, site: Site, preview: bool = False,
                 images: Mapping[str, ImageSet] | None = None, env: jinja2.Environment | None = None):
        self.env = env or template_environment(templates)
        self.images: Mapping[str, ImageSet] = images or {}
        self.config = site.config
        self.media_sizes = site.media_sizes
        self.env.filters.update(self.filters())
        self.base_path = urlsplit(site.config.base_url).path or "/"
        self.nav = navigation(site)
        self.env.globals.update(href=self.href, site=site.config, preview=preview, nav=self.nav,
                                base_path=self.base_path,
                                image_set=self.images.__getitem__, share_image=self.share_image,
                                site_data=lambda: site_graph(site.config, self.logo()), laureate_data=self.laureate_data,
                                logo=self.logo,
                                feed_title=feed_title(site), filter_index=filter_index,
                                once_per_depth=self._once_per_depth, menu_marks=self.menu_marks, srcset=self.srcset,
                                label_figures=lambda *records: label_figures(*records, euros=euros))
        forget_imported_partials(self.env)
        self.markdown = markdown
        self.templates = templates
        self.rendered = 0
        self._made: dict[tuple, Markup] = {}  # see ``_once_per_depth``
        self._share_images: dict[tuple, ShareImage] = {}  # see ``share_image``
        self._to_root = ""  # the way from the page being rendered to the site's root: see ``href``

    def filters(self) -> dict[str, Any]:
        """The filters templates may use (which exist, and which take the context, are compiled into them)."""
        return dict(date_fr=date_fr, plural=plural, ordinal=ordinal, euros=euros, markdown=self._markdown_filter(),
                    json_ld=json_script, french=french, json=json_text, download=self.download, host=host)

    def render(self, page: Page) -> bytes:
        template = self.env.get_template(page.template)
        self.rendered += 1
        self._to_root = to_root(page.url, self.base_path)
        return template.render(page.context, page_url=page.url, title=page.title).encode("utf-8")

    def href(self, target: str) -> str:
        """A link from the page being rendered to ``target`` (a site-root-relative URL), as a relative path.

        The page's way to the root is the renderer's, not the template context's: partials that make links (the
        card, the picture, the downloads…) are then imported without context, made once per build instead of on
        every page that imports them (a fifth of a laureate page's template time). So a partial calls ``href``
        inside its macros only: at its top level, it would run once, for whichever page imported it first.
        """
        return (self._to_root + target) or "./"

    def srcset(self, variants: Iterable[Variant]) -> str:
        """« ../../media/a-480.webp 480w, ../../media/a-960.webp 960w »: an image's widths, linked from the page
        being rendered (joined here: a template loop called ``href`` once per width, on every picture)."""
        return ", ".join(f"{self.href(v.path)} {v.width}w" for v in variants)

    def menu_marks(self, page_url: str) -> str:
        """Where ``page_url`` is in the main menu, one character per entry: « = » the entry's own page, « > » a page
        under it, « . » neither. With the page's depth, all the header depends on: it is made once for each."""
        return "".join("=" if page_url == url else ">" if page_url.startswith(url) else "." for _, url in self.nav)

    def _once_per_depth(self, macro: Any, *args: Any) -> Markup:
        """``macro(*args)``, made once per build for pages at the same depth (a laureate's card appears on
        every listing that shows it: about seven pages). Records are told apart by identity: they live as long
        as the build."""
        key = (macro.name, self._to_root, *(a if isinstance(a, (str, int)) else id(a) for a in args))
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = macro(*args)
        return made

    def release(self) -> None:
        """Forget this build's rendered cards: the compiled templates it shares with the next build keep a
        reference to it."""
        self._made.clear()
        self._share_images.clear()

    def compile_templates(self, names: Iterable[str]) -> None:
        """Load every template now: syntax errors surface before any page is rendered, and forked workers share them."""
        for name in sorted(set(names)):
            self.env.get_template(name)

    def share_image(self, name: str | None, alt: str | None) -> ShareImage:
        """The image a link preview shows: ``name``'s (a laureate's ``image``), else the site's logo, else the
        theme's default image; one object for each for the build, so its tags are made once (``once_per_depth``)."""
        made = self._share_images.get((name, alt))
        if made is None:
            shown, text = (self.config.logo, self.config.logo_alt) if name is None and self.config.logo else (name, alt)
            made = self._share_images[name, alt] = share_image(self.config, self.images[shown] if shown else None, text)
        return made

    def logo(self) -> ImageSet | None:
        return self.images[self.config.logo] if self.config.logo else None

    def laureate_data(self, laureate: Laureate) -> dict[str, Any]:
        image = self.share_image(laureate.image, laureate.image_alt) if laureate.image else None
        sizes = {d.file: file_size(self.media_sizes[d.file]) for d in laureate.documents}
        return laureate_graph(self.config, laureate, image, sizes)

    def download(self, document: Document) -> str:
        """« PDF, 340 Ko »: what a download link says of its file (RGAA 6.1), from the published file's size."""
        return f"{document.format}, {file_size(self.media_sizes[document.file])}"

    def _markdown_filter(self) -> Any:
        @jinja2.pass_context
        def markdown_filter(context: Any, text: str) -> Markup:
            return Markup(relative_links(self.markdown.html(text), context["page_url"]))
        return markdown_filter


def navigation(site: Site) -> tuple[tuple[str, str], ...]:
    """The main menu: the engine's sections, free pages that ask for a menu position, then the search."""
    sections = (("Lauréats", "laureats/"), ("Éditions", "editions/"), ("Quartiers", "quartiers/"),
                ("Thématiques", "thematiques/"))
    free = tuple((p.title, f"{p.slug}/") for p in site.pages if p.menu is not None)
    return sections + free + (("Recherche", "recherche/"),)


def to_root(page_url: str, base_path: str) -> str:
    """The relative way from the page at ``page_url`` to the site's root (« ../../ »), which ``href`` prefixes.

    The 404 page is served at any address, so its links start from ``base_url``'s path instead (a
    ``<base>`` element would also redirect its in-page links, such as the skip link, to the home page).
    """
    return base_path if page_url == "404.html" else "../" * page_url.count("/")


def forget_imported_partials(env: jinja2.Environment) -> None:
    """Jinja2 keeps a partial imported without context (``{% from "partials/card.html" import card_list %}``) as
    made at its first import, with the globals of that moment: a long-lived environment (the preview's) given to
    a new build's renderer must make them again, with this build's site, images and ``href``."""
    if env.cache is not None:
        for template in env.cache.values():
            template._module = None  # Jinja2's cache of the template's default module (``Template.module``)


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


def render_pages(pages: Sequence[Page], renderer: Renderer, spread: Spread = in_order) -> Iterator[tuple[Page, bytes]]:
    """Render ``pages`` in order, in chunks run by ``spread`` (in this process by default; the pipeline may spread
    them over forked processes once there are ``PARALLEL_MIN_PAGES`` pages).

    Forked workers inherit the renderer (compiled templates, site, Markdown cache) by
    forking and send back bytes; results are yielded as they arrive, so the
    caller can write them without holding the whole site.
    """
    def render_chunk(start: int, end: int) -> tuple[list[bytes], int, int]:
        rendered, conversions = renderer.rendered, renderer.markdown.conversions
        try:
            data = [renderer.render(pages[i]) for i in range(start, end)]
        except jinja2.TemplateError as exc:  # maybe in a worker: its place goes with it through the pipe
            keep_template_frame(exc)
            raise
        counts = renderer.rendered - rendered, renderer.markdown.conversions - conversions
        renderer.rendered, renderer.markdown.conversions = rendered, conversions  # counted below, in the parent
        return data, *counts

    for start, _end, (data, rendered, conversions) in spread(render_chunk, len(pages), PARALLEL_MIN_PAGES, CHUNK_PAGES):
        renderer.rendered += rendered
        renderer.markdown.conversions += conversions
        yield from zip(pages[start:start + len(data)], data)


def template_problems(root: Path, templates: Path) -> list[ContentError]:
    """The files of templates/ that are not regular files: a FIFO, a socket or a device would hang the build when
    a page's fingerprint reads it (and Jinja2 reports it, in English, as not found)."""
    errors = []
    for dirpath, dirnames, filenames in os.walk(templates):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if path.exists() and not path.is_file():  # a broken link is Jinja2's « not found » if used
                shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
                errors.append(ContentError(shown, 1, "fichier",
                                           "ce n'est pas un fichier ordinaire (tube, socket ou périphérique) : "
                                           "un gabarit qui le lirait bloquerait la construction",
                                           "supprimez-le de templates/"))
    return errors
