"""What the last good build into a folder read and wrote, and how to tell that nothing changed since.

A rebuild with nothing changed is the commonest build of all (a deployment
re-run, an editor's habit): it must cost listing and stat()ing files, not
importing and running the pipeline. This module needs only the standard
library, so ``python build.py`` answers « nothing changed » before the stages
(templates, Markdown, images, search) are even imported.
"""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path

from vitrine.engine import CACHE_DIR
from vitrine.errors import ContentError
from vitrine.files import replace_file
from vitrine.options import BuildOptions, BuildReport, refusing
from vitrine.publish.marker import MARKER
from vitrine.publish.swap import publication_lock, recover
from vitrine.speed.inputs import RECORD_VERSION, Inputs, scan_inputs
from vitrine.speed.mechanisms import on



@dataclass
class Record:
    """What the last good build into ``out`` read and wrote: kept in ``.vitrine-cache/record-<out>.marshal``."""

    inputs: str = ""  # signature of everything the build read (see ``scan_inputs``)
    outputs: dict[str, list] = field(default_factory=dict)  # file → [fingerprint or "", size, mtime_ns]
    warnings: list[list] = field(default_factory=list)
    pages: int = 0
    rows: dict[str, dict] = field(default_factory=dict)  # where each laureate's rows are in the open data
    placeholders: list[list] = field(default_factory=list)


def record_path(options: BuildOptions) -> Path | None:
    return options.root / CACHE_DIR / f"record-{options.out.name}.marshal" if options.use_cache else None


def read_record(path: Path | None) -> Record:
    """The record kept at ``path``, or an empty one (no build recorded: everything is made).

    It is read at every build and written after each one that changed something, in marshal: the fastest
    encoding of plain data Python has (5,000 outputs are read in 7 ms and written in 2; JSON takes 15 and 19).
    """
    if path is None:
        return Record()
    try:
        data = marshal.loads(path.read_bytes())  # not marshal.load(file): it reads the file piece by piece
        return Record(**data) if isinstance(data, dict) and data.pop("version", None) == RECORD_VERSION else Record()
    except (OSError, EOFError, ValueError, TypeError):  # missing, cut short, or written by another version
        return Record()


def write_record(path: Path, record: Record) -> None:
    data = dict(vars(record), version=RECORD_VERSION)  # not asdict(): no deep copy of every output
    replace_file(path, lambda f: marshal.dump(data, f))


def compare_with_record(options: BuildOptions) -> tuple[Record, Inputs, BuildReport | None]:
    """The recorded build, the inputs now, and that build's report when nothing changed since it
    (else None: ``build`` must run, and can start from the record and inputs read here)."""
    with publication_lock(options.out):
        recover(options.out)  # as ``build`` does: a site an interrupted build left aside is put back first
        record, inputs = read_record(record_path(options)), scan_inputs(options)
        return record, inputs, unchanged(options, record, inputs)


def unchanged(options: BuildOptions, record: Record, inputs: Inputs) -> BuildReport | None:
    """The recorded build's report if no input changed since (``inputs``: as scanned now) and ``out`` is as that
    build left it."""
    if not on("record") or record.inputs != inputs.digest or not outputs_as_recorded(options.out, record):
        return None
    return refusing(options, BuildReport(warnings=tuple(ContentError(*w) for w in record.warnings), pages=record.pages,
                                         placeholders=tuple(ContentError(*p) for p in record.placeholders)))


def outputs_as_recorded(out: Path, record: Record) -> bool:
    """``out`` holds exactly the files the recorded build wrote, untouched since (one walk, stopping at the first
    difference)."""
    outputs, seen = record.outputs, 0
    if not outputs:
        return False
    folders = [str(out)]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return False
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
                continue
            if entry.name == MARKER and folder == str(out):
                continue  # the writer's mark, not an output
            entry_stat = entry.stat()
            recorded = outputs.get(entry.path[len(str(out)) + 1:])
            if recorded is None or recorded[1] != entry_stat.st_size or recorded[2] != entry_stat.st_mtime_ns:
                return False
            seen += 1
    return seen == len(outputs)
