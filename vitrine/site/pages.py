"""Stage 3 — plan pages: the ``Site`` → every output page, with its URL, template and context.

No I/O and no rendering: this is the site's URL map. Every URL is claimed once;
two sources claiming one URL is a content error naming both. Templates receive
exactly the context built here and compute nothing the model could.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from vitrine.content.columns import SEPARATOR, columns
from vitrine.content.contrast import shade
from vitrine.errors import ContentError
from vitrine.site.call import call_state
from vitrine.site.filters import filter_choices
from vitrine.site.map import quartier_map
from vitrine.site.volumes import catalogue_url, volumes
from vitrine.content.model import Edition, Laureate, Site, support_given

# Top-level folders the engine owns: a free page may not take these addresses.
COLOURS_PATH = "couleurs.css"  # the site's own colour (``colour``), over the theme's (static/style.css)
RESERVED = {"laureats", "editions", "quartiers", "thematiques", "media", "static", "page", "recherche", "donnees",
            "pagefind", "feed.xml", "sitemap.xml", "robots.txt", "404.html", "appel-a-projets.ics", COLOURS_PATH,
            "chiffres"}
# Files the engine publishes beside the pages (the feed, the open data): made by ``outputs/``, linked from pages.
FEED_PATH = "feed.xml"
CALENDAR_PATH = "appel-a-projets.ics"  # every edition's call dates (outputs/calendar.py)
DATA_FOLDER = "donnees/"
FIGURES_PAGE = "chiffres/"  # the label in figures (site/figures.py)
CSV_NAME, JSON_NAME, PACKAGE_NAME = "laureats.csv", "laureats.json", "datapackage.json"
RELATED_COUNT = 4
LATEST_COUNT = 6
# The free page applicants are sent to; it also lists, per contrat de ville, whom to contact first.
APPLY_PAGE = "candidater"


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str


# Shared by every laureate's page: one pair, not thousands (each build's snapshot keeps the pages it planned)
LAUREATE_CRUMBS = (Crumb("Accueil", ""), Crumb("Lauréats", "laureats/"))


@dataclass(frozen=True)
class Pagination:
    number: int
    total: int
    urls: tuple[str, ...]  # the URL of every page of the listing, page 1 first

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.total else None

    @property
    def window(self) -> tuple[tuple[int, str] | None, ...]:
        """The page links to show: first, last and two either side of this one; ``None`` marks a gap.

        A listing of any length shows at most nine, so no page grows with the number of laureates.
        """
        shown = sorted({1, self.total} | set(range(max(1, self.number - 2), min(self.total, self.number + 2) + 1)))
        window: list[tuple[int, str] | None] = []
        for n in shown:
            if window and window[-1] is not None and n > window[-1][0] + 1:
                window.append(None)
            window.append((n, self.urls[n - 1]))
        return tuple(window)


@dataclass(frozen=True)
class Page:
    """One output file: its URL (``""`` is the home page), template and context."""

    url: str
    template: str
    title: str
    context: Mapping[str, Any]
    origin: str = ""  # who claimed the URL, for collision messages
    in_sitemap: bool = True
    searchable: bool = False  # indexed by the full-text search (its template marks data-pagefind-body)

    @functools.cached_property  # asked for by every stage, thousands of times
    def output(self) -> str:
        return self.url + "index.html" if self.url == "" or self.url.endswith("/") else self.url


@dataclass(frozen=True)
class Plan:
    pages: tuple[Page, ...]
    errors: tuple[ContentError, ...] = ()


def plan_pages(site: Site, today: dt.date) -> Plan:
    """Every page of the site, in a stable order; URL collisions reported as content errors."""
    pages: list[Page] = []
    choices = filter_choices(site)
    pages += _home(site, today)
    pages += _listing(site, "laureats/", "Lauréats", site.laureates, "laureates.html",
                      [Crumb("Accueil", "")], {"choices": choices}, origin="la liste des lauréats")
    pages.append(Page("laureats/filtres.json", "filters.json", "", {
        "laureates": site.laureates, "quartiers": tuple(site.quartiers.values())}, "le moteur", in_sitemap=False))
    for laureate in site.laureates:
        pages.append(_laureate(site, laureate))
    pages.append(Page("editions/", "editions.html", "Éditions", {
        "editions": tuple((e, len(site.by_edition[e.year]), site.awarded(e), call_state(e, today)) for e in site.editions),
        "breadcrumbs": (Crumb("Accueil", ""),)}, origin="la liste des éditions"))
    for edition in site.editions:
        crumbs = [Crumb("Accueil", ""), Crumb("Éditions", "editions/")]
        listing = _listing(site, f"editions/{edition.year}/", f"Édition {edition.year}", site.by_edition[edition.year],
                           "edition.html", crumbs, {"edition": edition, "call": call_state(edition, today),
                                                    "calendar_url": _calendar_url(edition)},
                           origin=edition.source.path)
        # The first page sums the supports: it holds every laureate of the edition, so that its fingerprint (and the
        # edit fast path's pages to patch) follows each one's support
        listing[0].context["supported"] = site.by_edition[edition.year]
        pages += listing
        if site.by_edition[edition.year]:
            listing[0].context["catalogue_url"] = catalogue_url(edition)
            listing[0].context["volumes"] = volumes(edition, len(site.by_edition[edition.year]))
            pages.append(_catalogue(site, edition))
    pages.append(Page("quartiers/", "quartiers.html", "Quartiers", {
        "contrats": tuple((c, _by_commune(site, c.quartiers)) for c in site.contrats),
        "map": quartier_map(tuple(site.quartiers.values()), {slug: len(ls) for slug, ls in site.by_quartier.items()}),
        "breadcrumbs": (Crumb("Accueil", ""),)}, origin="la liste des quartiers"))
    for quartier in site.quartiers.values():
        crumbs = [Crumb("Accueil", ""), Crumb("Quartiers", "quartiers/")]
        pages += _listing(site, f"quartiers/{quartier.slug}/", quartier.name, site.by_quartier[quartier.slug],
                          "quartier.html", crumbs, {"quartier": quartier}, origin="content/territory.yaml")
    pages.append(Page("thematiques/", "themes.html", "Thématiques", {
        "themes": tuple((t, len(site.by_theme[t.slug])) for t in site.themes.values()),
        "breadcrumbs": (Crumb("Accueil", ""),)}, origin="la liste des thématiques"))
    for theme in site.themes.values():
        crumbs = [Crumb("Accueil", ""), Crumb("Thématiques", "thematiques/")]
        pages += _listing(site, f"thematiques/{theme.slug}/", theme.name, site.by_theme[theme.slug],
                          "theme.html", crumbs, {"theme": theme}, origin="content/themes.yaml")
    for free in site.pages:
        context = {"page": free, "breadcrumbs": (Crumb("Accueil", ""),)}
        if free.slug == APPLY_PAGE:
            context["contrats"] = site.contrats
        pages.append(Page(f"{free.slug}/", "apply.html" if free.slug == APPLY_PAGE else "page.html", free.title,
                          context, origin=free.source.path, searchable=True))
    pages.append(_open_data(site))
    pages.append(Page(FIGURES_PAGE, "chiffres.html", "Le label en chiffres", {
        # The records, not numbers: the edit fast path swaps an edited laureate in (its support shows at once), and the
        # fingerprint follows what figures.py counts of them ("counted", speed/fingerprints.py), in an order titles keep
        "editions": site.editions, "counted": tuple(sorted(site.laureates, key=lambda l: l.source.path)),
        "themes": tuple(site.themes.values()), "contrats": site.contrats, "breadcrumbs": (Crumb("Accueil", ""),)},
        origin="la page des chiffres"))
    pages.append(Page("recherche/", "search.html", "Recherche", {
        "choices": choices, "breadcrumbs": (Crumb("Accueil", ""),)}, origin="la page de recherche"))
    pages.append(Page("404.html", "404.html", "Page introuvable", {"breadcrumbs": ()}, "le moteur", in_sitemap=False))
    urls = tuple(p.url for p in pages if p.in_sitemap)
    pages.append(Page("sitemap.xml", "sitemap.xml", "", {"urls": urls}, "le moteur", in_sitemap=False))
    pages.append(Page("robots.txt", "robots.txt", "", {}, "le moteur", in_sitemap=False))
    if site.config.colour:
        pages.append(Page(COLOURS_PATH, "colours.css", "", {"colour": site.config.colour,
                                                              "dark": shade(site.config.colour)}, "le moteur",
                          in_sitemap=False))
    return Plan(tuple(pages), tuple(_collisions(site, pages)))


def _home(site: Site, today: dt.date) -> list[Page]:
    latest = site.editions[0] if site.editions else None
    current = [q for q in site.quartiers.values() if q.current]
    return [Page("", "home.html", site.config.title, {
        "latest_edition": latest,
        "call": call_state(latest, today) if latest else None,
        "calendar_url": _calendar_url(latest) if latest else None,
        "apply_url": f"{APPLY_PAGE}/" if any(p.slug == APPLY_PAGE for p in site.pages) else None,
        "figures_url": FIGURES_PAGE,
        "figures": {"awarded": site.awarded_total, "laureates": len(site.laureates), "editions": len(site.editions),
                    "quartiers": len(current), "communes": len({q.commune for q in current}),
                    # a sum over every laureate: an edited support takes the full path (``speed/snapshot.placement``)
                    "support": support_given(site.editions, site.laureates)},
        "latest_laureates": site.laureates[:LATEST_COUNT],
        "contrats": site.contrats,
        "themes": tuple(site.themes.values()),
        "editions": site.editions,
        "breadcrumbs": (),
    }, origin="la page d'accueil")]


def _calendar_url(edition: Edition) -> str | None:
    """The calendar's address where an edition has a date to add to it (``outputs/calendar.py`` publishes it then)."""
    return CALENDAR_PATH if edition.dates else None


def _listing(site: Site, base: str, title: str, laureates: Sequence[Laureate], template: str,
             crumbs: list[Crumb], extra: dict[str, Any], origin: str) -> list[Page]:
    """A listing split into pages of ``page_size``: ``base``, ``base/page/2/``…"""
    size = site.config.page_size
    total = max(1, -(-len(laureates) // size))
    urls = tuple(base if n == 1 else f"{base}page/{n}/" for n in range(1, total + 1))
    pages = []
    for n, url in enumerate(urls, start=1):
        page_crumbs = tuple(crumbs) if n == 1 else tuple(crumbs) + (Crumb(title, base),)
        page_title = title if n == 1 else f"{title} — page {n} sur {total}"
        context = dict(extra, laureates=tuple(laureates[(n - 1) * size: n * size]), count=len(laureates),
                       pagination=Pagination(n, total, urls), breadcrumbs=page_crumbs)
        pages.append(Page(url, template, page_title, context, origin=origin))
    return pages


def _catalogue(site: Site, edition: Edition) -> Page:
    """Every laureate of the edition on one page, each with its contrats de ville (whose contacts it shows)."""
    year = edition.year
    entries = tuple((l, tuple(dict.fromkeys(q.contrat_slug for q in l.quartiers))) for l in site.by_edition[year])
    crumbs = (Crumb("Accueil", ""), Crumb("Éditions", "editions/"), Crumb(f"Édition {year}", f"editions/{year}/"))
    return Page(catalogue_url(edition), "catalogue.html", f"Catalogue de l’édition {year}", {
        "edition": edition, "entries": entries, "contrats": {c.slug: c for c in site.contrats},
        "volumes": volumes(edition, len(entries)), "breadcrumbs": crumbs}, origin=edition.source.path)


def _laureate(site: Site, laureate: Laureate) -> Page:
    edition = next(e for e in site.editions if e.year == laureate.edition)
    return Page(f"laureats/{laureate.slug}/", "laureate.html", laureate.title, {
        "laureate": laureate,
        "edition": edition,
        "related": related_laureates(site, laureate),
        "breadcrumbs": LAUREATE_CRUMBS,
    }, origin=laureate.source.path, searchable=True)


def _open_data(site: Site) -> Page:
    """The « Données ouvertes » page: the licence, the files and what each column holds."""
    folder = DATA_FOLDER
    return Page(folder, "opendata.html", "Données ouvertes", {
        "files": {"csv": folder + CSV_NAME, "json": folder + JSON_NAME, "package": folder + PACKAGE_NAME,
                  "feed": FEED_PATH},
        "columns": columns(),
        "separator": SEPARATOR,
        "count": len(site.laureates),
        "breadcrumbs": (Crumb("Accueil", ""),),
    }, origin="la page des données ouvertes")


def related_laureates(site: Site, laureate: Laureate) -> tuple[Laureate, ...]:
    """Up to four others from the same quartiers first, then the same themes (newest first)."""
    found: dict[str, Laureate] = {}
    lists = [site.by_quartier[q.slug] for q in laureate.quartiers] + [site.by_theme[t.slug] for t in laureate.themes]
    for candidates in lists:
        for other in candidates:
            if len(found) >= RELATED_COUNT:
                return tuple(found.values())
            if other.slug != laureate.slug:
                found.setdefault(other.slug, other)
    return tuple(found.values())


def _by_commune(site: Site, quartiers: Sequence) -> tuple:
    communes: dict[str, list] = {}
    for q in quartiers:
        communes.setdefault(q.commune, []).append((q, len(site.by_quartier[q.slug])))
    return tuple((name, tuple(items)) for name, items in sorted(communes.items()))


def _collisions(site: Site, pages: list[Page]) -> list[ContentError]:
    """Two sources for one URL (or a free page on an engine address) is an error naming both."""
    claimed: dict[str, Page] = {}
    errors = []
    for page in pages:
        top = page.url.split("/")[0]
        if page.template == "page.html" and top in RESERVED:
            errors.append(ContentError(page.origin, 1, "fichier",
                                       f"l'adresse /{page.url} est réservée au site",
                                       f"renommez le fichier (par exemple {top}-infos.md)"))
        elif page.url in claimed:
            first = claimed[page.url]
            errors.append(ContentError(page.origin, 1, "fichier",
                                       f"l'adresse /{page.url} est déjà produite par {first.origin}",
                                       "renommez l'un des deux fichiers"))
        else:
            claimed[page.url] = page
    return errors
