"""The typed model that leaves validation: trusted, immutable, indexed once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from vitrine.content.media import DOCUMENT_TYPES
from vitrine.content.slugs import fold, slugify


@dataclass(frozen=True)
class Source:
    """Where a record came from; ``digest`` changes whenever its file's bytes do."""

    path: str
    line: int
    digest: str


@dataclass(frozen=True)
class EditorSettings:
    """The ``editor:`` block of site.yaml: the git host the published /admin/ edits (``outputs/editor_config.py``)."""

    backend: str  # "gitlab" or "github"
    repository: str
    branch: str
    app_id: str | None  # GitLab's OAuth application (PKCE)
    api_root: str | None  # a self-hosted GitLab's (or GitHub Enterprise's) API
    auth_url: str | None  # GitHub's OAuth relay: its token endpoint has no CORS, so no browser-only sign-in


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    intro: str | None
    language: str
    base_url: str  # always ends with "/"
    organisation: str
    contact_email: str
    page_size: int
    licence: str
    licence_url: str
    source: Source
    links: tuple[tuple[int, str, str], ...] = ()  # its addresses that may point into the site (``site/links.py``)
    editor: EditorSettings | None = None  # the published /admin/, if any
    logo: str | None = None  # "media/…", relative to content/: shown in the header and as the default sharing image
    logo_alt: str | None = None
    colour: str | None = None  # "#rrggbb", its contrast checked (``contrast``): the theme's main colour


@dataclass(frozen=True)
class Document:
    """A file of content/media/ offered for download; its format and size are the published file's
    (``Site.media_sizes``), looked up when a page shows it."""

    file: str  # "media/…", relative to content/
    title: str

    @property
    def format(self) -> str:
        """« PDF », « ODT », « DOCX »: what the visitor's software must open."""
        return self.file.rsplit(".", 1)[-1].upper()

    @property
    def media_type(self) -> str:
        return DOCUMENT_TYPES["." + self.file.rsplit(".", 1)[-1].lower()]


@dataclass(frozen=True)
class Contact:
    role: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Quartier:
    slug: str
    name: str
    commune: str
    code: str | None
    current: bool
    coordinates: tuple[float, float] | None
    contrat_slug: str
    contrat_name: str
    # Rings of (longitude, latitude) from the territory's GeoJSON outlines; only the map shows them.
    outline: tuple[tuple[tuple[float, float], ...], ...] | None = field(default=None, repr=False, compare=False)

    @property
    def commune_slug(self) -> str:
        return slugify(self.commune)


@dataclass(frozen=True)
class ContratDeVille:
    slug: str
    name: str
    contact: Contact | None
    quartiers: tuple[Quartier, ...]


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Edition:
    year: int
    number: int
    call_opens: dt.date | None
    call_closes: dt.date | None
    laureates_announced: int | None
    draft: bool
    body: str
    source: Source
    # Links and media references to check against the site's URL map: (line, field, destination)
    links: tuple[tuple[int, str, str], ...] = ()
    jury_date: dt.date | None = None
    results_date: dt.date | None = None
    support_total: int | None = None  # euros, when not every laureate's support is known
    documents: tuple[Document, ...] = ()

    @property
    def dates(self) -> tuple[tuple[str, dt.date], ...]:
        """The call's steps that have a date, in order: (kind, date); kind is one of ``CALL_STEPS``."""
        steps = zip(CALL_STEPS, (self.call_opens, self.call_closes, self.jury_date, self.results_date))
        return tuple((kind, day) for kind, day in steps if day is not None)


# The steps of an edition's call for projects, in the order they happen (calendar events, edition pages).
CALL_STEPS = ("ouverture", "cloture", "jury", "resultats")


@dataclass(frozen=True)
class Laureate:
    slug: str
    title: str
    porteur: str
    edition: int
    quartiers: tuple[Quartier, ...]
    themes: tuple[Theme, ...]
    summary: str
    image: str | None  # "media/…", relative to content/
    image_alt: str | None
    image_credit: str | None  # « © Nom » or « Photo : … », shown with the image
    website: str | None
    partners: tuple[str, ...]
    draft: bool
    body: str
    source: Source
    # Links and media references to check against the site's URL map: (line, field, destination)
    links: tuple[tuple[int, str, str], ...] = ()
    support: int | None = None  # the label's financial support, in euros
    video: str | None = None  # an http(s) address, linked, never embedded
    documents: tuple[Document, ...] = ()

    @property
    def communes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(q.commune for q in self.quartiers))


@dataclass(frozen=True)
class FreePage:
    slug: str
    title: str
    menu: int | None
    draft: bool
    body: str
    source: Source
    # Links and media references to check against the site's URL map: (line, field, destination)
    links: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class Site:
    """Everything a build publishes, with the indexes every page planner needs."""

    config: SiteConfig
    contrats: tuple[ContratDeVille, ...]
    quartiers: Mapping[str, Quartier]
    themes: Mapping[str, Theme]
    editions: tuple[Edition, ...]  # newest first
    laureates: tuple[Laureate, ...]  # newest edition first, then by title
    pages: tuple[FreePage, ...]
    media: tuple[str, ...]  # "media/…" names of every file in content/media
    shared_digest: str  # site.yaml + territory.yaml + themes.yaml: shown on every page
    by_quartier: Mapping[str, tuple[Laureate, ...]] = field(default_factory=dict)
    by_theme: Mapping[str, tuple[Laureate, ...]] = field(default_factory=dict)
    by_edition: Mapping[int, tuple[Laureate, ...]] = field(default_factory=dict)
    media_sizes: Mapping[str, int] = field(default_factory=dict)  # "media/…" → bytes, as published (documents' sizes)

    def awarded(self, edition: Edition) -> int:
        """How many laureates an edition distinguished: the number announced, or at least those with a page."""
        return max(edition.laureates_announced or 0, len(self.by_edition[edition.year]))

    @property
    def awarded_total(self) -> int:
        return sum(self.awarded(e) for e in self.editions)


def support_given(editions: tuple[Edition, ...], laureates: tuple[Laureate, ...]) -> tuple[int, bool]:
    """The label's support to ``editions`` in euros: each one's ``support_total``, else the sum of its laureates'
    known supports; and whether that is every amount (no laureate without one, none announced without a page)."""
    by_year: dict[int, list[Laureate]] = {}
    for laureate in laureates:
        by_year.setdefault(laureate.edition, []).append(laureate)
    total, complete = 0, True
    for edition in editions:
        if edition.support_total:
            total += edition.support_total
            continue
        own = by_year.get(edition.year, [])
        known = [laureate.support for laureate in own if laureate.support]
        total += sum(known)
        complete = complete and len(known) == len(own) and (edition.laureates_announced or 0) <= len(own)
    return total, complete


def sort_key(text: str) -> str:
    """Accent- and case-insensitive order, the same on every machine (no locale)."""
    return fold(text)


def make_site(config: SiteConfig, contrats: tuple[ContratDeVille, ...], themes: tuple[Theme, ...],
              editions: list[Edition], laureates: list[Laureate], pages: list[FreePage],
              media: tuple[str, ...], shared_digest: str, media_sizes: Mapping[str, int] | None = None) -> Site:
    """Order records and compute the indexes, once."""
    ordered = tuple(sorted(laureates, key=lambda l: (-l.edition, sort_key(l.title), l.slug)))
    quartiers = {q.slug: q for c in contrats for q in c.quartiers}
    by_quartier: dict[str, list[Laureate]] = {slug: [] for slug in quartiers}
    by_theme: dict[str, list[Laureate]] = {t.slug: [] for t in themes}
    by_edition: dict[int, list[Laureate]] = {e.year: [] for e in editions}
    for laureate in ordered:
        by_edition[laureate.edition].append(laureate)
        for q in laureate.quartiers:
            by_quartier[q.slug].append(laureate)
        for t in laureate.themes:
            by_theme[t.slug].append(laureate)
    return Site(
        config=config,
        contrats=contrats,
        quartiers=quartiers,
        themes={t.slug: t for t in themes},
        editions=tuple(sorted(editions, key=lambda e: -e.year)),
        laureates=ordered,
        pages=tuple(sorted(pages, key=lambda p: (p.menu is None, p.menu or 0, p.slug))),
        media=media,
        shared_digest=shared_digest,
        by_quartier={k: tuple(v) for k, v in by_quartier.items()},
        by_theme={k: tuple(v) for k, v in by_theme.items()},
        by_edition={k: tuple(v) for k, v in by_edition.items()},
        media_sizes=dict(media_sizes or {}),
    )
