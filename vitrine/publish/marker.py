"""Which folders are Vitrine's to replace, empty or remove.

Only Vitrine's folders are ever replaced, emptied or removed: the staging folder gets a marker file (``MARKER``)
before anything else, and carries it into ``site/`` at the swap. A folder found where the output, the staging folder
or ``site.old/`` go that is neither marked nor empty (a user's folder, a repository given as ``--out``) is refused
(``OutputRefused``) before anything is touched; an empty one is taken and marked. The marker is no output: listings
leave it out, so it is never removed nor recorded.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

STAGING_SUFFIX = ".staging"
OLD_SUFFIX = ".old"
MARKER = ".vitrine-output"  # in the top folder of every tree Vitrine writes: what it may replace (see the module)
MARKER_TEXT = (b"Dossier produit par Vitrine (python build.py)\xc2\xa0: il est remplac\xc3\xa9 en entier \xc3\xa0 chaque "
               b"construction. N'y rangez rien.\n")


class OutputRefused(Exception):
    """A folder where the writer would publish, stage or set aside a site is not one Vitrine made (French message)."""

    def __init__(self, folder: Path, what: str):
        self.folder = folder
        super().__init__(
            f"{folder} : {what}, et Vitrine ne l'a pas créé (il n'a pas le fichier {MARKER}) ; "
            "Vitrine ne remplace ni ne supprime un dossier qui n'est pas le sien — choisissez avec --out un dossier "
            f"vide ou nouveau, ou, si ce dossier ne contient rien à garder, supprimez-le puis relancez")


def staging_path(out: Path) -> Path:
    return out.with_name(out.name + STAGING_SUFFIX)


def claim(folder: Path) -> None:
    """Make sure ``folder`` may be written, swapped or removed by the writer: missing, Vitrine's (marked), or an
    empty folder (then marked). Anything else raises ``OutputRefused`` and nothing is touched."""
    if _unmarked_empty(folder):
        mark(folder)


def claim_all(out: Path) -> None:
    """The output folder, its staging folder and the fallback swap's ``.old`` folder are all Vitrine's to touch."""
    folders = (out, staging_path(out), out.with_name(out.name + OLD_SUFFIX))
    for folder in [folder for folder in folders if _unmarked_empty(folder)]:  # all checked before any is marked
        mark(folder)


def _unmarked_empty(folder: Path) -> bool:
    """Whether ``folder`` is an empty folder to mark; False when missing or marked; ``OutputRefused`` otherwise."""
    if not os.path.lexists(folder):
        return False
    if os.path.islink(folder):
        raise OutputRefused(folder, "c'est un lien symbolique")
    if not folder.is_dir():
        raise OutputRefused(folder, "c'est un fichier, pas un dossier")
    if (folder / MARKER).is_file():
        return False
    with os.scandir(folder) as entries:
        if next(entries, None) is not None:
            raise OutputRefused(folder, "ce dossier n'est pas vide")
    return True


def adopt_recorded(out: Path, known: Callable[[], set[str]]) -> None:
    """Mark ``out`` and its staging folder when a Vitrine older than the marker left them: each is taken only if
    every file in it is one that Vitrine's own records of this output name (``known()``, called only when a folder
    lacks the marker), so a folder with anything else in it is still refused."""
    folders = [folder for folder in (out, staging_path(out))
               if folder.is_dir() and not folder.is_symlink() and not (folder / MARKER).exists()]
    recorded = known() if folders else set()
    for folder in folders:
        files = _files(folder)
        if files and files <= recorded:
            mark(folder)


def adopt(out: Path) -> None:
    """Mark ``out`` and its staging folder as Vitrine's when they are real folders: only for folders Vitrine alone
    makes (the preview's, inside its cache), which an earlier version left unmarked."""
    for folder in (out, staging_path(out)):
        if folder.is_dir() and not folder.is_symlink() and not (folder / MARKER).exists():
            mark(folder)


def mark(folder: Path) -> None:
    with open(folder / MARKER, "wb") as f:
        f.write(MARKER_TEXT)


def _files(top: Path) -> set[str]:
    """Every file under ``top`` (links to folders included, never followed), as a path relative to it."""
    found = set()
    for folder, folders, files in os.walk(top):
        prefix = os.path.relpath(folder, top).replace(os.sep, "/") + "/" if folder != os.fspath(top) else ""
        found.update(prefix + name for name in files)
        found.update(prefix + name for name in folders if os.path.islink(os.path.join(folder, name)))
    return found
