"""Links of the content resolved against the site's URL map, once the pages are planned: a link that reaches no
page and no published file is an error, with a did-you-mean (``content/bodies.py`` found the links)."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

from vitrine.content.bodies import locate
from vitrine.errors import ContentError, did_you_mean

if TYPE_CHECKING:
    from vitrine.content.model import Laureate, Site
    from vitrine.content.read import SourceFile
    from vitrine.site.pages import Page


def site_addresses(site: Site, pages: Iterable[Page], files: Iterable[str]) -> frozenset[str]:
    """Every address a link may reach: pages' URLs (``laureats/x/``), the editors' media (``media/a.pdf``) and
    the engine's ``files`` (``feed.xml``, ``donnees/laureats.csv``)."""
    return frozenset(page.url for page in pages) | frozenset(site.media) | frozenset(files)


# Where a draft would be published, and what to tell a link to it (it is not published: the link is dead)
_DRAFTS = {"laureate": ("laureats/{}/", "ce lauréat est un brouillon (draft: true) : il n'est pas publié"),
           "edition": ("editions/{}/", "cette édition est un brouillon (draft: true) : elle n'est pas publiée"),
           "page": ("{}/", "cette page est un brouillon (draft: true) : elle n'est pas publiée")}


def draft_addresses(files: Iterable[SourceFile]) -> dict[str, tuple[str, str]]:
    """The address each draft would have: (what to say of it, its file), for a link to it."""
    drafts = {}
    for source in files:
        if source.kind in _DRAFTS and isinstance(source.data, dict) and source.data.get("draft") is True:
            address, said = _DRAFTS[source.kind]
            drafts[address.format(source.slug)] = (said, source.path)
    return drafts


def resolve(link: str, page_url: str, base_url: str) -> str | None:
    """The site-root-relative address ``link`` reaches from ``page_url``; None when it leaves the site (another
    origin, ``mailto:``…) or stays on the page (``#section``)."""
    link = link.strip()
    if not link or link.startswith(("#", "?")):
        return None
    if link.startswith(("http://", "https://")):
        if not link.startswith(base_url):  # the site's own public address is an internal link
            return None
        link = "/" + link[len(base_url):]
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if path.startswith("media/"):  # written as relative to content/: the site publishes it at /media/
        path = "/" + path
    if _PLAIN_PATH.fullmatch(path):  # most links (« /laureats/x/ »): what urljoin gives, without its parsing
        return path[1:]
    absolute = urljoin("https://site.invalid/" + page_url, path)
    return absolute[len("https://site.invalid/"):]


# A path from the site's root that urljoin leaves as it is: no « . » or « .. » segment to remove, no « // »
# (an authority), no « ? », « # » or « ; » (parsed apart and put back), not empty (the page itself). Thousands
# of links, 10 µs each saved.
_PLAIN_PATH = re.compile(r"(?:/[A-Za-z0-9_~-][A-Za-z0-9_.~-]*)+/?|/")


def dead_links(records: Iterable[tuple[str, str, tuple[tuple[int, str, str], ...], Callable[[], str]]],
               addresses: frozenset[str], base_url: str,
               drafts: Mapping[str, tuple[str, str]] | None = None) -> list[ContentError]:
    """``records``: (file, URL of the page that shows it, links as (line, field, destination), its body). A link
    is alive when it reaches a page or a published file (``laureats/x`` for ``laureats/x/`` too: hosts redirect
    it). ``drafts``: the addresses drafts would have (``draft_addresses``). A body's link is kept with the negated line of the body's start until one is dead: then it is located."""
    errors = []
    choices: list[str] | None = None
    for path, page_url, links, body in records:
        places: dict[str, list[int]] | None = None
        for line, field, link in links:
            target = resolve(link, page_url, base_url)
            if target is None or target in addresses or target + "/" in addresses:
                continue
            if target.endswith("index.html") and target[:-len("index.html")] in addresses:
                continue
            if choices is None:
                choices = sorted("/" + a for a in addresses if not a.endswith((".json", ".xml", ".txt")))
            if line < 0:  # somewhere in the body, which starts at line -line
                if places is None:
                    places = {}
                    for offset, found in locate(body()).links:
                        places.setdefault(_same(found), []).append(offset)
                offsets = places.get(_same(link))
                line = -line + (offsets.pop(0) if offsets else 0)
            shown = unquote(link)
            draft = drafts and (drafts.get(target) or drafts.get(target + "/"))
            if draft:
                errors.append(ContentError(path, line, field, f"lien mort « {shown} » : {draft[0]}",
                                           f"retirez le lien, ou publiez la fiche en retirant « draft: true » de {draft[1]}"))
                continue
            written = "/" + shown.strip().lstrip("./") if not shown.strip().startswith(("/", "http")) else ""
            hint = (_volumes_hint(target, addresses) or (written and did_you_mean(written, choices))
                    or did_you_mean("/" + target, choices) or (
                "un document se place dans content/media/ et se lie par /media/nom.pdf" if target.startswith("media/")
                else "un lien vers une page du site commence par / (/candidater/, /laureats/identifiant/)"
                if not shown.strip().startswith("/")
                else "la page a peut-être été renommée ou retirée, ou c'est un brouillon (draft: true), jamais publié : "
                     "corrigez l'adresse ou retirez le lien"))
            errors.append(ContentError(path, line, field, f"lien mort « {shown} » : aucune page ni aucun fichier du "
                                                          "site à cette adresse", hint))
    return errors


def _volumes_hint(target: str, addresses: frozenset[str]) -> str:
    """A link to the single PDF of a catalogue now published in volumes: its page lists them all (the nearest
    file name, one of the volumes, would be a guess)."""
    folder, _, name = target.rpartition("/")
    if name == "catalogue.pdf" and f"{folder}/catalogue/" in addresses:
        return (f"le catalogue de cette édition est publié en plusieurs volumes (plus de 100 lauréats) : liez sa page "
                f"« /{folder}/catalogue/ », qui les propose tous")
    return ""


def _same(link: str) -> str:
    """A link as the converter writes it in HTML and as the Markdown gives it, compared."""
    return unquote(link.strip())


def site_links(site: Site, pages: Iterable[Page], files: Iterable[str],
               drafts: Mapping[str, tuple[str, str]] | None = None) -> list[ContentError]:
    """Every link of the site's records that reaches no page and no published file (``files``: the engine's,
    ``feed.xml``, ``donnees/laureats.csv``…; ``drafts``: where drafts would be, to say so)."""
    addresses = site_addresses(site, pages, files)
    records = ([(l.source.path, f"laureats/{l.slug}/", l.links, partial(getattr, l, "body")) for l in site.laureates]
               + [(e.source.path, f"editions/{e.year}/", e.links, partial(getattr, e, "body")) for e in site.editions]
               + [(p.source.path, f"{p.slug}/", p.links, partial(getattr, p, "body")) for p in site.pages]
               + [(site.config.source.path, "", site.config.links, str)])
    return dead_links(records, addresses, site.config.base_url, drafts)


def laureate_links(laureates: Iterable[Laureate], addresses: frozenset[str], base_url: str) -> list[ContentError]:
    """The dead links of edited laureates (the edit fast path: the URL map is the last build's)."""
    return dead_links([(l.source.path, f"laureats/{l.slug}/", l.links, partial(getattr, l, "body"))
                       for l in laureates], addresses, base_url)


