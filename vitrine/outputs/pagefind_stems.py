"""A word's indexable forms and stems as Pagefind 1.5.2 makes them (``fossick/splitting.rs``
``get_indexable_words``): lower-cased letters and digits, the form without diacritics (« été » indexed as « ete »,
its own form kept as a variant), the parts of a compound word (« Sainte-Rive », « WKWebView », « youtube.com »),
emoji; stemmed by the Snowball stemmers of PyStemmer 3.0.0, the Snowball 3.0 that ``pagefind_stem`` 1.0 was
generated from (``STEMMERS``: the languages Pagefind stems).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from vitrine.errors import SearchIndexError
from vitrine.outputs.pagefind_unicode import EMOJI_CLASS, OTHER_ALPHABETIC

WORD_SYMBOLS = "_\u203f\u2040\u2054\ufe33\ufe34\ufe4d\ufe4e\ufe4f\uff3f"  # Pagefind's include_characters
STEMMERS = {"ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish", "nl": "dutch",
            "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish", "fr": "french", "de": "german",
            "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian",
            "lt": "lithuanian", "nb": "norwegian", "ne": "nepali", "nn": "norwegian", "no": "norwegian",
            "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "pl": "polish", "es": "spanish",
            "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish"}
# A word's characters kept besides ``str.isalnum``'s: Pagefind keeps Rust's ``char::is_alphanumeric`` ones, which
# Unicode's Other_Alphabetic adds to (« ⓐ », Indic vowel signs, Arabic short vowels), and its include_characters
_KEPT = frozenset(WORD_SYMBOLS) | OTHER_ALPHABETIC
_ASCII_PUNCTUATION = re.compile("[!-/:-@\\[-`{-~]")
_JOINED = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = re.compile(f"[{EMOJI_CLASS}\U0001f1e6-\U0001f1ff]")  # a word that may hold one (a flag's letters too)
# An emoji's first character (a lone regional indicator is none: two of them are a flag, one grapheme), and what may
# follow a zero-width joiner (a hair style: « 👨‍🦰 »)
_ONE = f"[{EMOJI_CLASS}]"
_AFTER_JOINER = f"[{EMOJI_CLASS}\U0001f9b0-\U0001f9b3]"
# What extends the character before it in a grapheme besides marks: joiners, skin tones, tags
_EXTENDING = frozenset("\u200c\u200d" + "".join(map(chr, [*range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)])))
_KEYCAP = "\u20e3"  # « 1️⃣ », « #️⃣ »: one grapheme, an emoji, though its first character is a digit or « # »
_EMOJI_CLUSTER = re.compile("[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators, one grapheme
                            f"|[#*0-9]\ufe0f?{_KEYCAP}|{_ONE}[{_JOINED}]*(?:\u200d{_AFTER_JOINER}[{_JOINED}]*)*")


@lru_cache(maxsize=1)
def stemmer_version() -> str:
    """PyStemmer's version: the stems, hence the words kept between builds, depend on it."""
    from importlib import metadata  # noqa: PLC0415

    try:
        return metadata.version("PyStemmer")
    except metadata.PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=None)
def stemmer(language: str):  # noqa: ANN202 - a stemming function, or None (one per language: the cache's key)
    name = STEMMERS.get(language.split("-")[0])
    if name is None:
        return None
    try:
        import Stemmer  # noqa: PLC0415 - PyStemmer: only the index needs it
    except ImportError as exc:
        raise SearchIndexError("PyStemmer est introuvable : l'index de recherche ne peut pas être construit. "
                               "Installez-le avec « pip install PyStemmer==3.0.0 ».") from exc

    return Stemmer.Stemmer(name).stemWord


CACHES: dict[str, dict[str, tuple]] = {}  # language → word → ``indexable_words``: stemmed once per process
# language → word → its key when it indexes one form of one stem (most words): its stem, or stem NUL form
KEYS: dict[str, dict[str, str]] = {}
SEVERAL: dict[str, dict[str, tuple[str, ...]]] = {}  # language → word → its keys, when several at one weight


def indexable_words(raw: str, stem) -> tuple[tuple[tuple[str, str, bool], ...], int]:  # noqa: ANN001
    """``get_indexable_words``: (stem, the form with its diacritics or "", whether a part of a compound word), and
    how many compound parts."""
    normalized = "".join(_lowered(c) for c in raw if c.isalnum() or c in _KEPT)
    found: list[tuple[str, str, bool]] = []
    if normalized:
        plain = _without_diacritics(normalized)
        if plain is None:  # no diacritics: the word itself
            found.append((stem(normalized) if stem else normalized, "", False))
        else:  # the word without them (« » for a word of marks alone, as Pagefind has it), and its own form
            found.append((stem(plain) if stem else plain, normalized, False))
    if not (any(not c.isalnum() and c not in OTHER_ALPHABETIC for c in raw) or any(c.isupper() for c in raw[1:])):
        return tuple(found), 0
    parts = _discrete_words(raw)
    compounds = 0
    if normalized and (" " in parts or not normalized.startswith(parts)):
        for part in parts.split():
            if len(part.encode("utf-8")) > 1:
                plain = _without_diacritics(part)
                found.append((stem(part if plain is None else plain) if stem else part if plain is None else plain,
                              "" if plain is None else part, True))
                compounds += 1
    found += [(extra, "", False) for extra in _emoji(raw)]
    return tuple(found), compounds


def _lowered(c: str) -> str:
    if "A" <= c <= "Z":
        return chr(ord(c) + 32)
    return c.lower() if c.isupper() else c


def _without_diacritics(word: str) -> str | None:
    """The word without its combining marks, or None when that is the word itself."""
    if word.isascii():
        return None
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.category(c).startswith("M"))
    return plain if plain != word else None


def _discrete_words(raw: str) -> str:
    """``get_discrete_words``: ASCII punctuation made spaces, then convert_case's ``to_case(Case::Lower)``, which
    also splits at its default boundaries, between graphemes: lower→upper, an acronym's last capital before lower
    case, letters↔digits."""
    words = []
    for chunk in _ASCII_PUNCTUATION.sub(" ", raw).split():
        graphemes = _graphemes(chunk)
        start = 0
        for i in range(1, len(graphemes)):
            a, b = graphemes[i - 1], graphemes[i]
            after = graphemes[i + 1] if i + 1 < len(graphemes) else ""
            if (_lower(a) and _upper(b)) or (_upper(a) and _upper(b) and _lower(after)) \
                    or (_digit(a) and (_upper(b) or _lower(b))) or ((_upper(a) or _lower(a)) and _digit(b)):
                words.append("".join(graphemes[start:i]))
                start = i
        words.append("".join(graphemes[start:]))
    return " ".join(word.lower() for word in words if word)


def _graphemes(chunk: str) -> list[str]:
    """``chunk``'s characters, each with the marks, joiners, skin tones and tags that extend it (and what a zero-width
    joiner joins to it) in one grapheme: the unit convert_case reads (« 1ܲ » is no digit, « Éࣝ » a capital)."""
    if chunk.isascii():
        return list(chunk)
    graphemes: list[str] = []
    for c in chunk:
        if graphemes and (unicodedata.category(c)[0] == "M" or c in _EXTENDING or graphemes[-1][-1] == "\u200d"):
            graphemes[-1] += c
        else:
            graphemes.append(c)
    return graphemes


def _upper(c: str) -> bool:
    """convert_case's upper case: a letter that has a lower case, and is its own upper case (« 𝐵 », a mathematical
    letter, is none: ``str.isupper`` says it is)."""
    return c.upper() != c.lower() and c == c.upper()


def _lower(c: str) -> bool:
    return c.upper() != c.lower() and c == c.lower()


def _digit(c: str) -> bool:
    """convert_case's digit: ASCII's (« ௭ », a Tamil digit, is none: ``str.isdigit`` says it is)."""
    return c.isascii() and c.isdigit()


def _emoji(raw: str) -> list[str]:
    """The emoji of ``raw``, each with what joins it in one grapheme (variation selector, skin tone, ZWJ
    sequence, tags): what Pagefind finds with ``\\p{Emoji}`` and the ``emojis`` crate (``EMOJI_CLASS``)."""
    return _EMOJI_CLUSTER.findall(raw) if _EMOJI.search(raw) or _KEYCAP in raw else []
