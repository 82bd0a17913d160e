"""The build pipeline, top to bottom: load → validate → plan pages → images → render → write.

``build`` is used both by ``python build.py`` and, with a long-lived
``BuildState``, by the live preview: the state remembers what was read and
what each page was made from, so a rebuild re-reads only changed files and
re-renders only pages whose fingerprint changed. The same record, kept in
``.vitrine-cache/`` with the parsed files, makes a command-line rebuild cheap:
when no input changed since the recorded build (same files, templates, engine
and options) and ``site/`` is as that build left it, nothing is even read; when
only laureates were edited in place, the last build's model is patched instead
of made again (``delta``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import os
import stat as stat_module
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Mapping

import jinja2

from . import delta, feeds, opendata
from .bodies import site_links
from .errors import ContentError, SearchIndexError
from .images import ImageCache, ImageSet, PreparedImages, prepare_images
from .load import LoadCache, load_content
from .markup import MarkdownCache
from .model import Site
from .pages import Page, plan_pages
from .placeholders import find as find_placeholders
from .record import (CACHE_DIR, ENGINE_ROOT, BuildOptions, BuildReport, Inputs, Record, code_digest, read_record,
                     record_path, refusing, scan_inputs, stat, theme_dir, tree_signatures, unchanged, write_record)
from .render import Renderer, render_pages, template_environment
from .store import ShardedStore
from .validate import LaureateRules, validate
from .write import Output, Product, Trees, WriteReport, publication_lock, recover, write_site

if TYPE_CHECKING:
    from . import search


@dataclass
class BuildState:
    """What survives between builds: read files, converted Markdown and images, and each output's fingerprint."""

    load_cache: LoadCache | None  # None until needed: read from .vitrine-cache/ only when something changed
    markdown: MarkdownCache
    images: ImageCache
    record: Record
    cache_dir: Path | None
    record_path: Path | None
    environment: jinja2.Environment | None = None  # compiled templates, reused while the folder is the same
    template_signature: tuple = ()  # of the templates' files when ``environment`` last loaded them
    template_references: dict = field(default_factory=dict)  # parsed once per template source
    validated: dict = field(default_factory=dict)  # validation results per laureate file (see ``validate``)
    store: ShardedStore | None = None  # where the files read (and validated) are kept
    snapshot: delta.Snapshot | None = None  # the last good build's model (see ``delta``), once read
    snapshot_file: delta.SnapshotFile | None = None
    trees: Trees = field(default_factory=Trees)  # what the last write left in the output and staging folders
    trees_file: Path | None = None
    bundles: search.BundleCache | None = None  # search indexes already made (``search`` only once one is made)
    # The preview keeps what a build leaves for the next process (record, snapshot, trees) once the browser is
    # told (``save``), not during the save.
    save_later: bool = False
    unsaved: bool = False  # the last build's record, snapshot and trees are not on disk yet
    unsaved_edit: delta.Edit | None = None  # its patch of the kept snapshot (None: the snapshot is written whole)

    @classmethod
    def open(cls, options: BuildOptions, record: Record | None = None) -> "BuildState":
        """The state of the last build into ``options.out`` (``record``: its record, when already read)."""
        cache_dir = options.root / CACHE_DIR if options.use_cache else None
        path = record_path(options)
        store = ShardedStore(cache_dir / "files", code_digest()) if cache_dir else None
        trees_file = cache_dir / f"trees-{options.out.name}.pickle" if cache_dir else None
        snapshot_file = delta.SnapshotFile(cache_dir / f"snapshot-{options.out.name}.pickle") if cache_dir else None
        return cls(None if cache_dir else LoadCache(), MarkdownCache(cache_dir), ImageCache(cache_dir),
                   record if record is not None else read_record(path), cache_dir, path,
                   store=store, snapshot_file=snapshot_file,
                   trees=Trees.load(trees_file) if trees_file else Trees(), trees_file=trees_file)

    def last_snapshot(self, inputs: Inputs, root: Path) -> delta.Snapshot | None:
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
            self.environment = template_environment(folder, self.cache_dir)
        elif signature != self.template_signature and self.environment.cache is not None:
            self.environment.cache.clear()
        self.template_signature = signature
        return self.environment


def build(options: BuildOptions, state: BuildState | None = None, inputs: Inputs | None = None) -> BuildReport:
    """Build the site into ``options.out``; on any content error, leave it untouched.

    ``inputs``: the inputs as scanned, when the caller has just done it (``record.check``).
    """
    with publication_lock(options.out):  # a concurrent build waits: each one sees the other's record and output
        recover(options.out)  # put back a site an interrupted build left aside, before deciding anything
        return _build(options, state, inputs)


def _build(options: BuildOptions, state: BuildState | None, inputs: Inputs | None) -> BuildReport:
    state = state or BuildState.open(options)
    state.save()  # what the last build left, if its caller did not keep it yet
    inputs = inputs or scan_inputs(options)
    nothing_changed = unchanged(options, state.record, inputs)
    if nothing_changed:
        return nothing_changed
    conversions_before, processed_before = state.markdown.conversions, state.images.processed
    model = _patched(options, state, inputs) or _made_anew(options, state)
    if isinstance(model, BuildReport):
        return refusing(options, model)  # content errors
    site, pages, images, warnings, placeholders = (model.site, model.pages, model.images, model.warnings,
                                                   model.placeholders)
    if options.deploy and placeholders:  # checked before anything is written: the published site stays as it is
        return refusing(options, BuildReport(warnings=warnings, placeholders=placeholders))
    templates = theme_dir(options.root, "templates")
    renderer = Renderer(templates, state.markdown, site, preview=options.drafts, images=images.sets,
                        env=state.templates(templates), references=state.template_references)
    try:
        stale, written, outputs, rows = publish(options, state, site, pages, renderer, images, model.known)
    except jinja2.TemplateError as exc:
        return BuildReport(errors=(template_error(options.root, exc),), warnings=warnings, placeholders=placeholders)
    except SearchIndexError as exc:
        return BuildReport(errors=(ContentError(exc.path, 1, "recherche", str(exc)),), warnings=warnings,
                           placeholders=placeholders)
    state.record = Record(inputs.digest, outputs, [list(dataclasses.astuple(w)) for w in warnings], len(pages), rows,
                          [list(dataclasses.astuple(p)) for p in placeholders])
    shown_on, main_on = model.showing or (_frozen(renderer.shown_on), _frozen(renderer.main_on))
    renderer.release()  # before the snapshot is pickled: the build's largest moment in memory
    state.snapshot = delta.Snapshot(inputs.digest, inputs.settings, inputs.files, site, pages, images, model.rules,
                                    shown_on, main_on)
    state.unsaved, state.unsaved_edit = True, model.edit
    if not state.save_later:
        state.save()
    return BuildReport(warnings=warnings, pages=len(pages), rendered=len(stale),
                       written=tuple(written.written), removed=tuple(written.removed),
                       conversions=state.markdown.conversions - conversions_before, reads=model.reads,
                       images_processed=state.images.processed - processed_before, site=site,
                       rendered_paths=tuple(page.output for page in stale),
                       fingerprinted=sum(page.output not in model.known for page in pages), placeholders=placeholders)


@dataclass(frozen=True)
class _Model:
    """The site to publish and its pages, patched or made anew."""

    site: Site
    pages: tuple[Page, ...]
    images: PreparedImages
    rules: LaureateRules
    warnings: tuple[ContentError, ...]
    placeholders: tuple[ContentError, ...]  # left in published files (``placeholders``)
    reads: int  # content files read
    known: Mapping[str, str] = field(default_factory=dict)  # outputs' fingerprints known not to have changed
    # Which pages show each laureate, as a card and whole: the snapshot's ``shown_on`` and ``main_on``, still true
    # (None: the renderer's, once it has fingerprinted every page)
    showing: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] | None = None
    edit: delta.Edit | None = None  # how the snapshot was patched


def _patched(options: BuildOptions, state: BuildState, inputs: Inputs) -> _Model | None:
    """The last build's model with the laureates edited since swapped in, when that is all that changed."""
    patched = delta.patch(state.last_snapshot(inputs, options.root), inputs, options.root, options.drafts,
                          state.record.inputs)
    if patched is None:
        state.snapshot = None  # the full path makes another: the memory is better spent there
        return None
    snapshot = state.snapshot
    assert snapshot is not None
    known = {path: entry[0] for path, entry in state.record.outputs.items() if path not in patched.candidates}
    # The edited files' placeholders are found again; the others' are the last build's.
    edited = {source.path for source in patched.sources}
    kept = [ContentError(*p) for p in state.record.placeholders if p[0] not in edited]
    placeholders = tuple(sorted(kept + find_placeholders(patched.sources)))
    return _Model(patched.site, patched.pages, snapshot.images, snapshot.rules,
                  tuple(ContentError(*w) for w in state.record.warnings), placeholders, patched.reads, known,
                  (snapshot.shown_on, snapshot.main_on), patched.edit)


def _frozen(index: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    return {path: tuple(outputs) for path, outputs in index.items()}


def _made_anew(options: BuildOptions, state: BuildState) -> _Model | BuildReport:
    """Load, validate and plan the whole site, and prepare its images; or the report of what stops it."""
    load_cache = _open_caches(state)
    reads_before = load_cache.reads
    loaded = load_content(options.root, load_cache, options.jobs)
    placeholders = tuple(find_placeholders(loaded.files))
    validated = validate(loaded, include_drafts=options.drafts, memo=state.validated)
    static_errors = tuple(static_files(options.root)[1])
    if validated.errors or static_errors or validated.site is None or validated.rules is None:
        return BuildReport(errors=validated.errors + static_errors, warnings=validated.warnings,
                           placeholders=placeholders)
    site = _with_base_url(validated.site, options.base_url)
    plan = plan_pages(site, options.today)
    if plan.errors:
        return BuildReport(errors=plan.errors, warnings=validated.warnings, placeholders=placeholders)
    dead = site_links(site, plan.pages)
    if dead:
        return BuildReport(errors=tuple(sorted(dead)), warnings=validated.warnings, placeholders=placeholders)
    images = prepare_images(options.root / "content", site, state.images)
    if images.errors:
        return BuildReport(errors=tuple(images.errors), warnings=validated.warnings, placeholders=placeholders)
    return _Model(site, plan.pages, images, validated.rules, validated.warnings, placeholders,
                  load_cache.reads - reads_before)


def publish(options: BuildOptions, state: BuildState, site: Site, pages: tuple[Page, ...], renderer: Renderer,
            images: PreparedImages, known: Mapping[str, str] | None = None
            ) -> tuple[list[Page], WriteReport, dict[str, list], opendata.RowPlaces]:
    """Render what changed and write the site: (pages rendered, what was written, the record of every output,
    where the open data hold each laureate's rows). ``known``: fingerprints of pages that did not change since the
    recorded build (the others are computed)."""
    out, previous = options.out, state.record.outputs
    known = known or {}
    # The rows' places are copied: the record describes the published files until this build has replaced them.
    rows = opendata.Rows(dict(state.record.rows), partial(_published, out, previous), code_digest())
    products = images.products(state.images) + data_products(site, rows)
    fingerprints = {page.output: known.get(page.output) or renderer.fingerprint(page) for page in pages}
    fingerprints.update((product.path, product.fingerprint) for product in products)
    kept = _up_to_date(out, fingerprints, previous, trusted=state.trees.current_in_memory(out))
    stale = [page for page in pages if page.output not in kept]
    renderer.compile_templates(page.template for page in stale)
    index = _search_index(state, pages, fingerprints, out) if options.search else None
    try:
        rendered = (index.interleave(rendered_outputs(index.order(stale), renderer, options.jobs)) if index
                    else rendered_outputs(stale, renderer, options.jobs))
        outputs = itertools.chain(
            rendered,  # before the products, which are made while search chunks are indexed
            (product.make() for product in products if product.path not in kept),
            index.outputs() if index else (),
            asset_outputs(options.root, site, images.sets))
        written = write_site(out, outputs, state.trees, kept)
    finally:
        if index:
            index.close()
    if index:
        fingerprints.update(index.fingerprints)
    return stale, written, _recorded_outputs(out, written, fingerprints, previous, kept), rows.places


def _recorded_outputs(out: Path, written: WriteReport, fingerprints: Mapping[str, str], previous: Mapping[str, list],
                      kept: set[str]) -> dict[str, list]:
    """Each published file's fingerprint and stat; those kept as recorded (and not rewritten) are not stat()ed again."""
    checked = kept.difference(written.written)  # their recorded entry (fingerprint and stat) still holds

    def entry(path: str) -> list:
        return [fingerprints.get(path, "")] + (stat(os.path.join(out, path)) or [])

    if written.files == previous.keys():  # an edit's commonest case: the record, but for the files made again
        outputs = dict(previous)  # in name order already, copied whole, not entry by entry
        outputs.update((path, entry(path)) for path in written.files - checked)
        return outputs
    return {path: previous[path] if path in checked else entry(path) for path in sorted(written.files)}


def rendered_outputs(pages: list[Page], renderer: Renderer, jobs: int | None) -> Iterator[Output]:
    for page, data in render_pages(pages, renderer, jobs):
        yield Output(page.output, data)


def data_products(site: Site, rows: opendata.Rows) -> list[Product]:
    """The feed (made from the newest laureates) and the open-data files (from every published one)."""
    laureates, editions = rows.digests(site), [edition.source.digest for edition in site.editions]
    feed = _records_digest(site, laureates[:feeds.FEED_SIZE] + editions)
    data = _records_digest(site, laureates + editions)
    return ([Product(path, feed, partial(_made, path, make)) for path, make in feeds.exports(site).items()] +
            [Product(path, data, make) for path, make in opendata.exports(site, rows).items()])


def _records_digest(site: Site, digests: list[str]) -> str:
    """What an output made from records with these file ``digests`` and the shared settings is made from."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{code_digest()}\0{site.config!r}\0{site.shared_digest}".encode())
    h.update("".join(digests).encode())
    return h.hexdigest()


def _made(path: str, make: Callable[[], bytes]) -> Output:
    return Output(path, make())


def _search_index(state: BuildState, pages: tuple[Page, ...], fingerprints: Mapping[str, str],
                  out: Path) -> search.SearchIndex:
    """The search index of ``pages``; the stage is imported only here (a build without search never pays for it)."""
    from . import search  # noqa: PLC0415 - 10 ms of imports, a tenth of what a command-line edit imports

    state.bundles = state.bundles or search.BundleCache(state.cache_dir)
    as_recorded = {path: entry[0] if stat(f"{out}/{path}") == entry[1:] else ""  # else no longer as written
                   for path, entry in state.record.outputs.items() if path.startswith(search.BUNDLE + "/")}
    return search.SearchIndex(pages, fingerprints, as_recorded, state.bundles, out)


def _published(out: Path, recorded: Mapping[str, list], path: str) -> tuple[io.FileIO, bool] | None:
    """A published file, open (its unchanged parts are copied from it, not read), and whether it is the one the
    last build recorded (a build never changes a published file in place); None when there is none to read."""
    try:
        file = io.FileIO(os.path.join(out, path), "r")
    except OSError:
        return None
    st = os.fstat(file.fileno())
    if not stat_module.S_ISREG(st.st_mode):
        file.close()
        return None
    return file, path in recorded and [st.st_size, st.st_mtime_ns] == recorded[path][1:]


def _up_to_date(out: Path, fingerprints: Mapping[str, str], previous: Mapping[str, list],
                trusted: bool = False) -> set[str]:
    """The outputs made from the same things as the recorded ones, whose files are still those the last build wrote
    (thousands of them after an edit: one ``stat`` each, nothing more). ``trusted``: this process wrote them last,
    and the preview trusts that (``Trees.current_in_memory``): no ``stat``."""
    kept, prefix = set(), f"{out}{os.sep}"
    for path, fingerprint in fingerprints.items():
        entry = previous.get(path)
        if entry and entry[0] == fingerprint:
            if trusted:
                kept.add(path)
                continue
            try:
                st = os.stat(prefix + path)
            except OSError:
                continue
            if st.st_size == entry[1] and st.st_mtime_ns == entry[2]:
                kept.add(path)
    return kept


def asset_outputs(root: Path, site: Site, images: Mapping[str, ImageSet]) -> list[Output]:
    """The design's files (static/) and the editors' documents (content/media/ but photos), copied as they are:
    ``load`` let through only documents that are what their suffix says."""
    outputs = [Output("static/" + name, copy_from=path) for name, path in static_files(root)[0]]
    for name in site.media:
        if name not in images:
            outputs.append(Output(name, copy_from=root / "content" / name))
    return outputs


def static_files(root: Path) -> tuple[list[tuple[str, Path]], list[ContentError]]:
    """The files of static/ (name in it, path), and its files that may not be published: a link whose target is
    not inside static/ (it could publish ``../.env``), a FIFO, a socket or a device (never opened)."""
    static = theme_dir(root, "static")
    real_static = os.path.realpath(static)
    files, errors = [], []
    for dirpath, dirnames, filenames in os.walk(static):  # never into a linked folder: its links are refused below
        dirnames.sort()
        for name in sorted(filenames) + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = Path(dirpath, name)
            rel = path.relative_to(static).as_posix()
            problem = None
            if path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(real_static):
                problem = ("ce fichier est un lien vers l'extérieur de static/, refusé",
                           "copiez le fichier dans static/ au lieu d'un lien")
            elif not path.is_file():
                problem = ("ce n'est pas un fichier ordinaire (tube, socket, périphérique ou lien de dossier)",
                           "supprimez-le de static/")
            if problem:
                errors.append(ContentError(_shown(root, path), 1, "fichier", *problem))
            else:
                files.append((rel, path))
    return files, errors


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _open_caches(state: BuildState) -> LoadCache:
    """The parsed and validated files of the last builds, as this very engine kept them in ``.vitrine-cache/files/``
    (read only when something changed), or none."""
    if state.load_cache is None:
        files = state.store.load() if state.store else {}
        state.load_cache = LoadCache({path: entry for path, (entry, _) in files.items() if entry is not None})
        state.validated = {path: memo for path, (_, memo) in files.items() if memo is not None}
    return state.load_cache


def _save(state: BuildState, edit: delta.Edit | None) -> None:
    """Keep the record, the snapshot and the files read for the next build (losing them costs only time)."""
    if state.cache_dir is None or state.record_path is None:
        return
    write_record(state.record_path, state.record)
    if state.snapshot is not None and state.snapshot_file:
        state.snapshot_file.save(state.snapshot, edit)
    if state.trees_file:
        state.trees.save(state.trees_file)
    if state.store and state.load_cache is not None and edit is None:  # a patched build read no file through it
        load_cache = state.load_cache
        state.store.save({path: (load_cache.entries.get(path), state.validated.get(path))
                          for path in load_cache.entries.keys() | state.validated.keys()})


def _with_base_url(site: Site, base_url: str | None) -> Site:
    if not base_url:
        return site
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    return dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=base_url))


def template_error(root: Path, exc: jinja2.TemplateError) -> ContentError:
    """A template mistake, located like a content error (it is the designer's, not the editor's)."""
    name, line = getattr(exc, "filename", None) or getattr(exc, "name", None), getattr(exc, "lineno", None)
    if not name:  # an error while rendering: Jinja puts the template's file and line in the traceback
        name, line = _template_frame(exc) or ("templates", 1)
    try:
        name = Path(name).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            name = "templates/" + Path(name).resolve().relative_to(ENGINE_ROOT / "templates").as_posix()
        except ValueError:
            name = f"templates/{name}" if not str(name).startswith("templates") else str(name)
    return ContentError(name, line or 1, "template", str(exc.message or exc))


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    """The innermost traceback frame that runs a template (its file and line), if any."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
            found = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
