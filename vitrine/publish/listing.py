"""A tree of the output as the writer sees it: each file's inode and every folder (``write.py``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vitrine.publish.marker import MARKER


@dataclass(frozen=True)
class Listing:
    files: dict[str, int]  # a/b/index.html → inode
    folders: set[str]  # a, a/b


def listing_of(top: Path) -> Listing:
    """Every file under ``top`` with its inode and every folder, both from the listing alone (``scandir`` gives
    each entry's inode and type without a ``stat``); the writer's marker left out."""
    listing = Listing({}, set())
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
                    listing.folders.add(prefix + entry.name)
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    listing.files[prefix + entry.name] = entry.inode()
    return listing
