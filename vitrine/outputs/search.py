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
bundle's files come back as bytes (``pagefind.py``), and ``write_site`` publishes them with the
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

import base64
import bisect
import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from vitrine.errors import SearchIndexError
from vitrine.outputs import pagefind
from vitrine.outputs.pagefind import pagefind_version
from vitrine.publish.output import Output
from vitrine.site.pages import Page


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


def build_index(documents: Sequence[Document]) -> Bundle:
    """Index ``documents`` with Pagefind; return the bundle's files by name in the bundle, and its pages.

    Each document is taken from ``documents`` when it is sent, so a lazy sequence holds one at a time.
    """
    with pagefind.Service(pagefind.pagefind_executable()) as service:
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


class WholeIndex:
    """The search index made once every page is rendered: each chunk's bundle made anew, one after the other.

    The speed layer's ``SearchIndex`` (``speed/search_chunks.py``) makes the same bundles while pages are rendered,
    and keeps or reuses those whose pages did not change. Same interface: ``order``, ``interleave``, ``outputs``.
    """

    def __init__(self, pages: Sequence[Page]):
        self.searchable = {page.url: page for page in pages if page.searchable}
        self.html: dict[str, bytes] = {}  # by output path, as rendered
        self.fingerprints: dict[str, str] = {}

    def order(self, stale: list[Page]) -> list[Page]:
        return stale

    def interleave(self, rendered: Iterable[Output]) -> Iterator[Output]:
        """The rendered pages, the searchable ones kept for ``outputs``."""
        searchable = {page.output for page in self.searchable.values()}
        for output in rendered:
            if output.path in searchable and output.data is not None:
                self.html[output.path] = output.data
            yield output

    def outputs(self) -> Iterator[Output]:
        chunks, pages = plan_chunks(self.searchable), []
        for chunk in chunks:
            bundle = build_index([Document(url, self.html[self.searchable[url].output].decode("utf-8"))
                                  for url in chunk.urls])
            pages.append(bundle.pages)
            yield from (Output(chunk.folder + name, bundle.files[name]) for name in published(chunk, bundle.files))
        yield Output(PAGES, search_map(chunks, pages))

    def close(self) -> None:
        self.html.clear()
