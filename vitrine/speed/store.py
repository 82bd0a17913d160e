"""Dictionaries kept in ``.vitrine-cache/`` between builds, in shards, so that saving after an edit rewrites a few
small files instead of every entry.

A store is a folder of pickles, each holding the entries whose key hashes to it, tagged with the engine's code
digest (a shard another version of Vitrine wrote is ignored). Entries are values the caller checks before use
(each carries the signature or digest it was made from), so shards from different builds can be mixed: a build
killed while saving loses only time. Which shards to rewrite is known by identity: an entry the caller replaced or
removed since the last load or save marks its shard (a tuple of the same objects is the same entry).
"""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path
from typing import Any

from vitrine.files import read_pickle, replace_file

SHARDS = 64


class ShardedStore:
    def __init__(self, folder: Path, engine: str):
        self.folder = folder
        self.engine = engine
        self._saved: dict[str, Any] = {}  # the entries as on disk (references: their ids cannot be reused)

    def load(self) -> dict[str, Any]:
        """Every entry found on disk, made by this engine; unreadable shards are skipped."""
        entries: dict[str, Any] = {}
        for shard in range(SHARDS):
            kept = read_pickle(self._path(shard))
            if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == self.engine and isinstance(kept[1], dict):
                entries.update(kept[1])
        self._saved = dict(entries)
        return entries

    def save(self, entries: dict[str, Any]) -> int:
        """Rewrite the shards whose entries changed since the last load or save; return how many were."""
        saved = self._saved
        dirty = {_shard(key) for key, value in entries.items() if not _same(saved.get(key), value)}
        dirty.update(_shard(key) for key in saved.keys() - entries.keys())
        if not dirty:
            return 0
        parts: dict[int, dict[str, Any]] = {shard: {} for shard in dirty}
        for key, value in entries.items():
            part = parts.get(_shard(key))
            if part is not None:
                part[key] = value
        for shard, part in sorted(parts.items()):
            replace_file(self._path(shard), lambda f, part=part: pickle.dump((self.engine, part), f,
                                                                              protocol=pickle.HIGHEST_PROTOCOL))
        self._saved = dict(entries)
        return len(dirty)

    def _path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.pickle"


def _same(a: Any, b: Any) -> bool:
    """The same object, or tuples of the same objects (a caller may pair entries afresh at each save)."""
    if a is b:
        return True
    return type(a) is tuple and type(b) is tuple and len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS  # the same in every process, unlike hash()
