"""Slugs: the only identifiers content has, taken from file names."""

from __future__ import annotations

import functools
import re
import unicodedata

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Letters that NFKD does not decompose into ASCII.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_APOSTROPHES = str.maketrans({"’": "-", "'": "-"})  # « l’envers » → l-envers


def is_slug(text: str) -> bool:
    """True when ``text`` is lowercase ASCII words joined by single hyphens."""
    return bool(SLUG_RE.match(text))


@functools.lru_cache(maxsize=4096)  # headings' anchors: the same few titles (« Contacts ») in thousands of bodies
def slugify(text: str) -> str:
    """Fold accents, case, spaces and punctuation: « Cultures du Cœur 94 » → ``cultures-du-coeur-94``."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text.translate(_APOSTROPHES))).strip("-")


def fold(text: str) -> str:
    """Lowercase ASCII, accents and ligatures folded: « Œuvre » → ``oeuvre``; the same on every machine."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return text.encode("ascii", "ignore").decode("ascii").lower()
