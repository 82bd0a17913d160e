"""The one error type for content problems, collected and reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class ContentError:
    """A problem in a content file, located to the line of the offending key.

    ``str()`` gives the one-line form editors see:
    ``content/laureates/x.md:4: quartiers: quartier inconnu « a » — vouliez-vous dire « b » ?``
    """

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    warning: bool = False

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.field}: {self.message}"
        text = f"{text} — {self.hint}" if self.hint else text
        # A file name may hold a line break or a terminal escape sequence: shown, never obeyed, one line per error.
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if _CONTROL.search(text) else text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class SearchIndexError(Exception):
    """Pagefind could not be run or refused a page; the message says which and why, in French."""

    path = "pagefind"  # the search index's folder in site/ (``search.BUNDLE``), where the report points


class ContentErrors(Exception):
    """Raised by a stage when the content cannot be built; carries every problem found."""

    def __init__(self, errors: Iterable[ContentError]):
        self.errors = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))


def field_name(keys: Iterable[object]) -> str:
    """How a key path reads in a message: ``contrats_de_ville[1].quartiers[2].slug`` (list positions from 1)."""
    parts = [f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in keys]
    return "".join(parts).lstrip(".") or "fichier"


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """A French « did you mean » hint, or an empty string when nothing is close."""
    import difflib  # noqa: PLC0415 - only a content error needs it, and every build imports this module

    close = difflib.get_close_matches(str(value), sorted(choices), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {close[0]} » ?" if close else ""
