"""A page's words packed as Pagefind packs them (``index/mod.rs``): each stem's and each of its variants' locations
in the page, CBOR-encoded (``pagefind_cbor.py``), with its locations in the page's metadata; from the positions
``pagefind_words.words_of`` found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import sub

from vitrine.outputs.pagefind_cbor import INTS, array_of, head

DEFAULT_WEIGHT = 24  # a weight of 1 (Pagefind multiplies by 24); 25 in the packed locations


@dataclass
class Packed:
    """A page's packed words, as parallel lists (what ``PageWords`` carries): each entry's stem, its form ("" for
    the stem's own entry), its content locations in CBOR and how many, and (by the entry's rank) its metadata
    locations when it has some."""

    stems: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    locs: list[bytes] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    metas: dict[int, list[int]] = field(default_factory=dict)

    def add(self, stemmed: str, form: str, locs: bytes, count: int, meta: list[int]) -> None:
        if meta:
            self.metas[len(self.stems)] = meta
        self.stems.append(stemmed)
        self.forms.append(form)
        self.locs.append(locs)
        self.counts.append(count)


def packed_locations(grouped: dict[str, list[int]], positions: dict[str, list[tuple[int, int, str]]],
                     meta_positions: dict[str, list[tuple[int, int, str]]]) -> Packed:
    """Each word's locations as Pagefind packs them for this page: its normal form ("") first, then its variants
    (content ones in order, then those only in metadata); the order of words is free (the bundle sorts them).
    ``grouped``'s keys of variants (stem NUL form), sorted, bring each stem's forms together in their order."""
    packed = Packed()
    runs_of: dict[str, list[tuple[str, list[int]]]] = {}  # a stem's forms at the default weight, when weighted too
    variants: dict[str, list[tuple[str, list[int]]]] = {}  # stem → its variants' runs, in the order of their forms
    for key in sorted(key for key in grouped if "\0" in key):
        stemmed, _, form = key.partition("\0")
        variants.setdefault(stemmed, []).append((form, grouped.pop(key)))
    # Most words: one form, at the default weight, not in the metadata; their columns filled here, not by ``add``
    stems, forms, locs, counts = packed.stems, packed.forms, packed.locs, packed.counts
    for stemmed, run in grouped.items():
        if stemmed in positions or stemmed in meta_positions or stemmed in variants:
            _pack_runs(packed, stemmed, [("", run), *variants.pop(stemmed, ())], positions, meta_positions, runs_of)
        else:
            stems.append(stemmed)
            forms.append("")
            locs.append(_default_locs(run))
            counts.append(len(run) + 1)
    for stemmed, runs in variants.items():
        _pack_runs(packed, stemmed, runs, positions, meta_positions, runs_of)
    for stemmed, found in positions.items():
        _pack(packed, stemmed, found, runs_of.get(stemmed, []), meta_positions.get(stemmed, ()))
    for stemmed, found in meta_positions.items():
        if stemmed not in positions:
            _pack(packed, stemmed, [], [], found)
    return packed


def _pack_runs(packed: Packed, stemmed: str, runs: list[tuple[str, list[int]]],
               positions: dict[str, list[tuple[int, int, str]]],
               meta_positions: dict[str, list[tuple[int, int, str]]],
               runs_of: dict[str, list[tuple[str, list[int]]]]) -> None:
    """One stem's grouped forms, packed at once (with its metadata locations, taken from ``meta_positions``), or
    left in ``runs_of`` for ``_pack`` when the stem is in ``positions`` too (weighted, or a compound word's part)."""
    if stemmed in positions:
        runs_of[stemmed] = runs
        return
    meta: dict[str, list[tuple[int, int]]] = {}
    for field_id, position, original in meta_positions.pop(stemmed, ()):
        meta.setdefault(original, []).append((field_id, position))
    if runs[0][0]:  # variants only: the stem's own entry without locations
        packed.add(stemmed, "", b"\x80", 0, _meta_locs(meta.pop("", [])) if meta else [])
    for form, run in runs:
        packed.add(stemmed, form, _default_locs(run), len(run) + 1, _meta_locs(meta.pop(form, [])) if meta else [])
    if meta:
        for form in sorted(meta):  # forms only in the metadata
            packed.add(stemmed, form, b"\x80", 0, _meta_locs(meta[form]))


class _DefaultHeads(dict):
    """A plain word's count of locations → its CBOR array's head and the default weight's mark."""

    def __missing__(self, count: int) -> bytes:
        encoded = self[count] = head(4, count + 1) + INTS[-DEFAULT_WEIGHT - 1]
        return encoded


_DEFAULT_HEAD = _DefaultHeads()


def _default_locs(run: list[int]) -> bytes:
    """Pagefind's locs of positions at the default weight, CBOR-encoded: the weight's mark, the first position,
    then each one's distance from the one before."""
    if len(run) == 1:  # a quarter of a page's words: without the maps and the join (a fifth of their cost)
        return _DEFAULT_HEAD[1] + INTS[run[0]]
    return _DEFAULT_HEAD[len(run)] + b"".join(map(INTS.__getitem__, map(sub, run, (0, *run))))


def _pack(packed: Packed, stemmed: str, positions: list[tuple[int, int, str]], runs: list[tuple[str, list[int]]],
          meta_positions: Sequence[tuple[int, int, str]]) -> None:
    """One word's locations: its normal form, then its variants. ``positions``: those placed one by one (position,
    weight, form); ``runs``: its forms' positions at the default weight, grouped and in order ((form, run))."""
    weights: dict[str, dict[int, list[int]]] = {}  # form → weight → its positions
    for position, weight, original in positions:
        by_weight = weights.setdefault(original, {})
        if (found := by_weight.get(weight)) is None:
            by_weight[weight] = [position]
        else:
            found.append(position)
    for form, run in runs:
        by_weight = weights.setdefault(form, {})
        found = by_weight.get(DEFAULT_WEIGHT)
        by_weight[DEFAULT_WEIGHT] = run if found is None else found + run
    if not meta_positions and len(weights) == 1:  # one form
        form, by_weight = next(iter(weights.items()))
        locs = _locs(by_weight, form, positions, runs)
        packed.add(stemmed, "", b"\x80" if form else array_of(locs), 0 if form else len(locs), [])
        if form:
            packed.add(stemmed, form, array_of(locs), len(locs), [])
        return
    meta: dict[str, list[tuple[int, int]]] = {}
    for field_id, position, original in meta_positions:
        meta.setdefault(original, []).append((field_id, position))
    for form in ["", *sorted(weights.keys() - {""}), *sorted(meta.keys() - weights.keys() - {""})]:
        locs = _locs(weights[form], form, positions, runs) if form in weights else []
        packed.add(stemmed, form, array_of(locs), len(locs), _meta_locs(meta.get(form, [])))


def _locs(by_weight: dict[int, list[int]], form: str, positions: list[tuple[int, int, str]],
          runs: list[tuple[str, list[int]]]) -> list[int]:
    """A form's locations as Pagefind packs them: sorted by weight (25 as if 0), then position; a weight's mark
    before its first position, then each position's distance from the one before. Taken a weight at a time (a
    weight's positions sorted as integers; runs come sorted), not sorted whole by a key function (a Python call a
    location). Weights 0 and 25 together sort as one (their ties in the order they came): then as Pagefind does."""
    if 0 in by_weight and 25 in by_weight:
        return _locs_in_order([(position, weight) for position, weight, original in positions if original == form]
                              + [(position, DEFAULT_WEIGHT) for original, run in runs if original == form
                                 for position in run])
    locs: list[int] = []
    current, last = 25, 0
    for weight in sorted(by_weight, key=_sort_weight) if len(by_weight) > 1 else by_weight:
        group = by_weight[weight]
        if len(group) > 1:
            group.sort()
        if weight != current:
            locs += (-weight - 1, group[0])
            current = weight
        else:
            locs.append(group[0] - last)
        if len(group) > 1:
            locs += map(sub, group[1:], group)
        last = group[-1]
    return locs


def _sort_weight(weight: int) -> int:
    return 0 if weight == 25 else weight


def _locs_in_order(positions: list[tuple[int, int]]) -> list[int]:
    if len(positions) == 1:
        position, weight = positions[0]
        return [position] if weight == 25 else [-weight - 1, position]
    positions.sort(key=lambda p: (0 if p[1] == 25 else p[1], p[0]))
    weight, last, locs = 25, 0, []
    for position, this_weight in positions:
        if this_weight != weight:
            locs += (-this_weight - 1, position)
            weight = this_weight
        else:
            locs.append(position - last)
        last = position
    return locs


def _meta_locs(positions: list[tuple[int, int]]) -> list[int]:
    positions.sort()
    field, last, locs = -1, 0, []
    for field_id, position in positions:
        if field_id != field:
            locs.append(-field_id - 1)
            field, last = field_id, 0
        locs.append(position - last)
        last = position
    return locs
