"""What the last good build into a folder read and wrote, and how to tell that nothing changed since.

A rebuild with nothing changed is the commonest build of all (a deployment
re-run, an editor's habit): it must cost listing and stat()ing files, not
importing and running the pipeline. This module needs only the standard
library, so ``python build.py`` answers « nothing changed » before the stages
(templates, Markdown, images, search) are even imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import marshal
import os
import stat as stat_module
import sys
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from .errors import ContentError
from .write import MARKER, publication_lock, recover

if TYPE_CHECKING:
    from .model import Site

CACHE_DIR = ".vitrine-cache"
ENGINE_ROOT = Path(__file__).resolve().parent.parent
RECORD_VERSION = 4
# The libraries whose versions change what a build makes (the engine's own code is hashed whole).
LIBRARIES = {"jinja2", "pyyaml", "pillow", "pyromark", "nh3", "pagefind", "pagefind_bin"}


def theme_dir(root: Path, name: str) -> Path:
    """``templates/`` or ``static/`` of the site, else Vitrine's own (a content-only repository)."""
    own = root / name
    return own if own.is_dir() else ENGINE_ROOT / name


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    today: dt.date
    drafts: bool = False  # the preview shows drafts; a published build never does
    search: bool = True  # the full-text index (seconds at thousands of pages: the live preview goes without)
    base_url: str | None = None  # overrides site.yaml, e.g. for a preview deployment
    use_cache: bool = True
    jobs: int | None = None  # processes rendering may use; None: one per core, when there are enough pages
    # The deploy workflows' build: placeholders (``placeholders``) are errors, so nothing is published with them.
    # It makes the same bytes, so it is not one of the settings that tell whether anything changed.
    deploy: bool = False


@dataclass
class BuildReport:
    errors: tuple[ContentError, ...] = ()
    warnings: tuple[ContentError, ...] = ()
    pages: int = 0
    rendered: int = 0
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    conversions: int = 0
    reads: int = 0
    images_processed: int = 0
    site: Site | None = None  # None when nothing changed since the recorded build (nothing was read)
    rendered_paths: tuple[str, ...] = ()
    fingerprinted: int = 0  # pages whose fingerprint was computed (the others were known not to have changed)
    placeholders: tuple[ContentError, ...] = ()  # warnings too, but errors for ``deploy`` (see ``refusing``)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Record:
    """What the last good build into ``out`` read and wrote: kept in ``.vitrine-cache/record-<out>.marshal``."""

    inputs: str = ""  # signature of everything the build read (see ``scan_inputs``)
    outputs: dict[str, list] = field(default_factory=dict)  # file → [fingerprint or "", size, mtime_ns]
    warnings: list[list] = field(default_factory=list)
    pages: int = 0
    rows: dict[str, dict] = field(default_factory=dict)  # where each laureate's rows are in the open data
    placeholders: list[list] = field(default_factory=list)


def record_path(options: BuildOptions) -> Path | None:
    return options.root / CACHE_DIR / f"record-{options.out.name}.marshal" if options.use_cache else None


def read_record(path: Path | None) -> Record:
    """The record kept at ``path``, or an empty one (no build recorded: everything is made).

    It is read at every build and written after each one that changed something, in marshal: the fastest
    encoding of plain data Python has (5,000 outputs are read in 7 ms and written in 2; JSON takes 15 and 19).
    """
    if path is None:
        return Record()
    try:
        data = marshal.loads(path.read_bytes())  # not marshal.load(file): it reads the file piece by piece
        return Record(**data) if isinstance(data, dict) and data.pop("version", None) == RECORD_VERSION else Record()
    except (OSError, EOFError, ValueError, TypeError):  # missing, cut short, or written by another version
        return Record()


def write_record(path: Path, record: Record) -> None:
    from .store import replace_file  # noqa: PLC0415 - already imported by the build that calls this

    data = dict(vars(record), version=RECORD_VERSION)  # not asdict(): no deep copy of every output
    replace_file(path, lambda f: marshal.dump(data, f))


def check(options: BuildOptions) -> tuple[Record, Inputs, BuildReport | None]:
    """The recorded build, the inputs now, and that build's report when nothing changed since it
    (else None: ``build`` must run, and can start from the record and inputs read here)."""
    with publication_lock(options.out):
        recover(options.out)  # as ``build`` does: a site an interrupted build left aside is put back first
        record, inputs = read_record(record_path(options)), scan_inputs(options)
        return record, inputs, unchanged(options, record, inputs)


def unchanged(options: BuildOptions, record: Record, inputs: Inputs) -> BuildReport | None:
    """The recorded build's report if no input changed since (``inputs``: as scanned now) and ``out`` is as that
    build left it."""
    if record.inputs != inputs.digest or not outputs_as_recorded(options.out, record):
        return None
    return refusing(options, BuildReport(warnings=tuple(ContentError(*w) for w in record.warnings), pages=record.pages,
                                         placeholders=tuple(ContentError(*p) for p in record.placeholders)))


def refusing(options: BuildOptions, report: BuildReport) -> BuildReport:
    """``report`` as ``options`` reads it: for a deployment, its placeholders are errors (nothing is published)."""
    if not options.deploy or not report.placeholders:
        return report
    refused = tuple(dataclasses.replace(p, warning=False) for p in report.placeholders)
    return dataclasses.replace(report, errors=tuple(sorted(report.errors + refused)), placeholders=refused)


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The engine's own source: upgrading Vitrine re-renders everything.

    Read once per process (a build asks for it five times): the digest of the code this process runs, even if
    its files change while a preview runs.
    """
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> tuple[str, ...]:
    """The installed distributions of ``LIBRARIES``, by their metadata folders' names (``Jinja2-3.1.6.dist-info``):
    importing the libraries, or even ``importlib.metadata``, would cost more than the whole check."""
    found = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.split("-", 1)[0].lower().replace(".", "_") in LIBRARIES:
                found.add(name)
    return tuple(sorted(found))


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
        files[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    if created:
        files = dict(sorted(files.items(), key=partial(_scan_order, folders)))
    return Inputs(_digest(settings, folders, files), settings, files, folders, len(changed))


def _settings(options: BuildOptions) -> str:
    return hashlib.blake2b(repr((RECORD_VERSION, code_digest(), library_versions(), options.today, options.drafts,
                                 options.search, options.base_url, str(options.out))).encode(),
                           digest_size=16).hexdigest()


def _folders(options: BuildOptions) -> tuple[str, ...]:
    return tuple(str(folder) for folder in (options.root / "content", theme_dir(options.root, "templates"),
                                            theme_dir(options.root, "static")))


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
                yield path, (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            pending.extend(reversed(subfolders))
        finally:
            os.close(fd)


def _name(entry: os.DirEntry) -> str:
    return entry.name


def outputs_as_recorded(out: Path, record: Record) -> bool:
    """``out`` holds exactly the files the recorded build wrote, untouched since (one walk, stopping at the first
    difference)."""
    outputs, seen = record.outputs, 0
    if not outputs:
        return False
    folders = [str(out)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return False
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
                continue
            if entry.name == MARKER and folder == str(out):
                continue  # the writer's mark, not an output
            entry_stat = entry.stat()
            recorded = outputs.get(entry.path[len(str(out)) + 1:])
            if recorded is None or recorded[1] != entry_stat.st_size or recorded[2] != entry_stat.st_mtime_ns:
                return False
            seen += 1
    return seen == len(outputs)


def stat(path: Path | str) -> list[int] | None:
    """(size, modification time) of a file, as the record keeps them; None when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]
