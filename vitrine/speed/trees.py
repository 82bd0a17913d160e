"""What the last write left in the output folder and its staging folder, so that the next write need not list them.

After its swap, a write leaves in its report (``left``), kept here, both listings (the new site's, and the previous site's, now
the staging tree), the paths where they differ (what the write changed) and the
identity and times of the two top folders. The next write starts from them
instead of listing, and repairs the staging tree at those paths only: an edit
then costs the files it changes, nothing per page. Whenever the knowledge may be
out of date, the trees are listed (see ``publish/write.py``):
- every write stamps the staging folder (sets its modification time to the clock's nanoseconds) before changing
  anything in it, so a write by another process or another state, finished, failed or killed, shows in the two
  top folders' device, inode, mtime and ctime, which must be as recorded (a folder missing, replaced or swapped,
  ``site.old/`` put back, an entry added at the top all show too); ``Trees`` is emptied when a write starts and
  filled again when it ends, so a write that stops halfway leaves nothing to trust;
- knowledge the caller kept in memory since its own last write (``serve``'s state; its trees are in
  ``.vitrine-cache/``) is trusted on these two folders: a hand change deep inside the trees while the process
  runs (a file changed in place included: the build then trusts the sizes and times it recorded,
  ``Trees.current_in_memory``) goes unseen until it restarts (if it makes a link or an unlink fail, that write fails and the next lists);
- knowledge restored from a pickle (the command line keeps it in ``.vitrine-cache/trees-<out>.pickle``: another
  process made it, at another time) is also checked folder by folder. A folder's ctime changes with every entry
  added to it, removed or replaced, and cannot be set back by hand: a ``stat`` per folder (a third of a
  ``scandir``) sees what a listing sees (files changed in place keep their inode: the build finds those by size
  and time, not the writer). A staging tree that fails the check is listed alone; a site that fails it, both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vitrine.files import read_pickle, replace_file
from vitrine.publish.write import KnownTrees, Listing, Staging, WriteReport, staging_path
from vitrine.publish.marker import claim_all
from vitrine.publish.swap import publication_lock

TREES_VERSION = 2


@dataclass
class Trees:
    """What the last write into ``out`` left in it and in its staging folder, for the next write (see the module).

    A long-lived caller keeps one per output folder, asks it what is still known before each write (``recall``)
    and gives it what the write left (``remember``); an empty one costs the next write a listing of both trees.
    Restored from a pickle, its folders are all checked before it is trusted.
    """

    out: str = ""
    known: KnownTrees = KnownTrees()  # ``published`` None: nothing known
    top_folders: tuple[_TopFolder, _TopFolder] = (None, None)  # of ``out`` and of the staging folder
    check_folders: bool = False  # True when restored from a pickle: made by another process, maybe long ago

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, check_folders=True)

    def remember(self, out: Path, left: KnownTrees | None) -> None:
        """What a write that just ended left: both trees, and their top folders as they are now."""
        self.out, self.known = os.fspath(out), left or KnownTrees()
        self.top_folders, self.check_folders = _top_folders(out), False

    def current_in_memory(self, out: Path) -> bool:
        """Whether this process's own last write is the last write into ``out`` (its two top folders as it left
        them): then what it recorded of each file still holds, as far as the preview trusts (see the module)."""
        return self.known.published is not None and not self.check_folders and self.out == os.fspath(out) \
            and self.top_folders == _top_folders(out)

    def save(self, path: Path) -> None:
        import pickle  # noqa: PLC0415 - not on the no-change path

        replace_file(path, lambda f: pickle.dump((TREES_VERSION, self), f, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: Path) -> Trees:
        """The trees saved in ``path``; none known when missing or unreadable (that costs a listing, no more)."""
        kept = read_pickle(path)
        ok = isinstance(kept, tuple) and len(kept) == 2 and kept[0] == TREES_VERSION and isinstance(kept[1], cls)
        return kept[1] if ok else cls()


def recall(trees: Trees | None, out: Path) -> KnownTrees:
    """What ``trees`` knows of ``out`` and of its staging tree, but what may be out of date (left None).

    ``trees`` itself is emptied: a write that stops halfway must leave no knowledge behind."""
    if trees is None or trees.known.published is None:
        return KnownTrees()
    known = trees.known
    current = trees.out == os.fspath(out) and trees.top_folders == _top_folders(out)
    trees.known = KnownTrees()
    if not current or trees.check_folders and not _folders_as_listed(out, known.published):
        return KnownTrees()
    if known.staging is not None and trees.check_folders and not _folders_as_listed(staging_path(out), known.staging):
        return KnownTrees(known.published)
    return known


def prepare_staging(out: Path, trees: Trees) -> bool:
    """Bring the staging tree to the published site ahead of the next write, which then starts writing at once:
    make it when the last write left none (it published a first site: every file to link), else repair it at
    the paths the last write changed (unlink the files it replaced, link the new ones: at 10,000 laureates the
    replaced open data alone, 40 MB, take 15-25 ms to free). Only from ``trees`` kept in memory by the last write
    (the preview, between two saves); returns whether it changed anything."""
    with publication_lock(out):
        if not trees.current_in_memory(out):
            return False
        claim_all(out)
        first = trees.known.staging is None and not staging_path(out).exists()
        if not first and (trees.known.staging is None or trees.known.may_differ == set()):
            return False  # not known (the next write lists it), or already the published site
        known = recall(trees, out)
        if known.published is None:
            return False
        staging = Staging(out, known.published, known, WriteReport())
        trees.remember(out, KnownTrees(known.published, staging.listing(), staging.changed))
        return True


_TopFolder = tuple[int, int, int, int] | None  # a tree's top folder: device, inode, mtime, ctime; None when missing


def _top_folders(out: Path) -> tuple[_TopFolder, _TopFolder]:
    return _top_folder(out), _top_folder(staging_path(out))


def _top_folder(folder: Path) -> _TopFolder:
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns


def _folders_as_listed(top: Path, listing: Listing) -> bool:
    """No entry was added to, removed from or replaced in any folder of ``top`` since ``listing`` was made."""
    prefix = os.fspath(top) + "/"
    try:
        return all(os.lstat(prefix + folder).st_ctime_ns == ctime for folder, ctime in listing.folders.items())
    except OSError:
        return False
