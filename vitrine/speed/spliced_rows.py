"""The open data files rewritten in place of every row: an edit encodes its rows, and the kernel copies the others
out of the published file (``publish.write.Copied``), where the build record says they lie.

Without it (``BuildOptions(speed=False)``), ``outputs/opendata.py`` encodes every row: the same bytes.
"""

from __future__ import annotations

import io
import itertools
import operator
import os
from array import array
from dataclasses import dataclass, field
from typing import Callable, Iterator

from vitrine.content.model import Site
from vitrine.engine import site_digest
from vitrine.outputs import opendata
from vitrine.outputs.opendata import FOLDER, JSON_NAME, RowLayout, columns, layout_of
from vitrine.publish.output import Copied, Output


# Published file → where it holds each laureate's row, as the build record keeps it: {"context": key,
# "slugs": [slug, …], "digests": [file digest, …] (in the file's order), "lengths": array("q") of each row's length
# (separator excluded), as bytes}. The two files' lists are the same objects: marshal writes them once.
RowPlaces = dict[str, dict]


@dataclass(frozen=True)
class _Recorded:
    """The rows of the published file, as the record says it holds them."""

    slugs: list[str]
    digests: list[str]
    lengths: array

    @classmethod
    def of(cls, entry: dict | None, context: str) -> _Recorded | None:
        """The record's entry, if made in ``context`` (else its rows may differ) and well formed."""
        if not isinstance(entry, dict) or entry.get("context") != context:
            return None
        slugs, digests, lengths = entry.get("slugs"), entry.get("digests"), entry.get("lengths")
        if not (isinstance(slugs, list) and isinstance(digests, list) and isinstance(lengths, bytes)
                and len(lengths) == 8 * len(slugs) == 8 * len(digests)):
            return None
        return cls(slugs, digests, array("q", lengths))


# A plan: the new file's rows, in order, as runs copied from the published file, rows already encoded, and rows
# to encode while the file is written (never all held: the files carry every body).
@dataclass(frozen=True)
class _Copy:
    first: int  # the first of the new rows it holds
    lengths: array  # the length of each
    start: int  # the published bytes that hold them (separators between them included)
    end: int


@dataclass(frozen=True)
class _EncodedRow:
    index: int
    data: bytes


@dataclass(frozen=True)
class _RowsToEncode:
    first: int
    stop: int


_Plan = list[_Copy | _EncodedRow | _RowsToEncode]


@dataclass(frozen=True)
class _Unchanged:
    """The file would be the published one again, whose rows have these lengths."""

    lengths: array


class _NotAsRecorded(Exception):
    """The published file does not hold a row where the record says."""


@dataclass(frozen=True)
class _Keys:
    """What each laureate's rows are known by, in the files' order: its slug, and its file's digest."""

    site: Site
    slugs: list[str]
    digests: list[str]

    @classmethod
    def of(cls, site: Site) -> _Keys:
        return cls(site, list(map(operator.attrgetter("slug"), site.laureates)),
                   list(map(operator.attrgetter("source.digest"), site.laureates)))


@dataclass
class Rows:
    """Each laureate's CSV line and JSON object, re-encoded only when its file or what it refers to changed.

    The files hold every body, so they grow with N: an edit re-encodes its rows and the kernel copies the others
    out of the published file (``publish.write.Copied``), where ``places`` (kept in the build's record) says they are. A row
    is copied when its laureate's file and the context (the engine, the settings, the shared files) are those it
    was made from, and the published file is the recorded one (its size and time, checked by ``published``, then a
    row's end on either side of each copied run). When the laureates are those recorded, in the same order (an
    edit), finding the changed rows and updating the places costs no Python step per laureate. Otherwise rows are
    encoded and compared with the published file, so that a file made again the same is not rewritten.
    """

    places: RowPlaces = field(default_factory=dict)  # updated as each file is made
    # A published file, open, and whether it is the one the record describes; None when there is none
    published: Callable[[str], tuple[io.FileIO, bool] | None] = lambda path: None
    _keys: _Keys | None = None  # of the last site asked about: both files (and the build's fingerprint) use them

    def digests(self, site: Site) -> list[str]:
        """The digest of each laureate's file, in the files' order (the build fingerprints the files with them:
        one look at each laureate, not one per use)."""
        return self._keys_of(site).digests

    def output(self, site: Site, name: str) -> Output:
        """``FOLDER + name`` (the CSV or the JSON file): in parts, or ``Output(path)`` when it would be the
        published file again."""
        path, as_json, layout = FOLDER + name, name == JSON_NAME, layout_of(name)
        context = site_digest(site)
        keys = self._keys_of(site)
        published = self.published(path)
        if published is None:
            plan: _Plan = [_RowsToEncode(0, len(keys.slugs))]
            return Output(path, parts=self._parts(keys, as_json, layout, plan, None, path, context))
        file, as_recorded = published
        try:
            old = _Recorded.of(self.places.get(path), context) if as_recorded else None
            made = _plan(keys, as_json, layout, file.fileno(), old)
        except BaseException:
            file.close()
            raise
        if isinstance(made, _Unchanged):
            file.close()
            self.places[path] = _entry(context, keys, made.lengths.tobytes())
            return Output(path)
        return Output(path, parts=self._parts(keys, as_json, layout, made, file, path, context))

    def _keys_of(self, site: Site) -> _Keys:
        if self._keys is None or self._keys.site is not site:
            self._keys = _Keys.of(site)
        return self._keys

    def _parts(self, keys: _Keys, as_json: bool, layout: RowLayout, plan: _Plan, file: io.FileIO | None, path: str,
               context: str) -> Iterator[bytes | Copied]:
        """The file's bytes as ``plan`` makes them; the places of its rows are kept once it is all made."""
        site = keys.site
        try:
            if not site.laureates:
                yield layout.empty
                self.places[path] = _entry(context, keys, b"")
                return
            lengths, between, cols = array("q", bytes(8 * len(site.laureates))), layout.between, columns()
            yield layout.start
            for step in plan:
                if isinstance(step, _Copy):
                    assert file is not None
                    if step.first and between:
                        yield between
                    yield Copied(file.fileno(), step.start, step.end)
                    lengths[step.first:step.first + len(step.lengths)] = step.lengths
                    continue
                rows = ((step.index, step.data),) if isinstance(step, _EncodedRow) else (
                    (i, opendata.encode_row(site, site.laureates[i], cols, as_json)) for i in range(step.first, step.stop))
                for i, data in rows:
                    if i and between:
                        yield between
                    yield data
                    lengths[i] = len(data)
            yield layout.end
            self.places[path] = _entry(context, keys, lengths.tobytes())
        finally:
            if file is not None:
                file.close()


def _entry(context: str, keys: _Keys, lengths: bytes) -> dict:
    return {"context": context, "slugs": keys.slugs, "digests": keys.digests, "lengths": lengths}


def _plan(keys: _Keys, as_json: bool, layout: RowLayout, fd: int, old: _Recorded | None) -> _Plan | _Unchanged:
    """How to make the file from the published one (open as ``fd``, described by ``old`` when it is the recorded
    one)."""
    if old is not None:
        try:
            if keys.slugs == old.slugs:
                return _spliced(keys, as_json, layout, fd, old)
            return _reused(layout, fd, old, keys)
        except _NotAsRecorded:
            pass
    return _compared(keys.site, as_json, layout, fd)


def _spliced(keys: _Keys, as_json: bool, layout: RowLayout, fd: int, old: _Recorded) -> _Plan | _Unchanged:
    """The same laureates in the same order: the changed rows encoded, the runs between them copied (a step per
    changed row, none per laureate); unchanged when the changed rows encode as they were."""
    size, gap, cols = _size_as_recorded(fd, layout, old), len(layout.between), columns()
    site, digests = keys.site, keys.digests
    plan: _Plan = []
    same, done, at = True, 0, len(layout.start)  # rows before ``done`` are planned; ``at``: where row ``done`` starts
    for i in itertools.compress(range(len(digests)), map(operator.ne, digests, old.digests)):
        start = at + sum(old.lengths[done:i]) + gap * (i - done)
        length = old.lengths[i]
        _check(fd, layout, i, start, start + length)
        data = opendata.encode_row(site, site.laureates[i], cols, as_json)
        same = same and len(data) == length and os.pread(fd, length, start) == data
        if i > done:
            plan.append(_Copy(done, old.lengths[done:i], at, start - gap))
        plan.append(_EncodedRow(i, data))
        done, at = i + 1, start + length + gap
    if same:
        return _Unchanged(old.lengths)
    if done < len(digests):
        _check(fd, layout, done, at, size - len(layout.end))
        plan.append(_Copy(done, old.lengths[done:], at, size - len(layout.end)))
    return plan


def _reused(layout: RowLayout, fd: int, old: _Recorded, keys: _Keys) -> _Plan:
    """Laureates added, removed or moved: each unchanged row copied from its recorded place (in runs), the others
    encoded."""
    _size_as_recorded(fd, layout, old)
    gap = len(layout.between)
    starts = list(itertools.accumulate(map(operator.add, old.lengths, itertools.repeat(gap)),
                                       initial=len(layout.start)))  # of each recorded row
    index = dict(zip(old.slugs, range(len(old.slugs))))
    plan: _Plan = []
    first = last = -1  # the recorded rows being copied in one run

    def copied(stop: int) -> _Copy:  # recorded rows first..last, as the new rows before ``stop``
        start, end = starts[first], starts[last + 1] - gap
        _check(fd, layout, first, start, end)
        return _Copy(stop - (last - first + 1), old.lengths[first:last + 1], start, end)

    for i, (slug, digest) in enumerate(zip(keys.slugs, keys.digests)):
        j = index.get(slug)
        if j is not None and old.digests[j] == digest:
            if first >= 0 and j != last + 1:
                plan.append(copied(i))
                first = -1
            first, last = (j if first < 0 else first), j
            continue
        if first >= 0:
            plan.append(copied(i))
            first = -1
        if plan and isinstance(plan[-1], _RowsToEncode):
            plan[-1] = _RowsToEncode(plan[-1].first, i + 1)
        else:
            plan.append(_RowsToEncode(i, i + 1))
    if first >= 0:
        plan.append(copied(len(keys.slugs)))
    return plan


def _compared(site: Site, as_json: bool, layout: RowLayout, fd: int) -> _Plan | _Unchanged:
    """A published file that is not the recorded one: each row encoded and compared with it, the rows before the
    first difference copied from it; unchanged when there is none (made again the same, it is not rewritten)."""
    count, size = len(site.laureates), os.fstat(fd).st_size
    if not count:
        return _Unchanged(array("q")) if size == len(layout.empty) and os.pread(fd, size, 0) == layout.empty else []
    if os.pread(fd, len(layout.start), 0) != layout.start:
        return [_RowsToEncode(0, count)]
    cols, at, lengths = columns(), len(layout.start), array("q")
    for i, laureate in enumerate(site.laureates):
        data = opendata.encode_row(site, laureate, cols, as_json)
        between = layout.between if i else b""
        if os.pread(fd, len(between) + len(data), at) != between + data:
            head: _Plan = [_Copy(0, lengths, len(layout.start), at)] if i else []
            return head + [_EncodedRow(i, data), _RowsToEncode(i + 1, count)]
        at += len(between) + len(data)
        lengths.append(len(data))
    if size == at + len(layout.end) and os.pread(fd, len(layout.end), at) == layout.end:
        return _Unchanged(lengths)
    return [_Copy(0, lengths, len(layout.start), at)]


def _size_as_recorded(fd: int, layout: RowLayout, old: _Recorded) -> int:
    size = os.fstat(fd).st_size
    if size != layout.size(old.lengths):
        raise _NotAsRecorded
    return size


def _check(fd: int, layout: RowLayout, first: int, start: int, end: int) -> None:
    """Bytes ``start``..``end`` of the published file hold whole rows, the first being row ``first``: a row's end
    (or the file's start) just before them, a row's end at their end. A cheap guard: the file's size and time are
    those recorded already."""
    before = layout.start[-1] if first == 0 else (layout.between or bytes((layout.last,)))[-1]
    if start >= end or os.pread(fd, 1, start - 1) != bytes((before,)) \
            or os.pread(fd, 1, end - 1) != bytes((layout.last,)):
        raise _NotAsRecorded


