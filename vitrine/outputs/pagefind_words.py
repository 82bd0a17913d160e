"""Pagefind 1.5.2's words of a page (``fossick/mod.rs`` ``parse_digest``, ``fossick/splitting.rs``), in Python: from
what ``pagefind_html.py`` read, the page's fragment (its text, metadata, anchors) and each indexed word's
positions and weights, packed as Pagefind packs them (``pagefind_locations.py``), ready for ``pagefind_write.py``.

Each distinct word is split and stemmed once per process (``pagefind_stems.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from vitrine.outputs.pagefind_html import ReadPage, read_html
from vitrine.outputs.pagefind_locations import DEFAULT_WEIGHT, packed_locations
from vitrine.outputs.pagefind_stems import CACHES, KEYS, SEVERAL, indexable_words, stemmer
from vitrine.outputs.pagefind_text import WHITESPACE, normalize_content

_SPLIT = re.compile(f"[{WHITESPACE}]+")
_PRIVATE = re.compile(f"___PAGEFIND_[^{WHITESPACE}]+[{WHITESPACE}]?")
# The parser's markers in the digest (``_marker``): a word that starts with one. The pattern starts with « ___ »,
# which the regular expression engine looks for in C (then looks behind it for the word's start): nine times
# faster than trying a match at every character
_MARKER = re.compile(f"___(?<![^{WHITESPACE}]___)"
                     f"(?:PAGEFIND_ANCHOR|PAGEFIND_WEIGHT|PAGEFIND_AUTO_WEIGHT|END_PAGEFIND_WEIGHT)___[^{WHITESPACE}]*")
# A page's fragment as Pagefind writes it (serde_json: no spaces, characters as they are): one encoder for every
# page (``json.dumps`` with options makes one a call, a tenth of the fragment's cost)
_FRAGMENT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


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
    (U+001C–U+001F) that only Python counts as whitespace (looked for with ``in``: a pattern's search tries a
    class at each character, ten times slower)."""
    if "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text:
        return [word for word in _SPLIT.split(text) if word]
    return text.split()


def words_of(url: str, page: ReadPage) -> PageWords:
    stem = stemmer(page.language)
    cache = CACHES.setdefault(page.language, {})
    keys = KEYS.setdefault(page.language, {})
    several = SEVERAL.setdefault(page.language, {})
    content: list[str] = []  # the page's words in order: a word's position is its rank here
    anchors: list[dict] = []
    grouped: dict[str, list[int]] = {}  # most words: their key (``_learn``) → their positions, at the default weight
    positions: dict[str, list[tuple[int, int, str]]] = {}  # the others: stem → (position, weight, form)
    stack = [DEFAULT_WEIGHT]
    digest = page.digest
    start = 0
    # The digest's text between two markers (anchors, weights: a few a page) has one weight
    for marker in (*_MARKER.finditer(digest), None):
        words = split_words(digest[start:marker.start() if marker else len(digest)])
        if "\u200b" in digest:  # zero-width spaces are dropped, and a word of them only with them
            words = [word for word in (word.replace("\u200b", "") for word in words) if word]
        weight = stack[-1] if stack else 1  # Pagefind's ``last().unwrap_or(&1)``: more ends than starts
        if weight != DEFAULT_WEIGHT:  # a heading's words, and the like
            for position, word in enumerate(words, len(content)):
                if word not in cache:
                    _learn(word, stem, cache, keys, several)
                _place(word, position, weight, cache, positions)
        for position, word in enumerate(words if weight == DEFAULT_WEIGHT else (), len(content)):  # most: by key
            key = keys.get(word)
            if key is None and word not in cache:  # a word this process has not met yet: stemmed once
                _learn(word, stem, cache, keys, several)
                key = keys.get(word)
            if key is None:
                if (keyed := several.get(word)) is None:
                    _place(word, position, weight, cache, positions)  # its parts at their own weight
                    continue
                for key in keyed:  # a compound word (« l'année »), emoji: each of its keys
                    if (found := grouped.get(key)) is None:
                        grouped[key] = [position]
                    else:
                        found.append(position)
                continue
            found = grouped.get(key)
            if found is None:
                grouped[key] = [position]
            else:
                found.append(position)
        content += words
        if marker is None:
            break
        _marker(marker.group(), stack, anchors, page, len(content))
        start = marker.end()
    meta = {name: _PRIVATE.sub("", value) for name, value in page.meta.items()}
    filters = {name: [_PRIVATE.sub("", value) for value in values] for name, values in page.filters.items()}
    fields = sorted(meta)
    meta_positions: dict[str, list[tuple[int, int, str]]] = {}
    for field_id, name in enumerate(fields):
        for position, word in enumerate(split_words(meta[name])):
            indexable = cache.get(word) or _learn(word, stem, cache, keys, several)
            for stemmed, original, _compound in indexable[0]:
                meta_positions.setdefault(stemmed, []).append((field_id, position, original))
    word_count = max(len(content), 1)
    fragment = _FRAGMENT_JSON({"url": url, "content": " ".join(content), "word_count": word_count,
                               "filters": dict(sorted(filters.items())), "meta": {name: meta[name] for name in fields},
                               "anchors": anchors})
    packed = packed_locations(grouped, positions, meta_positions)
    return PageWords(url, page.language, fragment, word_count, page.has_custom_body, fields, filters,
                     packed.stems, packed.forms, packed.locs, packed.counts, packed.metas)


def _learn(word: str, stem, cache: dict, keys: dict[str, str],  # noqa: ANN001
           several: dict[str, tuple[str, ...]]) -> tuple:
    """Stem ``word`` once (``cache``), and keep its key, or keys, under which its positions at the default weight
    are grouped: its stem, or its stem and its form joined by a NUL (a word with diacritics), in ``keys`` when it
    indexes one (most words); in ``several``, those of a compound word with one part (« l'année »: « lanne » and
    « anne », both at the default weight) or of emoji, none for a word of punctuation. A word with more parts
    (its parts at a part of its weight) has neither: it is placed word by word (``_place``)."""
    known = cache[word] = indexable_words(word, stem)
    indexable, compounds = known
    found = tuple(f"{stemmed}\0{form}" if form else stemmed for stemmed, form, _compound in indexable)
    if len(found) == 1 and not compounds:
        keys[word] = found[0]
    elif compounds <= 1:  # a part's weight is then the word's (``_place``)
        several[word] = found
    return known


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


def _place(word: str, position: int, weight: int, cache: dict,
           positions: dict[str, list[tuple[int, int, str]]]) -> None:
    """A word not grouped: its stems' (position, weight, form) in ``positions``, a compound word's parts at a
    part of its weight."""
    indexable, compounds = cache[word]
    partial = max(1, weight // min(compounds, 255)) if compounds and weight > 0 else 0
    for stemmed, original, compound in indexable:
        positions.setdefault(stemmed, []).append((position, partial if compound else weight, original))
