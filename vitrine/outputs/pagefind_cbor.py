"""The little of CBOR (RFC 8949) that Pagefind's word index uses, encoded as minicbor encodes it (the shortest
form of each integer and length, definite lengths), fast: integers from a table, arrays of them joined in C. The
chunks' bytes, hence their SHA-1 names, are then those Pagefind writes (``pagefind_write.py``)."""

from __future__ import annotations

import struct


def head(major: int, value: int) -> bytes:
    """A data item's head: its major type and an unsigned argument (a length, or an integer's value)."""
    if value < 24:
        return bytes((major << 5 | value,))
    if value < 0x100:
        return bytes((major << 5 | 24, value))
    if value < 0x10000:
        return bytes((major << 5 | 25,)) + struct.pack(">H", value)
    if value < 0x100000000:
        return bytes((major << 5 | 26,)) + struct.pack(">I", value)
    return bytes((major << 5 | 27,)) + struct.pack(">Q", value)


class _Integers(dict):
    """An integer → its CBOR, made once each."""

    def __missing__(self, value: int) -> bytes:
        encoded = self[value] = head(0, value) if value >= 0 else head(1, -1 - value)
        return encoded


INTS = _Integers()


def array_of(values: list[int]) -> bytes:
    return head(4, len(values)) + b"".join(map(INTS.__getitem__, values))


def text(value: str) -> bytes:
    encoded = value.encode("utf-8")
    return head(3, len(encoded)) + encoded
