"""A Pagefind 1.5.2 bundle written by Vitrine (``pagefind/src/index/mod.rs``, ``output/mod.rs``): the pages' words
(``pagefind_words.py``) folded as they come into one inverted index, then its chunks, its metadata, the pages'
fragments and the entry, named and encoded as Pagefind names and encodes them (CBOR, then gzip after the
``pagefind_dcd`` signature), so that Pagefind's own ``pagefind.js`` and WebAssembly read it in the browser and a
visitor gets what Pagefind's bundle would give. Only the compressed bytes differ: libdeflate instead of
miniz_oxide, smaller for the same gzip (``compressed``).

Memory stays flat: a page's words are folded into one flat array of integers per word (``pagefind_postings.py``),
the page itself dropped; each fragment is kept compressed (as it came from the render workers: ``packed_fragment``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import cbor2
import deflate

from vitrine.errors import SearchIndexError
from vitrine.outputs.pagefind_cbor import head, text
from vitrine.outputs.pagefind_postings import ENTRY_STARTS, NO_META, Locations, Metas, Word
from vitrine.outputs.pagefind_stems import STEMMERS, WORD_SYMBOLS
from vitrine.outputs.pagefind_words import PageWords

VERSION = "1.5.2"  # the Pagefind whose bundle format this writes (pagefind_bin's version must be this)
CHUNK_SIZE = 20000  # Pagefind's default index_chunk_size: locations per word index chunk
SIGNATURE = b"pagefind_dcd"
COMPRESSING_THREADS = 2  # the machines this runs on have two cores or more
MAX_FIELDS = 24  # metadata fields: each field's id in the word index is then one byte, renumbered at the end


def full_hash(data: bytes) -> str:
    """Pagefind's ``full_hash``: SHA-1 in hexadecimal, each byte without its leading zero (``{:x?}``)."""
    return "".join(map(_HEX.__getitem__, hashlib.sha1(data).digest()))


_HEX = [format(byte, "x") for byte in range(256)]


# How hard libdeflate compresses each kind of file (1–12). A visitor's first search fetches the metadata and the
# word's index chunk (tens of kB): at 6, the chunks are 1.3 % larger in all than zlib's best (level 9, what Pagefind
# writes) and a visitor's first search still smaller than with Pagefind's own index (223,846 B against 227,781 B at
# 4,000 laureates), for a third of level 8's CPU (0.13 s against 0.43 s at 4,000, at the end of the build, when the
# index's process alone is left working), which made each chunk smaller than zlib's. Fragments (one per page, a few
# fetched per search, 4,000 of them, compressed in the render workers) gain nothing above 9, where levels 10–12
# cost seven to fifteen times as much. Measured on the benchmark corpus: benchmarks/README.md (sessions 9 to 11).
CHUNK_LEVEL = 6
FRAGMENT_LEVEL = 9
SMALL_LEVEL = 12  # the metadata and filters: one file each, a few kB


def compressed(data: bytes, level: int) -> bytes:
    """``data`` after Pagefind's signature, gzipped by libdeflate (no name, no time: the same bytes every build).
    It lets go of the GIL: threads compress while the next chunks are encoded."""
    return deflate.gzip_compress(SIGNATURE + data, level)


def packed_fragment(fragment: str) -> tuple[str, bytes]:
    """A page's fragment (``PageWords.fragment``) as the bundle keeps it: (its ``full_hash``, its compressed bytes).
    Made where the page is read (the render workers: ``search_reading.py``), not in the index's process: a third
    of its CPU at 4,000 laureates, and a third of the bytes of the pages' words through the pipes."""
    data = fragment.encode("utf-8")
    return full_hash(data), compressed(data, FRAGMENT_LEVEL)


Fragment = tuple[str, bytes]  # a page's fragment, hashed and compressed: ``packed_fragment``


class BundleWriter:
    """Pages are ``add``-ed in the order Pagefind would have been given them; ``files`` makes the bundle."""

    def __init__(self) -> None:
        self.words: dict[str, Word] = {}
        self.fields: dict[str, int] = {}  # metadata field → provisional id (first seen), sorted at the end
        self.fragments: list[tuple[str, int, bytes]] = []  # (hash, word count, compressed JSON), by page number
        self.hashes: dict[str, str] = {}  # short fragment hash → full hash
        self.filters: dict[str, dict[str, list[int]]] = {}
        self.language: str | None = None
        # pages without data-pagefind-body: indexed only if no page has one
        self.plain: list[tuple[PageWords, Fragment | None]] = []
        self.urls: dict[str, str] = {}  # fragment hash → page URL
        self.metas = Metas([])  # for the last page's fields

    def add(self, page: PageWords, fragment: Fragment | None = None) -> None:
        """A page's words, and its fragment hashed and compressed already (``packed_fragment``) if it was; else
        (``None``) its ``fragment`` is."""
        if not page.stems:
            return  # Pagefind leaves out a page without words
        if not page.has_custom_body:
            if not self.fragments:
                self.plain.append((page, fragment))
            return
        self.plain.clear()
        self._fold(page, fragment)

    def _fold(self, page: PageWords, fragment: Fragment | None) -> None:
        language = page.language
        if self.language is None:
            self.language = language
        elif language != self.language:
            raise SearchIndexError(f"la page {page.url} est en « {language} », les autres en « {self.language} » : "
                                   "l'index de recherche n'est fait que pour une langue.")
        number = len(self.fragments)
        ids = [self.fields.setdefault(name, len(self.fields)) for name in page.meta_fields]
        if len(self.fields) > MAX_FIELDS:
            raise SearchIndexError(f"la page {page.url} porte plus de {MAX_FIELDS} champs de métadonnées "
                                   "(data-pagefind-meta) : l'index de recherche n'en accepte pas davantage.")
        forms, words, starts = page.forms, self.words, ENTRY_STARTS
        if page.metas:  # an entry with metadata locations: its form, with them (a tuple, which is true)
            if ids != self.metas.ids:
                self.metas = Metas(ids)
            metas = self.metas
            forms = forms.copy()
            for i, meta in page.metas.items():
                forms[i] = (forms[i], metas[tuple(meta)])
        get = words.get
        # Each entry in a few Python steps: there are 160 a laureate's page
        for stem, form, locs, count in zip(page.stems, forms, page.locs, page.counts):
            word = get(stem)
            if word is None:
                word = words[stem] = Word()
            if form:  # a variant's entry, or one with metadata locations
                if form.__class__ is tuple:
                    form, meta = form
                    if not form:
                        word.add(number, locs, meta)
                        word.size += count + meta[2] + 1
                        continue
                elif not count:
                    continue
                else:
                    meta = NO_META
                variant = word.variants.get(form)
                if variant is None:
                    variant = word.variants[form] = Locations()
                variant.add(number, locs, meta)
            elif count:  # a word's own pages (most entries)
                data = word.data
                data += starts[number - word.last]
                data += locs
                data += b"\x80"
                word.count += 1
                word.last = number
                word.size += count + 1
            # else a variant-only word: its entry, without pages
        for name, values in page.filters.items():
            for value in values:
                self.filters.setdefault(name, {}).setdefault(value, []).append(number)
        if fragment is None:
            fragment = packed_fragment(page.fragment)
        full = f"{language}_{fragment[0]}"
        short = full[:len(language) + 8]
        while short in self.hashes:
            if self.hashes[short] == full:
                raise SearchIndexError(f"la page {page.url} est indexée deux fois.")
            short = full[:len(short) + 1]
        self.hashes[short] = full
        self.fragments.append((short, page.word_count, fragment[1]))
        self.urls[short] = page.url

    def files(self) -> dict[str, bytes]:
        """The bundle's index files by name (without Pagefind's scripts and WebAssembly: ``pagefind_assets.py``)."""
        for page, fragment in self.plain:  # no page had data-pagefind-body: every page is indexed whole
            self._fold(page, fragment)
        self.plain.clear()
        language = self.language or "unknown"
        prefix = len(language) + 8
        fields = sorted(self.fields)
        renumbered = bytearray(range(256))  # a metadata field's id, as the one byte of its negative CBOR integer
        for name, provisional in self.fields.items():
            renumbered[0x20 + provisional] = 0x20 + fields.index(name)
        files: dict[str, bytes] = {}
        chunks = []
        # the chunks are compressed by threads while the next ones are encoded
        with ThreadPoolExecutor(COMPRESSING_THREADS) as threads:
            made: dict[str, Future[bytes]] = {}
            for words in self._chunks():
                encoded = b"\x81" + head(4, len(words)) + b"".join(self._packed(stem, renumbered) for stem in words)
                full = f"{language}_{full_hash(encoded)}"
                short = full[:prefix]
                while f"index/{short}.pf_index" in made and len(short) < len(full):
                    short = full[:len(short) + 2]
                made[f"index/{short}.pf_index"] = threads.submit(compressed, encoded, CHUNK_LEVEL)
                chunks.append([words[0], words[-1], short])
            files.update((name, future.result()) for name, future in made.items())
        for i in range(len(chunks) - 1):  # the chunks' bounds, cut to the prefix that tells them apart
            to, after = _prefixes(chunks[i][1], chunks[i + 1][0])
            if to >= chunks[i][0]:
                chunks[i][1] = to
            chunks[i + 1][0] = after
        filters = []
        for name, values in self.filters.items():
            encoded = cbor2.dumps([name, [[value, pages] for value, pages in values.items()]])
            full = f"{language}_{full_hash(encoded)}"
            short = full[:prefix]
            while f"filter/{short}.pf_filter" in files and len(short) < len(full):
                short = full[:len(short) + 2]
            files[f"filter/{short}.pf_filter"] = compressed(encoded, SMALL_LEVEL)
            filters.append([name, short])
        meta = cbor2.dumps([VERSION, [[short, count] for short, count, _ in self.fragments], chunks, filters, [],
                            fields])
        meta_hash = f"{language}_{full_hash(meta)[:prefix]}"
        files[f"pagefind.{meta_hash}.pf_meta"] = compressed(meta, SMALL_LEVEL)
        for short, _count, data in self.fragments:
            files[f"fragment/{short}.pf_fragment"] = data
        # Pagefind ships a WebAssembly per language it stems, named after the site's language
        wasm = language if language.split("-")[0] in STEMMERS else None
        entry = {"version": VERSION, "languages": {language: {"hash": meta_hash, "wasm": wasm,
                                                              "page_count": len(self.fragments)}},
                 "include_characters": list(WORD_SYMBOLS)}
        files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return files

    def _chunks(self) -> Iterator[list[str]]:
        chunk: list[str] = []
        size = 0
        for stem in sorted(self.words):
            size += self.words[stem].size
            chunk.append(stem)
            if size >= CHUNK_SIZE:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def _packed(self, stem: str, fields: bytes) -> bytes:
        """A word's CBOR: Pagefind's ``PackedWord`` [word, pages, additional variants]."""
        word = self.words[stem]
        variants = [b"\x82" + text(form) + locations.encoded(fields) for form, locations in word.variants.items()]
        return b"\x83" + text(stem) + word.encoded(fields) + head(4, len(variants)) + b"".join(variants)


def _prefixes(a: str, b: str) -> tuple[str, str]:
    common = 0
    for x, y in zip(b, a):
        if x != y:
            break
        common += 1
    return a[:common + 1], b[:common + 1]
