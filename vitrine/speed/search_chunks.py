"""The search index made chunk by chunk while pages are rendered, each chunk's bundle kept from the previous site or
taken from ``.vitrine-cache/pagefind/<key>/`` when none of its pages changed: an edit re-indexes one chunk.

What the chunks are and how a bundle is made (the published format) is ``outputs/search.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from vitrine.errors import located
from vitrine.files import cleaned_on_failure
from vitrine.outputs import search
from vitrine.outputs.search import (BUNDLE, PAGES, Bundle, Chunk, Document, chunk_folder, index_key, page_ids,
                                    plan_chunks, published, search_map)
from vitrine.publish.output import Output
from vitrine.site.pages import Page

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor


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
        with cleaned_on_failure(folder, lambda: shutil.rmtree(tmp, ignore_errors=True)):
            for name, data in bundle.files.items():
                path = tmp / "files" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            (tmp / "bundle.json").write_text(json.dumps({"files": sorted(bundle.files), "pages": bundle.pages},
                                                        sort_keys=True), "utf-8")
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

            self._indexers = ThreadPoolExecutor(search.INDEXERS, thread_name_prefix="pagefind")
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
        return search.build_index(_PageDocuments(self.pages, self.spilled, out, spill))

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
