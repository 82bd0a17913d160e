"""The build pipeline, top to bottom: load → validate → plan pages → images → render → write.

``build`` is used both by ``python build.py`` and, with a long-lived
``BuildState``, by the live preview: the state remembers what was read and
what each page was made from, so a rebuild re-reads only changed files and
re-renders only pages whose fingerprint changed. The same record, kept in
``.vitrine-cache/``, makes a command-line rebuild of unchanged content cheap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Mapping

import jinja2

from . import feeds, opendata
from .errors import ContentError
from .images import ImageCache, ImageSet, prepare_images
from .load import LoadCache, load_content
from .markup import MarkdownCache
from .model import Site
from .pages import Page, plan_pages
from .render import Renderer, code_digest
from .search import BUNDLE, BundleCache, Document, SearchIndexError, build_index, index_key
from .validate import validate
from .write import Output, Product, publication_lock, recover, write_site

CACHE_DIR = ".vitrine-cache"
ENGINE_ROOT = Path(__file__).resolve().parent.parent


def theme_dir(root: Path, name: str) -> Path:
    """``templates/`` or ``static/`` of the site, else Vitrine's own (a content-only repository)."""
    own = root / name
    return own if own.is_dir() else ENGINE_ROOT / name


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    today: dt.date
    drafts: bool = False  # the preview shows drafts; a published build never does
    search: bool = True  # the full-text index (seconds at thousands of pages: the live preview goes without)
    base_url: str | None = None  # overrides site.yaml, e.g. for a preview deployment
    use_cache: bool = True


@dataclass
class BuildReport:
    errors: tuple[ContentError, ...] = ()
    warnings: tuple[ContentError, ...] = ()
    pages: int = 0
    rendered: int = 0
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    conversions: int = 0
    reads: int = 0
    images_processed: int = 0
    site: Site | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class BuildState:
    """What survives between builds: read files, converted Markdown and images, and each output's fingerprint."""

    load_cache: LoadCache
    markdown: MarkdownCache
    images: ImageCache
    record: dict[str, list]  # output path → [fingerprint, size, mtime_ns]
    record_path: Path | None
    bundles: BundleCache  # search indexes already made

    @classmethod
    def open(cls, options: BuildOptions) -> "BuildState":
        cache_dir = options.root / CACHE_DIR if options.use_cache else None
        record_path = cache_dir / f"record-{options.out.name}.json" if cache_dir else None
        record: dict[str, list] = {}
        if record_path and record_path.exists():
            try:
                record = json.loads(record_path.read_text("utf-8"))
            except (OSError, ValueError):
                record = {}
        return cls(LoadCache(), MarkdownCache(cache_dir), ImageCache(cache_dir), record, record_path,
                   BundleCache(cache_dir))


def build(options: BuildOptions, state: BuildState | None = None) -> BuildReport:
    """Build the site into ``options.out``; on any content error, leave it untouched."""
    with publication_lock(options.out):  # a concurrent build waits: each one sees the other's record and output
        recover(options.out)  # put back a site an interrupted build left aside, before deciding anything
        return _build(options, state)


def _build(options: BuildOptions, state: BuildState | None) -> BuildReport:
    state = state or BuildState.open(options)
    reads_before, conversions_before = state.load_cache.reads, state.markdown.conversions
    processed_before = state.images.processed

    loaded = load_content(options.root, state.load_cache)
    validated = validate(loaded, include_drafts=options.drafts)
    if validated.errors or validated.site is None:
        return BuildReport(errors=validated.errors, warnings=validated.warnings)
    site = _with_base_url(validated.site, options.base_url)
    plan = plan_pages(site, options.today)
    if plan.errors:
        return BuildReport(errors=plan.errors, warnings=validated.warnings)
    images = prepare_images(options.root / "content", site, state.images)
    if images.errors:
        return BuildReport(errors=tuple(images.errors), warnings=validated.warnings)
    try:
        renderer = Renderer(theme_dir(options.root, "templates"), state.markdown, site, preview=options.drafts,
                            images=images.sets)
        products = page_products(plan.pages, renderer) + images.products(state.images) + data_products(site)
        outputs = make_changed(products, state.record, options.out)
    except jinja2.TemplateError as exc:
        return BuildReport(errors=(template_error(options.root, exc),), warnings=validated.warnings)
    try:
        search_key, bundle = (search_outputs(plan.pages, outputs, renderer, state, options.out) if options.search
                              else ("", []))
    except SearchIndexError as exc:
        return BuildReport(errors=(ContentError(BUNDLE, 1, "recherche", str(exc)),), warnings=validated.warnings)
    outputs += bundle + asset_outputs(options.root, site, images.sets)
    written = write_site(options.out, outputs)
    state.record = _new_record(options.out, [(p.path, p.fingerprint) for p in products]
                               + [(o.path, search_key) for o in bundle])
    _save_record(state)
    return BuildReport(warnings=validated.warnings, pages=len(plan.pages), rendered=renderer.rendered,
                       written=tuple(written.written), removed=tuple(written.removed),
                       conversions=state.markdown.conversions - conversions_before,
                       reads=state.load_cache.reads - reads_before,
                       images_processed=state.images.processed - processed_before, site=site)


def page_products(pages: tuple[Page, ...], renderer: Renderer) -> list[Product]:
    return [Product(page.output, renderer.fingerprint(page), partial(_render, renderer, page)) for page in pages]


def _render(renderer: Renderer, page: Page) -> Output:
    return Output(page.output, renderer.render(page))


def data_products(site: Site) -> list[Product]:
    """The feed and the open-data files: made from every published laureate and the shared settings."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{code_digest()}\0{site.config!r}\0{site.shared_digest}".encode())
    for record in site.laureates + site.editions:
        h.update(record.source.digest.encode())
    fingerprint = h.hexdigest()
    makers: Mapping[str, Callable[[], bytes]] = {**feeds.exports(site), **opendata.exports(site)}
    return [Product(path, fingerprint, partial(_made, path, make)) for path, make in makers.items()]


def _made(path: str, make: Callable[[], bytes]) -> Output:
    return Output(path, make())


def make_changed(products: list[Product], record: dict[str, list], out: Path) -> list[Output]:
    """Make the outputs whose fingerprint changed; the others are kept from the previous site."""
    outputs = []
    for product in products:
        previous = record.get(product.path)
        if previous and previous[0] == product.fingerprint and _unchanged_on_disk(out / product.path, previous):
            outputs.append(Output(product.path))
        else:
            outputs.append(product.make())
    return outputs


def _unchanged_on_disk(path: Path, previous: list) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return [st.st_size, st.st_mtime_ns] == previous[1:]


def search_outputs(pages: tuple[Page, ...], outputs: list[Output], renderer: Renderer, state: BuildState,
                   out: Path) -> tuple[str, list[Output]]:
    """The search index of the searchable pages, and its key: kept from the previous site, taken from the
    cache, or made anew (only when a searchable page changed)."""
    searchable = [page for page in pages if page.searchable]
    key = index_key((page.url, renderer.fingerprint(page)) for page in searchable)
    previous = {path: entry for path, entry in state.record.items() if path.startswith(BUNDLE + "/")}
    if previous and all(entry[0] == key and _unchanged_on_disk(out / path, entry) for path, entry in previous.items()):
        return key, [Output(path) for path in sorted(previous)]
    cached = state.bundles.get(key)
    if cached is not None:
        return key, [Output(path, copy_from=file) for path, file in sorted(cached.items())]
    made = {output.path: output for output in outputs}
    files = build_index(Document(page.url, _page_html(made[page.output], out)) for page in searchable)
    state.bundles.put(key, files)
    return key, [Output(path, data) for path, data in sorted(files.items())]


def _page_html(output: Output, out: Path) -> str:
    """A page just rendered, or kept unchanged from the previous site."""
    return (output.data if output.data is not None else (out / output.path).read_bytes()).decode("utf-8")


def asset_outputs(root: Path, site: Site, images: Mapping[str, ImageSet]) -> list[Output]:
    """The design's files (static/) and the editors' media (content/media/) other than images, copied as they are."""
    outputs = []
    static = theme_dir(root, "static")
    for path in sorted(static.rglob("*")) if static.is_dir() else []:
        if path.is_file():
            outputs.append(Output("static/" + path.relative_to(static).as_posix(), copy_from=path))
    for name in site.media:
        if name not in images:
            outputs.append(Output(name, copy_from=root / "content" / name))
    return outputs


def _new_record(out: Path, made: list[tuple[str, str]]) -> dict[str, list]:
    """Each output's fingerprint, with its size and time as written (to notice a file changed by hand)."""
    record = {}
    for path, fingerprint in made:
        st = (out / path).stat()
        record[path] = [fingerprint, st.st_size, st.st_mtime_ns]
    return record


def _save_record(state: BuildState) -> None:
    if state.record_path is None:
        return
    state.record_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = state.record_path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state.record, sort_keys=True), "utf-8")
    os.replace(tmp, state.record_path)


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
