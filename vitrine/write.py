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
from scratch (every file linked). Cost per build: listing both trees, plus one
link per file changed by this build or the previous one.

Crash windows, and what closes them:
- killed while staging: ``site/`` is untouched; the next build repairs the staging folder as above;
- killed between the two renames of the fallback swap: ``site.old/`` is put back by ``recover``;
  Ctrl-C and SIGTERM are held back during the swap, so only SIGKILL or a power cut can land there;
- two builds at once: ``publication_lock`` makes the second wait, so neither swaps in the other's half-made staging folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import os
import shutil
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

STAGING_SUFFIX = ".staging"
OLD_SUFFIX = ".old"


@dataclass(frozen=True)
class Output:
    """One file of the new site: bytes to write, a file to copy, or ``None`` to keep the previous one."""

    path: str
    data: bytes | None = None
    copy_from: Path | None = None


@dataclass(frozen=True)
class Product:
    """An output known by what it is made from: ``make`` runs only when ``fingerprint`` changed."""

    path: str
    fingerprint: str
    make: Callable[[], Output]


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    kept: int = 0
    removed: list[str] = field(default_factory=list)
    swapped: bool = False
    files: set[str] = field(default_factory=set)  # every file of the site as published (or kept) by this write


_held = threading.local()  # the publication locks this thread holds: folder → [fd, depth]


@contextlib.contextmanager
def publication_lock(out: Path) -> Iterator[None]:
    """One build at a time publishes into ``out``'s folder: other processes and threads wait; nesting is fine."""
    out.parent.mkdir(parents=True, exist_ok=True)
    key = os.fspath(out.parent.resolve())
    held = _held.__dict__.setdefault("locks", {})
    if key in held:
        held[key][1] += 1
    else:
        fd = os.open(key, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if the process dies
        except BaseException:
            os.close(fd)
            raise
        held[key] = [fd, 1]
    try:
        yield
    finally:
        held[key][1] -= 1
        if held[key][1] == 0:
            os.close(held.pop(key)[0])


def write_site(out: Path, outputs: Iterable[Output]) -> WriteReport:
    """Publish ``outputs`` as the complete content of ``out``, atomically.

    Outputs are consumed as they come (pages can be rendered while earlier ones
    are written); the staging folder is brought up to date at the first output that differs.
    """
    with publication_lock(out):
        return _write_site(out, outputs)


def _write_site(out: Path, outputs: Iterable[Output]) -> WriteReport:
    _recover(out)
    report = WriteReport()
    previous = _listing(out)
    wanted: set[str] = set()
    staging: _Staging | None = None
    for o in outputs:  # an exception (a full disk, Ctrl-C…) leaves site/ untouched, the staging tree to repair
        wanted.add(o.path)
        if _same_as_previous(out, o, previous.files):
            report.kept += 1
        else:
            staging = staging or _Staging(out, previous)
            staging.write(o)
            report.written.append(o.path)
        del o  # its bytes can go before the next output is made (the open data: 16 MB each at 4,000 laureates)
    report.removed = sorted(previous.files.keys() - wanted)
    report.files = wanted
    if staging is None and not report.removed and out.is_dir():
        return report
    staging = staging or _Staging(out, previous)
    for path in report.removed:
        staging.remove(path)
    with _signals_held():
        previous_site = _swap(staging.path, out)
    report.swapped = True
    if previous_site is not None and previous_site != staging.path:  # the fallback swap put it in site.old/
        os.replace(previous_site, staging.path)
    return report


@dataclass(frozen=True)
class _Listing:
    files: dict[str, int]  # a/b/index.html → inode
    folders: set[str]  # a, a/b


def _listing(top: Path) -> _Listing:
    """Every file under ``top`` with its inode, and every folder (inodes come with the listing: no ``stat``)."""
    listing = _Listing({}, set())
    if not top.is_dir():
        return listing
    folders = [(os.fspath(top), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    listing.folders.add(prefix + entry.name)
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    listing.files[prefix + entry.name] = entry.inode()
    return listing


class _Staging:
    """The tree the new site is assembled in, beside ``out``: the previous site, brought to the published one."""

    def __init__(self, out: Path, published: _Listing):
        self.out = out
        self.path = out.with_name(out.name + STAGING_SUFFIX)
        if self.path.exists() and not self.path.is_dir() or self.path.is_symlink():
            os.unlink(self.path)
        elif self.path.exists() and out.exists() and self.path.stat().st_dev != out.stat().st_dev:
            shutil.rmtree(self.path)  # inodes of two file systems say nothing: start afresh
        self.path.mkdir(parents=True, exist_ok=True)
        self._folders = {""}
        spare = _listing(self.path)
        for path, inode in spare.files.items():
            if published.files.get(path) != inode:
                os.unlink(os.path.join(self.path, path))
        for folder in sorted(spare.folders - published.folders, reverse=True):  # the deepest first
            os.rmdir(os.path.join(self.path, folder))
        self._folders |= spare.folders & published.folders
        for path, inode in published.files.items():
            if spare.files.get(path) != inode:
                self.link(path)

    def link(self, path: str) -> None:
        """Keep the published file: a hard link, or a copy with its modification time where links are refused."""
        source, target = os.path.join(self.out, path), self._target(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def write(self, o: Output) -> None:
        """A new file, renamed over the old one: the old inode may be the published file's too."""
        target = self._target(o.path)
        head, name = os.path.split(target)
        temporary = os.path.join(head, f".{name}.{os.getpid()}.tmp")
        if o.data is not None:
            Path(temporary).write_bytes(o.data)
        else:
            assert o.copy_from is not None, f"{o.path}: unchanged output without a previous file"
            shutil.copyfile(o.copy_from, temporary)
        if os.path.isdir(target) and not os.path.islink(target):  # a folder of the previous site becomes a file
            shutil.rmtree(target)
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
            self._folders.discard(folder)
            folder = folder.rpartition("/")[0]

    def _target(self, path: str) -> str:
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            try:
                os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # a file of the previous site becomes a folder
                self._unlink_files_on_the_way(folder)
                os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            self._folders.add(folder)
        return os.path.join(self.path, path)

    def _unlink_files_on_the_way(self, folder: str) -> None:
        parts = folder.split("/")
        for end in range(1, len(parts) + 1):
            place = os.path.join(self.path, *parts[:end])
            if os.path.lexists(place) and not os.path.isdir(place):
                os.unlink(place)
                return


def _same_as_previous(out: Path, o: Output, previous: Mapping[str, int]) -> bool:
    if o.path not in previous:
        return False
    if o.data is None and o.copy_from is None:
        return True
    old = out / o.path
    if o.data is not None:
        return old.stat().st_size == len(o.data) and old.read_bytes() == o.data
    assert o.copy_from is not None
    return _same_file_content(o.copy_from, old)


def _same_file_content(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            chunk = fa.read(1 << 20)
            if chunk != fb.read(1 << 20):
                return False
            if not chunk:
                return True


def existing_files(out: Path) -> set[str]:
    """Every file under ``out``, as ``a/b/index.html`` paths."""
    return set(_listing(out).files)


def recover(out: Path) -> None:
    """Undo what an interrupted build left: a site moved aside."""
    with publication_lock(out):
        _recover(out)


def _recover(out: Path) -> None:
    """A site moved aside goes back; a staging folder stays, as the next build's start (see the module)."""
    old = out.with_name(out.name + OLD_SUFFIX)
    if old.exists() and not out.exists():
        os.rename(old, out)
    if old.exists():
        shutil.rmtree(old)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM arriving during the swap take effect once it is done."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    except (AttributeError, OSError, ValueError):  # no POSIX signals here
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap(staging: Path, out: Path) -> Path | None:
    """Put ``staging`` in place of ``out``; return where the previous site now is, if there was one."""
    if not out.exists():
        os.rename(staging, out)
        return None
    if _rename_exchange(staging, out):
        return staging
    old = out.with_name(out.name + OLD_SUFFIX)
    os.rename(out, old)
    try:
        os.rename(staging, out)
    except BaseException:
        os.rename(old, out)
        raise
    return old


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _renameat2():
    return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)  # libc is loaded in every CPython


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0
