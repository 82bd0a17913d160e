"""What a build reads, listed and stat()ed (never read) before it starts: the input scan, and the preview's rescan
of only the paths a file watcher reports.

Standard library only: the no-change path runs it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat as stat_module
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Iterable, Iterator

from vitrine.engine import EDITOR_DIR, code_digest, library_versions, theme_dir
from vitrine.files import signature_of
from vitrine.options import BuildOptions
from vitrine.speed.mechanisms import switched_off


RECORD_VERSION = 4


@dataclass(frozen=True)
class Inputs:
    """Everything a build reads, as listed and stat()ed (never read) before it starts."""

    digest: str  # equal digests mean an identical site
    settings: str  # the engine, its libraries and the build's options: all but the files
    files: dict[str, tuple[int, ...]]  # every content, template and static file → its stat signature, in scan order
    folders: tuple[str, ...] = ()  # the folders scanned (content, templates, static), as ``files`` names them
    stated: int = 0  # files stat()ed to know this: all of them for a scan, the changed ones for ``rescan``


def scan_inputs(options: BuildOptions) -> Inputs:
    """List and stat every input: content, templates, static files, the engine and the options.

    Files are only listed and stat()ed, by name, size, times and inode, so an
    unchanged site is recognised in a few milliseconds per thousand files.
    The engine's settings (Markdown, sanitizer, search) are in its hashed source.
    """
    settings, folders = _settings(options), _folders(options)
    files: dict[str, tuple[int, ...]] = {}
    for folder in folders:
        files.update(tree_signatures(Path(folder)))
    return Inputs(_digest(settings, folders, files), settings, files, folders, len(files))


RESCAN_LIMIT = 64  # changed paths beyond which a full scan is as cheap, and safer


def rescan(options: BuildOptions, last: Inputs, changed: Iterable[str]) -> Inputs | None:
    """The inputs now, from the ``last`` scan and the paths changed since, as a file watcher reports them: only
    those are stat()ed, and the result (files, order, digest) is the one ``scan_inputs`` would give.

    None whenever that is not certain, for the caller to scan everything: a path outside the three folders, a
    folder (made, removed, renamed) or a link among the paths, a file appearing in a folder where the last scan
    found none, the folders or settings changed, or too many paths at once.
    """
    changed = set(changed)
    settings, folders = _settings(options), _folders(options)
    if settings != last.settings or folders != last.folders or not last.files or len(changed) > RESCAN_LIMIT:
        return None
    files, created = dict(last.files), False  # ``last.files`` may be a snapshot's: never changed in place
    for path in changed:
        if _folder_of(folders, path) is None:
            return None  # outside the inputs, or not named as a scan names files
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            if path not in files and _holds_files(files, path):
                return None  # a folder gone with its files
            files.pop(path, None)
            continue
        except OSError:
            return None
        if not stat_module.S_ISREG(st.st_mode):
            return None  # a folder, a link (followed by a scan, once), or stranger
        if path not in files:
            if not _holds_files(files, path.rpartition("/")[0], directly=True):
                return None  # a folder the last scan did not list (or listed empty): it may not be listed at all
            created = True
        files[path] = signature_of(st)
    if created:
        files = dict(sorted(files.items(), key=partial(_scan_order, folders)))
    return Inputs(_digest(settings, folders, files), settings, files, folders, len(changed))


def _settings(options: BuildOptions) -> str:
    return hashlib.blake2b(repr((RECORD_VERSION, code_digest(), library_versions(), options.today, options.drafts,
                                 options.search, options.catalogues, options.base_url, str(options.out), options.local_editor,
                                 sorted(switched_off()))).encode(),
                           digest_size=16).hexdigest()


def _folders(options: BuildOptions) -> tuple[str, ...]:
    return tuple(str(folder) for folder in (options.root / "content", theme_dir(options.root, "templates"),
                                            theme_dir(options.root, "static"), EDITOR_DIR))  # a bundle edited by hand is refused


def _digest(settings: str, folders: tuple[str, ...], files: dict[str, tuple[int, ...]]) -> str:
    """The files in their scan order, encoded whole by marshal (version 2: no references, so equal dicts give
    equal bytes whichever objects hold them): a fifth of the cost of hashing them one by one."""
    h = hashlib.blake2b(f"{settings}\0{folders}\0".encode(), digest_size=16)
    h.update(marshal.dumps(files, 2))
    return h.hexdigest()


def _holds_files(files: dict[str, tuple[int, ...]], folder: str, directly: bool = False) -> bool:
    """Whether the scan found files in ``folder`` (``directly``: not only in its subfolders)."""
    prefix = folder + "/"
    return any(path.startswith(prefix) and not (directly and "/" in path[len(prefix):]) for path in files)


def _scan_order(folders: tuple[str, ...], item: tuple[str, tuple[int, ...]]) -> tuple:
    """Where ``tree_signatures`` lists a file: by folder scanned, then, in each folder, its files by name before
    its subfolders by name."""
    found = _folder_of(folders, item[0])
    assert found is not None, item[0]  # every file a scan lists, or ``rescan`` keeps
    index, parts = found
    return index, [(1, parent) for parent in parts[:-1]] + [(0, parts[-1])]


def _folder_of(folders: tuple[str, ...], path: str) -> tuple[int, list[str]] | None:
    """Which of ``folders`` holds ``path``, and the names leading to it there; None unless it is named as a scan
    names a file in them (``folder/a/b``: no ``.``, ``..`` or empty name)."""
    for index, folder in enumerate(folders):
        if path.startswith(folder + "/"):
            parts = path[len(folder) + 1:].split("/")
            return None if any(part in ("", ".", "..") for part in parts) else (index, parts)
    return None


def tree_signatures(folder: Path) -> Iterator[tuple[str, tuple[int, ...]]]:
    """(path, stat signature) of every file under ``folder``, in name order, each folder's files before its
    subfolders', following links once (a link loop is not followed).

    One stat() per file, the floor of the check, made relative to the open folder (the kernel resolves one name,
    not the whole path): a quarter faster than ``os.walk`` and ``os.stat(path)``.
    """
    seen: set[tuple[int, int]] = set()
    pending = [str(folder)]
    while pending:
        top = pending.pop()
        try:
            fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(fd) as listing:  # its entries stat() through ``fd``
                entries = sorted(listing, key=_name)
            subfolders = []
            for entry in entries:
                path = f"{top}/{entry.name}"
                try:
                    if entry.is_dir():
                        subfolders.append(path)
                        continue
                    st = entry.stat()
                except OSError:  # a broken link
                    yield path, ()
                    continue
                yield path, signature_of(st)
            pending.extend(reversed(subfolders))
        finally:
            os.close(fd)


def _name(entry: os.DirEntry) -> str:
    return entry.name
