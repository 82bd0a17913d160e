"""Small file habits used by every layer: a file's stat signature, an atomic write, a pickle that may be stale.

Standard library only: the no-change path imports this module.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat as stat_module
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Mapping

from vitrine.errors import located

# A file's identity as a scan sees it: size, modification and change times, inode. Equal signatures: same bytes.
Signature = tuple[int, int, int, int]
NO_FILE: Signature = (-1, -1, -1, -1)

# What reading a pickle written by another version of Vitrine (or cut short by a killed build) may raise.
UNREADABLE_PICKLE = (OSError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError, KeyError)


def signature(path: Path | str) -> Signature:
    """``path``'s stat signature; ``NO_FILE`` when it cannot be stat()ed."""
    try:
        return signature_of(os.stat(path))
    except OSError:
        return NO_FILE


def signature_of(st: os.stat_result) -> Signature:
    """The signature of a file already stat()ed (by a directory listing, or ``lstat``)."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def size_and_time(path: Path | str) -> list[int] | None:
    """(size, modification time) of a file, as the build record keeps them; None when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def replace_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file through ``write`` (streamed, not built in memory first) and swap it in atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with cleaned_on_failure(path, lambda: os.unlink(tmp)):
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, path)


@contextlib.contextmanager
def cleaned_on_failure(named: Path | str, clean: Callable[[], object]) -> Iterator[None]:
    """A write that leaves nothing half-written: on any failure (a full disk, Ctrl-C…) ``clean()`` removes what it
    wrote, and an ``OSError`` names ``named`` (a write to an open file names none, and the message must)."""
    try:
        yield
    except BaseException as exc:
        with contextlib.suppress(OSError):
            clean()
        if isinstance(exc, OSError):
            raise located(exc, named) from exc
        raise


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """A FIFO, a socket or a device where a file was expected."""


def open_regular(path: Path | str) -> io.BufferedReader:
    """``path`` open for reading, only if it is a regular file.

    Opening a named pipe waits for a writer, and reading a device may never end: the file is stat()ed first, then
    opened without blocking and checked again through its descriptor (it may have been replaced in between)."""
    if not stat_module.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFile(f"not a regular file: {path}")
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat_module.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"not a regular file: {path}")
    except BaseException:
        os.close(fd)
        raise
    return open(fd, "rb")


def read_pickle(path: Path) -> Any | None:
    """The object pickled in ``path``, or None when it is missing or unreadable (losing a cache costs only time)."""
    import pickle  # noqa: PLC0415 - not on the no-change path

    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except UNREADABLE_PICKLE + (pickle.UnpicklingError,):
        return None


def published_file(out: Path, recorded: Mapping[str, list], path: str) -> tuple[io.FileIO, bool] | None:
    """A published file, open (its unchanged parts are copied from it, not read), and whether it is the one the
    last build recorded (a build never changes a published file in place); None when there is none to read."""
    try:
        file = io.FileIO(os.path.join(out, path), "r")
    except OSError:
        return None
    st = os.fstat(file.fileno())
    if not stat_module.S_ISREG(st.st_mode):
        file.close()
        return None
    return file, path in recorded and [st.st_size, st.st_mtime_ns] == recorded[path][1:]
