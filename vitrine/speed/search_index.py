"""The search index kept as published when none of the searchable pages changed, taken from
``.vitrine-cache/pagefind/<key>/`` when a build already made it, else made again: the pages this build renders go
to Pagefind as they come, the others are read from the published site (none is rendered for the index).

What the index is and how it is made (the published format) is ``outputs/search.py``. An edit of one laureate
writes the whole bundle again (one index for the whole site is what keeps a visitor's first search to a few
requests: ``benchmarks/README.md`` weighs it), from each page's words as the last build read them
(``WordsCache``): only the pages this build renders are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vitrine.files import cleaned_on_failure, open_regular
from vitrine.outputs.pagefind_stems import stemmer_version
from vitrine.outputs.search import (BUNDLE, INDEX_VERSION, PAGES, Bundle, ImageSets, WholeIndex, bundle_outputs,
                                    index_key, pages_map)
from vitrine.publish.output import Output
from vitrine.site.pages import Page

DIGEST_SIZE = 16  # a kept page's words start with their digest: a damaged file is not used
# A kept page's words, or one being written (``put``): nothing else in the folder is pruned
_KEPT_NAME = re.compile(r"[0-9a-f]{32}|\.[0-9a-f]{32}\.[0-9]+\.[0-9]+\.tmp")
KEPT_BUNDLES = 2  # in the cache: this build's, and the one before (an edit undone finds it there)


@dataclass(frozen=True)
class CachedBundle:
    files: dict[str, Path]  # by name in the bundle
    pages: dict[str, str]


class BundleCache:
    """Finished bundles in ``.vitrine-cache/pagefind/<key>/``: the last build's, and the one before."""

    def __init__(self, cache_dir: Path | None):
        self.root = cache_dir / BUNDLE if cache_dir else None

    def get(self, key: str) -> CachedBundle | None:
        """The cached bundle of ``key``, or None when absent or incomplete."""
        manifest = self._manifest(key)
        if manifest is None:
            return None
        folder = self.root / key  # type: ignore[operator]
        files = {name: folder / "files" / name for name in manifest["files"]}
        digests = manifest.get("digests")
        if not isinstance(digests, dict) or not all(_whole(path, digests.get(name)) for name, path in files.items()):
            return None  # a file cut short, or changed, would be published: the bundle is made again
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
            with open_regular(self.root / key / "bundle.json") as f:
                manifest = json.loads(f.read().decode("utf-8"))
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
            digests = {name: _digest(data) for name, data in bundle.files.items()}
            (tmp / "bundle.json").write_text(json.dumps({"files": sorted(bundle.files), "pages": bundle.pages,
                                                         "digests": digests}, sort_keys=True), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    def prune(self, used: str) -> None:
        """Keep the bundle ``used`` by this build, and the others most recently used, ``KEPT_BUNDLES`` in all."""
        if self.root is None or not self.root.is_dir():
            return
        others = sorted((p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")
                         and p.name != used), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[KEPT_BUNDLES - 1:]:
            shutil.rmtree(old, ignore_errors=True)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=DIGEST_SIZE).hexdigest()


def _whole(path: Path, digest: object) -> bool:
    """Whether the kept file ``path`` is a regular file whose bytes are those its bundle was written with."""
    try:
        with open_regular(path) as f:
            return _digest(f.read()) == digest
    except OSError:
        return False


def _words_digest(key: str, words: bytes) -> bytes:
    """What a kept page's words start with: their digest keyed by the file's name, so that a whole file under
    another page's name (a copy, a link, a file restored to the wrong name) is not taken for that page's words
    (two pages' words in the index: the build refused, and so did every later one)."""
    return hashlib.blake2b(words, digest_size=DIGEST_SIZE, key=key.encode()).digest()


class WordsCache:
    """Each searchable page's words for the index (``search_reading.read_for_index``), kept in
    ``.vitrine-cache/pagefind-words/`` by what the page is made from (its fingerprint) and how it is read
    (``INDEX_VERSION``, the stemmer's version): after an edit, the pages not rendered again are not read again."""

    def __init__(self, cache_dir: Path | None, fingerprints: Mapping[str, str]):
        self.folder = cache_dir / "pagefind-words" if cache_dir else None
        self.fingerprints = fingerprints
        self.used: set[str] = set()

    def _key(self, page: Page) -> str:
        made_from = f"{INDEX_VERSION}\0{stemmer_version()}\0{page.url}\0{self.fingerprints[page.output]}"
        return hashlib.blake2b(made_from.encode(), digest_size=16).hexdigest()

    def get(self, page: Page) -> bytes | None:
        if self.folder is None:
            return None
        key = self._key(page)
        try:
            with open_regular(self.folder / key) as f:  # a FIFO there would hang the build
                kept = f.read()
        except OSError:
            return None
        digest, words = kept[:DIGEST_SIZE], kept[DIGEST_SIZE:]
        if digest != _words_digest(key, words):
            return None  # damaged, or another page's: the page is read again (its words are then written again)
        self.used.add(key)
        return words

    def mark_used(self, page: Page) -> None:
        self.used.add(self._key(page))

    def put(self, page: Page, words: bytes) -> None:
        if self.folder is None:
            return
        key = self._key(page)
        self.used.add(key)
        path = self.folder / key
        tmp = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:  # whole or not at all; a cache that cannot be written is done without
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(_words_digest(key, words) + words)
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

    def prune(self) -> None:
        """Only the pages of this build's index are kept; files not Vitrine's (the folder may be a link to one of
        the editor's folders) are left alone."""
        if self.folder is None or not self.used:
            return
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name not in self.used and _KEPT_NAME.fullmatch(entry.name):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


class SearchIndex:
    """The search bundle of a build: kept from the previous site, taken from the cache, or made anew (``WholeIndex``)
    when one of the searchable pages changed. Same interface as ``WholeIndex``."""

    def __init__(self, pages: Sequence[Page], fingerprints: Mapping[str, str], recorded: Mapping[str, str],
                 bundles: BundleCache, out: Path, image_set: ImageSets):
        """``recorded``: the bundle files the last build wrote into ``out`` → their key ("" if changed since)."""
        self.key = index_key((page.url, fingerprints[page.output]) for page in pages if page.searchable)
        kept = bool(recorded) and PAGES in recorded and all(key == self.key for key in recorded.values())
        self.previous = sorted(recorded) if kept else []  # its files in ``out``, as the last build left them
        self.cached = None if kept else bundles.get(self.key)
        cache_dir = bundles.root.parent if bundles.root else None
        self.words = WordsCache(cache_dir, fingerprints)
        self.whole = WholeIndex(pages, image_set, out, cache_dir, self.words) \
            if not self.previous and self.cached is None else None
        self.bundles = bundles
        self.fingerprints: dict[str, str] = {}  # bundle file → key of what made it, for the build's record

    def reading(self, renderer: object) -> object:
        return self.whole.reading(renderer) if self.whole else renderer

    def order(self, stale: list[Page]) -> list[Page]:
        return self.whole.order(stale) if self.whole else stale

    def interleave(self, rendered: Iterable[Output]) -> Iterator[Output]:
        return self.whole.interleave(rendered) if self.whole else iter(rendered)

    def outputs(self) -> Iterator[Output]:
        """Runs once every page was handed to the writer: the pages it did not render are still in ``out``."""
        if self.previous:
            made: Iterable[Output] = (Output(path) for path in self.previous)
        elif self.cached is not None:
            files = self.cached.files
            made = [Output(f"{BUNDLE}/{name}", copy_from=files[name]) for name in sorted(files)]
            made.append(Output(PAGES, pages_map(self.cached.pages)))
        else:
            assert self.whole is not None
            bundle = self.whole.bundle()
            self.bundles.put(self.key, bundle)
            self.words.prune()
            made = bundle_outputs(bundle)
        for output in made:
            self.fingerprints[output.path] = self.key
            yield output
        self.bundles.prune(self.key)

    def close(self) -> None:
        if self.whole is not None:
            self.whole.close()
