"""Each edition's catalogue as PDFs, ``editions/<year>/catalogue.pdf`` (or in volumes, ``catalogue-1.pdf``…, above
``site/volumes.VOLUME_SIZE`` laureates): its catalogue page (``templates/catalogue.html``, planned by
``site/pages.py``) printed by WeasyPrint with the site's print stylesheet, for the annual meeting and the press. A
volume is the same page with its own laureates only, its title saying which.

- **Tagged** (PDF/UA-1, which implies tags), with the page's ``<title>`` as its title and ``lang`` as its language.
- **Nothing fetched from elsewhere**: the page is read as if at its address under ``base_url`` (so its links in the
  PDF lead to the site), and its stylesheet and images come from what the build publishes (the resized photos):
  any other address stops the build with its name, never a PDF silently missing a file.
- **Byte-identical** from one build to the next: dated from its edition, never the build (``content_date``), its
  identifier derived from its address.
- **Made only when its inputs changed**: its fingerprint (``LazyOutput``) is made of the edition's file, its
  laureates' records (but their bodies) and images, its templates and the static files, and the versions of
  WeasyPrint and its libraries; made PDFs are kept by fingerprint in ``.vitrine-cache/catalogues/``
  (``catalogue_cache.py``), so a build without ``site/`` (a deploy) makes only those whose inputs changed.
- WeasyPrint, and the Pango it loads from the distribution, are imported only when a PDF must be made;
  when either is missing the build stops with one message naming what to install (``CatalogueError``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import mimetypes
from functools import partial
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import jinja2
import jinja2.meta

from vitrine.content.model import Edition, Laureate, Site
from vitrine.engine import library_versions, site_digest
from vitrine.errors import CatalogueError
from vitrine.outputs.catalogue_cache import CatalogueCache
from vitrine.outputs.images import ImageCache, ImageSet
from vitrine.publish.output import LazyOutput
from vitrine.site.pages import Page
from vitrine.site.volumes import Volume

TEMPLATE = "catalogue.html"
PDF_VARIANT = "pdf/ua-1"  # WeasyPrint's PDF/UA: tagged, title shown in the window bar, language set
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"  # Debian/Ubuntu names (WeasyPrint's docs)
MISSING_WEASYPRINT = ("WeasyPrint, qui fait le catalogue en PDF, n’est pas installé",
                      "installez-le\u00a0: pip install -c constraints.txt weasyprint (ou pip install weasyprint)")
MISSING_PANGO = ("la bibliothèque Pango, dont WeasyPrint a besoin pour faire le catalogue en PDF, est introuvable",
                 f"installez-la\u00a0: apt-get install {PANGO_PACKAGES} (Debian, Ubuntu)")


STYLE_TEMPLATES = ("colours.css",)  # stylesheets the build renders (couleurs.css): a PDF reads them too


class PublishedFiles:
    """What a catalogue's PDF may read, by its path in the site: the published images (the resized copies, never
    the editors' originals) and the files of static/."""

    def __init__(self, images: Mapping[str, ImageSet], cache: ImageCache, static: Sequence[tuple[str, Path]],
                 templates: Path):
        self.images, self._cache, self._static, self._templates = images, cache, dict(static), templates
        self._variants: dict[str, tuple[str, Any]] | None = None  # made at the first read: most builds make no PDF

    def read(self, path: str) -> bytes | None:
        if path.startswith("static/") and path[len("static/"):] in self._static:
            return self._static[path[len("static/"):]].read_bytes()
        if self._variants is None:
            self._variants = {v.path: (s.key, v) for s in self.images.values() for v in s.variants}
        found = self._variants.get(path)
        if found is None:
            return None
        made = self._cache.output(*found)
        return made.data if made.data is not None else made.copy_from.read_bytes()  # type: ignore[union-attr]

    def design_digest(self) -> str:
        """The catalogue's templates (``catalogue.html`` and those it extends, includes or imports) and the static
        files: what a catalogue looks like. Another template's edit remakes no PDF."""
        h = hashlib.blake2b(digest_size=16)
        styles = {name for name in STYLE_TEMPLATES if (self._templates / name).is_file()}  # read as rendered
        for name in sorted(_template_closure(self._templates, TEMPLATE) | styles):
            h.update(name.encode() + b"\0" + (self._templates / name).read_bytes())
        for name, path in sorted(self._static.items()):
            h.update(f"static/{name}".encode() + b"\0" + path.read_bytes())
        return h.hexdigest()


def _template_closure(folder: Path, name: str) -> set[str]:
    """``name`` and every template it names, at any depth (Jinja2's own reading of them); every template of
    ``folder`` when one is named by an expression (any could be used)."""
    environment, found, todo = jinja2.Environment(), set(), [name]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.add(current)
        for child in jinja2.meta.find_referenced_templates(environment.parse((folder / current).read_text("utf-8"))):
            if child is None:
                return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
            todo.append(child)
    return found


def catalogue_outputs(site: Site, pages: Sequence[Page], render: Callable[[Page], bytes], files: PublishedFiles,
                      cache: CatalogueCache) -> list[LazyOutput]:
    """One PDF per volume of each catalogue page of ``pages`` (``render`` makes its HTML), known by what it is made
    from, taken from ``cache`` when an earlier build made it."""
    catalogues = [page for page in pages if page.template == TEMPLATE]
    if not catalogues:
        return []
    shared = site_digest(site, files.design_digest(), *library_versions())
    # Stylesheets the build makes from templates (couleurs.css, the site's colour): read as rendered, since the PDF
    # is printed with the page's own styles; their templates are in design_digest, their inputs in site_digest
    styles = {page.output: page for page in pages if page.output.endswith(".css")}

    def read(path: str) -> bytes | None:
        data = files.read(path)
        return render(styles[path]) if data is None and path in styles else data

    outputs = []
    for page in catalogues:
        edition = page.context["edition"]
        for volume in page.context["volumes"]:
            printed = volume_page(page, volume)
            h = hashlib.blake2b(f"{shared}\0{page.url}\0{volume!r}\0{edition.source.digest}".encode(), digest_size=16)
            for laureate, _ in printed.context["entries"]:
                image = files.images[laureate.image].key if laureate.image else ""
                h.update(f"\0{_shown(laureate)}:{image}".encode())
            fingerprint = h.hexdigest()
            make = partial(make_pdf, printed, render, read, site.config.base_url, content_date(edition))
            outputs.append(LazyOutput(volume.url, fingerprint, partial(cache.output, volume.url, fingerprint, make)))
    return outputs


def volume_page(page: Page, volume: Volume) -> Page:
    """The catalogue page as one volume's PDF prints it: with its laureates only, its title saying which (a single
    PDF prints the page as published)."""
    if not volume.number:
        return page
    context = dict(page.context, entries=page.context["entries"][volume.first - 1:volume.last], volume=volume)
    return dataclasses.replace(page, title=f"{page.title}, volume {volume.number} (lauréats {volume.first} à "
                                           f"{volume.last})", context=context)


def content_date(edition: Edition) -> dt.date:
    """The date of an edition's PDFs: the newest of its call's dates (its results' announcement), else 1 January of
    its year. From the content, never the build: the daily deploy remakes no PDF, and every build dates it alike."""
    return max((day for _, day in edition.dates), default=dt.date(edition.year, 1, 1))


def _shown(laureate: Laureate) -> str:
    """The laureate's record but its body, which a catalogue does not show: editing a description remakes no PDF.
    (Every other field, so that one the template starts to show is never forgotten here.)"""
    return repr([getattr(laureate, name) for name in _SHOWN_FIELDS])


# Every field of a laureate but its body, its file's place and digest and its links (the snapshot's laureates are of
# a subclass: the fields, not the record's repr)
_SHOWN_FIELDS = tuple(f.name for f in dataclasses.fields(Laureate) if f.name not in ("body", "source", "links"))


def require_weasyprint(path: str) -> Any:
    """The ``weasyprint`` module, or ``CatalogueError`` (about ``path``, the PDF to make) saying what to install: the
    Python package, or Pango."""
    try:
        # WeasyPrint prints its own English advice when Pango is missing: the French message below replaces it
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint  # noqa: PLC0415 - a second of imports and Pango's libraries: only when a PDF is made
    except ImportError as exc:
        if exc.name and exc.name.split(".")[0] != "weasyprint":
            raise  # a module WeasyPrint needs is missing: a broken installation, not what the message below says
        raise CatalogueError(path, *MISSING_WEASYPRINT) from None
    except OSError:  # cffi could not load Pango's libraries
        raise CatalogueError(path, *MISSING_PANGO) from None
    return weasyprint


def make_pdf(page: Page, render: Callable[[Page], bytes], read: Callable[[str], bytes | None], base_url: str,
             day: dt.date) -> bytes:
    """``page``, rendered and read as if at its address under ``base_url``, as a tagged PDF dated ``day``: its links
    lead to the site, and only ``read`` gives it files (by their path in the site)."""
    volume = page.context.get("volume")
    url, pdf = page.url, (volume.url if volume else page.url.rstrip("/") + ".pdf")
    weasyprint = require_weasyprint(pdf)
    from weasyprint import urls  # noqa: PLC0415 - idem

    class SiteFiles(urls.URLFetcher):
        """Answers only the site's own addresses, from the files the build publishes: never the network."""

        def fetch(self, address: str, headers: Any = None) -> urls.URLFetcherResponse:
            path = address.split("#", 1)[0].split("?", 1)[0]
            data = read(path[len(base_url):]) if path.startswith(base_url) else None
            if data is None:
                raise FileNotFoundError(address)
            return urls.URLFetcherResponse(address, data, {"Content-Type": mimetypes.guess_type(path)[0] or ""})

    try:
        document = weasyprint.HTML(string=render(page).decode("utf-8"), base_url=base_url + url,
                                   url_fetcher=SiteFiles(fail_on_errors=True), media_type="print").render()
    except urls.FatalURLFetchingError as exc:  # a BaseException: named to be caught
        cause = exc.__cause__ or exc
        raise CatalogueError(pdf, f"le catalogue demande un fichier que le site ne publie pas "
                             f"({cause})", "vérifiez les adresses de templates/catalogue.html et de static/") from None
    document.metadata.created = document.metadata.modified = day.isoformat()  # not the clock: the same bytes
    # From its address (a single PDF's: its page's, as before volumes)
    identifier = hashlib.blake2b((base_url + (pdf if volume else url)).encode(), digest_size=16).hexdigest().encode()
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier)
