"""Stage 5 — write: the only stage that touches the output folder.

The new site is assembled in a staging folder beside ``site/`` (``site.staging/``),
then swapped with ``site/`` in one atomic ``renameat2`` exchange (two renames
where the kernel lacks it), so a failed or interrupted build leaves the
previous site whole. When nothing differs, nothing is touched.

Double buffering: the swapped-out previous site is not deleted; it stays in
``site.staging/`` as the next build's starting point, so an edit costs the files
it changes, not a copy of the whole site. The two trees share every unchanged
file through hard links, hence the one rule: a file is never modified in place,
every new version is a new inode (written beside, then renamed over). Before
writing, the staging tree is brought to the published one by comparing the two
trees' listings (``scandir`` gives each entry's inode without a ``stat``): a path
whose inode differs from the published file's (changed by the last build, or
left by an interrupted one) is linked again, a path the published site lacks is
removed. Equal inodes mean equal bytes, so whatever state a crash or a hand
left the staging tree in, it is repaired, not trusted; a missing one is made
from scratch (every file linked). Cost: listing both trees, plus one link per
file changed by this build or the previous one.

Crash windows, and what closes them:
- killed while staging: ``site/`` is untouched; the next build repairs the staging folder as above;
- killed between the two renames of the fallback swap: ``site.old/`` is put back by ``recover``;
  Ctrl-C and SIGTERM are held back during the swap, so only SIGKILL or a power cut can land there;
- two builds at once: ``publication_lock`` makes the second wait, so neither swaps in the other's half-made staging folder.

Only folders Vitrine made are replaced, emptied or removed (``publish/marker.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from vitrine.files import cleaned_on_failure
from vitrine.publish.listing import Listing, listing_of
from vitrine.publish.marker import MARKER, claim, mark, staging_path
from vitrine.publish.output import Output, same_as_previous, write_open, write_parts
from vitrine.publish.swap import publication_lock, recover_unlocked, signals_held, swap_in


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    kept: int = 0
    removed: list[str] = field(default_factory=list)
    swapped: bool = False
    files: set[str] = field(default_factory=set)  # every file of the site as published (or kept) by this write


def write_site(out: Path, outputs: Iterable[Output], kept: Iterable[str] = ()) -> WriteReport:
    """Publish ``outputs`` and ``kept`` as the complete content of ``out``, atomically.

    Outputs are consumed as they come (pages can be rendered while earlier ones
    are written); the staging folder is brought up to date at the first output that differs.
    ``kept``: files of the published site to keep as they are (an ``Output(path)`` each, without making it).
    """
    with publication_lock(out):
        return _write_site(out, outputs, kept)


def _write_site(out: Path, outputs: Iterable[Output], kept: Iterable[str]) -> WriteReport:
    recover_unlocked(out)  # which checks first that the three folders are Vitrine's
    report = WriteReport()
    previous = listing_of(out)
    wanted = set(kept)
    assert wanted <= previous.files.keys(), f"kept but not published: {sorted(wanted - previous.files.keys())}"
    report.kept = len(wanted)
    staging: Staging | None = None
    for o in outputs:  # an exception (a full disk, Ctrl-C…) leaves site/ untouched, the staging tree to repair
        wanted.add(o.path)
        if same_as_previous(out, o, previous.files):
            report.kept += 1
        else:
            staging = staging or Staging(out, previous)
            staging.write(o)
            report.written.append(o.path)
        del o  # its bytes can go before the next output is made (the open data: 16 MB each at 4,000 laureates)
    report.removed = sorted(previous.files.keys() - wanted)
    report.files = wanted
    if staging is None and not report.removed and out.is_dir():
        return report
    staging = staging or Staging(out, previous)
    for path in report.removed:
        staging.remove(path)
    with signals_held():
        previous_site = swap_in(staging.path, out)
    report.swapped = True
    if previous_site is not None and previous_site != staging.path:  # the fallback swap put it in site.old/
        os.replace(previous_site, staging.path)
    return report


class Staging:
    """The tree the new site is assembled in, beside ``out``: the previous site, brought to the published one."""

    def __init__(self, out: Path, published: Listing):
        self.out = out
        self.path = staging_path(out)
        claim(self.path)  # checked by the caller already; again, as the next lines may remove it
        if self.path.exists() and out.exists() and self.path.stat().st_dev != out.stat().st_dev:
            shutil.rmtree(self.path)  # inodes of two file systems say nothing: start afresh
        if not self.path.is_dir():
            self.path.mkdir(parents=True)
            try:  # before anything else: whatever stops this write, the folder is known as Vitrine's
                os.link(out / MARKER, self.path / MARKER)  # the published one's: the two trees share it too
            except OSError:
                mark(self.path)
        spare = listing_of(self.path)
        self.folders = spare.folders  # kept up to date: where a new file needs no folder made
        self._repair(spare.files, published)
        self.published = published.files  # once repaired, the tree's files: any other path is free

    def _repair(self, files: dict[str, int], published: Listing) -> None:
        """Make the tree the published one: wherever the two listings differ."""
        for path, _inode in files.items() - published.files.items():
            os.unlink(os.path.join(self.path, path))
        for folder in sorted(self.folders - published.folders, reverse=True):  # the deepest first
            os.rmdir(os.path.join(self.path, folder))
            self.folders.discard(folder)
        for path, _inode in published.files.items() - files.items():
            self.link(path)

    def link(self, path: str) -> None:
        """Keep the published file: a hard link, or a copy with its modification time where links are refused."""
        source, target = os.path.join(self.out, path), self._target(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def write(self, o: Output) -> None:
        """A new file, renamed over the old one: the old inode may be the published file's too. A path the tree
        lacks (every page of a first build) is written in place, made new by ``O_EXCL``: the temporary file and
        its rename saved; cut short (a full disk, Ctrl-C), it is removed, and if not (a power cut) the next
        build's repair removes it, as it would a temporary file, being a file the published site lacks."""
        target = self._target(o.path)
        if o.path not in self.published and o.path not in self.folders and o.copy_from is None:
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            except FileExistsError:  # not as listed (a hand wrote there since): renamed over, as below
                pass
            else:
                try:  # write_open names the file in an OSError
                    write_open(fd, target, (o.data,) if o.data is not None else o.parts)
                except BaseException:  # as ``cleaned_on_failure`` does, without a generator per page
                    with contextlib.suppress(OSError):
                        os.unlink(target)
                    raise
                return
        head, name = os.path.split(target)
        temporary = os.path.join(head, f".{name}.{os.getpid()}.tmp")
        with cleaned_on_failure(temporary, lambda: os.unlink(temporary)):
            if o.data is not None:
                write_parts(temporary, (o.data,))  # os.open and os.write: thousands of small pages, no Path each
            elif o.parts is not None:
                write_parts(temporary, o.parts)
            else:
                assert o.copy_from is not None, f"{o.path}: unchanged output without a previous file"
                shutil.copyfile(o.copy_from, temporary)
        if os.path.isdir(target) and not os.path.islink(target):  # a folder of the previous site becomes a file
            shutil.rmtree(target)
            self._forget_under(o.path)
        os.replace(temporary, target)

    def remove(self, path: str) -> None:
        """Remove a file the new site lacks, and the folders that leaves empty."""
        try:
            os.unlink(os.path.join(self.path, path))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):  # replaced by a folder, or in one gone
            return
        folder = path.rpartition("/")[0]
        while folder and not os.listdir(os.path.join(self.path, folder)):
            os.rmdir(os.path.join(self.path, folder))
            self.folders.discard(folder)
            folder = folder.rpartition("/")[0]

    def _target(self, path: str) -> str:
        folder = path.rpartition("/")[0]
        if folder and folder not in self.folders:
            try:
                self._make_folder(folder)
            except (FileExistsError, NotADirectoryError):  # a file of the previous site becomes a folder
                self._unlink_files_on_the_way(folder)
                os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            while folder and folder not in self.folders:  # it and the parents makedirs made
                self.folders.add(folder)
                folder = folder.rpartition("/")[0]
        return os.path.join(self.path, path)

    def _make_folder(self, folder: str) -> None:
        """One ``mkdir`` where the parent is known (a page's folder, thousands of them), else ``makedirs``."""
        parent = folder.rpartition("/")[0]
        if not parent or parent in self.folders:
            os.mkdir(os.path.join(self.path, folder))
        else:
            os.makedirs(os.path.join(self.path, folder), exist_ok=True)

    def _unlink_files_on_the_way(self, folder: str) -> None:
        parts = folder.split("/")
        for end in range(1, len(parts) + 1):
            place = os.path.join(self.path, *parts[:end])
            if os.path.lexists(place) and not os.path.isdir(place):
                os.unlink(place)
                return

    def _forget_under(self, folder: str) -> None:
        """``folder`` and all it held are gone."""
        inside = folder + "/"
        self.folders.difference_update([f for f in self.folders if f.startswith(inside)])
        self.folders.discard(folder)
