"""Which files of ``content/`` may be read and published: a link that leads out of ``content/`` is refused (it
could publish ``../../.env``), and ``content/media/`` is listed with each file checked by ``content/media.py``."""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from vitrine.content.media import DOCUMENT_SUFFIXES, OS_JUNK, content_problem, folder_problem, name_problem, suffix_problem
from vitrine.errors import ContentError
from vitrine.files import NotRegularFile, open_regular

MEDIA = "media"
NOT_REGULAR = "ce n'est pas un fichier ordinaire (dossier, tube, socket ou périphérique)"


@dataclass(frozen=True)
class MediaFile:
    """A file under content/media/, referenced as ``media/<name>``."""

    name: str  # relative to content/, e.g. "media/expo.jpg"
    path: Path
    size: int


def ignored(name: str) -> bool:
    """Hidden files, editors' temporary files and what an operating system leaves in folders are not content:
    never read, never published."""
    return (name.startswith((".", "~", "#")) or name.endswith(("~", ".swp", ".tmp", ".bak"))
            or name.lower() in OS_JUNK)


def unsafe_path(root: Path, path: Path) -> tuple[str, str] | None:
    """Content must live inside ``content/``: a symlink to anywhere else is refused, even inside the repository
    (``../../.git/config`` or ``../../.env`` would publish the repository's secrets)."""
    escape = _link_escape(root, path)
    if escape is None:
        return None
    return {"broken": ("lien symbolique cassé ou fichier introuvable", "remplacez le lien par le fichier lui-même"),
            "repository": ("ce fichier est un lien vers l'extérieur du dépôt, refusé",
                           "copiez le fichier dans le dépôt au lieu d'un lien"),
            "content": ("ce fichier est un lien vers un fichier du dépôt hors de content/, refusé : il pourrait "
                        "publier un fichier privé (configuration, mots de passe)",
                        "copiez le fichier dans content/ au lieu d'un lien")}[escape]


def _link_escape(root: Path, path: Path) -> str | None:
    """Where ``path`` leads out of ``content/``: "broken", "repository" (out of it), "content" (elsewhere in the
    repository), or None when it resolves inside ``content/``."""
    try:  # the common case in two stat() calls: a plain file in a folder known to be inside content/ (strings:
        name = os.fspath(path)  # thousands of files, where a Path's parts cost more than the calls)
        parent = os.path.dirname(name) or "."
        folder = os.stat(parent)
        if not os.path.islink(name) and _folder_inside(str(root), os.path.join(root, "content"), parent,
                                                       folder.st_dev, folder.st_ino):
            return None
    except OSError:
        pass
    content = root / "content"
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken"
    if not real.is_relative_to(root.resolve()):
        return "repository"
    if not real.is_relative_to(content.resolve()) or not content.resolve().is_relative_to(root.resolve()):
        return "content"
    return None


@functools.lru_cache(maxsize=256)
def _folder_inside(root: str, content: str, folder: str, device: int, inode: int) -> bool:
    """``folder`` resolves inside ``content``, itself inside ``root``; keyed by the folder's inode too, so a folder
    replaced by a link is looked at again."""
    real_content = os.path.realpath(content)
    return (Path(os.path.realpath(folder)).is_relative_to(real_content)
            and Path(real_content).is_relative_to(os.path.realpath(root)))


def media_files(root: Path, content: Path, errors: list[ContentError]) -> list[MediaFile]:
    """The files of ``content/media/`` that may be published; every other one is an error (see ``media``)."""
    media_dir = content / MEDIA
    if not media_dir.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(media_dir):
        folder = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not ignored(d))
        for name in list(dirnames):
            path = folder / name
            problem = folder_problem(name)
            if path.is_symlink():  # os.walk would not enter it: say so rather than lose its files silently
                problem = (_FOLDER_LINK[_link_escape(root, path)], "copiez les fichiers dans content/media/ au lieu d'un lien")
            if problem:
                dirnames.remove(name)
                errors.append(ContentError(rel(root, path), 1, "fichier", *problem))
        for name in sorted(filenames):
            if not ignored(name):
                media = _media_file(root, content, folder / name, errors)
                if media:
                    found.append(media)
    twins = _case_twins(root, found)
    errors.extend(twins)
    refused = {error.path for error in twins}
    return [m for m in found if rel(root, m.path) not in refused]


_FOLDER_LINK = {"repository": "ce dossier est un lien vers l'extérieur du dépôt, refusé",
                "content": "ce dossier est un lien vers un dossier du dépôt hors de content/, refusé",
                "broken": "ce dossier est un lien symbolique cassé",
                None: "ce dossier est un lien symbolique : son contenu n'est pas publié"}


def _media_file(root: Path, content: Path, path: Path, errors: list[ContentError]) -> MediaFile | None:
    """One file of ``content/media/``, if it may be published as it is; else its problems go to ``errors``."""
    shown = rel(root, path)
    problem = unsafe_path(root, path)
    if problem:
        errors.append(ContentError(shown, 1, "fichier", *problem))
        return None
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            errors.append(ContentError(shown, 1, "fichier", f"{NOT_REGULAR} : il ne peut pas être publié",
                                       "supprimez-le de content/media/"))
            return None
        problems = list(filter(None, [suffix_problem(path.name), name_problem(path.name)]))
        if not problems and path.suffix.lower() in DOCUMENT_SUFFIXES:  # photos are decoded (``images``), GeoJSON parsed
            with open_regular(path) as handle:
                problems = list(filter(None, [content_problem(path.name, handle)]))
    except NotRegularFile:
        problems = [(f"{NOT_REGULAR} : il ne peut pas être publié", "supprimez-le de content/media/")]
    except OSError as exc:
        problems = [(f"lecture impossible ({exc.strerror})", "vérifiez les droits du fichier")]
    errors.extend(ContentError(shown, 1, "fichier", *problem) for problem in problems)
    return None if problems else MediaFile(path.relative_to(content).as_posix(), path, st.st_size)


def _case_twins(root: Path, found: list[MediaFile]) -> list[ContentError]:
    """Two files whose names differ only by case are one file for Windows, macOS and some hosts: the site would
    show either."""
    first: dict[str, MediaFile] = {}
    errors = []
    for media in found:
        twin = first.setdefault(media.name.lower(), media)
        if twin is not media:
            errors.append(ContentError(rel(root, media.path), 1, "fichier",
                                       f"ce nom ne diffère de « {twin.name} » que par les majuscules",
                                       "renommez l'un des deux : Windows, macOS et certains hébergeurs les confondent"))
    return errors


def rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
