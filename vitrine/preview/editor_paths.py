"""Which files the web editor may read and write: the content files and the media of ``content/``, nothing else.

A path comes from a request, so from anyone who can make the browser post one: it must be relative, with forward
slashes, no ``.``, ``..``, empty or hidden part, no backslash or NUL; name an entry (``content/laureates|editions|
pages/<name>.md``, ``content/site.yaml|territory.yaml|themes.yaml``) or a media file (``content/media/<name>``, a
name the site can publish: ``content/media.py``); and lead through no symbolic link, nor out of ``content/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from vitrine.content.media import DOCUMENT_SUFFIXES, name_problem, suffix_problem
from vitrine.content.media_files import MEDIA, ignored
from vitrine.content.read import FOLDERS, SINGLE_FILES
from vitrine.content.schema import IMAGE_SUFFIXES

CONTENT = "content"
MEDIA_FOLDER = f"{CONTENT}/{MEDIA}"
EDITOR_MEDIA = IMAGE_SUFFIXES + DOCUMENT_SUFFIXES  # GeoJSON outlines are data: changed in the repository, not here
ENTRY_RULE = ("l'éditeur ne lit et n'écrit que les fiches de content/laureates/, content/editions/, content/pages/ "
              "et content/site.yaml, territory.yaml, themes.yaml")


class Refused(Exception):
    """A request the editor's back end does not carry out: its French reason, and the HTTP status to answer."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def parts_of(path: object) -> list[str]:
    """The parts of a relative path as sent, or ``Refused``."""
    if not isinstance(path, str) or not path:
        raise Refused("chemin absent ou qui n'est pas un texte", 400)
    if path.startswith("/") or "\\" in path or "\0" in path or ":" in path:
        raise Refused(f"chemin refusé « {shown(path)} » : il doit être relatif au dépôt, par exemple "
                      "content/laureates/nom.md")
    parts = path.split("/")
    if any(part in ("", ".", "..") or ignored(part) for part in parts):
        raise Refused(f"chemin refusé « {shown(path)} » : ni « .. », ni fichier caché, ni partie vide")
    return parts


def entry(root: Path, path: object) -> tuple[Path, str]:
    """The file of an entry and its kind (``read.FOLDERS``, ``read.SINGLE_FILES``), or ``Refused``."""
    parts = parts_of(path)
    if len(parts) == 2 and parts[0] == CONTENT and parts[1] in SINGLE_FILES:
        kind = SINGLE_FILES[parts[1]]
    elif len(parts) == 3 and parts[0] == CONTENT and parts[1] in FOLDERS and parts[2].endswith(".md"):
        kind = FOLDERS[parts[1]]
    else:
        raise Refused(f"chemin refusé « {shown(path)} » : {ENTRY_RULE}")
    return inside(root, root.joinpath(*parts)), kind


def entry_folder(root: Path, folder: object) -> tuple[Path, str]:
    """An entry folder (``content/laureates`` …) and its kind, or ``Refused``."""
    parts = parts_of(folder)
    if len(parts) != 2 or parts[0] != CONTENT or parts[1] not in FOLDERS:
        raise Refused(f"dossier refusé « {shown(folder)} » : {ENTRY_RULE}")
    return inside(root, root.joinpath(*parts)), FOLDERS[parts[1]]


def media(root: Path, path: object) -> Path:
    """A file of ``content/media/`` the site can publish under that very name, or ``Refused``."""
    parts = parts_of(path)
    if len(parts) != 3 or "/".join(parts[:2]) != MEDIA_FOLDER:
        raise Refused(f"chemin refusé « {shown(path)} » : les fichiers déposés depuis l'éditeur vont dans "
                      "content/media/, sans sous-dossier")
    name = parts[2]
    problem = suffix_problem(name) or name_problem(name)
    if not problem and not name.lower().endswith(EDITOR_MEDIA):
        problem = ("les contours des quartiers (.geojson) ne se déposent pas depuis l'éditeur",
                   "ajoutez-les au dépôt avec git")
    if problem:
        raise Refused(f"{MEDIA_FOLDER}/{shown(name)} : {problem[0]} — {problem[1]}")
    return inside(root, root.joinpath(*parts))


def media_folder(root: Path, folder: object) -> Path:
    if parts_of(folder) != MEDIA_FOLDER.split("/"):
        raise Refused(f"dossier refusé « {shown(folder)} » : les médias sont dans {MEDIA_FOLDER}")
    return inside(root, root / CONTENT / MEDIA)


def inside(root: Path, path: Path) -> Path:
    """``path`` itself, if no symbolic link is on its way from ``root`` (the file, its folders, ``content/``): a
    link could lead a read or a write anywhere on the machine."""
    current = root
    for part in path.relative_to(root).parts:
        current = current / part
        if current.is_symlink():
            raise Refused(f"{current.relative_to(root).as_posix()} est un lien symbolique : l'éditeur ne le suit pas "
                          "— remplacez le lien par le fichier ou le dossier lui-même")
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(Path(os.path.realpath(root / CONTENT))):
        raise Refused(f"chemin refusé « {path.relative_to(root).as_posix()} » : hors de content/")
    return path


def shown(value: object) -> str:
    text = str(value)
    text = text[:120] + "…" if len(text) > 120 else text
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)  # shown, never obeyed
