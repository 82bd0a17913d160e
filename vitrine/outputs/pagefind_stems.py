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
from vitrine.outputs.pagefind_unicode import OTHER_ALPHABETIC

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
_EMOJI = re.compile("[\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u27bf\u2934\u2935"
                    "\u2b05-\u2b55\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]")
# An emoji's first character (a lone regional indicator is none: two of them are a flag, one grapheme)
_ONE = _EMOJI.pattern.replace("\U0001f000-\U0001faff", "\U0001f000-\U0001f1e5\U0001f200-\U0001faff")
_KEYCAP = "\u20e3"  # « 1️⃣ », « #️⃣ »: one grapheme, an emoji, though its first character is a digit or « # »
_EMOJI_CLUSTER = re.compile("[\U0001f1e6-\U0001f1ff]{2}"  # a flag: two regional indicators, one grapheme
                            f"|[#*0-9]\ufe0f?{_KEYCAP}|{_ONE}[{_JOINED}]*(?:\u200d{_ONE}[{_JOINED}]*)*")


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
    return _EMOJI_CLUSTER.findall(raw) if _EMOJI.search(raw) or _KEYCAP in raw else []
