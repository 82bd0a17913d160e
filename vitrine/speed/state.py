"""What the speed layer keeps between builds (``BuildState``), and what the pipeline asks it: has anything changed,
can the last plan be patched, which outputs are as published, what to keep for the next build. The command line
opens one per build from ``.vitrine-cache/``; the preview keeps one for its lifetime."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ContextManager, Iterator, Mapping

import jinja2

from vitrine.content.placeholders import find as find_placeholders
from vitrine.content.read import LoadCache
from vitrine.engine import CACHE_DIR, theme_dir
from vitrine.errors import ContentError
from vitrine.files import published_file, size_and_time
from vitrine.options import BuildOptions, BuildReport, SitePlan, Spread, in_order
from vitrine.outputs.images import ImageCache
from vitrine.publish.output import Output
from vitrine.publish.write import WriteReport
from vitrine.site.markup import MarkdownCache
from vitrine.site.pages import Page
from vitrine.site.render import Renderer, template_environment
from vitrine.speed import snapshot as snapshots
from vitrine.speed.snapshot_file import SnapshotFile
from vitrine.speed import spliced_rows
from vitrine.speed.fingerprints import Fingerprints
from vitrine.speed.mechanisms import on
from vitrine.speed.inputs import Inputs, scan_inputs, tree_signatures
from vitrine.speed.parallel import spread_over
from vitrine.speed.templates_ahead import compiled_meanwhile
from vitrine.speed.record import Record, read_record, record_path, unchanged, write_record

if TYPE_CHECKING:
    from vitrine.speed import search_index


@dataclass
class _ThisBuild:
    """What the speed layer learns during one build, for what it keeps at its end."""

    fingerprints_kept: Mapping[str, str] = field(default_factory=dict)  # of outputs a patch did not touch
    # Which pages show each laureate, as a card and whole: the snapshot's, still true after a patch (None: the
    # fingerprinter's, once it has fingerprinted every page)
    showing: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] | None = None
    edit: snapshots.Edit | None = None  # how the snapshot was patched
    fingerprints: dict[str, str] = field(default_factory=dict)  # of every output
    fingerprinted: int = 0  # pages whose fingerprint was computed
    kept: set[str] = field(default_factory=set)  # outputs kept as published
    rows: spliced_rows.Rows | None = None
    index: search_index.SearchIndex | None = None
    fingerprinter: Fingerprints | None = None
    unfingerprinted: tuple[Page, ...] = ()  # pages fingerprinted while the workers render (``fingerprint_meanwhile``)
    compiled_ahead: list[str] = field(default_factory=list)  # templates loaded from their bytecode (``planning``)


@dataclass
class BuildState:
    """What survives between builds: read files, converted Markdown and images, and each output's fingerprint."""

    # The files read and checked by the last full build, reused while unchanged: in memory (the preview's next save)
    load_cache: LoadCache
    markdown: MarkdownCache
    images: ImageCache
    record: Record
    cache_dir: Path | None
    record_path: Path | None
    environment: jinja2.Environment | None = None  # compiled templates, reused while the folder is the same
    template_signature: tuple = ()  # of the templates' files when ``environment`` last loaded them
    template_references: dict = field(default_factory=dict)  # parsed once per template source
    validated: dict = field(default_factory=dict)  # validation results per laureate file (see ``validate``)
    snapshot: snapshots.Snapshot | None = None  # the last good build's plan (see ``snapshot``), once read
    snapshot_file: SnapshotFile | None = None
    bundles: search_index.BundleCache | None = None  # search bundles already made (once one is made)
    # The preview keeps what a build leaves for the next process (record, snapshot) once the browser is
    # told (``save``), not during the save.
    save_later: bool = False
    unsaved: bool = False  # the last build's record and snapshot are not on disk yet
    unsaved_edit: snapshots.Edit | None = None  # its patch of the kept snapshot (None: the snapshot is written whole)
    current: _ThisBuild | None = None  # what this state learns during the build under way

    def scan(self, options: BuildOptions, inputs: Inputs | None) -> Inputs:
        """Keep what the last build left if its caller did not yet, and the inputs now (``inputs``: as the caller
        just scanned them)."""
        self.save()
        self.current = _ThisBuild()
        return inputs or scan_inputs(options)

    def unchanged(self, options: BuildOptions, inputs: Inputs) -> BuildReport | None:
        """The recorded build's report when no input changed since and ``out`` is as it left it."""
        return unchanged(options, self.record, inputs)

    def patched_plan(self, options: BuildOptions, inputs: Inputs) -> SitePlan | None:
        """The last build's plan with the laureates edited since swapped in, when that is all that changed."""
        if not on("snapshot"):
            return None
        patched = snapshots.patch(self.last_snapshot(inputs, options.root), inputs, options.root, options.drafts,
                                  self.record.inputs)
        if patched is None:
            self.snapshot = None  # the full path makes another: the memory is better spent there
            return None
        snapshot = self.snapshot
        assert snapshot is not None and self.current is not None
        self.current.fingerprints_kept = {path: entry[0] for path, entry in self.record.outputs.items()
                              if path not in patched.candidates}
        self.current.showing, self.current.edit = (snapshot.shown_on, snapshot.main_on), patched.edit
        # The edited files' placeholders are found again; the others' are the last build's.
        edited = {source.path for source in patched.sources}
        kept = [ContentError(*p) for p in self.record.placeholders if p[0] not in edited]
        return dataclasses.replace(patched.plan, placeholders=tuple(sorted(kept + find_placeholders(patched.sources))))

    def reading_cache(self) -> LoadCache:
        """The files this state read and parsed in its earlier builds (none in a new process)."""
        return self.load_cache

    def planning(self, options: BuildOptions) -> ContextManager[None]:
        """While this process validates and plans what it just read, on one core: the templates compiled on the idle
        core (templates_ahead). (The content is not frozen for the garbage collector, 0.04 s: the preview's process
        lives on, and a frozen cycle is never collected.)"""
        assert self.current is not None
        return compiled_meanwhile(self.templates(theme_dir(options.root, "templates")), options.jobs,
                                  self.current.compiled_ahead)

    def spread(self, options: BuildOptions) -> Spread:
        return spread_over(options.jobs) if on("parallel") else in_order

    def rows_file(self, out: Path) -> spliced_rows.Rows | None:
        """The open data's rows, spliced out of the published files where the record says they lie."""
        assert self.current is not None
        if not on("rows"):
            return None
        # The rows' places are copied: the record describes the published files until this build has replaced them.
        self.current.rows = spliced_rows.Rows(dict(self.record.rows), partial(published_file, out, self.record.outputs))
        return self.current.rows

    def kept_outputs(self, options: BuildOptions, plan: SitePlan, lazy_outputs: list) -> set[str]:
        """The outputs made from the same things as the published ones, still as the last build wrote them."""
        current, out, pages = self.current, options.out, plan.pages
        assert current is not None
        current.fingerprinter = fingerprinter = Fingerprints(
            theme_dir(options.root, "templates"), plan.site, plan.images.sets, options.drafts, self.template_references)
        kept = current.fingerprints_kept
        if not self.record.outputs and not options.search:
            # Nothing recorded, so nothing to keep, and no index to key: the pages' fingerprints, for the next build,
            # are left to be made while the workers render (0.12 s at 4,000 laureates that no worker could share,
            # before the first page)
            current.unfingerprinted = tuple(pages)
        current.fingerprints = {} if current.unfingerprinted else {
            page.output: kept.get(page.output) or fingerprinter.of(page) for page in pages}
        current.fingerprints.update((product.path, product.fingerprint) for product in lazy_outputs)
        current.fingerprinted = sum(page.output not in kept for page in pages)
        current.kept = _up_to_date(out, current.fingerprints, self.record.outputs) if on("fingerprints") else set()
        return current.kept

    def fingerprint_meanwhile(self) -> Iterator[Output]:
        """The pages' fingerprints ``kept_outputs`` left for later, made when the pipeline iterates this, once the
        workers render; no output. In the same order as they would have been (the record keeps it)."""
        current = self.current
        assert current is not None
        pages, current.unfingerprinted = current.unfingerprinted, ()
        if pages:
            assert current.fingerprinter is not None
            made = {page.output: current.fingerprinter.of(page) for page in pages}
            current.fingerprints = {**made, **current.fingerprints}
        yield from ()

    def search_index(self, pages: tuple[Page, ...], out: Path, image_set: Callable[[str], object]
                     ) -> search_index.SearchIndex:
        assert self.current is not None
        self.current.index = _search_index(self, pages, self.current.fingerprints, out, image_set)
        return self.current.index

    def keep(self, options: BuildOptions, plan: SitePlan, inputs: Inputs, renderer: Renderer,
             written: WriteReport) -> None:
        """What this build leaves for the next: the record of every output, the snapshot."""
        current = self.current
        assert current is not None
        out = options.out
        for _ in self.fingerprint_meanwhile():  # if the pipeline did not ask for them
            pass
        if current.index is not None:
            current.fingerprints.update(current.index.fingerprints)
        outputs = _recorded_outputs(out, written, current.fingerprints, self.record.outputs, current.kept)
        rows = current.rows.places if current.rows else {}
        self.record = Record(inputs.digest, outputs, [list(dataclasses.astuple(w)) for w in plan.warnings],
                             len(plan.pages), rows, [list(dataclasses.astuple(p)) for p in plan.placeholders])
        fingerprinter, current.fingerprinter = current.fingerprinter, None
        assert fingerprinter is not None
        shown_on, main_on = current.showing or (_frozen(fingerprinter.shown_on), _frozen(fingerprinter.main_on))
        del fingerprinter  # and its caches, before the snapshot is pickled: the build's largest moment in memory
        renderer.release()
        self.snapshot = snapshots.Snapshot(inputs.digest, inputs.settings, inputs.files, plan, shown_on, main_on) \
            if on("snapshot") else None
        self.unsaved, self.unsaved_edit = True, current.edit
        self.current = _ThisBuild(fingerprinted=current.fingerprinted)  # the rest can go
        if not self.save_later:
            self.save()

    @classmethod
    def open(cls, options: BuildOptions, record: Record | None = None) -> "BuildState":
        """The state of the last build into ``options.out`` (``record``: its record, when already read)."""
        cache_dir = options.root / CACHE_DIR if options.use_cache else None
        path = record_path(options)
        snapshot_file = SnapshotFile(cache_dir / f"snapshot-{options.out.name}.pickle") if cache_dir else None
        return cls(LoadCache(), MarkdownCache(),
                   ImageCache(cache_dir),
                   record if record is not None else read_record(path), cache_dir, path,
                   snapshot_file=snapshot_file)

    def last_snapshot(self, inputs: Inputs, root: Path) -> snapshots.Snapshot | None:
        """The last good build's model: in memory, else as it kept it in ``.vitrine-cache/`` (if it may serve
        with ``inputs``)."""
        if self.snapshot is None and self.record.inputs and self.snapshot_file:
            self.snapshot = self.snapshot_file.load(inputs, root)
        return self.snapshot

    def save(self) -> None:
        """Keep in ``.vitrine-cache/`` what the last build left for the next process, if not done yet.

        Until then a process killed loses only time: the record and the snapshot on disk are still the previous
        build's, and the next process checks each published file against that record (size and time), so what
        this build changed is made again, never trusted."""
        if self.unsaved:
            self.unsaved = False
            _save(self, self.unsaved_edit)

    def templates(self, folder: Path) -> jinja2.Environment:
        """The compiled templates of ``folder``, forgotten when one of its files changed since the last build
        (Jinja2's own check would stat every template at every page)."""
        loader = self.environment.loader if self.environment else None
        signature = tuple(tree_signatures(folder))
        if not isinstance(loader, jinja2.FileSystemLoader) or loader.searchpath != [str(folder)]:
            self.environment = template_environment(folder)
        elif signature != self.template_signature and self.environment.cache is not None:
            self.environment.cache.clear()
        self.template_signature = signature
        return self.environment


def _frozen(index: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {path: tuple(outputs) for path, outputs in index.items()}


def _recorded_outputs(out: Path, written: WriteReport, fingerprints: Mapping[str, str], previous: Mapping[str, list],
                      kept: set[str]) -> dict[str, list]:
    """Each published file's fingerprint and stat; those kept as recorded (and not rewritten) are not stat()ed again."""
    checked = kept.difference(written.written)  # their recorded entry (fingerprint and stat) still holds

    def entry(path: str) -> list:
        return [fingerprints.get(path, "")] + (size_and_time(os.path.join(out, path)) or [])

    if written.files == previous.keys():  # an edit's commonest case: the record, but for the files made again
        outputs = dict(previous)  # in name order already, copied whole, not entry by entry
        outputs.update((path, entry(path)) for path in written.files - checked)
        return outputs
    return {path: previous[path] if path in checked else entry(path) for path in sorted(written.files)}


def _search_index(state: BuildState, pages: tuple[Page, ...], fingerprints: Mapping[str, str],
                  out: Path, image_set: Callable[[str], object]) -> search_index.SearchIndex:
    """The search index of ``pages``; the stage is imported only here (a build without search never pays for it)."""
    from vitrine.outputs import search  # noqa: PLC0415 - 10 ms of imports, a tenth of what a command-line edit imports
    from vitrine.speed import search_index  # noqa: PLC0415 - idem

    state.bundles = state.bundles or search_index.BundleCache(state.cache_dir)
    as_recorded = {path: entry[0] if size_and_time(f"{out}/{path}") == entry[1:] else ""  # else no longer as written
                   for path, entry in state.record.outputs.items() if path.startswith(search.BUNDLE + "/")}
    return search_index.SearchIndex(pages, fingerprints, as_recorded, state.bundles, out, image_set)


def _up_to_date(out: Path, fingerprints: Mapping[str, str], previous: Mapping[str, list]) -> set[str]:
    """The outputs made from the same things as the recorded ones, whose files are still those the last build wrote
    (thousands of them after an edit: one ``stat`` each, nothing more)."""
    kept, prefix = set(), f"{out}{os.sep}"
    for path, fingerprint in fingerprints.items():
        entry = previous.get(path)
        if entry and entry[0] == fingerprint:
            try:
                st = os.stat(prefix + path)
            except OSError:
                continue
            if st.st_size == entry[1] and st.st_mtime_ns == entry[2]:
                kept.add(path)
    return kept


def _save(state: BuildState, edit: snapshots.Edit | None) -> None:
    """Keep the record and the snapshot for the next build (losing them costs only time)."""
    if state.cache_dir is None or state.record_path is None:
        return
    write_record(state.record_path, state.record)
    if state.snapshot is not None and state.snapshot_file:
        state.snapshot_file.save(state.snapshot, edit)
