"""The editor's own value, written as its field expects it: what a message suggests typing (« écrivez
« date: 2020-06-05 » » for « 05/06/2020 »)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from vitrine.content import kinds
from vitrine.content import schema as S

_MONTHS = {name: number for number, names in enumerate((
    ("janvier", "janv"), ("fevrier", "fevr", "fev"), ("mars",), ("avril", "avr"), ("mai",), ("juin",),
    ("juillet", "juil"), ("aout",), ("septembre", "sept"), ("octobre", "oct"), ("novembre", "nov"),
    ("decembre", "dec")), 1) for name in names}
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})")  # 05/06/2020, 5-6-20, 05.06.2020
_YEAR_FIRST = re.compile(r"(\d{4})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{1,2})")  # 2020/06/05, 2020-6-5
_WORDS_DATE = re.compile(r"(?:le\s+)?(?:[a-z]+\s+)?(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})")  # (lundi) 5 juin 2020


def corrected(f: S.Field, value: Any) -> str:
    """The editor's own value, written as the field expects it, when it can be read unambiguously: what to type."""
    if f.kind == "euros":
        return _euros(f, value)
    if f.kind == "colour":
        return _colour(f, value)
    if not isinstance(value, str):
        return ""
    text = value.strip()
    fix = note = ""
    if f.kind == "date":
        found = _date_of(text)
        if found == "inexistante":
            return "cette date n'existe pas : vérifiez le jour et le mois (année-mois-jour)"
        fix = found
        note = " (année-mois-jour)"
    elif f.kind == "int" and re.fullmatch(r"-?\d+", text.replace("\u00a0", "").replace(" ", "")):
        fix, note = text.replace("\u00a0", "").replace(" ", ""), " (un nombre s'écrit sans guillemets ni espace)"
    elif f.kind == "bool" and text.lower() in ("oui", "vrai", "non", "faux"):
        fix, note = ("true" if text.lower() in ("oui", "vrai") else "false"), ""
    elif f.kind == "url" and not text.startswith(("http://", "https://")) and kinds.URL_RE.match("https://" + text):
        fix, note = "https://" + text, " (une adresse web commence par https://)"
    elif f.kind == "email" and (text.lower().startswith("mailto:") or " " in text):
        candidate = re.sub(r"^mailto:", "", text, flags=re.I).replace(" ", "")
        fix, note = (candidate, "") if kinds.EMAIL_RE.match(candidate) else ("", "")
    elif f.kind == "number_pair":
        numbers = re.fullmatch(r"\[?\s*(-?\d+(?:[.,]\d+)?)\s*[,;]\s*(-?\d+(?:[.,]\d+)?)\s*\]?", text)
        if numbers and not ("," in numbers.group(1) or "," in numbers.group(2)):
            fix, note = f"[{numbers.group(1)}, {numbers.group(2)}]", " (deux nombres entre crochets, sans guillemets)"
    return f"écrivez « {f.name}: {fix} »{note}" if fix else ""


def _date_of(text: str) -> str:
    """A date as an editor may write it (French order: day, month, year), in ISO form; "inexistante" for a
    31 June; "" when it cannot be read."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    if match := _NUMERIC_DATE.fullmatch(plain):
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        year_number = int(year) if len(year) == 4 else 2000 + int(year)
    elif match := _YEAR_FIRST.fullmatch(plain):
        year_number, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    elif (match := _WORDS_DATE.fullmatch(plain)) and match.group(2) in _MONTHS:
        day, month, year_number = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    else:
        return ""
    try:
        return dt.date(year_number, month, day).isoformat()
    except ValueError:
        return "inexistante"


def has_invisible(value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and kinds.invisible_character(v.strip()) for v in values)


# « 10 000 € », « 10.000 euros », « 10 000,00 € »: the plain number an editor meant, without digit groups or unit.
_AMOUNT = re.compile(r"(\d{1,3}(?:([ \u00a0\u202f.,])\d{3})?(?:\2\d{3})*|\d+)(?:[.,]00?)?\s*(?:€|euros?|eur)?", re.I)


def _euros(f: S.Field, value: Any) -> str:
    """What to type for a support in euros: the editor's own amount as a plain positive integer."""
    if isinstance(value, int) and not isinstance(value, bool) and value < 1:
        return "un soutien est un montant positif : retirez la ligne s'il n'est pas connu"
    if isinstance(value, float):
        return f"arrondissez à l'euro, sans point ni virgule : « {f.name}: {max(1, round(value))} »"
    match = _AMOUNT.fullmatch(value.strip()) if isinstance(value, str) else None
    amount = int(re.sub(r"\D", "", match.group(1))) if match else 0
    if amount > 0:
        return f"écrivez « {f.name}: {amount} » (un montant s'écrit sans espace ni « € »)"
    return f"par exemple « {f.name}: {f.example} »"


_SHORT_COLOUR = re.compile(r"#?([0-9a-f])([0-9a-f])([0-9a-f])")


def _colour(f: S.Field, value: Any) -> str:
    """A colour as CSS writes it: « #abc » or « 1f5fa8 » become « "#aabbcc" », « "#1f5fa8" »."""
    text = str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    short = _SHORT_COLOUR.fullmatch(text)
    if short:
        text = "#" + "".join(c * 2 for c in short.groups())
    elif re.fullmatch(r"[0-9a-f]{6}", text):
        text = "#" + text
    if kinds.COLOUR_RE.fullmatch(text):
        return f"écrivez « {f.name}: \"{text}\" » (six chiffres hexadécimaux après #, entre guillemets)"
    return f"par exemple « {f.name}: \"{f.example}\" » (six chiffres hexadécimaux après #, entre guillemets)"
