"""The publication's three guarantees: one build at a time (a lock), the new site in place of the old in one step
(an atomic exchange of the two folders), and a site moved aside by an interrupted build put back (recovery)."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Iterator

from vitrine.publish.marker import OLD_SUFFIX, claim_all



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


def recover(out: Path) -> None:
    """Undo what an interrupted build left: a site moved aside."""
    with publication_lock(out):
        recover_unlocked(out)


def recover_unlocked(out: Path) -> None:
    """A site moved aside goes back; a staging folder stays, as the next build's start (see the module)."""
    claim_all(out)  # before touching any: none of the three may be a folder Vitrine did not make
    old = out.with_name(out.name + OLD_SUFFIX)
    if old.exists() and not out.exists():
        os.rename(old, out)
    if old.exists():
        shutil.rmtree(old)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
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


def swap_in(staging: Path, out: Path) -> Path | None:
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
