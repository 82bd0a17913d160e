"""Stage 5 — write: the only stage that touches the output folder.

The new site is assembled in a staging folder next to ``site/``: files whose
bytes are unchanged are hard-linked from the previous site (same inode, same
modification time, nothing rewritten), the others are written. The staging
folder is then swapped with ``site/`` in one atomic ``renameat2`` exchange
(two renames where the kernel lacks it), so a failed or interrupted build
leaves the previous site whole. When nothing differs, nothing is touched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

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


def write_site(out: Path, outputs: list[Output]) -> WriteReport:
    """Publish ``outputs`` as the complete content of ``out``, atomically."""
    recover(out)
    report = WriteReport()
    previous = _existing_files(out)
    wanted = {o.path for o in outputs}
    changes = [o for o in outputs if not _same_as_previous(out, o, previous)]
    report.removed = sorted(previous - wanted)
    if not changes and not report.removed and out.is_dir():
        report.kept = len(outputs)
        return report
    staging = out.with_name(out.name + STAGING_SUFFIX)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    changed = {o.path for o in changes}
    for o in sorted(outputs, key=lambda o: o.path):
        target = staging / o.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if o.path not in changed:
            os.link(out / o.path, target)
            report.kept += 1
        elif o.data is not None:
            target.write_bytes(o.data)
            report.written.append(o.path)
        else:
            assert o.copy_from is not None, f"{o.path}: unchanged output without a previous file"
            shutil.copyfile(o.copy_from, target)
            report.written.append(o.path)
    _swap(staging, out)
    report.swapped = True
    return report


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


def _existing_files(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    found = set()
    for dirpath, _dirs, files in os.walk(out):
        base = Path(dirpath).relative_to(out)
        for name in files:
            found.add((base / name).as_posix())
    return found


def recover(out: Path) -> None:
    """Finish or undo what an interrupted build left: a staging folder, or a site moved aside."""
    old = out.with_name(out.name + OLD_SUFFIX)
    staging = out.with_name(out.name + STAGING_SUFFIX)
    if old.exists() and not out.exists():
        os.rename(old, out)
    for leftover in (old, staging):
        if leftover.exists():
            shutil.rmtree(leftover)


def _swap(staging: Path, out: Path) -> None:
    if not out.exists():
        os.rename(staging, out)
        return
    if _rename_exchange(staging, out):
        shutil.rmtree(staging)  # it now holds the previous site
        return
    old = out.with_name(out.name + OLD_SUFFIX)
    os.rename(out, old)
    os.rename(staging, out)
    shutil.rmtree(old)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
