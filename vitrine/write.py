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

Knowledge between writes (``Trees``): after its swap, a write leaves in the
caller's ``Trees`` both listings (the new site's, and the previous site's, now
the staging tree), the paths where they differ (what the write changed) and the
identity and times of the two top folders. The next write starts from them
instead of listing, and repairs the staging tree at those paths only: an edit
then costs the files it changes, nothing per page. Whenever the knowledge may be
out of date, the trees are listed as above:
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

Crash windows, and what closes them:
- killed while staging: ``site/`` is untouched; the next build repairs the staging folder as above;
- killed between the two renames of the fallback swap: ``site.old/`` is put back by ``recover``;
  Ctrl-C and SIGTERM are held back during the swap, so only SIGKILL or a power cut can land there;
- two builds at once: ``publication_lock`` makes the second wait, so neither swaps in the other's half-made staging folder.

Only Vitrine's folders are ever replaced, emptied or removed: the staging folder gets a marker file (``MARKER``)
before anything else, and carries it into ``site/`` at the swap. A folder found where the output, the staging folder
or ``site.old/`` go that is neither marked nor empty (a user's folder, a repository given as ``--out``) is refused
(``OutputRefused``) before anything is touched; an empty one is taken and marked. The marker is no output: listings
leave it out, so it is never removed nor recorded.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import shutil
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .errors import located

STAGING_SUFFIX = ".staging"
OLD_SUFFIX = ".old"
TREES_VERSION = 1
MARKER = ".vitrine-output"  # in the top folder of every tree Vitrine writes: what it may replace (see the module)
MARKER_TEXT = (b"Dossier produit par Vitrine (python build.py)\xc2\xa0: il est remplac\xc3\xa9 en entier \xc3\xa0 chaque "
               b"construction. N'y rangez rien.\n")


class OutputRefused(Exception):
    """A folder where the writer would publish, stage or set aside a site is not one Vitrine made (French message)."""

    def __init__(self, folder: Path, what: str):
        self.folder = folder
        super().__init__(
            f"{folder} : {what}, et Vitrine ne l'a pas créé (il n'a pas le fichier {MARKER}) ; "
            "Vitrine ne remplace ni ne supprime un dossier qui n'est pas le sien — choisissez avec --out un dossier "
            f"vide ou nouveau, ou, si ce dossier ne contient rien à garder, supprimez-le puis relancez")


def claim(folder: Path) -> None:
    """Make sure ``folder`` may be written, swapped or removed by the writer: missing, Vitrine's (marked), or an
    empty folder (then marked). Anything else raises ``OutputRefused`` and nothing is touched."""
    if _unmarked_empty(folder):
        _mark(folder)


def _unmarked_empty(folder: Path) -> bool:
    """Whether ``folder`` is an empty folder to mark; False when missing or marked; ``OutputRefused`` otherwise."""
    if not os.path.lexists(folder):
        return False
    if os.path.islink(folder):
        raise OutputRefused(folder, "c'est un lien symbolique")
    if not folder.is_dir():
        raise OutputRefused(folder, "c'est un fichier, pas un dossier")
    if (folder / MARKER).is_file():
        return False
    with os.scandir(folder) as entries:
        if next(entries, None) is not None:
            raise OutputRefused(folder, "ce dossier n'est pas vide")
    return True


def adopt_recorded(out: Path, known: Callable[[], set[str]]) -> None:
    """Mark ``out`` and its staging folder when a Vitrine older than the marker left them: each is taken only if
    every file in it is one that Vitrine's own records of this output name (``known()``, called only when a folder
    lacks the marker), so a folder with anything else in it is still refused."""
    folders = [folder for folder in (out, _staging_path(out))
               if folder.is_dir() and not folder.is_symlink() and not (folder / MARKER).exists()]
    recorded = known() if folders else set()
    for folder in folders:
        files = _listing(folder, WriteReport()).files
        if files and files.keys() <= recorded:
            _mark(folder)


def adopt(out: Path) -> None:
    """Mark ``out`` and its staging folder as Vitrine's when they are real folders: only for folders Vitrine alone
    makes (the preview's, inside its cache), which an earlier version left unmarked."""
    for folder in (out, _staging_path(out)):
        if folder.is_dir() and not folder.is_symlink() and not (folder / MARKER).exists():
            _mark(folder)


def _mark(folder: Path) -> None:
    with open(folder / MARKER, "wb") as f:
        f.write(MARKER_TEXT)


def _claim_all(out: Path) -> None:
    """The output folder, its staging folder and the fallback swap's ``.old`` folder are all Vitrine's to touch."""
    folders = (out, _staging_path(out), out.with_name(out.name + OLD_SUFFIX))
    for folder in [folder for folder in folders if _unmarked_empty(folder)]:  # all checked before any is marked
        _mark(folder)


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
    listings: int = 0  # trees listed whole (0 when the caller's ``Trees`` were current; at most 2)


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


def write_site(out: Path, outputs: Iterable[Output], trees: Trees | None = None,
               kept: Iterable[str] = ()) -> WriteReport:
    """Publish ``outputs`` and ``kept`` as the complete content of ``out``, atomically.

    Outputs are consumed as they come (pages can be rendered while earlier ones
    are written); the staging folder is brought up to date at the first output that differs.
    ``trees``: what the caller's last write into ``out`` left there (see the module), updated by this write.
    ``kept``: files of the published site to keep as they are (an ``Output(path)`` each, without making it).
    """
    with publication_lock(out):
        return _write_site(out, outputs, trees, kept)


def _write_site(out: Path, outputs: Iterable[Output], trees: Trees | None, kept: Iterable[str]) -> WriteReport:
    _recover(out)  # which checks first that the three folders are Vitrine's
    report = WriteReport()
    known = _recall(trees, out)
    previous = known.published or _listing(out, report)
    wanted = set(kept)
    assert wanted <= previous.files.keys(), f"kept but not published: {sorted(wanted - previous.files.keys())}"
    report.kept = len(wanted)
    staging: _Staging | None = None
    for o in outputs:  # an exception (a full disk, Ctrl-C…) leaves site/ untouched, the staging tree to repair
        wanted.add(o.path)
        if _same_as_previous(out, o, previous.files):
            report.kept += 1
        else:
            staging = staging or _Staging(out, previous, known, report)
            staging.write(o)
            report.written.append(o.path)
        del o  # its bytes can go before the next output is made (the open data: 16 MB each at 4,000 laureates)
    report.removed = sorted(previous.files.keys() - wanted)
    report.files = wanted
    if staging is None and not report.removed and out.is_dir():
        if trees is not None:
            trees.remember(out, previous, known.spare, known.differ)
        return report
    staging = staging or _Staging(out, previous, known, report)
    for path in report.removed:
        staging.remove(path)
    published = staging.listing()
    with _signals_held():
        previous_site = _swap(staging.path, out)
    report.swapped = True
    if previous_site is not None and previous_site != staging.path:  # the fallback swap put it in site.old/
        os.replace(previous_site, staging.path)
    if trees is not None:
        trees.remember(out, published, previous if previous_site is not None else None, staging.changed)
    return report


def prepare_staging(out: Path, trees: Trees) -> bool:
    """Bring the staging tree to the published site ahead of the next write, which then starts writing at once:
    make it when the last write left none (it published a first site: every file to link), else repair it at
    the paths the last write changed (unlink the files it replaced, link the new ones: at 10,000 laureates the
    replaced open data alone, 40 MB, take 15-25 ms to free). Only from ``trees`` kept in memory by the last write
    (the preview, between two saves); returns whether it changed anything."""
    with publication_lock(out):
        if not trees.current_in_memory(out):
            return False
        _claim_all(out)
        first = trees.spare is None and not _staging_path(out).exists()
        if not first and (trees.spare is None or trees.differ == set()):
            return False  # not known (the next write lists it), or already the published site
        known = _recall(trees, out)
        if known.published is None:
            return False
        staging = _Staging(out, known.published, known, WriteReport())
        trees.remember(out, known.published, staging.listing(), staging.changed)
        return True


@dataclass(frozen=True)
class _Listing:
    files: dict[str, int]  # a/b/index.html → inode
    folders: dict[str, int]  # a, a/b → ctime (st_ctime_ns: changes with every entry added, removed or replaced)


def _listing(top: Path, report: WriteReport) -> _Listing:
    """Every file under ``top`` with its inode (which comes with the listing: no ``stat``), every folder with its
    ctime (a ``stat`` each)."""
    listing = _Listing({}, {})
    if not top.is_dir():
        return listing
    report.listings += 1
    folders = [(os.fspath(top), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if not prefix and entry.name == MARKER:
                    continue  # the writer's, not an output (see the module)
                if entry.is_dir(follow_symlinks=False):
                    listing.folders[prefix + entry.name] = entry.stat(follow_symlinks=False).st_ctime_ns
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    listing.files[prefix + entry.name] = entry.inode()
    return listing


_Root = tuple[int, int, int, int] | None  # a tree's top folder: device, inode, mtime, ctime; None when missing


@dataclass
class Trees:
    """What the last write into ``out`` left in it and in its staging folder, for the next write (see the module).

    A long-lived caller keeps one per output folder and hands it to every ``write_site``; an empty one costs the
    next write a listing of both trees. Restored from a pickle, its folders are all checked before it is trusted.
    """

    out: str = ""
    published: _Listing | None = None  # None: nothing known
    spare: _Listing | None = None  # the staging tree; None when there was none, or when not known
    differ: set[str] | None = None  # the only paths (files, folders) where the two may differ; None: anywhere
    roots: tuple[_Root, _Root] = (None, None)  # of ``out`` and of the staging folder
    check_folders: bool = False  # True when restored from a pickle: made by another process, maybe long ago

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, check_folders=True)

    def remember(self, out: Path, published: _Listing, spare: _Listing | None, differ: set[str] | None) -> None:
        """What a write that just ended left: both trees, and their top folders as they are now."""
        self.out, self.published, self.spare, self.differ = os.fspath(out), published, spare, differ
        self.roots, self.check_folders = _roots(out), False

    def current_in_memory(self, out: Path) -> bool:
        """Whether this process's own last write is the last write into ``out`` (its two top folders as it left
        them): then what it recorded of each file still holds, as far as the preview trusts (see the module)."""
        return self.published is not None and not self.check_folders and self.out == os.fspath(out) \
            and self.roots == _roots(out)

    def save(self, path: Path) -> None:
        import pickle  # noqa: PLC0415 - not on the no-change path, which imports this module (publication_lock)

        from .store import replace_file  # noqa: PLC0415 - idem
        replace_file(path, lambda f: pickle.dump((TREES_VERSION, self), f, protocol=pickle.HIGHEST_PROTOCOL))

    @classmethod
    def load(cls, path: Path) -> Trees:
        """The trees saved in ``path``; none known when missing or unreadable (that costs a listing, no more)."""
        import pickle  # noqa: PLC0415 - not on the no-change path, which imports this module (publication_lock)
        try:
            with open(path, "rb") as f:
                version, trees = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return cls()
        return trees if version == TREES_VERSION and isinstance(trees, cls) else cls()


def _recall(trees: Trees | None, out: Path) -> Trees:
    """What ``trees`` knows of ``out`` and of its staging tree, but what may be out of date (left None).

    ``trees`` itself is emptied: a write that stops halfway must leave no knowledge behind."""
    if trees is None or trees.published is None:
        return Trees()
    known = Trees(trees.out, trees.published, trees.spare, trees.differ)
    current = trees.out == os.fspath(out) and trees.roots == _roots(out)
    trees.published = trees.spare = trees.differ = None
    if not current or trees.check_folders and not _folders_as_listed(out, known.published):
        return Trees()
    if known.spare is not None and trees.check_folders and not _folders_as_listed(_staging_path(out), known.spare):
        known.spare = known.differ = None
    return known


def _roots(out: Path) -> tuple[_Root, _Root]:
    return _root(out), _root(_staging_path(out))


def _root(folder: Path) -> _Root:
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns


def _folders_as_listed(top: Path, listing: _Listing) -> bool:
    """No entry was added to, removed from or replaced in any folder of ``top`` since ``listing`` was made."""
    prefix = os.fspath(top) + "/"
    try:
        return all(os.lstat(prefix + folder).st_ctime_ns == ctime for folder, ctime in listing.folders.items())
    except OSError:
        return False


def _staging_path(out: Path) -> Path:
    return out.with_name(out.name + STAGING_SUFFIX)


def _stamp(folder: Path) -> None:
    """Mark ``folder`` as changed, for any other writer that knows it (see the module)."""
    now = time.time_ns()
    os.utime(folder, ns=(now, now))


class _Staging:
    """The tree the new site is assembled in, beside ``out``: the previous site, brought to the published one.

    It keeps its own listing up to date as it changes (``listing()``), for the next write."""

    def __init__(self, out: Path, published: _Listing, known: Trees, report: WriteReport):
        self.out = out
        self.path = _staging_path(out)
        spare, differ = known.spare, known.differ
        claim(self.path)  # checked by the caller already; again, as the next lines may remove it
        if self.path.exists() and out.exists() and self.path.stat().st_dev != out.stat().st_dev:
            shutil.rmtree(self.path)  # inodes of two file systems say nothing: start afresh
        if not self.path.is_dir():
            spare, differ = _Listing({}, {}), None  # made empty, every file to link
            self.path.mkdir(parents=True)
            try:  # before anything else: whatever stops this write, the folder is known as Vitrine's
                os.link(out / MARKER, self.path / MARKER)  # the published one's: the two trees share it too
            except OSError:
                _mark(self.path)
        _stamp(self.path)
        if spare is None:
            spare, differ = _listing(self.path, report), None
        self.files, self.folders = spare.files, spare.folders  # taken over: the caller's listing is out of date
        self._touched: set[str] = set()  # folders whose entries changed: their ctime is taken again at the end
        self.changed: set[str] = set()
        self._repair(published, differ)
        # Where the tree differs from the published one from now on: folders without files (the repair makes
        # only those it links files into), then every path this write changes.
        self.changed = published.folders.keys() - self.folders.keys()

    def _repair(self, published: _Listing, differ: set[str] | None) -> None:
        """Make the tree the published one: only at ``differ`` when known, else wherever the listings differ."""
        files, folders = self.files, self.folders
        if differ is None:
            stale = [path for path, _inode in files.items() - published.files.items()]
            gone = folders.keys() - published.folders.keys()
        else:
            stale = [path for path in differ if path in files and files[path] != published.files.get(path)]
            gone = {folder for folder in differ if folder in folders and folder not in published.folders}
        for path in stale:
            os.unlink(os.path.join(self.path, path))
            self._forget(path)
        for folder in sorted(gone, reverse=True):  # the deepest first
            os.rmdir(os.path.join(self.path, folder))
            self._forget(folder)
        missing = (published.files.items() - files.items() if differ is None else
                   [(path, published.files[path]) for path in differ
                    if path in published.files and files.get(path) != published.files[path]])
        for path, inode in missing:
            self.link(path, inode)

    def link(self, path: str, inode: int) -> None:
        """Keep the published file: a hard link, or a copy with its modification time where links are refused."""
        source, target = os.path.join(self.out, path), self._target(path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)
            inode = os.stat(target).st_ino
        self._add(path, inode)

    def write(self, o: Output) -> None:
        """A new file, renamed over the old one: the old inode may be the published file's too."""
        target = self._target(o.path)
        head, name = os.path.split(target)
        temporary = os.path.join(head, f".{name}.{os.getpid()}.tmp")
        try:
            if o.data is not None:
                Path(temporary).write_bytes(o.data)
            elif o.parts is not None:
                _write_parts(temporary, o.parts)
            else:
                assert o.copy_from is not None, f"{o.path}: unchanged output without a previous file"
                shutil.copyfile(o.copy_from, temporary)
        except BaseException as exc:  # a full disk, Ctrl-C…: no half-written file left behind
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            if isinstance(exc, OSError):
                raise located(exc, temporary) from exc
            raise
        inode = os.stat(temporary).st_ino
        if os.path.isdir(target) and not os.path.islink(target):  # a folder of the previous site becomes a file
            shutil.rmtree(target)
            self._forget_under(o.path)
        os.replace(temporary, target)
        self._add(o.path, inode)

    def remove(self, path: str) -> None:
        """Remove a file the new site lacks, and the folders that leaves empty."""
        try:
            os.unlink(os.path.join(self.path, path))
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):  # replaced by a folder, or in one gone
            return
        self._forget(path)
        folder = path.rpartition("/")[0]
        while folder and not os.listdir(os.path.join(self.path, folder)):
            os.rmdir(os.path.join(self.path, folder))
            self._forget(folder)
            folder = folder.rpartition("/")[0]

    def listing(self) -> _Listing:
        """What the tree holds now (for the next write), the ctime of each folder this write changed taken again."""
        for folder in self._touched & self.folders.keys():
            self.folders[folder] = os.lstat(os.path.join(self.path, folder)).st_ctime_ns
        self._touched.clear()
        return _Listing(self.files, self.folders)

    def _target(self, path: str) -> str:
        folder = path.rpartition("/")[0]
        if folder and folder not in self.folders:
            try:
                os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            except (FileExistsError, NotADirectoryError):  # a file of the previous site becomes a folder
                self._unlink_files_on_the_way(folder)
                os.makedirs(os.path.join(self.path, folder), exist_ok=True)
            while folder and folder not in self.folders:  # it and the parents makedirs made
                self.folders[folder] = 0
                self._touched.add(folder)
                self.changed.add(folder)
                folder = folder.rpartition("/")[0]
            self._touched.add(folder)
        return os.path.join(self.path, path)

    def _unlink_files_on_the_way(self, folder: str) -> None:
        parts = folder.split("/")
        for end in range(1, len(parts) + 1):
            place = os.path.join(self.path, *parts[:end])
            if os.path.lexists(place) and not os.path.isdir(place):
                os.unlink(place)
                self._forget("/".join(parts[:end]))
                return

    def _add(self, path: str, inode: int) -> None:
        self.files[path] = inode
        self._touched.add(path.rpartition("/")[0])
        self.changed.add(path)

    def _forget(self, path: str) -> None:
        """``path`` (a file or an empty folder) is gone: its folder changed."""
        self.files.pop(path, None)
        self.folders.pop(path, None)
        self._touched.add(path.rpartition("/")[0])
        self.changed.add(path)

    def _forget_under(self, folder: str) -> None:
        """``folder`` and all it held are gone."""
        inside = folder + "/"
        for listing in (self.files, self.folders):
            for path in [p for p in listing if p.startswith(inside)]:
                del listing[path]
                self.changed.add(path)
        self._forget(folder)


def _write_parts(path: str, parts: Iterable[bytes | Copied]) -> None:
    """Write ``parts`` into a new file: bytes gathered up to ``_GATHERED`` (a write per megabyte, not per part),
    ``Copied`` runs copied by the kernel (``copy_file_range``: nothing read into memory, no page mapped)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
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


def _same_as_previous(out: Path, o: Output, previous: Mapping[str, int]) -> bool:
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


def recover(out: Path) -> None:
    """Undo what an interrupted build left: a site moved aside."""
    with publication_lock(out):
        _recover(out)


def _recover(out: Path) -> None:
    """A site moved aside goes back; a staging folder stays, as the next build's start (see the module)."""
    _claim_all(out)  # before touching any: none of the three may be a folder Vitrine did not make
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
