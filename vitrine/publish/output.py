"""One file of the new site (``Output``): bytes, a file to copy, or parts (some copied by the kernel out of another
file), and how those reach the disk."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from vitrine.errors import located


@dataclass(frozen=True)
class Copied:
    """Bytes ``start``..``end`` of an open file (``fd``): copied by the kernel, never read into memory."""

    fd: int
    start: int
    end: int


@dataclass(frozen=True)
class Output:
    """One file of the new site: bytes to write, a file to copy, parts to write one after the other, or nothing
    to keep the previous one.

    ``parts`` (bytes, or ``Copied`` runs of another file, e.g. the published version of this one) make a file
    too large to hold whole; they are consumed as they are written, and the result is not compared with the
    published file: its maker gives ``Output(path)`` instead when it knows them the same.
    """

    path: str
    data: bytes | None = None
    copy_from: Path | None = None
    parts: Iterable[bytes | Copied] | None = None


@dataclass(frozen=True)
class LazyOutput:
    """An output known by what it is made from: ``make`` runs only when ``fingerprint`` changed."""

    path: str
    fingerprint: str
    make: Callable[[], Output]


def write_parts(path: str, parts: Iterable[bytes | Copied]) -> None:
    """Write ``parts`` into a new file: bytes gathered up to ``_GATHERED`` (a write per megabyte, not per part),
    ``Copied`` runs copied by the kernel (``copy_file_range``: nothing read into memory, no page mapped)."""
    write_open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666), path, parts)


def write_open(fd: int, path: str, parts: Iterable[bytes | Copied]) -> None:
    """Write ``parts`` into ``fd``, a new file open at ``path`` (named by an error), and close it."""
    try:
        _write_gathered(fd, parts)
    except OSError as exc:  # os.write names no file: the message must say where the disk filled
        raise located(exc, path) from exc
    finally:
        os.close(fd)


def _write_gathered(fd: int, parts: Iterable[bytes | Copied]) -> None:
    gathered: list[bytes] = []
    size = 0
    for part in parts:
        if isinstance(part, Copied):
            _write_all(fd, b"".join(gathered))
            gathered, size = [], 0
            _copy_range(part, fd)
            continue
        gathered.append(part)
        size += len(part)
        if size >= _GATHERED:
            _write_all(fd, b"".join(gathered))
            gathered, size = [], 0
    _write_all(fd, b"".join(gathered))


_GATHERED = 1 << 20


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy_range(part: Copied, fd: int) -> None:
    """Append ``part`` to ``fd``: in the kernel where it can, else in chunks through memory."""
    at, end = part.start, part.end
    kernel = hasattr(os, "copy_file_range")  # Linux
    while at < end:
        if kernel:
            try:
                done = os.copy_file_range(part.fd, fd, end - at, at)
            except OSError as exc:  # another file system, or a kernel without it
                if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM):
                    raise
                kernel = False
                continue
        else:
            done = os.write(fd, os.pread(part.fd, min(end - at, _GATHERED), at))
        if done == 0:
            raise OSError(errno.EIO, f"copying bytes {at}..{end}: the file is shorter than when the copy was planned")
        at += done


def same_as_previous(out: Path, o: Output, previous: Mapping[str, int]) -> bool:
    if o.path not in previous or o.parts is not None:  # parts: their maker compared them (see ``Output``)
        return False
    if o.data is None and o.copy_from is None:
        return True
    old = out / o.path
    try:
        if o.data is not None:
            return old.stat().st_size == len(o.data) and old.read_bytes() == o.data
        assert o.copy_from is not None
        return _same_file_content(o.copy_from, old)
    except FileNotFoundError:  # gone since the listing: not the same, written again
        return False


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
