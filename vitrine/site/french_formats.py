"""The French wording of values in templates (filters of ``site/render.py``, used by the feed too): dates,
counts, amounts, file sizes, ordinals and a link's site, with French typography's no-break spaces, whatever the
machine's locale."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from markupsafe import Markup

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def date_fr(value: dt.date) -> str:
    """« 5 juin 2020 », « 1er mars 2021 », without depending on the machine's locale."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day}\u00a0{MONTHS[value.month - 1]} {value.year}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 lauréat », « 2 lauréats », « 0 lauréat » (French: 0 and 1 are singular)."""
    word = singular if count < 2 else (plural_form or singular + "s")
    return f"{count}\u00a0{word}"


def euros(amount: int) -> str:
    """« 10 000 € »: digit groups bound by a narrow no-break space, a no-break space before the sign."""
    return f"{int(amount):,}".replace(",", "\u202f") + "\u00a0€"


def file_size(size: int) -> str:
    """« 340 Ko », « 1,2 Mo »: in units of 1,024 bytes (as Windows shows them), a decimal comma, a no-break space
    before the unit; never « 0 Ko », never four digits (« 1 000 Ko » is « 1 Mo »)."""
    value, unit = size / 1024, "Ko"
    for larger in ("Mo", "Go"):
        if round(value) < 1000:
            break
        value, unit = value / 1024, larger
    shown = f"{max(1, round(value))}" if unit == "Ko" else f"{round(value, 1):g}".replace(".", ",")
    return f"{shown}\u00a0{unit}"


def host(url: str) -> str:
    """« youtube.com » for ``https://www.youtube.com/watch?v=…``: the site a link leads to."""
    name = urlsplit(url).hostname or url
    return name.removeprefix("www.")


def ordinal(number: int) -> Markup:
    """« 1<sup>re</sup> », « 2<sup>e</sup> »: the feminine ordinal of « édition »."""
    return Markup(f"{int(number)}<sup>{'re' if number == 1 else 'e'}</sup>")
