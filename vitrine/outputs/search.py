"""Full-text search: one Pagefind index of the searchable pages, as ordinary outputs.

The whole site is one Pagefind bundle in ``pagefind/``, so a visitor's first search fetches what Pagefind's own
single index would (its script, WebAssembly, entry, metadata, the index chunk of each word, then one fragment per
result shown), not one set of files per part of the site: measured in Chromium by
``benchmarks/search_requests.py``. Each result's fragment carries what the search page shows of it: a laureate's
card (from its row of ``laureats/filtres.json``, which the search page loads only when a filter is chosen), in
the id of an empty element (Pagefind indexes metadata, not ids), or a page's title and excerpt.
``pagefind/vitrine-pages.json`` tells which page each result id is, for those filters.

The bundle is written by Vitrine in Pagefind 1.5.2's format, the one Pagefind would make of the same pages (its
decoded files and their names are equal: ``tests/outputs/test_search_writer.py``): each searchable page is read
as Pagefind reads HTML (``pagefind_html.py``) and its words stemmed and packed (``pagefind_words.py``) where it
is rendered (the render workers: ``search_reading.py``), then folded into one index (``Feed``, in a process of its
own on a large site: ``search_process.py``), and the bundle is written once the last page is in
(``pagefind_write.py``). Pagefind's process is no longer started for it (it held the whole index, 600–750 MB at
4,000 laureates, and could not update a bundle); only Pagefind's web files, which read the bundle in the browser,
come from the installed ``pagefind_bin`` (``pagefind_assets.py``). Of each page only what Pagefind would index is
read (``search_pages.py``: the element marked ``data-pagefind-body``, up to the end of ``<main>`` without the
related cards that Pagefind is told to ignore), not the layout around it.

Pagefind splits words at the ASCII apostrophe but not at the typographic one French typography puts everywhere,
so « l’expo » would not be found by « expo »: the pages are indexed with ASCII apostrophes (the search page puts
the typographic ones back when it shows results).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vitrine.errors import SearchIndexError
from vitrine.outputs.pagefind import pagefind_version
from vitrine.outputs.pagefind_assets import web_assets
from vitrine.outputs.pagefind_stems import stemmer_version
from vitrine.outputs.search_process import index_maker
from vitrine.outputs.search_pages import ImageSets
from vitrine.outputs.search_reading import KeptWords, Read, ReadingRenderer, read_for_index
from vitrine.publish.output import Output
from vitrine.site.pages import Page

BUNDLE = SearchIndexError.path  # the index's folder in site/, where its errors point
# Bump when what is indexed of a page, or how the bundle is written or laid out, changes in a way fingerprints do
# not show.
INDEX_VERSION = "8"
PAGES = f"{BUNDLE}/vitrine-pages.json"  # ours: which page each search result is


@dataclass(frozen=True)
class Bundle:
    """The index: its files by name in the bundle, and the page of each result id."""

    files: dict[str, bytes]
    pages: dict[str, str]


def index_key(entries: Iterable[tuple[str, str]]) -> str:
    """The cache key of the bundle: (url, fingerprint) of its pages, Pagefind's version and the stemmer's."""
    h = hashlib.blake2b(f"{INDEX_VERSION}\0{pagefind_version()}\0{stemmer_version()}".encode(), digest_size=16)
    for url, fingerprint in entries:
        h.update(f"\0{url}\0{fingerprint}".encode())
    return h.hexdigest()


def bundle_outputs(bundle: Bundle) -> Iterator[Output]:
    """The bundle's files in ``pagefind/``, and ``pagefind/vitrine-pages.json``."""
    yield from (Output(f"{BUNDLE}/{name}", bundle.files[name]) for name in sorted(bundle.files))
    yield Output(PAGES, pages_map(bundle.pages))


def pages_map(pages: Mapping[str, str]) -> bytes:
    """``pagefind/vitrine-pages.json``: the page (site-root-relative URL) of each Pagefind result id."""
    return json.dumps({"pages": dict(pages)}, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Feed:
    """One search index, written by Vitrine (``pagefind_write.py``): ``add`` gives it a page, which is read as
    Pagefind would (``pagefind_words.py``) and folded into the index, in a process of its own on a large site
    (``search_process.py``); ``finish`` returns the bundle, with Pagefind's web files (``pagefind_assets.py``).
    Pagefind's own process is not started (but once per Pagefind version and language, for those files, when
    the build has no cache)."""

    def __init__(self, count: int, cache_dir: Path | None = None):
        self.index = index_maker(count)
        self.cache_dir = cache_dir

    def add(self, words: bytes) -> None:
        """A page's words (a pickled ``PageWords`` and fragment: ``search_reading.read_for_index``), in the index's
        order."""
        self.index.add(words)

    def done(self) -> None:
        """Every page was added: the index folds the last of them while the build renders the other pages."""
        self.index.done()

    def finish(self) -> Bundle:
        """Once every page was added: the bundle."""
        files, urls, language = self.index.result()
        files.update(web_assets(language or "unknown", self.cache_dir))
        return Bundle(files, {short: url.lstrip("/") for short, url in urls.items()})

    def close(self) -> None:
        self.index.close()


class WholeIndex:
    """The search index made from every searchable page, folded in the order of the plan (the bundle's
    bytes depend on it) as they are rendered: a page rendered ahead of its turn waits for it; a page this build
    does not render (the speed layer's ``SearchIndex``, ``speed/search_index.py``) comes, when its turn comes,
    from ``kept`` (its words as an earlier build read them) or is read from ``published``, the site as the last
    build left it. Interface: ``reading``, ``order``, ``interleave``, ``outputs``, ``close``."""

    def __init__(self, pages: Sequence[Page], image_set: ImageSets, published: Path | None = None,
                 cache_dir: Path | None = None, kept: KeptWords | None = None):
        """``cache_dir``: where Pagefind's web files are kept between builds (``.vitrine-cache/``), if anywhere;
        ``kept``: the pages' words as earlier builds read them (the speed layer's), if any."""
        self.searchable = [page for page in pages if page.searchable]
        self.image_set, self.published, self.cache_dir, self.kept = image_set, published, cache_dir, kept
        self.stale: set[str] = {page.output for page in self.searchable}  # to be rendered by this build
        self.waiting: dict[str, bytes] = {}  # rendered ahead of their turn
        self.next = 0  # the next page of ``searchable`` to fold into the index
        self.feed: Feed | None = None

    def reading(self, renderer: object) -> ReadingRenderer:
        """``renderer``, whose searchable pages are read for the index where they are rendered (the workers)."""
        return ReadingRenderer(renderer, {page.output for page in self.searchable}, self.image_set, self.kept)

    def order(self, stale: list[Page]) -> list[Page]:
        """``stale`` with the searchable pages first, so that the index works while the others are rendered."""
        self.stale = {page.output for page in stale} & self.stale
        return [page for page in stale if page.output in self.stale] + [page for page in stale
                                                                          if page.output not in self.stale]

    def interleave(self, rendered: Iterable[Output]) -> Iterator[Output]:
        """The rendered pages, each searchable one given to the index in its turn."""
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
            if self.feed is None:
                self.feed = Feed(len(self.searchable), self.cache_dir)
            self.feed.add(self._words(page, html))
            self.next += 1
        if self.feed is not None:
            self.feed.done()  # the last page is in

    def _words(self, page: Page, html: bytes | None) -> bytes:
        """The page's words: read where it was rendered (``search_reading.py``), else (``html`` None: not rendered
        by this build, unchanged) as an earlier build read them (``kept``), else read here as published."""
        if isinstance(html, Read):
            words = html.words
            if html.kept:
                assert self.kept is not None
                self.kept.mark_used(page)
                return words
        elif html is None and self.kept is not None and (kept := self.kept.get(page)) is not None:
            return kept
        else:
            if html is None:
                assert self.published is not None
                html = (self.published / page.output).read_bytes()
            words = read_for_index(page, html.decode("utf-8"), self.image_set)
        if self.kept is not None:
            self.kept.put(page, words)
        return words

    def bundle(self) -> Bundle:
        """Once every page was rendered: the bundle (an empty index without searchable pages: the search page
        loads, and finds nothing)."""
        self._feed(final=True)
        if self.feed is None:
            self.feed = Feed(0, self.cache_dir)
        return self.feed.finish()

    def outputs(self) -> Iterator[Output]:
        yield from bundle_outputs(self.bundle())

    def close(self) -> None:
        self.waiting.clear()
        if self.feed is not None:
            self.feed.close()
