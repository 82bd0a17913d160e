"""A word's pages in the search index as they are folded (``pagefind_write.BundleWriter``): Pagefind's
``PackedPage``s (``pagefind/src/index/mod.rs``), CBOR-encoded page by page into one flat array per word, each page
number written as the difference from the one before, as in its index chunks, so that a chunk is these arrays
joined. Memory stays flat, and most of a page's entries are folded in a few Python steps each."""

from __future__ import annotations

from vitrine.outputs.pagefind_cbor import INTS, head


class Locations:
    """A word's (or one of its variants') pages: their ``PackedPage``s' CBOR, how many, the last one's number."""

    __slots__ = ("data", "count", "last", "marks")

    def __init__(self) -> None:
        self.data = bytearray()
        self.count = self.last = 0
        # where metadata fields' provisional ids are (one byte each), renumbered at the end: (start, offsets)
        self.marks: list[tuple[int, tuple[int, ...]]] = []

    def add(self, number: int, locs: bytes, meta: Meta) -> None:
        """A page's locations: ``locs`` CBOR-encoded already, and its metadata locations (``Metas``)."""
        data = self.data
        data += ENTRY_STARTS[number - self.last]
        data += locs
        if meta[1]:
            self.marks.append((len(data), meta[1]))
        data += meta[0]
        self.count += 1
        self.last = number

    def encoded(self, fields: bytes) -> bytes:
        """Its pages' CBOR, metadata fields renumbered by ``fields`` (a provisional id's byte → the final one's)."""
        if not self.marks:
            return head(4, self.count) + self.data
        data = bytearray(self.data)
        for start, offsets in self.marks:
            for offset in offsets:
                data[start + offset] = fields[data[start + offset]]
        return head(4, self.count) + data


class Word(Locations):
    """A word: its own pages (``Locations``), what Pagefind counts of them to cut chunks, and its variants."""

    __slots__ = ("size", "variants")

    def __init__(self) -> None:
        super().__init__()
        self.size = 0  # locations + metadata locations + 1, per page
        self.variants: dict[str, Locations] = {}


class _EntryStarts(dict):
    """A page number's difference from the one before → the head of a ``PackedPage`` (an array of 3) and it."""

    def __missing__(self, value: int) -> bytes:
        encoded = self[value] = b"\x83" + INTS[value]
        return encoded


ENTRY_STARTS = _EntryStarts()
Meta = tuple[bytes, tuple[int, ...], int]  # metadata locations: their CBOR, where its field ids are, how many
NO_META: Meta = (b"\x80", (), 0)


class Metas(dict):
    """A page's metadata locations (field ids local to the page, negative) → ``Meta``, with the fields'
    provisional ids (``ids``: a local id's), made once each (a few hundred kinds on a site)."""

    def __init__(self, ids: list[int]):
        super().__init__()
        self.ids = ids

    def __missing__(self, meta: tuple[int, ...]) -> Meta:
        values = [-self.ids[-value - 1] - 1 if value < 0 else value for value in meta]
        data = bytearray(head(4, len(values)))
        marks = []
        for value in values:
            if value < 0:
                marks.append(len(data))
            data += INTS[value]
        encoded = self[meta] = (bytes(data), tuple(marks), len(values))
        return encoded
