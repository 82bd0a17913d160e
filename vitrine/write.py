"""Stage 5 — write: the only stage that touches the output folder.

The new site is assembled in a staging folder next to ``site/``: files whose
bytes are unchanged are hard-linked from the previous site (same inode, same
modification time, nothing rewritten), the others are written. The staging
folder is then swapped with ``site/`` in one atomic ``renameat2`` exchange
(two renames where the kernel lacks it), so a failed or interrupted build
leaves the previous site whole. When nothing differs, nothing is touched.

Crash windows, and what closes them:
- killed while staging: ``site/`` is untouched; the next build removes the staging folder (``recover``);
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
from typing import Callable, Iterable, Iterator

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
    are written); the staging folder is made at the first output that differs.
    """
    with publication_lock(out):
        return _write_site(out, outputs)


def _write_site(out: Path, outputs: Iterable[Output]) -> WriteReport:
    _recover(out)
    report = WriteReport()
    previous = existing_files(out)
    wanted: set[str] = set()
    staging: _Staging | None = None
    unchanged: list[str] = []  # kept before the staging folder existed
    try:
        for o in outputs:
            wanted.add(o.path)
            if _same_as_previous(out, o, previous):
                report.kept += 1
                if staging:
                    staging.link(o.path)
                else:
                    unchanged.append(o.path)
                continue
            if staging is None:
                staging = _Staging(out, unchanged)
            staging.write(o)
            report.written.append(o.path)
        report.removed = sorted(previous - wanted)
        if staging is None:
            if not report.removed and out.is_dir():
                return report
            staging = _Staging(out, unchanged)
    except BaseException:  # a full disk, Ctrl-C…: site/ is untouched, leave no half-made folder behind
        if staging:
            shutil.rmtree(staging.path, ignore_errors=True)
        raise
    with _signals_held():
        previous_site = _swap(staging.path, out)
    report.swapped = True
    if previous_site is not None:
        shutil.rmtree(previous_site)
    return report


class _Staging:
    """The folder the new site is assembled in, next to ``out``: unchanged files are hard links to the current ones."""

    def __init__(self, out: Path, unchanged: list[str]):
        self.out = out
        self.path = out.with_name(out.name + STAGING_SUFFIX)
        if self.path.exists():
            shutil.rmtree(self.path)
        self.path.mkdir(parents=True)
        self._folders = {""}
        for path in unchanged:
            self.link(path)

    def link(self, path: str) -> None:
        """Keep the previous file: a hard link, or a copy with its modification time where links are refused."""
        source, target = os.path.join(self.out, path), self._target(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def write(self, o: Output) -> None:
        target = self._target(o.path)
        if o.data is not None:
            Path(target).write_bytes(o.data)
        else:
            assert o.copy_from is not None, f"{o.path}: unchanged output without a previous file"
            shutil.copyfile(o.copy_from, target)

    def _target(self, path: str) -> str:
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            self._folders.add(folder)
        return os.path.join(self.path, path)


def _same_as_previous(out: Path, o: Output, previous: set[str]) -> bool:
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
    found: set[str] = set()
    if not out.is_dir():
        return found
    folders = [(str(out), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    found.add(prefix + entry.name)
    return found


def recover(out: Path) -> None:
    """Finish or undo what an interrupted build left: a staging folder, or a site moved aside."""
    with publication_lock(out):
        _recover(out)


def _recover(out: Path) -> None:
    old = out.with_name(out.name + OLD_SUFFIX)
    staging = out.with_name(out.name + STAGING_SUFFIX)
    if old.exists() and not out.exists():
        os.rename(old, out)
    for leftover in (old, staging):
        if leftover.exists():
            shutil.rmtree(leftover)


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
