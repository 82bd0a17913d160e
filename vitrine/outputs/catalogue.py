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

import dataclasses
import datetime as dt
import hashlib
import html as html_text
import importlib.util
import re
from dataclasses import dataclass
from urllib.parse import urljoin
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import jinja2
import jinja2.meta

from vitrine.content.model import Edition, Laureate, Site
from vitrine.engine import library_versions, site_digest
from vitrine.errors import CatalogueError
from vitrine.outputs.catalogue_cache import CatalogueCache
from vitrine.outputs.catalogue_print import NO_PANGO, PrintJob, print_all, print_pdf
from vitrine.outputs.images import ImageCache, ImageSet
from vitrine.publish.output import LazyOutput, Output
from vitrine.site.pages import Page
from vitrine.site.volumes import Volume

TEMPLATE = "catalogue.html"
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

    def static_paths(self) -> list[str]:
        return [f"static/{name}" for name in sorted(self._static)]

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


@dataclass(frozen=True)
class CataloguePdf:
    """One catalogue PDF to publish (a ``LazyOutput``'s ``make``): kept in ``cache``, else printed."""

    path: str
    fingerprint: str
    page: Page  # as its PDF prints it (``volume_page``)
    render: Callable[[Page], bytes]
    read: Callable[[str], bytes | None]
    also: tuple[str, ...]  # site files it may read that its HTML does not name (static/, the stylesheets made)
    base_url: str
    cache: CatalogueCache

    def __call__(self) -> Output:
        """The PDF made in this process when no earlier build made it."""
        return self.cache.output(self.path, self.fingerprint, lambda: self.printed(print_pdf(self.job())))

    def job(self) -> PrintJob:
        """The page's HTML and every file of the site it names or may read: what WeasyPrint gets, and nothing else."""
        html = self.render(self.page).decode("utf-8")
        files = {path: data for path in self.also if (data := self.read(path)) is not None}
        for path, data in list(files.items()) + [(self.page.url, html.encode("utf-8"))]:
            files.update(_named(self.base_url, path, data.decode("utf-8", "replace"), self.read))
        volume = self.page.context.get("volume")
        return PrintJob(html, self.base_url, self.page.url, files, content_date(self.page.context["edition"]).isoformat(),
                        self.base_url + (self.path if volume else self.page.url))  # a single PDF's: as before volumes

    def printed(self, made: bytes | tuple[str, str]) -> bytes:
        if made == NO_PANGO:
            raise CatalogueError(self.path, *MISSING_PANGO)
        if isinstance(made, tuple):
            raise CatalogueError(self.path, f"le catalogue demande un fichier que le site ne publie pas ({made[1]})",
                                 "vérifiez les adresses de templates/catalogue.html et de static/")
        return made


# The addresses a page or stylesheet names: attributes, then CSS's url(…) and @import
_NAMED = re.compile(r'''(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']''')


def _named(base_url: str, path: str, text: str, read: Callable[[str], bytes | None]) -> dict[str, bytes]:
    """The site's files that ``text`` (the file at ``path``) names, by their path in the site."""
    found = {}
    for match in _NAMED.finditer(text):
        address = urljoin(base_url + path, html_text.unescape(next(g for g in match.groups() if g)))
        address = address.split("#", 1)[0].split("?", 1)[0]
        if address.startswith(base_url) and (data := read(address[len(base_url):])) is not None:
            found[address[len(base_url):]] = data
    return found


def print_catalogues(pdfs: list[CataloguePdf], processes: int | None) -> Iterator[Output]:
    """``pdfs`` printed in fresh processes (``catalogue_print.py``), kept in the cache, in order."""
    for pdf, made in zip(pdfs, print_all([pdf.job for pdf in pdfs], processes)):
        data = pdf.printed(made)
        yield pdf.cache.output(pdf.path, pdf.fingerprint, lambda data=data: data)


def catalogue_outputs(site: Site, pages: Sequence[Page], render: Callable[[Page], bytes], files: PublishedFiles,
                      cache: CatalogueCache) -> list[LazyOutput]:
    """One PDF per volume of each catalogue page of ``pages`` (``render`` makes its HTML), known by what it is made
    from, taken from ``cache`` when an earlier build made it (its ``make`` is a ``CataloguePdf``)."""
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

    also = tuple(files.static_paths() + sorted(styles))
    outputs = []
    for page in catalogues:
        edition = page.context["edition"]
        for volume in page.context["volumes"]:
            printed = volume_page(page, volume)
            # Every volume of the edition, not only this one: a volume's page says the edition's total
            h = hashlib.blake2b(f"{shared}\0{page.url}\0{volume!r}\0{page.context['volumes']!r}\0"
                                f"{edition.source.digest}".encode(), digest_size=16)
            for laureate, _ in printed.context["entries"]:
                image = files.images[laureate.image].key if laureate.image else ""
                h.update(f"\0{_shown(laureate)}:{image}".encode())
            pdf = CataloguePdf(volume.url, h.hexdigest(), printed, render, read, also, site.config.base_url, cache)
            outputs.append(LazyOutput(volume.url, pdf.fingerprint, pdf))
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


def require_weasyprint(path: str) -> None:
    """``CatalogueError`` (about ``path``, the PDF to make) saying what to install when WeasyPrint is not installed.
    Found, not imported: its 30 MB would count in the build's own memory, and the PDFs are made in processes of
    their own (``catalogue_print.py``), which report a missing Pango (``MISSING_PANGO``)."""
    try:
        found = importlib.util.find_spec("weasyprint")
    except ImportError:
        found = None
    if found is None:
        raise CatalogueError(path, *MISSING_WEASYPRINT)
