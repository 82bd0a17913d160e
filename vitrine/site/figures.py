"""The label in figures (``/chiffres/``): laureates per edition, theme, contrat de ville and commune, and the support
given per edition, as horizontal bar charts drawn at build time (``templates/chiffres.html``) with their data tables.

Computed at render time from the page's context (its laureates and editions), not when pages are planned: the edit
fast path swaps an edited laureate into that context (``speed/snapshot.py``), and its support must show at once.
Drafts are never counted, in the preview either: the figures are the published label's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from vitrine.content.model import ContratDeVille, Edition, Laureate, Theme, sort_key

NOT_GIVEN = "non communiqué"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: not known (« non communiqué »)
    text: str  # the value as shown: « 12 », « 25 000 € », « non communiqué »
    share: float  # the bar's length, a share of the longest one (0 to 1)
    note: str = ""  # what the value leaves out (« montant connu pour 2 lauréats sur 3 »)


@dataclass(frozen=True)
class Chart:
    slug: str  # its anchor and the id of its title
    title: str
    label_header: str  # the data table's first column
    value_header: str
    bars: tuple[Bar, ...]


def label_figures(editions: Sequence[Edition], laureates: Sequence[Laureate], themes: Sequence[Theme],
                  contrats: Sequence[ContratDeVille], euros: Callable[[int], str]) -> tuple[Chart, ...]:
    """The charts of ``/chiffres/``, drafts left out; ``euros`` formats an amount (the templates' filter)."""
    editions = [e for e in editions if not e.draft]
    shown = {e.year for e in editions}
    published = [l for l in laureates if not l.draft and l.edition in shown]
    per_edition = {e.year: [l for l in published if l.edition == e.year] for e in editions}
    count = _number
    return (
        Chart("editions", "Lauréats par édition", "Édition", "Lauréats",
              _bars([(str(e.year), len(per_edition[e.year]), _announced(e, len(per_edition[e.year])))
                     for e in editions], count)),
        Chart("thematiques", "Lauréats par thématique", "Thématique", "Lauréats",
              _ranked([(t.name, sum(t.slug in {x.slug for x in l.themes} for l in published)) for t in themes], count)),
        Chart("contrats", "Lauréats par contrat de ville", "Contrat de ville", "Lauréats",
              _ranked([(c.name, sum(any(q.contrat_slug == c.slug for q in l.quartiers) for l in published))
                       for c in contrats], count)),
        Chart("communes", "Lauréats par commune", "Commune", "Lauréats",
              _ranked([(name, sum(name in l.communes for l in published))
                       for name in sorted({q.commune for c in contrats for q in c.quartiers}, key=sort_key)], count)),
        Chart("soutien", "Soutien du label par édition", "Édition", "Soutien",
              _bars([(str(e.year), *_support(e, per_edition[e.year])) for e in editions], euros)),
    )


def _support(edition: Edition, laureates: Sequence[Laureate]) -> tuple[int | None, str]:
    """The edition's support as its page gives it: its ``support_total``, else the sum of its laureates' known
    supports (and how many are known), else none."""
    if edition.support_total:
        return edition.support_total, ""
    known = [l.support for l in laureates if l.support]
    if not known:
        return None, ""
    note = f"montant connu pour {len(known)} lauréat{'s' if len(known) > 1 else ''} sur {len(laureates)}"
    return sum(known), note if len(known) < len(laureates) else ""


def _announced(edition: Edition, count: int) -> str:
    announced = edition.laureates_announced or 0
    return f"{announced} distingués, dont {count} présentés ici" if announced > count else ""


def _ranked(rows: Iterable[tuple[str, int]], text: Callable[[int], str]) -> tuple[Bar, ...]:
    """Largest first (ties by name), so the chart reads as a ranking."""
    return _bars([(label, value, "") for label, value in sorted(rows, key=lambda r: (-r[1], sort_key(r[0])))], text)


def _bars(rows: Sequence[tuple[str, int | None, str]], text: Callable[[int], str]) -> tuple[Bar, ...]:
    longest = max((value for _, value, _ in rows if value), default=0)
    return tuple(Bar(label, value, NOT_GIVEN if value is None else text(value),
                     value / longest if value and longest else 0.0, note) for label, value, note in rows)


def _number(value: int) -> str:
    """« 1 234 »: digit groups bound by a narrow no-break space (the Imprimerie nationale's rule)."""
    return f"{value:,}".replace(",", "\u202f")
