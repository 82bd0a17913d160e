"""Full-text search: Pagefind indexes of the searchable pages, as ordinary outputs.

The searchable pages are split into chunks of at most ``CHUNK_PAGES`` pages
(``plan_chunks``), each indexed on its own: one Pagefind bundle per chunk, so an
edit re-indexes one chunk, not the site, and no Pagefind process grows with the
site (indexing holds every word of its pages: ~170 kB each). The search page
loads the first chunk's bundle, published at ``pagefind/`` with Pagefind's
JavaScript and WebAssembly, and merges the others (``pagefind/<chunk>/``) with
Pagefind's multisite API (``mergeIndex``); ``pagefind/vitrine-pages.json`` lists
them, and which page each search result is.

A chunk is a range of hashes of the pages' URLs: the pages whose hash starts
with the same bits, split in two by the next bit while they are more than
``CHUNK_PAGES``. Chunks are thus a function of the set of pages alone (a cold
build and a rebuild make the same ones), and adding or removing a page changes
one chunk, or splits one, or merges two.

The indexes are made by the ``pagefind`` binary that the ``pagefind[bin]``
package ships, in its ``--service`` mode: pages go in as HTML from memory, the
bundle's files come back as bytes, and ``write_site`` publishes them with the
rest of the site (before the atomic swap, hard-linking what did not change).
We speak the service's protocol (base64 JSON messages ending with ``,``, the
one the package's ``PagefindIndex`` speaks) instead of calling ``PagefindIndex``
itself: that client waits 100 ms after every response. Here all the pages of a
chunk are streamed at once.

Pagefind splits words at the ASCII apostrophe but not at the typographic one
French typography puts everywhere, so « l’expo » would not be found by
« expo »: the pages are indexed with ASCII apostrophes (the search page puts
the typographic ones back when it shows results).

Indexing costs a few milliseconds per page, so each chunk's bundle is cached in
``.vitrine-cache/pagefind/<key>/`` under a key made of its pages' fingerprints.
"""

from __future__ import annotations

import contextlib
import base64
import bisect
import gzip
import hashlib
import json
import os
import select
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from .errors import SearchIndexError, located
from .pages import Page
from .write import Output

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

BUNDLE = SearchIndexError.path  # the index's folder in site/, where its errors point
# Bump when what we send to Pagefind, or how its bundles are laid out, changes in a way fingerprints do not show.
INDEX_VERSION = "2"
# The most pages in one chunk: what one edit re-indexes (about 5 ms of Pagefind per page), and what the
# search page merges (one bundle per chunk, a few small requests each: ~45 bundles for 4,000 pages).
CHUNK_PAGES = 128
HASH_BITS = 64
# Pagefind's ready-made interfaces: the search page has its own, so they are not published.
UNUSED_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
# Pagefind's JavaScript and WebAssembly: the same in every bundle, published once, with the first chunk.
RUNTIME_FILES = ("pagefind.js", "pagefind-worker.js", "wasm.")
PAGES = f"{BUNDLE}/vitrine-pages.json"  # ours: the merged bundles, and which page each search result is
FRAGMENT_SIGNATURE = b"pagefind_dcd"  # what every decompressed Pagefind file starts with
INDEXERS = 2  # Pagefind processes at a time (a chunk each)
SILENCE_LIMIT = 600  # seconds without a word from Pagefind before giving up (indexing 10,000 pages takes less)


@dataclass(frozen=True)
class Document:
    url: str  # site-root-relative, e.g. "laureats/x/"
    html: str


@dataclass(frozen=True)
class Chunk:
    """Searchable pages indexed together: those whose URL's hash starts with the bits ``name``."""

    name: str  # "" when there is one chunk
    folder: str  # where its bundle is published: "pagefind/" for the first chunk, else "pagefind/<name>/"
    urls: tuple[str, ...]  # sorted


@dataclass(frozen=True)
class Bundle:
    """What Pagefind made of a chunk: its files by name in the bundle, and the page of each result id."""

    files: dict[str, bytes]
    pages: dict[str, str]


def plan_chunks(urls: Iterable[str], limit: int | None = None) -> list[Chunk]:
    """The chunks of the searchable pages ``urls``: at most ``limit`` (``CHUNK_PAGES``) pages each, the first
    one at ``pagefind/``. No page gives one chunk (an empty index: the search page loads, and finds nothing).
    """
    limit = limit or CHUNK_PAGES
    hashed = sorted((_url_hash(url), url) for url in urls)
    hashes = [h for h, _ in hashed]
    ranges: list[tuple[str, int, int]] = []

    def split(prefix: str, start: int, end: int) -> None:
        if end - start <= limit or len(prefix) == HASH_BITS:
            ranges.append((prefix, start, end))
            return
        bit = 1 << (HASH_BITS - len(prefix) - 1)
        middle = bisect.bisect_left(hashes, (int(prefix, 2) << (HASH_BITS - len(prefix)) if prefix else 0) | bit,
                                    start, end)
        for half, (a, b) in (("0", (start, middle)), ("1", (middle, end))):
            if b > a:
                split(prefix + half, a, b)

    split("", 0, len(hashed))
    if not ranges:
        ranges.append(("", 0, 0))
    return [Chunk(name, f"{BUNDLE}/" if i == 0 else f"{BUNDLE}/{name}/",
                  tuple(sorted(url for _, url in hashed[start:end])))
            for i, (name, start, end) in enumerate(ranges)]


def _url_hash(url: str) -> int:
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=HASH_BITS // 8).digest(), "big")


def chunk_folder(path: str) -> str:
    """The folder of the chunk that the bundle file ``path`` (``pagefind/…``) belongs to."""
    parts = path.split("/")
    if len(parts) > 2 and parts[1] and set(parts[1]) <= {"0", "1"}:
        return f"{BUNDLE}/{parts[1]}/"
    return f"{BUNDLE}/"


def published(chunk: Chunk, names: Iterable[str]) -> list[str]:
    """The names of a chunk's bundle files that are published: Pagefind's runtime only with the first chunk."""
    first = chunk.folder == f"{BUNDLE}/"
    return sorted(name for name in names if first or not name.startswith(RUNTIME_FILES))


def search_map(chunks: list[Chunk], pages: Iterable[dict[str, str]]) -> bytes:
    """``pagefind/vitrine-pages.json``: the bundles the search page merges into the first one, and the page
    (site-root-relative URL) of each Pagefind result id."""
    merged: dict[str, str] = {}
    for chunk_pages in pages:
        merged.update(chunk_pages)
    bundles = [chunk.folder.removeprefix(f"{BUNDLE}/") for chunk in chunks[1:]]
    return json.dumps({"bundles": bundles, "pages": merged}, sort_keys=True, separators=(",", ":")).encode("utf-8")


def index_key(entries: Iterable[tuple[str, str]]) -> str:
    """The cache key of a chunk's bundle: (url, fingerprint) of its pages, and Pagefind's version."""
    h = hashlib.blake2b(f"{INDEX_VERSION}\0{pagefind_version()}".encode(), digest_size=16)
    for url, fingerprint in entries:
        h.update(f"\0{url}\0{fingerprint}".encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def pagefind_version() -> str:
    from importlib import metadata  # noqa: PLC0415 - 15 ms to import: only builds with search need it

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


def pagefind_executable() -> Path:
    """The binary shipped by ``pagefind[bin]`` (or named by PAGEFIND_BINARY_PATH)."""
    try:
        from pagefind.service import get_executable  # noqa: PLC0415 - only indexing needs it
    except ImportError:
        get_executable = None
    found = get_executable() if get_executable else None
    if found is None or not Path(found).is_file():
        raise SearchIndexError("Pagefind est introuvable : l'index de recherche ne peut pas être construit. "
                               "Installez-le avec « pip install 'pagefind[bin]' ».")
    return Path(found)


def build_index(documents: Sequence[Document]) -> Bundle:
    """Index ``documents`` with Pagefind; return the bundle's files by name in the bundle, and its pages.

    Each document is taken from ``documents`` when it is sent, so a lazy sequence holds one at a time.
    """
    with _Service(pagefind_executable()) as service:
        index_id = service.call({"type": "NewIndex", "config": {}})["index_id"]
        requests = ({"type": "AddFile", "index_id": index_id, "url": "/" + d.url, "file_contents": indexable(d.html),
                     "file_path": None} for d in documents)
        for i, response in enumerate(service.call_all(requests, len(documents))):
            if response.get("type") != "IndexedFile":
                raise SearchIndexError(f"Pagefind a refusé la page /{documents[i].url} : "
                                       f"{response.get('message', response)}")
        made = service.call({"type": "GetFiles", "index_id": index_id})["files"]
    files = {f["path"]: base64.b64decode(f["content"]) for f in made if not f["path"].startswith(UNUSED_FILES)}
    return Bundle(files, page_ids(files))


def page_ids(files: Mapping[str, bytes]) -> dict[str, str]:
    """Pagefind's id of each page (its fragment's name, what a search result carries) → its URL.

    The search page filters laureates itself with this: Pagefind's own filters would make the bundle
    differ from one build to the next (they are written in hash-map order).
    """
    ids = {}
    for path, data in files.items():
        if path.startswith("fragment/"):
            try:
                fragment = json.loads(gzip.decompress(data).removeprefix(FRAGMENT_SIGNATURE))
            except (OSError, ValueError) as exc:
                raise SearchIndexError(f"Pagefind {pagefind_version()} écrit des fichiers que Vitrine ne sait pas lire "
                                       f"({path}) : installez une version 1.x comprise entre 1.1 et 1.5.") from exc
            ids[PurePosixPath(path).stem] = fragment["url"].lstrip("/")
    return ids


def indexable(html: str) -> str:
    """The page as Pagefind should read it: « l’expo » written « l'expo », so « expo » finds it."""
    return html.replace("\u2019", "'")


class _Service:
    """``pagefind --service``: requests written by a thread while responses are read, so no pipe fills up."""

    def __init__(self, executable: Path):
        self.executable = executable
        self.next_id = 0
        self.buffer = b""

    def __enter__(self) -> "_Service":
        import subprocess  # noqa: PLC0415 - 9 ms to import (with locale, selectors): only indexing needs it

        try:
            self.process = subprocess.Popen([str(self.executable), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise SearchIndexError(f"Pagefind n'a pas pu être lancé ({exc.strerror}).") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        import subprocess  # noqa: PLC0415 - see __enter__

        assert self.process.stdin is not None
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def call(self, payload: dict) -> dict:
        response = self.call_all([payload], 1)[0]
        if response.get("type") != payload["type"]:
            raise SearchIndexError(f"Pagefind a répondu une erreur : {response.get('message', response)}")
        return response

    def call_all(self, payloads: Iterable[dict], count: int) -> list[dict]:
        """Send the ``count`` requests, from a thread so that neither pipe can fill up; return one response each."""
        first = self.next_id + 1
        self.next_id += count
        stdin = self.process.stdin
        assert stdin is not None

        def send() -> None:
            try:
                for i, payload in enumerate(payloads):  # encoded one by one: a page's message at a time in memory
                    stdin.write(_encode(first + i, payload))
                stdin.flush()
            except OSError:
                pass  # Pagefind stopped: reading its output says so

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        responses: dict[int, dict] = {}
        while len(responses) < count:
            message = self._read()
            if message.get("message_id") is None:  # a request it could not read
                problem = message.get("payload") or {}
                raise SearchIndexError(f"Pagefind a répondu une erreur : {problem.get('message', problem)}")
            responses[message["message_id"]] = message["payload"]
        writer.join()
        return [responses[first + i] for i in range(count)]

    def _read(self) -> dict:
        """The next response; Pagefind silently drops a request it cannot read, hence the time limit."""
        stdout = self.process.stdout
        assert stdout is not None
        while b"," not in self.buffer:
            ready, _, _ = select.select([stdout], [], [], SILENCE_LIMIT)
            if not ready:
                raise SearchIndexError(f"Pagefind ne répond plus depuis {SILENCE_LIMIT} secondes.")
            chunk = os.read(stdout.fileno(), 1 << 20)
            if not chunk:
                raise SearchIndexError("Pagefind s'est arrêté avant d'avoir terminé l'index de recherche.")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b",", 1)
        return json.loads(base64.b64decode(message))


def _encode(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")) + b","


@dataclass(frozen=True)
class CachedBundle:
    files: dict[str, Path]  # by name in the bundle
    pages: dict[str, str]


class BundleCache:
    """Finished bundles in ``.vitrine-cache/pagefind/<key>/``: those of the last build, and as many others
    (the previous versions of edited chunks, another output folder's), the most recently used."""

    def __init__(self, cache_dir: Path | None):
        self.root = cache_dir / BUNDLE if cache_dir else None

    def get(self, key: str) -> CachedBundle | None:
        """The cached bundle of ``key``, or None when absent or incomplete."""
        manifest = self._manifest(key)
        if manifest is None:
            return None
        folder = self.root / key  # type: ignore[operator]
        files = {name: folder / "files" / name for name in manifest["files"]}
        if not all(path.is_file() for path in files.values()):
            return None
        os.utime(folder)  # most recently used
        return CachedBundle(files, manifest["pages"])

    def pages(self, key: str) -> dict[str, str] | None:
        """Which page each result of the cached bundle ``key`` is (its files unchecked), or None."""
        manifest = self._manifest(key)
        return manifest["pages"] if manifest else None

    def _manifest(self, key: str) -> dict | None:
        if self.root is None:
            return None
        try:
            manifest = json.loads((self.root / key / "bundle.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        ok = isinstance(manifest, dict) and isinstance(manifest.get("files"), list) \
            and isinstance(manifest.get("pages"), dict)
        return manifest if ok else None

    def put(self, key: str, bundle: Bundle) -> None:
        if self.root is None:
            return
        folder = self.root / key
        tmp = self.root / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            for name, data in bundle.files.items():
                path = tmp / "files" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            (tmp / "bundle.json").write_text(json.dumps({"files": sorted(bundle.files), "pages": bundle.pages},
                                                        sort_keys=True), "utf-8")
        except BaseException as exc:  # a full disk, Ctrl-C…: no half-written bundle left behind
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(exc, OSError):
                raise located(exc, folder) from exc
            raise
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    def prune(self, used: set[str]) -> None:
        """Keep the bundles ``used`` by this build, and as many others, the most recently used."""
        if self.root is None or not self.root.is_dir():
            return
        others = sorted((p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")
                         and p.name not in used), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[len(used):]:
            shutil.rmtree(old, ignore_errors=True)


class SearchIndex:
    """The search bundles of a build, one per chunk of searchable pages: each one kept from the previous site,
    taken from the cache, or made anew when one of its pages changed.

    Pages of chunks to index are rendered first, chunk after chunk (``order``); a chunk is indexed as soon as
    its pages are (``interleave``), by up to ``INDEXERS`` Pagefind processes at a time, while the other pages
    are rendered and written; its bundle goes to the writer once made, the last ones with ``outputs``.
    Rendered pages wait for their chunk's turn in a temporary file, not in memory: a cold build renders
    faster than Pagefind indexes.
    """

    def __init__(self, pages: Sequence[Page], fingerprints: Mapping[str, str], recorded: Mapping[str, str],
                 bundles: BundleCache, out: Path):
        """``recorded``: the bundle files the last build wrote into ``out`` → their key ("" if changed since)."""
        searchable = {page.url: page for page in pages if page.searchable}
        by_folder: dict[str, dict[str, str]] = {}
        for path, key in recorded.items():
            if path != PAGES:
                by_folder.setdefault(chunk_folder(path), {})[path] = key
        self.bundles, self.out = bundles, out
        self.chunks = [_ChunkIndex(chunk, [searchable[url] for url in chunk.urls], fingerprints,
                                   by_folder.get(chunk.folder, {}), bundles)
                       for chunk in plan_chunks(searchable)]
        self.map_key = index_key((chunk.chunk.folder, chunk.key) for chunk in self.chunks)
        self.map_kept = recorded.get(PAGES) == self.map_key
        self.fingerprints: dict[str, str] = {}  # bundle file → key of what made it, for the build's record
        self._waiting: dict[str, _ChunkIndex] = {}  # page output → its chunk, to index once rendered
        self._indexers: ThreadPoolExecutor | None = None
        self._spill: IO[bytes] | None = None
        self._spilled = 0  # bytes written to the spill file

    def order(self, stale: list[Page]) -> list[Page]:
        """``stale`` with the pages of chunks to index first, chunk after chunk."""
        stale_outputs = {page.output for page in stale}
        first = []
        for chunk in self.chunks:
            if chunk.needed:
                rendered = [page for page in chunk.pages if page.output in stale_outputs]
                chunk.waiting = {page.output for page in rendered}
                self._waiting.update((page.output, chunk) for page in rendered)
                first += rendered
        return first + [page for page in stale if page.output not in self._waiting]

    def interleave(self, rendered: Iterable[Output]) -> Iterator[Output]:
        """The rendered pages, each chunk started once its pages are all rendered, and its bundle handed to the
        writer between two pages once made (so bundles are not all held until the last page)."""
        for output in rendered:
            self._keep(output)
            yield output
            for chunk in self.chunks:
                if chunk.job is not None and chunk.job.done() and not chunk.handed:
                    yield from self._hand(chunk)

    def _keep(self, output: Output) -> None:
        chunk = self._waiting.pop(output.path, None)
        if chunk is not None and output.data is not None:
            if self._spill is None:
                self._spill = tempfile.TemporaryFile(dir=self.out.parent, prefix=f".{self.out.name}.search.")
            chunk.spilled[output.path] = (self._spilled, len(output.data))
            try:
                self._spill.write(output.data)
            except OSError as exc:  # an anonymous file (no name to give): the folder it is in, for the message
                raise located(exc, self.out.parent / f".{self.out.name}.search") from exc
            self._spilled += len(output.data)
            chunk.waiting.discard(output.path)
            if not chunk.waiting:
                self._start(chunk)

    def _start(self, chunk: "_ChunkIndex") -> None:
        if self._indexers is None:
            from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415 - only a build that indexes needs it

            self._indexers = ThreadPoolExecutor(INDEXERS, thread_name_prefix="pagefind")
        if self._spill is not None:
            self._spill.flush()
        chunk.job = self._indexers.submit(chunk.index, self.out, self._spill)

    def outputs(self) -> Iterator[Output]:
        """Runs once every page was handed to the writer: the pages it did not render are still in ``out``."""
        for chunk in self.chunks:
            if chunk.needed and chunk.job is None and not chunk.handed:  # its pages are as they were, not its bundle
                self._start(chunk)
        for chunk in self.chunks:
            if not chunk.handed:
                yield from self._hand(chunk)
        self.fingerprints[PAGES] = self.map_key
        if self.map_kept:
            yield Output(PAGES)
        else:
            yield Output(PAGES, search_map([c.chunk for c in self.chunks],
                                           (c.pages_map(self.bundles, self.out) for c in self.chunks)))
        self.bundles.prune({chunk.key for chunk in self.chunks})

    def _hand(self, chunk: "_ChunkIndex") -> Iterator[Output]:
        chunk.handed = True
        for output in chunk.outputs(self.bundles):
            self.fingerprints[output.path] = chunk.key
            yield output

    def close(self) -> None:
        """After the build, or an error: chunks not started are dropped, running ones awaited."""
        if self._indexers is not None:
            self._indexers.shutdown(wait=True, cancel_futures=True)
        if self._spill is not None:
            with contextlib.suppress(OSError):  # its last bytes were read, or are not wanted: a full disk failing
                self._spill.close()  # to take them must not hide what stopped the build


class _ChunkIndex:
    """One chunk's bundle in this build: kept from the previous site, taken from the cache, or made."""

    def __init__(self, chunk: Chunk, pages: list[Page], fingerprints: Mapping[str, str],
                 recorded: dict[str, str], bundles: BundleCache):
        self.chunk, self.pages = chunk, pages
        self.key = index_key((page.url, fingerprints[page.output]) for page in pages)
        kept = bool(recorded) and all(key == self.key for key in recorded.values())
        self.previous = sorted(recorded) if kept else []  # its files in ``out``, as the last build left them
        self.cached = None if kept else bundles.get(self.key)
        self.waiting: set[str] = set()  # its pages still to be rendered
        self.spilled: dict[str, tuple[int, int]] = {}  # its rendered pages: (offset, size) in the spill file
        self.job: Future[Bundle] | None = None
        self.handed = False  # its outputs were given to the writer
        self.made_pages: dict[str, str] | None = None  # which page each result is, when made by this build

    @property
    def needed(self) -> bool:
        return not self.previous and self.cached is None

    def index(self, out: Path, spill: IO[bytes] | None) -> Bundle:
        """Runs in an indexing thread."""
        return build_index(_PageDocuments(self.pages, self.spilled, out, spill))

    def outputs(self, bundles: BundleCache) -> Iterator[Output]:
        folder = self.chunk.folder
        if self.previous:
            yield from (Output(path) for path in self.previous)
        elif self.cached is not None:
            files = self.cached.files
            yield from (Output(folder + name, copy_from=files[name]) for name in published(self.chunk, files))
        else:
            assert self.job is not None
            bundle = self.job.result()
            self.job = None  # which held the bundle's files
            bundles.put(self.key, bundle)
            self.made_pages = bundle.pages
            yield from (Output(folder + name, bundle.files[name]) for name in published(self.chunk, bundle.files))

    def pages_map(self, bundles: BundleCache, out: Path) -> dict[str, str]:
        """Which page each of its results is: from its bundle, else from its files in ``out``."""
        if self.made_pages is not None:
            return self.made_pages
        pages = self.cached.pages if self.cached else bundles.pages(self.key)
        if pages is not None:
            return pages
        prefix = self.chunk.folder + "fragment/"
        return page_ids({path.removeprefix(self.chunk.folder): (out / path).read_bytes()
                         for path in self.previous if path.startswith(prefix)})


class _PageDocuments(Sequence[Document]):
    """A chunk's pages as documents, each read when asked for: rendered by this build (from the spill file),
    or as they are in ``out``."""

    def __init__(self, pages: list[Page], spilled: dict[str, tuple[int, int]], out: Path, spill: IO[bytes] | None):
        self.pages, self.spilled, self.out, self.spill = pages, spilled, out, spill

    def __len__(self) -> int:
        return len(self.pages)

    def __getitem__(self, i: int) -> Document:  # type: ignore[override]
        page = self.pages[i]
        if page.output in self.spilled:
            assert self.spill is not None
            offset, size = self.spilled[page.output]
            data = os.pread(self.spill.fileno(), size, offset)
        else:
            data = (self.out / page.output).read_bytes()
        return Document(page.url, data.decode("utf-8"))
