"""The one error type for content problems, collected and reported together."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

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
        text = f"{text} — {self.hint}" if self.hint else text
        # A file name may hold a line break or a terminal escape sequence, a key or a value a bidirectional control
        # (U+202E would show the rest of the line reversed): shown by code, never obeyed, one line per error.
        return _CONTROL.sub(_shown_code, text) if _CONTROL.search(text) else text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _shown_code(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class SearchIndexError(Exception):
    """Pagefind could not be run or refused a page; the message says which and why, in French."""

    path = "pagefind"  # the search index's folder in site/ (``search.BUNDLE``), where the report points


class CatalogueError(Exception):
    """An edition's catalogue could not be made as a PDF (WeasyPrint or Pango missing, a file it asks for that the
    site does not publish); the message says which and what to do, in French."""

    def __init__(self, path: str, message: str, hint: str):
        super().__init__(path, message, hint)  # all three: a worker process sends it back pickled
        self.path, self.message, self.hint = path, message, hint

    def __str__(self) -> str:
        return f"{self.path}: {self.message} — {self.hint}"


def field_name(keys: Iterable[object]) -> str:
    """How a key path reads in a message: ``contrats_de_ville[1].quartiers[2].slug`` (list positions from 1)."""
    parts = [f"[{k + 1}]" if isinstance(k, int) else f".{k}" for k in keys]
    return "".join(parts).lstrip(".") or "fichier"


def did_you_mean(value: object, choices: Iterable[str], shown: Callable[[str], str] = str) -> str:
    """A French « did you mean » hint, or an empty string when nothing is close; ``shown``: how the closest
    choice is written in it."""
    import difflib  # noqa: PLC0415 - only a content error needs it, and every build imports this module

    close = difflib.get_close_matches(str(value), sorted(choices), n=1, cutoff=0.6)
    return f"vouliez-vous dire « {shown(close[0])} » ?" if close else ""


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
    """The innermost traceback frame that runs a template (its file and line), if any; else the one a forked
    worker wrote on the error (``keep_template_frame``)."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found or getattr(exc, "vitrine_template_frame", None)


def keep_template_frame(exc: BaseException) -> None:
    """Write on ``exc`` the template's file and line its traceback holds: an error crosses a forked worker's pipe
    pickled, its attributes with it but not its traceback (it was told at « templates:1 »)."""
    found = _template_frame(exc)
    if found is not None:
        exc.vitrine_template_frame = found  # type: ignore[attr-defined]
# What an operating-system error means, in French, for the messages of a failed write (``io_failure``).
_IO_CAUSES = {
    "ENOSPC": ("plus de place sur le disque", "libérez de la place puis relancez"),
    "EDQUOT": ("quota de disque dépassé", "libérez de la place puis relancez"),
    "EROFS": ("le disque est en lecture seule", "choisissez un dossier où l'on peut écrire, ou remontez le disque "
              "en écriture"),
    "EACCES": ("permission refusée", "donnez le droit d'écriture sur ce dossier, ou choisissez-en un autre"),
    "EPERM": ("opération non permise", "donnez le droit d'écriture sur ce dossier, ou choisissez-en un autre"),
    "EMFILE": ("trop de fichiers ouverts", "fermez des programmes ou augmentez la limite (ulimit -n), puis relancez"),
    "ENFILE": ("trop de fichiers ouverts sur la machine", "fermez des programmes, puis relancez"),
    "EIO": ("erreur matérielle de lecture ou d'écriture", "vérifiez le disque, puis relancez"),
    # The rest are spoken too: an editor should never read the system's English (« No such file or directory »).
    "ENOENT": ("dossier ou fichier introuvable", "vérifiez le chemin (--out, --root), puis relancez"),
    "ENOTDIR": ("un élément du chemin est un fichier, pas un dossier", "vérifiez le chemin (--out, --root), puis relancez"),
    "EEXIST": ("un fichier porte déjà ce nom là où il faut un dossier", "vérifiez le chemin (--out, --root), puis "
               "relancez"),
    "ENAMETOOLONG": ("nom de fichier trop long", "raccourcissez le nom du fichier ou du dossier, puis relancez"),
    "ELOOP": ("trop de liens symboliques en chaîne (une boucle ?)", "remplacez le lien par le dossier lui-même"),
}


def located(exc: OSError, path: object) -> OSError:
    """``exc`` with the file it failed on: a write to an open file (a full disk) names none, and the message must."""
    if exc.filename is not None:
        return exc
    import os  # noqa: PLC0415 - only a failed write needs it

    named = OSError(exc.errno, exc.strerror, os.fspath(path))  # type: ignore[arg-type]
    named.__cause__ = exc
    return named


def io_verb(exc: OSError) -> str:
    """How a message about ``exc`` begins: only these causes are sure to come from a write."""
    import errno  # noqa: PLC0415 - only a failed write needs it

    written = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
    return "Écriture impossible" if written else "Lecture ou écriture impossible"


def io_failure(exc: OSError, root: Path) -> tuple[str, str, str]:
    """(where, cause, what to do) of a failed read or write, in French: the folder of the file named (relative to
    ``root`` when inside it; none when the cause is not the folder's), the cause for the common errors (else the
    system's own words) and a suggestion."""
    import errno  # noqa: PLC0415 - only a failed write needs it
    import os  # noqa: PLC0415 - idem

    name = errno.errorcode.get(exc.errno or 0, "")
    cause, hint = _IO_CAUSES.get(name, (exc.strerror or str(exc), "réglez le problème, puis relancez"))
    if exc.filename is None or name in ("EMFILE", "ENFILE"):  # any file would have failed: naming one misleads
        return "", cause, hint
    path = Path(os.fsdecode(exc.filename))
    folder = path.parent
    try:
        relative = folder.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):  # outside the repository (an --out elsewhere): its full path
        relative = "."
    return (f"{relative}/" if relative != "." else f"{folder}/"), cause, hint
