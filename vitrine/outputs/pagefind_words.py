"""Pagefind 1.5.2's words of a page (``fossick/mod.rs`` ``parse_digest``, ``fossick/splitting.rs``), in Python: from
what ``pagefind_html.py`` read, the page's fragment (its text, metadata, anchors) and each indexed word's
positions and weights, packed as Pagefind packs them (``index/mod.rs``), ready for ``pagefind_write.py``.

Each distinct word is split and stemmed once per process (``pagefind_stems.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from operator import sub

from vitrine.outputs.pagefind_cbor import INTS, array_of, head
from vitrine.outputs.pagefind_html import ReadPage, read_html
from vitrine.outputs.pagefind_stems import CACHES, SIMPLE, VARIANTS, indexable_words, stemmer
from vitrine.outputs.pagefind_text import WHITESPACE, normalize_content

DEFAULT_WEIGHT = 24  # a weight of 1 (Pagefind multiplies by 24); 25 in the packed locations
_SPLIT = re.compile(f"[{WHITESPACE}]+")
_PRIVATE = re.compile(f"___PAGEFIND_[^{WHITESPACE}]+[{WHITESPACE}]?")
_PYTHON_ONLY_SPACES = re.compile("[\x1c-\x1f]")
# The parser's markers in the digest (``_marker``): a word that starts with one. The pattern starts with « ___ »,
# which the regular expression engine looks for in C (then looks behind it for the word's start): nine times
# faster than trying a match at every character
_MARKER = re.compile(f"___(?<![^{WHITESPACE}]___)"
                     f"(?:PAGEFIND_ANCHOR|PAGEFIND_WEIGHT|PAGEFIND_AUTO_WEIGHT|END_PAGEFIND_WEIGHT)___[^{WHITESPACE}]*")


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


def split_words(text: str) -> list[str]:
    """Rust's ``split_whitespace``: Python's ``str.split()`` (fast, in C) but for the four information separators
    (U+001C–U+001F) that only Python counts as whitespace."""
    return [word for word in _SPLIT.split(text) if word] if _PYTHON_ONLY_SPACES.search(text) else text.split()


def words_of(url: str, page: ReadPage) -> PageWords:
    stem = stemmer(page.language)
    cache = CACHES.setdefault(page.language, {})
    simple = SIMPLE.setdefault(page.language, {})
    variants = VARIANTS.setdefault(page.language, {})
    content: list[str] = []
    anchors: list[dict] = []
    plain: dict[str, list[int]] = {}  # the common case: stem → positions of its plain words at the default weight
    positions: dict[str, list[tuple[int, int, str]]] = {}  # the others: variants, compound words' parts, weighted
    stack = [DEFAULT_WEIGHT]
    index = 0
    digest = page.digest
    start = 0
    # The digest's text between two markers (anchors, weights: a few a page) has one weight: it is split and
    # stemmed a run of words at a time, most of each run in C (the split, the stems known, the positions)
    for marker in (*_MARKER.finditer(digest), None):
        words = split_words(digest[start:marker.start() if marker else len(digest)])
        if "\u200b" in digest:  # zero-width spaces are dropped, and a word of them only with them
            words = [word for word in (word.replace("\u200b", "") for word in words) if word]
        content += words
        weight = stack[-1] if stack else 1  # Pagefind's ``last().unwrap_or(&1)``: more ends than starts
        for position, word in enumerate(words, index):
            stemmed = simple.get(word)
            if stemmed is None:
                variant = variants.get(word)  # a word with diacritics (a fifth of French words): its stem and form
                if variant is not None:
                    positions.setdefault(variant[0], []).append((position, weight, variant[1]))
                    continue
                stemmed = _other_word(word, position, weight, stem, cache, simple, variants, positions)
                if stemmed is None:
                    continue
            if weight == DEFAULT_WEIGHT:
                found = plain.get(stemmed)
                if found is None:
                    plain[stemmed] = [position]
                else:
                    found.append(position)
            else:
                positions.setdefault(stemmed, []).append((position, weight, ""))
        index += len(words)
        if marker is None:
            break
        _marker(marker.group(), stack, anchors, page, index)
        start = marker.end()
    meta = {name: _PRIVATE.sub("", value) for name, value in page.meta.items()}
    filters = {name: [_PRIVATE.sub("", value) for value in values] for name, values in page.filters.items()}
    fields = sorted(meta)
    meta_positions: dict[str, list[tuple[int, int, str]]] = {}
    for field_id, name in enumerate(fields):
        for position, word in enumerate(split_words(meta[name])):
            known = cache.get(word)
            if known is None:
                known = cache[word] = indexable_words(word, stem)
            for stemmed, original, _compound in known[0]:
                meta_positions.setdefault(stemmed, []).append((field_id, position, original))
    text = " ".join(content)
    word_count = max(index, 1)
    fragment = json.dumps({"url": url, "content": text, "word_count": word_count,
                           "filters": dict(sorted(filters.items())), "meta": {name: meta[name] for name in fields},
                           "anchors": anchors}, ensure_ascii=False, separators=(",", ":"))
    stems: list[str] = []
    forms: list[str] = []
    locs: list[bytes] = []
    counts: list[int] = []
    metas: dict[int, list[int]] = {}
    for stemmed, form, word_locs, meta_locs in _packed(plain, positions, meta_positions):
        if meta_locs:
            metas[len(stems)] = meta_locs
        stems.append(stemmed)
        forms.append(form)
        if isinstance(word_locs, bytes):  # encoded already, with its count
            locs.append(word_locs)
            counts.append(len(plain[stemmed]) + 1)
        else:
            locs.append(array_of(word_locs))
            counts.append(len(word_locs))
    return PageWords(url, page.language, fragment, word_count, page.has_custom_body, fields, filters,
                     stems, forms, locs, counts, metas)


def _other_word(word: str, position: int, weight: int, stem, cache: dict, simple: dict,  # noqa: ANN001
                variants: dict, positions: dict[str, list[tuple[int, int, str]]]) -> str | None:
    """A word not yet known to be plain or a mere variant: its stem if it is plain (kept so in ``simple``), else
    None, its forms and compound parts put in ``positions`` (a mere variant kept so in ``variants``)."""
    known = cache.get(word)
    if known is None:
        known = cache[word] = indexable_words(word, stem)
    indexable, compounds = known
    if len(indexable) == 1 and not compounds:
        stemmed, form, _compound = indexable[0]
        if not form:
            simple[word] = stemmed
            return stemmed
        variants[word] = (stemmed, form)
        positions.setdefault(stemmed, []).append((position, weight, form))
        return None
    partial = max(1, weight // min(compounds, 255)) if compounds and weight > 0 else 0
    for stemmed, original, compound in indexable:
        positions.setdefault(stemmed, []).append((position, partial if compound else weight, original))
    return None


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
            meta_positions: dict[str, list[tuple[int, int, str]]]) -> list[tuple[str, str, bytes | list[int], list[int]]]:
    """Each word's locations as Pagefind packs them for this page: (stem, variant, locs, meta_locs), the normal
    form ("") first, then its variants (content ones in order, then those only in metadata). A plain word's
    locs (most words: one form, the default weight) come CBOR-encoded already."""
    packed: list[tuple[str, str, bytes | list[int], list[int]]] = []
    for stemmed, found in plain.items():
        if stemmed in positions:
            positions[stemmed] += [(position, DEFAULT_WEIGHT, "") for position in found]
        elif stemmed not in meta_positions:
            # Pagefind's locs: the weight's mark, the first position, then each one's distance from the one before
            packed.append((stemmed, "", _DEFAULT_HEAD[len(found)] + b"".join(
                map(INTS.__getitem__, map(sub, found, (0, *found)))), []))
    for stemmed, found in positions.items():
        _pack(packed, stemmed, found, meta_positions.get(stemmed, ()))
    for stemmed, found in meta_positions.items():
        if stemmed not in positions:
            _pack(packed, stemmed, [(position, DEFAULT_WEIGHT, "") for position in plain.get(stemmed, ())], found)
    return packed


class _DefaultHeads(dict):
    """A plain word's count of locations → its CBOR array's head and the default weight's mark."""

    def __missing__(self, count: int) -> bytes:
        encoded = self[count] = head(4, count + 1) + INTS[-DEFAULT_WEIGHT - 1]
        return encoded


_DEFAULT_HEAD = _DefaultHeads()


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
