"""Full-text search: one Pagefind index of the searchable pages, as ordinary outputs.

The whole site is one Pagefind bundle in ``pagefind/``, so a visitor's first search fetches what Pagefind's own
single index would (its script, WebAssembly, entry, metadata, the index chunk of each word, then one fragment per
result shown), not one set of files per part of the site: measured in Chromium by
``benchmarks/search_requests.py``. Each result's fragment carries what the search page shows of it: a laureate's
card (from its row of ``laureats/filtres.json``, which the search page loads only when a filter is chosen), in
the id of an empty element (Pagefind indexes metadata, not ids), or a page's title and excerpt.
``pagefind/vitrine-pages.json`` tells which page each result id is, for those filters.

The index is made by the ``pagefind`` binary that the ``pagefind[bin]`` package ships, in its ``--service`` mode
(``pagefind.py``), fed while the pages are rendered (``Feed``): each searchable page goes to it as soon as it is
rendered, from a second process that works while this one renders and writes, and the bundle's files come back
as bytes once the last page is in. Pagefind reads of each page only what it indexes (``search_pages.py``: the
element marked ``data-pagefind-body``, up to the end of ``<main>`` without the related cards that Pagefind is told
to ignore), not the layout around it: the same words, weights, title and metadata, for about two thirds of
Pagefind's work on whole pages.

Pagefind splits words at the ASCII apostrophe but not at the typographic one French typography puts everywhere,
so « l’expo » would not be found by « expo »: the pages are indexed with ASCII apostrophes (the search page puts
the typographic ones back when it shows results).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import queue
import re
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from vitrine.errors import SearchIndexError
from vitrine.outputs import pagefind
from vitrine.outputs.pagefind import pagefind_version
from vitrine.outputs.search_pages import ImageSets, card_of, indexed_html
from vitrine.publish.output import Output
from vitrine.site.pages import Page

BUNDLE = SearchIndexError.path  # the index's folder in site/, where its errors point
# Bump when what we send to Pagefind, or how the bundle is laid out, changes in a way fingerprints do not show.
INDEX_VERSION = "3"
# Pagefind's ready-made interfaces: the search page has its own, so they are not published.
UNUSED_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
PAGES = f"{BUNDLE}/vitrine-pages.json"  # ours: which page each search result is
FRAGMENT_SIGNATURE = b"pagefind_dcd"  # what every decompressed Pagefind file starts with
QUEUED = 64  # rendered pages waiting for Pagefind at most: beyond, rendering waits (memory stays flat)


@dataclass(frozen=True)
class Bundle:
    """What Pagefind made: its files by name in the bundle, and the page of each result id."""

    files: dict[str, bytes]
    pages: dict[str, str]


def index_key(entries: Iterable[tuple[str, str]]) -> str:
    """The cache key of the bundle: (url, fingerprint) of its pages, and Pagefind's version."""
    h = hashlib.blake2b(f"{INDEX_VERSION}\0{pagefind_version()}".encode(), digest_size=16)
    for url, fingerprint in entries:
        h.update(f"\0{url}\0{fingerprint}".encode())
    return h.hexdigest()


def page_ids(files: Mapping[str, bytes]) -> dict[str, str]:
    """Pagefind's id of each page (its fragment's name, what a search result carries) → its URL.

    The search page filters laureates itself with this: Pagefind's own filters would make the bundle
    differ from one build to the next (they are written in hash-map order).
    """
    ids = {}
    for path, data in files.items():
        if path.startswith("fragment/"):
            try:
                ids[PurePosixPath(path).stem] = _fragment_url(data).lstrip("/")
            except (OSError, ValueError, KeyError, TypeError, zlib.error) as exc:
                raise SearchIndexError(f"Pagefind {pagefind_version()} écrit des fichiers que Vitrine ne sait pas lire "
                                       f"({path}) : installez une version 1.x comprise entre 1.1 et 1.5.") from exc
    return ids


def _fragment_url(data: bytes) -> str:
    """A fragment's URL, from the head of its JSON (its first key): a fraction of decompressing it whole."""
    head = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(data, 2048)  # 16: gzip's header and trailer
    if url := _FRAGMENT_URL.match(head, len(FRAGMENT_SIGNATURE)):
        return json.loads(url.group(1))
    return json.loads(gzip.decompress(data).removeprefix(FRAGMENT_SIGNATURE))["url"]


_FRAGMENT_URL = re.compile(rb'\{"url":("(?:[^"\\]|\\.)*")')


def bundle_outputs(bundle: Bundle) -> Iterator[Output]:
    """The bundle's files in ``pagefind/``, and ``pagefind/vitrine-pages.json``."""
    yield from (Output(f"{BUNDLE}/{name}", bundle.files[name]) for name in sorted(bundle.files))
    yield Output(PAGES, pages_map(bundle.pages))


def pages_map(pages: Mapping[str, str]) -> bytes:
    """``pagefind/vitrine-pages.json``: the page (site-root-relative URL) of each Pagefind result id."""
    return json.dumps({"pages": dict(pages)}, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Feed:
    """One Pagefind index, fed page by page from the build's thread while Pagefind works in its own process:
    ``add`` queues a page (waiting when ``QUEUED`` are already waiting); after ``done`` Pagefind makes the bundle
    while the build goes on (its other pages, its data files); ``finish`` returns it."""

    def __init__(self, count: int):
        self.count = count
        self.queued: queue.Queue[dict | None] = queue.Queue(QUEUED)
        self.service = pagefind.Service(pagefind.pagefind_executable()).__enter__()
        try:
            self.index_id = self.service.call({"type": "NewIndex", "config": {}})["index_id"]
        except BaseException:
            self.service.__exit__(None, None, None)
            raise
        self.failure: BaseException | None = None
        self.responses: list[dict] = []
        self.bundle: Bundle | None = None
        self.ended = False
        self.thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.responses = self.service.call_all(iter(self.queued.get, None), self.count)
            if all(response.get("type") == "IndexedFile" for response in self.responses):  # else ``finish`` says
                self.bundle = self._made()
        except BaseException as exc:  # noqa: BLE001 - handed to the build's thread by ``finish``
            self.failure = exc

    def _made(self) -> Bundle:
        made = self.service.call({"type": "GetFiles", "index_id": self.index_id})["files"]
        files = {}
        while made:  # each file's base64 text freed once decoded: the bundle is in memory once, not twice
            file = made.pop()
            if not file["path"].startswith(UNUSED_FILES):
                files[file["path"]] = base64.b64decode(file["content"])
        return Bundle(files, page_ids(files))

    def add(self, url: str, html: str) -> None:
        self._put({"type": "AddFile", "index_id": self.index_id, "url": "/" + url, "file_contents": html,
                   "file_path": None})

    def done(self) -> None:
        """Every page was added: Pagefind makes the bundle now, while the build does the rest."""
        if not self.ended:
            self.ended = True
            self._put(None)

    def _put(self, request: dict | None) -> None:
        while True:
            try:
                self.queued.put(request, timeout=1)
                return
            except queue.Full:
                if not self.thread.is_alive():  # Pagefind stopped reading: ``finish`` says why
                    return

    def finish(self, urls: Sequence[str]) -> Bundle:
        """Once every page was added (``urls``, in the order they were): the bundle."""
        self.done()
        self.thread.join()
        if self.failure is not None:
            raise self.failure
        for url, response in zip(urls, self.responses):
            if response.get("type") != "IndexedFile":
                raise SearchIndexError(f"Pagefind a refusé la page /{url} : {response.get('message', response)}")
        assert self.bundle is not None
        return self.bundle

    def close(self) -> None:
        """After the bundle, or an error: Pagefind is stopped."""
        if self.thread.is_alive():
            try:
                self.queued.put_nowait(None)
            except queue.Full:
                pass
        self.service.__exit__(None, None, None)
        self.thread.join(timeout=10)


class WholeIndex:
    """The search index made from every searchable page, fed to Pagefind in the order of the plan (the bundle's
    bytes depend on it) as they are rendered: a page rendered ahead of its turn waits for it; a page this build
    does not render (the speed layer's ``SearchIndex``, ``speed/search_index.py``) is read from ``published``,
    the site as the last build left it, when its turn comes. Interface: ``order``, ``interleave``, ``outputs``,
    ``close``."""

    def __init__(self, pages: Sequence[Page], image_set: ImageSets, published: Path | None = None):
        self.searchable = [page for page in pages if page.searchable]
        self.image_set, self.published = image_set, published
        self.stale: set[str] = {page.output for page in self.searchable}  # to be rendered by this build
        self.waiting: dict[str, bytes] = {}  # rendered ahead of their turn
        self.next = 0  # the next page of ``searchable`` to give Pagefind
        self.feed: Feed | None = None

    def order(self, stale: list[Page]) -> list[Page]:
        """``stale`` with the searchable pages first, so that Pagefind works while the others are rendered."""
        self.stale = {page.output for page in stale} & self.stale
        return [page for page in stale if page.output in self.stale] + [page for page in stale
                                                                          if page.output not in self.stale]

    def interleave(self, rendered: Iterable[Output]) -> Iterator[Output]:
        """The rendered pages, each searchable one given to Pagefind in its turn."""
        for output in rendered:
            if output.path in self.stale and output.data is not None:
                self.waiting[output.path] = output.data
                self._feed(final=False)
            yield output

    def _feed(self, final: bool) -> None:
        while self.next < len(self.searchable):
            page = self.searchable[self.next]
            html = self.waiting.pop(page.output, None)
            if html is None:
                if page.output in self.stale and not final:
                    return  # not rendered yet
                if self.published is None:
                    raise SearchIndexError(f"la page /{page.url} n'a pas été rendue.")
                html = (self.published / page.output).read_bytes()  # as published: unchanged
            if self.feed is None:
                self.feed = Feed(len(self.searchable))
            self.feed.add(page.url, indexed_html(html.decode("utf-8"), card_of(page, self.image_set)))
            self.next += 1
        if self.feed is not None:
            self.feed.done()  # the last page is in: Pagefind makes the bundle while the other pages are rendered

    def bundle(self) -> Bundle:
        """Once every page was rendered: the bundle (an empty index without searchable pages: the search page
        loads, and finds nothing)."""
        self._feed(final=True)
        if self.feed is None:
            self.feed = Feed(0)
        return self.feed.finish([page.url for page in self.searchable])

    def outputs(self) -> Iterator[Output]:
        yield from bundle_outputs(self.bundle())

    def close(self) -> None:
        self.waiting.clear()
        if self.feed is not None:
            self.feed.close()
