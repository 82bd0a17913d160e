"""What the filters of the laureates list and of the search page offer (``filter_choices``), and the compact index
their scripts filter (``laureats/filtres.json``: ``filter_index``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from vitrine.content.model import Laureate, Quartier, Site, sort_key

if TYPE_CHECKING:
    from vitrine.outputs.images import ImageSet


@dataclass(frozen=True)
class Choices:
    """What the search and listing filters offer, each as (value, label); quartiers grouped by commune."""

    quartiers: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    communes: tuple[tuple[str, str], ...]
    themes: tuple[tuple[str, str], ...]
    editions: tuple[tuple[str, str], ...]



def filter_choices(site: Site) -> Choices:
    """The values of the quartier, commune, theme and edition filters, in the order people look for them."""
    communes: dict[str, list[Quartier]] = {}
    for q in sorted(site.quartiers.values(), key=lambda q: sort_key(q.name)):
        communes.setdefault(q.commune, []).append(q)
    by_name = sorted(communes.items(), key=lambda item: sort_key(item[0]))
    return Choices(
        quartiers=tuple((commune, tuple((q.slug, q.name) for q in qs)) for commune, qs in by_name),
        communes=tuple((qs[0].commune_slug, commune) for commune, qs in by_name),
        themes=tuple((t.slug, t.name) for t in sorted(site.themes.values(), key=lambda t: sort_key(t.name))),
        editions=tuple((str(e.year), f"Édition {e.year}") for e in site.editions),
    )


def filter_index(laureates: Sequence[Laureate], quartiers: Sequence[Quartier],
                 image_set: Callable[[str], ImageSet], sizes: str) -> dict[str, Any]:
    """``laureats/filtres.json``: every published laureate's card and filter values, as compact as it reads.

    ``laureats`` rows follow ``fields``; quartiers are slugs, described once in ``quartiers`` (name, commune,
    commune's slug). A card's ``image`` is what ``partials/picture.html`` shows, or null: the ``<img>``'s
    ``[src, width, height, alt]``, the photo's ``credit`` and its ``webp`` and ``fallback`` ``[[path, width], …]``, paths relative to
    the site's root; ``sizes`` is the cards' own (``CARD_SIZES`` in ``partials/card.html``), so the
    scripts' cards are the template's. Read by the filters of the laureates list and of the search page.
    Built when the page is rendered: its fingerprint needs only the laureates' card digests and image keys.
    """
    def image(laureate: Laureate) -> dict[str, Any] | None:
        if not laureate.image:
            return None
        found = image_set(laureate.image)
        largest = found.largest
        return {"img": [largest.path, largest.width, largest.height, laureate.image_alt],
                "credit": laureate.image_credit,
                "webp": [[v.path, v.width] for v in found.webp],
                "fallback": [[v.path, v.width] for v in found.fallback]}

    return {
        "fields": ["slug", "title", "porteur", "summary", "edition", "quartiers", "themes", "draft", "image"],
        "quartiers": {q.slug: [q.name, q.commune, q.commune_slug] for q in quartiers},
        "sizes": sizes,
        "laureats": [[l.slug, l.title, l.porteur, l.summary, l.edition, [q.slug for q in l.quartiers],
                      [t.slug for t in l.themes], l.draft, image(l)] for l in laureates],
    }
