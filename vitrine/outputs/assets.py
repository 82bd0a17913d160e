"""The files copied as they are: the design's (``static/``) and the editors' documents (``content/media/`` but
photos); and the names of the files the engine makes besides pages (what a link may reach)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Mapping

from vitrine.content.model import Site
from vitrine.engine import theme_dir
from vitrine.errors import ContentError
from vitrine.outputs import calendar
from vitrine.outputs import feed as feeds
from vitrine.outputs import opendata
from vitrine.outputs.images import ImageSet
from vitrine.publish.output import Output
from vitrine.site.volumes import volumes


def asset_outputs(root: Path, site: Site, images: Mapping[str, ImageSet]) -> list[Output]:
    """The design's files (static/) and the editors' documents (content/media/ but photos), copied as they are:
    ``content/read.py`` let through only documents that are what their suffix says."""
    outputs = [Output("static/" + name, copy_from=path) for name, path in static_files(root)[0]]
    for name in site.media:
        if name not in images:
            outputs.append(Output(name, copy_from=root / "content" / name))
    return outputs


def static_files(root: Path) -> tuple[list[tuple[str, Path]], list[ContentError]]:
    """The files of static/ (name in it, path), and its files that may not be published: a link whose target is
    not inside static/ (it could publish ``../.env``), a FIFO, a socket or a device (never opened)."""
    static = theme_dir(root, "static")
    real_static = os.path.realpath(static)
    files, errors = [], []
    for dirpath, dirnames, filenames in os.walk(static):  # never into a linked folder: its links are refused below
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath, name)
            rel = path.relative_to(static).as_posix()
            problem = None
            if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(real_static):
                problem = ("ce fichier est un lien vers l'extérieur de static/, refusé",
                           "copiez le fichier dans static/ au lieu d'un lien")
            elif not path.is_file():
                problem = ("ce n'est pas un fichier ordinaire (tube, socket, périphérique ou lien de dossier)",
                           "supprimez-le de static/")
            if problem:
                errors.append(ContentError(_shown(root, path), 1, "fichier", *problem))
            else:
                files.append((rel, path))
    return files, errors


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def engine_files(site: Site) -> tuple[str, ...]:
    """The files the engine publishes besides pages and media (``feed.xml``, ``donnees/laureats.csv``…): a link
    may reach them (``site/links.py``)."""
    calendar_files = calendar.exports(site, dt.date.min)  # any date: only the names are asked for
    catalogues = tuple(v.url for e in site.editions if site.by_edition[e.year]  # outputs/catalogue.py
                       for v in volumes(e, len(site.by_edition[e.year])))
    return tuple(feeds.exports(site)) + tuple(opendata.exports(site)) + tuple(calendar_files) + catalogues
