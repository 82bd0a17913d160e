"""The one error type for content problems, collected and reported together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from vitrine.engine import ENGINE_ROOT

if TYPE_CHECKING:
    import jinja2


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
        return f"{text} — {self.hint}" if self.hint else text


class SearchIndexError(Exception):
    """Pagefind could not be run or refused a page; the message says which and why, in French."""

    path = "pagefind"  # the search index's folder in site/ (``search.BUNDLE``), where the report points


def field_name(keys: Iterable[object]) -> str:
    """How a key path reads in a message: ``contrats_de_ville[1].quartiers[2].slug`` (list positions from 1)."""
    parts = [f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in keys]
    return "".join(parts).lstrip(".") or "fichier"


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """A French « did you mean » hint, or an empty string when nothing is close."""
    import difflib  # noqa: PLC0415 - only a content error needs it, and every build imports this module

    close = difflib.get_close_matches(str(value), sorted(choices), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {close[0]} » ?" if close else ""


def template_error(root: Path, exc: jinja2.TemplateError) -> ContentError:
    """A template mistake, located like a content error (it is the designer's, not the editor's)."""
    name, line = getattr(exc, "filename", None) or getattr(exc, "name", None), getattr(exc, "lineno", None)
    if not name:  # an error while rendering: Jinja puts the template's file and line in the traceback
        name, line = _template_frame(exc) or ("templates", 1)
    try:
        name = Path(name).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            name = "templates/" + Path(name).resolve().relative_to(ENGINE_ROOT / "templates").as_posix()
        except ValueError:
            name = f"templates/{name}" if not str(name).startswith("templates") else str(name)
    return ContentError(name, line or 1, "template", str(exc.message or exc))


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that runs a template (its file and line), if any."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
