"""Pagefind 1.5.2's words of a page (``fossick/mod.rs`` ``parse_digest``, ``fossick/splitting.rs``), in Python: from
what ``pagefind_html.py`` read, the page's fragment (its text, metadata, anchors) and each indexed word's
positions and weights, packed as Pagefind packs them (``index/mod.rs``), ready for ``pagefind_write.py``.

Each distinct word is split and stemmed once per process (``pagefind_stems.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from vitrine.outputs.pagefind_cbor import array_of
from vitrine.outputs.pagefind_html import ReadPage, read_html
from vitrine.outputs.pagefind_stems import CACHES, SIMPLE, indexable_words, stemmer
from vitrine.outputs.pagefind_text import WHITESPACE, normalize_content

DEFAULT_WEIGHT = 24  # a weight of 1 (Pagefind multiplies by 24); 25 in the packed locations
_SPLIT = re.compile(f"[{WHITESPACE}]+")
_PRIVATE = re.compile(f"___PAGEFIND_[^{WHITESPACE}]+[{WHITESPACE}]?")


@dataclass
class PageWords:
    """A page as Pagefind indexes it: its fragment (JSON, as Pagefind writes it), its word count, its language,
    its metadata's field names (sorted: the local ids of ``meta_locs``), and each word's packed locations, as
    parallel lists (pickled and unpickled several times faster than a list of tuples)."""

    url: str
    language: str
    fragment: str
    word_count: int
    has_custom_body: bool
    meta_fields: list[str]
    filters: dict[str, list[str]]
    stems: list[str]  # per packed word: its stem,
    forms: list[str]  # the variant it is ("" for the stem's own entry),
    locs: list[bytes]  # its content locations, CBOR-encoded (here, in the render workers, not in the index's process)
    counts: list[int]  # how many locations,
    metas: dict[int, list[int]]  # and its metadata locations, when it has some (by its rank in ``stems``)


def page_words(url: str, html: str) -> PageWords:
    return words_of(url, read_html(html))


def words_of(url: str, page: ReadPage) -> PageWords:
    stem = stemmer(page.language)
    cache = CACHES.setdefault(page.language, {})
    simple = SIMPLE.setdefault(page.language, {})
    content: list[str] = []
    anchors: list[dict] = []
    plain: dict[str, list[int]] = {}  # the common case: stem → position × 256 + weight of its plain words
    positions: dict[str, list[tuple[int, int, str]]] = {}  # the others: variants, compound words' parts
    stack = [DEFAULT_WEIGHT]
    weight = DEFAULT_WEIGHT
    index = last = 0
    for word in _SPLIT.split(page.digest):
        if not word:
            continue
        if word[0] == "_" and _marker(word, stack, anchors, page, index):
            weight = stack[-1] if stack else 1  # Pagefind's ``last().unwrap_or(&1)``: more ends than starts
            continue
        if "\u200b" in word:
            word = word.replace("\u200b", "")
            if not word:
                continue
        content.append(word)
        stemmed = simple.get(word)
        if stemmed is None:
            known = cache.get(word)
            if known is None:
                known = cache[word] = indexable_words(word, stem)
                if len(known[0]) == 1 and not known[1] and not known[0][0][1]:
                    simple[word] = known[0][0][0]
            indexable, compounds = known
            if len(indexable) != 1 or compounds or indexable[0][1]:
                partial = max(1, weight // min(compounds, 255)) if compounds and weight > 0 else 0
                for stemmed, original, compound in indexable:
                    positions.setdefault(stemmed, []).append((index, partial if compound else weight, original))
                last = index
                index += 1
                continue
            stemmed = indexable[0][0]
        found = plain.get(stemmed)
        if found is None:
            plain[stemmed] = [index * 256 + weight]
        else:
            found.append(index * 256 + weight)
        last = index
        index += 1
    for stemmed, codes in plain.items():
        if stemmed in positions:
            positions[stemmed] += [(code >> 8, code & 255, "") for code in codes]
    meta = {name: _PRIVATE.sub("", value) for name, value in page.meta.items()}
    filters = {name: [_PRIVATE.sub("", value) for value in values] for name, values in page.filters.items()}
    fields = sorted(meta)
    meta_positions: dict[str, list[tuple[int, int, str]]] = {}
    for field_id, name in enumerate(fields):
        for position, word in enumerate(w for w in _SPLIT.split(meta[name]) if w):
            known = cache.get(word)
            if known is None:
                known = cache[word] = indexable_words(word, stem)
            for stemmed, original, _compound in known[0]:
                meta_positions.setdefault(stemmed, []).append((field_id, position, original))
    text = " ".join(content)
    word_count = last + 1
    fragment = json.dumps({"url": url, "content": text, "word_count": word_count,
                           "filters": dict(sorted(filters.items())), "meta": {name: meta[name] for name in fields},
                           "anchors": anchors}, ensure_ascii=False, separators=(",", ":"))
    packed = _packed(plain, positions, meta_positions)
    return PageWords(url, page.language, fragment, word_count, page.has_custom_body, fields, filters,
                     [entry[0] for entry in packed], [entry[1] for entry in packed],
                     [array_of(entry[2]) for entry in packed], [len(entry[2]) for entry in packed],
                     {i: entry[3] for i, entry in enumerate(packed) if entry[3]})


def _marker(word: str, stack: list[int], anchors: list[dict], page: ReadPage, index: int) -> bool:
    """Handle a marker the parser left in the text (anchor, weight): True when ``word`` was one."""
    if word.startswith("___PAGEFIND_ANCHOR___"):
        rest = word.replace("___PAGEFIND_ANCHOR___", "")
        if ":" in rest:
            element, anchor_id = rest.split(":", 1)
            text = normalize_content(page.anchor_content.get(anchor_id, ""))
            if ":" in anchor_id:
                anchors.append({"element": element, "id": anchor_id.split(":", 1)[1],
                                "text": normalize_content(text), "location": index})
        return True
    if word.startswith("___PAGEFIND_WEIGHT___"):
        weight = _float(word.replace("___PAGEFIND_WEIGHT___", ""))
        stack.append(0 if weight <= 0 else max(1, int(_clamped(weight) * 24)))
        return True
    if word.startswith("___PAGEFIND_AUTO_WEIGHT___"):
        weight = _float(word.replace("___PAGEFIND_AUTO_WEIGHT___", ""))
        # inside a weighted element, its weight; after more ends than starts (an editor's markers), 0
        stack.append(int(_clamped(weight) * 24) if len(stack) == 1 else stack[-1] if stack else 0)
        return True
    if word.startswith("___END_PAGEFIND_WEIGHT___"):
        if stack:
            stack.pop()
        return True
    return False


# What Rust's ``str::parse::<f32>`` accepts (Python's ``float`` also takes « 1_0 », spaces and other scripts' digits)
_RUST_FLOAT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)", re.I | re.A)


def _float(text: str) -> float:
    """A marker's weight as Pagefind reads it (1 when unreadable): an editor may type a marker in a body."""
    return float(text) if _RUST_FLOAT.fullmatch(text) else 1.0


def _clamped(weight: float) -> float:
    """Rust's ``weight.max(0.0).min(10.0)``: NaN gives 0 (Python's ``max`` would keep it, and ``int`` refuse it)."""
    return 0.0 if weight != weight else min(max(weight, 0.0), 10.0)


def _packed(plain: dict[str, list[int]], positions: dict[str, list[tuple[int, int, str]]],
            meta_positions: dict[str, list[tuple[int, int, str]]]) -> list[tuple[str, str, list[int], list[int]]]:
    """Each word's locations as Pagefind packs them for this page: (stem, variant, locs, meta_locs), the normal
    form ("") first, then its variants (content ones in order, then those only in metadata)."""
    packed = []
    for stemmed, codes in plain.items():
        if stemmed in positions or stemmed in meta_positions:
            continue
        weight = codes[0] & 255
        if all(code & 255 == weight for code in codes):  # one weight (most words): positions in order already
            locs = [] if weight == 25 else [-weight - 1]
            last = 0
            for code in codes:
                locs.append((code >> 8) - last)
                last = code >> 8
            if weight != 25:
                locs[1] = codes[0] >> 8
            packed.append((stemmed, "", locs, []))
        else:
            packed.append((stemmed, "", _locs([(code >> 8, code & 255) for code in codes]), []))
    for stemmed, found in positions.items():
        _pack(packed, stemmed, found, meta_positions.get(stemmed, ()))
    for stemmed, found in meta_positions.items():
        if stemmed not in positions:
            _pack(packed, stemmed, [(code >> 8, code & 255, "") for code in plain.get(stemmed, ())], found)
    return packed


def _pack(packed: list, stemmed: str, positions, meta_positions) -> None:  # noqa: ANN001
    """One word's locations: its normal form, then its variants."""
    if not meta_positions and len({original for _, _, original in positions}) == 1:  # one form (most words)
        form = positions[0][2]
        locs = _locs([(position, weight) for position, weight, _ in positions])
        packed.append((stemmed, "", [] if form else locs, []))
        if form:
            packed.append((stemmed, form, locs, []))
        return
    content: dict[str, list[tuple[int, int]]] = {}
    for position, weight, original in positions:
        content.setdefault(original, []).append((position, weight))
    meta: dict[str, list[tuple[int, int]]] = {}
    for field_id, position, original in meta_positions:
        meta.setdefault(original, []).append((field_id, position))
    packed.append((stemmed, "", _locs(content.pop("", [])), _meta_locs(meta.pop("", []))))
    for form in sorted(content) + sorted(meta.keys() - content.keys()):
        packed.append((stemmed, form, _locs(content.get(form, [])), _meta_locs(meta.get(form, []))))


def _locs(positions: list[tuple[int, int]]) -> list[int]:
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
