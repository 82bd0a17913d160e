"""A reader of Pagefind bundles, for tests and ``benchmarks/index_equality.py``: every file decoded (gunzipped,
its ``pagefind_dcd`` signature stripped, CBOR or JSON decoded), so that two bundles compare by what they say,
not by their compressed bytes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
WEB_ASSETS = (".js", ".pagefind", ".css")  # Pagefind's own files, compared byte for byte


def decoded(name: str, data: bytes) -> object:
    """What the bundle file ``name`` says."""
    if name.endswith(WEB_ASSETS):
        return data
    if name.endswith(".json"):
        return json.loads(data)
    raw = gzip.decompress(data)
    assert raw.startswith(SIGNATURE), name
    raw = raw[len(SIGNATURE):]
    if name.endswith(".pf_fragment"):
        return json.loads(raw)
    return cbor2.loads(raw)


def decoded_bundle(files: Mapping[str, bytes]) -> dict[str, object]:
    return {name: decoded(name, data) for name, data in files.items()}


def bundle_files(folder: Path) -> dict[str, bytes]:
    """The files of a bundle written in ``folder`` (a site's ``pagefind/``), by name in it."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def differences(a: Mapping[str, object], b: Mapping[str, object], limit: int = 20) -> list[str]:
    """What differs between two decoded bundles, at most ``limit`` lines (empty: equal)."""
    found = [f"only in the first: {name}" for name in sorted(a.keys() - b.keys())]
    found += [f"only in the second: {name}" for name in sorted(b.keys() - a.keys())]
    for name in sorted(a.keys() & b.keys()):
        if a[name] != b[name]:
            found.append(f"{name}: {_first_difference(a[name], b[name])}")
    return found[:limit]


def _first_difference(a: object, b: object, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            if a.get(key) != b.get(key):
                return _first_difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]")
        if len(a) != len(b):
            return f"{path}: {len(a)} items against {len(b)}"
    text = f"{path}: {a!r:.300} against {b!r:.300}"
    return text
