"""A tree of the output as the writer sees it: each file's inode and each folder's ctime (``write.py``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vitrine.publish.marker import MARKER


@dataclass(frozen=True)
class Listing:
    files: dict[str, int]  # a/b/index.html → inode
    folders: dict[str, int]  # a, a/b → ctime (st_ctime_ns: changes with every entry added, removed or replaced)


@dataclass(frozen=True)
class KnownTrees:
    """What a write takes as known of the output folder and its staging folder instead of listing them."""

    published: Listing | None = None  # None: listed by the write
    staging: Listing | None = None  # None: listed (or made) by the write
    may_differ: set[str] | None = None  # the only paths (files, folders) where the two may differ; None: anywhere


def listing_of(top: Path) -> Listing:
    """Every file under ``top`` with its inode (which comes with the listing: no ``stat``), every folder with its
    ctime (a ``stat`` each); the writer's marker left out."""
    listing = Listing({}, {})
    if not top.is_dir():
        return listing
    folders = [(os.fspath(top), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name == MARKER:
                    continue  # the writer's, not an output (``publish/marker.py``)
                if entry.is_dir(follow_symlinks=False):
                    listing.folders[prefix + entry.name] = entry.stat(follow_symlinks=False).st_ctime_ns
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    listing.files[prefix + entry.name] = entry.inode()
    return listing
