"""The kinds of value a content field may hold, and the check of a value against its kind.

``schema.py`` says which field has which kind; this module says what each kind accepts and how a refusal reads to
an editor (in French), so every content type checks its values the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vitrine.content.schema import Field

# Kinds of value a field may hold, with the words editors read in messages.
KIND_LABELS = {
    "text": "un texte",
    "int": "un nombre entier",
    "euros": "un montant en euros (un nombre entier positif, sans espace ni « € »)",
    "date": "une date (AAAA-MM-JJ)",
    "bool": "true ou false",
    "text_list": "une liste de textes",
    "slug_list": "une liste d'identifiants (slugs)",
    "slug": "un identifiant (slug)",
    "url": "une adresse web (http:// ou https://)",
    "email": "une adresse e-mail",
    "path": "un chemin de fichier dans content/media/ (lettres sans accents, chiffres, - et _, un seul point avant l'extension)",
    "mapping": "un groupe de champs",
    "list": "une liste",
    "number_pair": "deux nombres [latitude, longitude]",
    "colour": "une couleur « #rrggbb » entre guillemets",
}

# Table Schema types for the open-data exports; lists are joined with « ; » in CSV.
TABLE_TYPES = {"int": "integer", "euros": "integer", "date": "date", "bool": "boolean"}

# Addresses go into href attributes: no quote, angle bracket, backslash or space may break out of them.
EMAIL_RE = re.compile(r"^[^@\s\"<>()\[\]\\,;:?&=#/]+@[^@\s\"'<>()\[\]\\,;:?&=#/`]+\.[^@\s\"'<>()\[\]\\,;:?&=#/`]+$")
URL_RE = re.compile(r"^https?://[^\s/\"'<>\\^`{|}]+\.[^\s\"<>\\^`{|}]+$")
COLOUR_RE = re.compile(r"#[0-9a-fA-F]{6}")
URL_UNSAFE = re.compile(r"[\s\"<>\\^`{|}]")

# Invisible characters that change how a text reads. Bidirectional embeddings, overrides and isolates display what
# follows in another order than it is written (« Trojan Source »): refused everywhere, bodies included. Zero-width
# characters and direction marks hide inside a one-line text (two titles that look the same, a search that misses):
# refused in fields, allowed in bodies (a zero-width joiner makes 👩‍💻 one emoji; a zero-width space a line break
# hint), and the joiner between two emoji is allowed in fields too.
INVISIBLE_NAMES = {
    0x061C: "marque de lettre arabe", 0x200B: "espace sans chasse", 0x200C: "antiliant sans chasse",
    0x200D: "liant sans chasse", 0x200E: "marque gauche-à-droite", 0x200F: "marque droite-à-gauche",
    0x202A: "enchâssement gauche-à-droite", 0x202B: "enchâssement droite-à-gauche",
    0x202C: "fin d'enchâssement", 0x202D: "forçage gauche-à-droite", 0x202E: "forçage droite-à-gauche",
    0x2060: "gluon de mots", 0x2061: "application de fonction invisible", 0x2062: "multiplication invisible",
    0x2063: "séparateur invisible", 0x2064: "plus invisible", 0x2066: "isolat gauche-à-droite",
    0x2067: "isolat droite-à-gauche", 0x2068: "isolat de première force", 0x2069: "fin d'isolat",
    0xFEFF: "espace insécable sans chasse, ou BOM",
}
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# The same characters in UTF-8 (E2 80 AA–AE, E2 81 A6–A9): a body's bytes are searched from each 0xE2 only, where
# ``BIDI_CONTROLS`` tries every character (4,000 bodies: 0.01 s instead of 0.1, in validation's one process)
_BIDI_BYTES = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")
_INVISIBLE_IN_FIELDS = re.compile("[" + "".join(chr(c) for c in INVISIBLE_NAMES) + "]")
ZERO_WIDTH_JOINER = "\u200d"
INVISIBLE_HINT = ("supprimez-le (il vient souvent d'un copier-coller) : invisible à l'écran, il change l'ordre "
                  "d'affichage ou la recherche du texte")


def invisible_character(text: str, pattern: re.Pattern[str] = _INVISIBLE_IN_FIELDS) -> tuple[str, int] | None:
    """The first invisible character of ``text`` that ``pattern`` refuses, named, and its position (from 1);
    a zero-width joiner between two emoji is part of the emoji."""
    if pattern.search(text) is None:  # every text of every field: most hold none
        return None
    for found in pattern.finditer(text):
        at = found.start()
        if found.group() == ZERO_WIDTH_JOINER and _is_emoji(text[at - 1:at]) and _is_emoji(text[at + 1:at + 2]):
            continue
        code = ord(found.group())
        return f"caractère invisible U+{code:04X} ({INVISIBLE_NAMES[code]})", at + 1
    return None


def may_hold_bidi_control(text: str) -> bool:
    """Whether ``text`` holds one of ``BIDI_CONTROLS`` (then ``invisible_character`` says which, and where)."""
    return _BIDI_BYTES.search(text.encode("utf-8", "surrogatepass")) is not None


def _is_emoji(char: str) -> bool:
    # Pictographs (So), skin tones (Sk) and the emoji presentation selector that may end the previous one
    return bool(char) and (char == "\ufe0f" or unicodedata.category(char) in ("So", "Sk"))


def check_kind(f: Field, value: Any) -> tuple[Any, str]:
    """Check ``value`` against the field's kind; return (clean value, French error or "")."""
    if f.kind in ("text", "slug", "url", "email", "path"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None, f"{_expected(f)}, trouvé {describe(value)}"
        text = str(value).strip()
        if not text:
            return None, "ce champ est vide"
        hidden = invisible_character(text)
        if hidden:
            return None, f"{hidden[0]} en position {hidden[1]}"
        if f.max_length and len(text) > f.max_length:
            return None, f"{len(text)} caractères, {f.max_length} au plus"
        unsafe = URL_UNSAFE.search(text) if f.kind == "url" and text.startswith(("http://", "https://")) else None
        if unsafe:
            return None, f"adresse refusée « {text} » : caractère « {unsafe.group()} » interdit dans une adresse web"
        if f.kind == "url" and not URL_RE.match(text):
            return None, f"adresse refusée « {text} » : seules les adresses http:// ou https:// complètes sont acceptées"
        if f.kind == "email" and not EMAIL_RE.match(text):
            return None, f"adresse e-mail invalide « {text} »"
        return text, ""
    if f.kind == "colour":
        if not isinstance(value, str) or not COLOUR_RE.fullmatch(value.strip()):
            return None, f"{_expected(f)}, trouvé {describe(value)}"
        return value.strip().lower(), ""
    if f.kind in ("int", "euros"):
        if isinstance(value, bool) or not isinstance(value, int):
            return None, f"{_expected(f)}, trouvé {describe(value)}"
        if f.kind == "euros" and value < 1:
            return None, f"montant refusé : {value} (un montant en euros est positif)"
        return value, ""
    if f.kind == "bool":
        if not isinstance(value, bool):
            return None, f"{_expected(f)}, trouvé {describe(value)}"
        return value, ""
    if f.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date(), ""
        if not isinstance(value, dt.date):
            return None, f"{_expected(f)}, trouvé {describe(value)}"
        return value, ""
    if f.kind in ("text_list", "slug_list"):
        if not isinstance(value, list):
            return None, f"{_expected(f)}, trouvé {describe(value)}"
        bad = [v for v in value if isinstance(v, bool) or not isinstance(v, (str, int)) or not str(v).strip()]
        if bad:
            return None, f"{_expected(f)} : élément invalide {describe(bad[0])}"
        items = [str(v).strip() for v in value]
        for number, item in enumerate(items, 1):
            hidden = invisible_character(item)
            if hidden:
                return None, f"élément {number} : {hidden[0]} en position {hidden[1]}"
        return items, ""
    if f.kind == "number_pair":
        ok = isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in value)
        return (tuple(float(v) for v in value), "") if ok else (None, f"{_expected(f)}, trouvé {describe(value)}")
    if f.kind == "mapping":
        return (value, "") if isinstance(value, dict) else (None, f"{_expected(f)}, trouvé {describe(value)}")
    if f.kind == "list":
        return (value, "") if isinstance(value, list) else (None, f"{_expected(f)}, trouvé {describe(value)}")
    raise ValueError(f"unknown field kind {f.kind!r}")


def _expected(f: Field) -> str:
    """The start of a refusal: what the field holds (made only for a refusal: every value of every file is checked)."""
    return f"attendu : {f.kind_label}"


def describe(value: Any) -> str:
    """How a YAML value reads to an editor."""
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return f"le booléen {str(value).lower()}"
    if isinstance(value, int):
        return f"le nombre {value}"
    if isinstance(value, float):
        return f"le nombre {value}"
    if isinstance(value, str):
        return f"le texte « {value[:40]} »"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un groupe de champs"
    if isinstance(value, dt.date):
        return f"la date {value.isoformat()}"
    return "une valeur d'un type non pris en charge"
