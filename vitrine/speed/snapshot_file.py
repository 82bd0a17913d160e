"""The snapshot kept in ``.vitrine-cache/``: a pickle written by the engine for this very engine, tied to the build
record it was made with, then a log of the edits patched in since; laureates' bodies stay encoded until read."""

from __future__ import annotations

import contextlib
import copyreg
import dataclasses
import gc
import io
import os
import pickle
from pathlib import Path
from typing import Any, BinaryIO

from vitrine.content.model import Laureate, Quartier, Site, Theme
from vitrine.errors import located
from vitrine.files import UNREADABLE_PICKLE, replace_file
from vitrine.speed.inputs import Inputs
from vitrine.speed.snapshot import Edit, Snapshot, changed_laureates


LOG_LIMIT = 64  # edits appended to a kept snapshot before it is written whole again


class _StoredLaureate(Laureate):
    """A laureate read back from ``.vitrine-cache/`` (a snapshot or its log of edits), its body still encoded until a
    page asks for it. A command-line edit loads every laureate from the last build's snapshot (4,000 bodies, 14 MB)
    and reads one or two bodies: decoding them all would cost more than the rest of that load."""

    def __setstate__(self, state: dict) -> None:  # as pickle would, but without asking ``__getattr__`` for it first
        self.__dict__.update(state)

    def __eq__(self, other: object) -> bool:  # equal to the laureate it was pickled from
        if not isinstance(other, Laureate):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(Laureate))

    __hash__ = Laureate.__hash__

    def __getattr__(self, name: str) -> str:  # only when ``body`` is not decoded yet (or for a missing attribute)
        encoded = self.__dict__.get("_body") if name == "body" else None
        if encoded is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.__dict__["body"] = body = encoded.decode()
        del self.__dict__["_body"]
        return body


def _stored_laureate() -> _StoredLaureate:
    return object.__new__(_StoredLaureate)


def _pickled_laureate(laureate: Laureate) -> tuple:
    """A laureate pickles with its body encoded (``_StoredLaureate`` decodes it when first asked)."""
    state = dict(laureate.__dict__)
    if "body" in state:
        state["_body"] = state.pop("body").encode()
    return _stored_laureate, (), state


# Every pickle of a laureate this process writes (the snapshot and its log of edits): the model stays plain.
copyreg.pickle(Laureate, _pickled_laureate)
copyreg.pickle(_StoredLaureate, _pickled_laureate)


class SnapshotFile:
    """A snapshot kept in ``.vitrine-cache/``: written whole by a full build, then each edit patched in since
    appended to a log beside it (writing the whole site's model again would cost more than the edit itself).
    The log is replayed on load, up to the first entry that does not follow (a build killed while appending)."""

    def __init__(self, path: Path):
        self.path = path
        self.log = path.with_name(path.name + ".log")
        self.inputs = ""  # where the snapshot on disk stands (its inputs' digest), as far as this process knows
        self.edits = 0  # entries in the log

    def load(self, inputs: Inputs, root: Path) -> Snapshot | None:
        """The snapshot on disk with its log replayed; None if there is none this engine can read, or if more than
        laureates changed since (then it is not read beyond its heading: the full path needs the memory)."""
        gc.disable()  # hundreds of thousands of objects, none of them garbage: collecting would only cost time
        try:
            with open(self.path, "rb") as f:
                settings, files = pickle.load(f)
                if settings != inputs.settings or not changed_laureates(files, inputs.files, root):
                    return None
                snapshot = pickle.load(f)
            if not isinstance(snapshot, Snapshot):
                return None
            snapshot.files = files
            self.inputs, self.edits = snapshot.inputs, 0
            snapshot = self._replay(snapshot)
        except _UNREADABLE:
            return None
        finally:
            gc.enable()
        # Nor should every later collection walk them all again: they live as long as the build, or are freed by
        # reference counting, which still applies to frozen objects.
        gc.freeze()
        return snapshot

    def _replay(self, snapshot: Snapshot) -> Snapshot:
        """``snapshot`` with the log's edits pending: each laureate's last version, to be swapped in by the next
        patch, with its own (each swap walks the whole site: one will do)."""
        try:
            f = open(self.log, "rb")
        except OSError:
            return snapshot
        inputs, files, laureates = snapshot.inputs, dict(snapshot.files), {}
        with f:
            while True:
                try:
                    edit = _LogUnpickler(f, snapshot.plan.site).load()  # one per entry, as each was pickled alone
                except _UNREADABLE:
                    break
                if not isinstance(edit, Edit) or edit.before != inputs:
                    break
                inputs = edit.after
                files.update(edit.files)
                laureates.update((laureate.source.path, laureate) for laureate in edit.laureates)
                self.inputs, self.edits = inputs, self.edits + 1
        if not laureates:
            return snapshot
        return dataclasses.replace(snapshot, inputs=inputs, files=files, pending=laureates)

    def save(self, snapshot: Snapshot, edit: Edit | None) -> None:
        """Keep ``snapshot``: by appending ``edit`` when it follows the snapshot on disk, else whole."""
        if edit is not None and edit.before == self.inputs and self.edits < LOG_LIMIT:
            entry = io.BytesIO()  # an edit's few records: pickled first, so a failed write can be taken back
            _LogPickler(entry, protocol=pickle.HIGHEST_PROTOCOL).dump(edit)
            with open(self.log, "ab", buffering=0) as f:
                end = f.tell()
                try:
                    view = memoryview(entry.getvalue())
                    while view:  # a raw write may write part of it
                        view = view[f.write(view):]
                except BaseException as exc:  # a full disk, Ctrl-C…: no half-written entry left at the log's end
                    with contextlib.suppress(OSError):
                        f.truncate(end)
                    if isinstance(exc, OSError):
                        raise located(exc, self.log) from exc
                    raise
            self.edits += 1
        else:
            replace_file(self.path, lambda f: self._write(f, snapshot))
            try:
                os.unlink(self.log)
            except FileNotFoundError:
                pass
            self.edits = 0
        self.inputs = snapshot.inputs


    @staticmethod
    def _write(f: BinaryIO, snapshot: Snapshot) -> None:
        """A heading (what ``load`` checks first), then the snapshot."""
        pickle.dump((snapshot.settings, snapshot.files), f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(dataclasses.replace(snapshot, files={}), f, protocol=pickle.HIGHEST_PROTOCOL)


_UNREADABLE = UNREADABLE_PICKLE + (pickle.UnpicklingError,)


class _LogPickler(pickle.Pickler):
    """Quartiers and themes are named, not copied: they are the snapshot's own (only laureates change)."""

    def persistent_id(self, obj: Any) -> tuple[str, str] | None:
        if isinstance(obj, Quartier):
            return ("quartier", obj.slug)
        if isinstance(obj, Theme):
            return ("theme", obj.slug)
        return None


class _LogUnpickler(pickle.Unpickler):
    def __init__(self, f: Any, site: Site):
        super().__init__(f)
        self.site = site

    def persistent_load(self, pid: Any) -> Any:
        kind, slug = pid
        return (self.site.quartiers if kind == "quartier" else self.site.themes)[slug]
