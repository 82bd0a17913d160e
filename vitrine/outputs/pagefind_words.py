"""Pagefind 1.5.2's words of a page (``fossick/mod.rs`` ``parse_digest``, ``fossick/splitting.rs``), in Python: from
what ``pagefind_html.py`` read, the page's fragment (its text, metadata, anchors) and each indexed word's
positions and weights, packed as Pagefind packs them (``index/mod.rs``), ready for ``pagefind_write.py``.

Words are stemmed by the Snowball stemmers of PyStemmer 3.0.0, the Snowball 3.0 that ``pagefind_stem`` 1.0 was
generated from (French here); each distinct word is split and stemmed once per process (``indexable_words``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from vitrine.errors import SearchIndexError
from vitrine.outputs.pagefind_html import WHITESPACE, ReadPage, normalize_content, read_html

WORD_SYMBOLS = "_\u203f\u2040\u2054\ufe33\ufe34\ufe4d\ufe4e\ufe4f\uff3f"  # Pagefind's include_characters
STEMMERS = {"ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
            "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french", "de": "german",
            "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
            "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nn": "norwegian", "no": "norwegian",
            "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "pl": "polish", "es": "spanish",
            "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish"}
DEFAULT_WEIGHT = 24  # a weight of 1 (Pagefind multiplies by 24); 25 in the packed locations
_SPLIT = re.compile(f"[{WHITESPACE}]+")
_PRIVATE = re.compile(f"___PAGEFIND_[^{WHITESPACE}]+[{WHITESPACE}]?")
_ASCII_PUNCTUATION = re.compile("[!-/:-@\\[-`{-~]")
_JOINED = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = re.compile("[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf\u2934\u2935"
                    "\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]")
_EMOJI_CLUSTER = re.compile(f"{_EMOJI.pattern}[{_JOINED}]*(?:\u200d{_EMOJI.pattern}[{_JOINED}]*)*")


@dataclass
class PageWords:
    """A page as Pagefind indexes it: its fragment (JSON, as Pagefind writes it), its word count, its language,
    its metadata's field names (sorted: the local ids of ``meta_locs``), and each word's packed locations:
    (stem, diacritics variant or "", content locations, metadata locations)."""

    url: str
    language: str
    fragment: str
    word_count: int
    has_custom_body: bool
    meta_fields: list[str]
    words: list[tuple[str, str, list[int], list[int]]]
    filters: dict[str, list[str]]


def page_words(url: str, html: str) -> PageWords:
    return words_of(url, read_html(html))


def words_of(url: str, page: ReadPage) -> PageWords:
    stem = _stemmer(page.language)
    cache = _CACHES.setdefault(page.language, {})
    simple = _SIMPLE.setdefault(page.language, {})
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
            weight = stack[-1]
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
    return PageWords(url, page.language, fragment, word_count, page.has_custom_body, fields,
                     _packed(plain, positions, meta_positions), filters)


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
        stack.append(0 if weight <= 0 else max(1, int(min(max(weight, 0.0), 10.0) * 24)))
        return True
    if word.startswith("___PAGEFIND_AUTO_WEIGHT___"):
        weight = _float(word.replace("___PAGEFIND_AUTO_WEIGHT___", ""))
        stack.append(int(min(max(weight, 0.0), 10.0) * 24) if len(stack) == 1 else stack[-1])
        return True
    if word.startswith("___END_PAGEFIND_WEIGHT___"):
        if stack:
            stack.pop()
        if not stack:  # Pagefind's ``last().unwrap_or(&1)``
            stack.append(1)
        return True
    return False


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 1.0


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


@lru_cache(maxsize=1)
def stemmer_version() -> str:
    """PyStemmer's version: the stems, hence the words kept between builds, depend on it."""
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("PyStemmer")
    except metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=None)
def _stemmer(language: str):  # noqa: ANN202 - a stemming function, or None (one per language: the cache's key)
    name = STEMMERS.get(language.split("-")[0])
    if name is None:
        return None
    try:
        import Stemmer  # noqa: PLC0415 - PyStemmer: only the index needs it
    except ImportError as exc:
        raise SearchIndexError("PyStemmer est introuvable : l'index de recherche ne peut pas être construit. "
                               "Installez-le avec « pip install PyStemmer==3.0.0 ».") from exc

    return Stemmer.Stemmer(name).stemWord


_CACHES: dict[str, dict[str, tuple]] = {}  # language → word → ``indexable_words``: stemmed once per process
_SIMPLE: dict[str, dict[str, str]] = {}  # language → word → its stem, when that is all it indexes (most words)


def indexable_words(raw: str, stem) -> tuple[tuple[tuple[str, str, bool], ...], int]:  # noqa: ANN001
    """``get_indexable_words``: (stem, the form with its diacritics or "", whether a part of a compound word), and
    how many compound parts."""
    normalized = "".join(_lowered(c) for c in raw if c.isalnum() or c in WORD_SYMBOLS)
    found: list[tuple[str, str, bool]] = []
    if normalized:
        plain = _without_diacritics(normalized)
        found.append((stem(plain or normalized) if stem else plain or normalized, normalized if plain else "", False))
    if not (any(not c.isalnum() for c in raw) or any(c.isupper() for c in raw[1:])):
        return tuple(found), 0
    parts = _discrete_words(raw)
    compounds = 0
    if normalized and (" " in parts or not normalized.startswith(parts)):
        for part in parts.split():
            if len(part.encode("utf-8")) > 1:
                plain = _without_diacritics(part)
                found.append((stem(plain or part) if stem else plain or part, part if plain else "", True))
                compounds += 1
    found += [(extra, "", False) for extra in _emoji(raw)]
    return tuple(found), compounds


def _lowered(c: str) -> str:
    if "A" <= c <= "Z":
        return chr(ord(c) + 32)
    return c.lower() if c.isupper() else c


def _without_diacritics(word: str) -> str:
    """The word without its combining marks, or "" when that is the word itself."""
    if word.isascii():
        return ""
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.category(c).startswith("M"))
    return plain if plain != word else ""


def _discrete_words(raw: str) -> str:
    """``get_discrete_words``: ASCII punctuation made spaces, then convert_case's ``to_case(Case::Lower)``, which
    also splits at its default boundaries: lower→upper, an acronym's last capital before lower case, letters↔digits."""
    words = []
    for chunk in _ASCII_PUNCTUATION.sub(" ", raw).split():
        start = 0
        for i in range(1, len(chunk)):
            a, b = chunk[i - 1], chunk[i]
            after = chunk[i + 1] if i + 1 < len(chunk) else ""
            if (a.islower() and b.isupper()) or (a.isupper() and b.isupper() and after.islower()) \
                    or (a.isdigit() and b.isalpha()) or (a.isalpha() and b.isdigit()):
                words.append(chunk[start:i])
                start = i
        words.append(chunk[start:])
    return " ".join(word.lower() for word in words if word)


def _emoji(raw: str) -> list[str]:
    """The emoji of ``raw``, each with what joins it in one grapheme (variation selector, skin tone, ZWJ
    sequence, tags): what Pagefind finds with ``\\p{Emoji}`` and the ``emojis`` crate (approximated by ranges)."""
    return _EMOJI_CLUSTER.findall(raw) if _EMOJI.search(raw) else []
