"""``python build.py clean-media [FILES…]``: strip the photos of ``content/media/`` of their metadata in place.

Only photos of ``content/media/`` are touched (a path elsewhere, a link, a folder is refused): the command rewrites
files, so it must never reach a file the editor did not mean. Each file is replaced atomically and losslessly
(``content/photo_metadata.py``); the report, in French, says what each lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vitrine.content.media_files import ignored
from vitrine.content.photo_metadata import PHOTO_SUFFIXES, NotAPhoto, clean_file


@dataclass
class CleanReport:
    lines: list[str] = field(default_factory=list)  # one per file, in French
    problems: list[str] = field(default_factory=list)
    cleaned: int = 0
    clean: int = 0


def clean_media(root: Path, names: list[str]) -> CleanReport:
    """Clean the photos ``names`` (relative to ``root``, or absolute), or every photo of ``content/media/``."""
    media = (root / "content" / "media").resolve()
    report = CleanReport()
    if names:
        paths = [_accepted(root, media, name, report) for name in names]
    else:
        paths = sorted(p for p in media.rglob("*") if p.is_file() and not p.is_symlink()
                       and p.suffix.lower() in PHOTO_SUFFIXES and not any(ignored(part) for part in
                                                                            p.relative_to(media).parts))
    for path in dict.fromkeys(p for p in paths if p is not None):
        rel = path.relative_to(root.resolve()).as_posix()
        try:
            removed = clean_file(path)
        except NotAPhoto:
            report.problems.append(f"{rel} : illisible comme photo JPEG, PNG ou WebP — ouvrez-la et enregistrez-la "
                                   "à nouveau dans un logiciel de photo")
            continue
        if removed:
            report.cleaned += 1
            report.lines.append(f"Nettoyée : {rel} — retiré : {', '.join(removed)} (pixels inchangés)")
        else:
            report.clean += 1
            report.lines.append(f"Déjà propre : {rel}")
    return report


def _accepted(root: Path, media: Path, name: str, report: CleanReport) -> Path | None:
    """The photo ``name`` names, if it is one of ``content/media/`` (no link, no folder, no other file)."""
    given = Path(name)
    path = given if given.is_absolute() else root / given
    why = ""
    if path.is_symlink():
        why = "c'est un lien : nettoyez le fichier lui-même, dans content/media/"
    elif not path.resolve().is_relative_to(media):
        why = "seules les photos de content/media/ sont nettoyées"
    elif not path.is_file():
        why = "fichier introuvable" if not path.exists() else "ce n'est pas un fichier"
    elif path.suffix.lower() not in PHOTO_SUFFIXES:
        why = "seules les photos JPEG, PNG et WebP sont nettoyées"
    if why:
        report.problems.append(f"{name} : {why}")
        return None
    return path.resolve()
