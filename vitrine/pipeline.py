"""The build, top to bottom: read → validate → plan pages → check links → images → render → write. ``check`` is the
same stages rendering in memory.

Where each stage is, in the order ``build()`` runs them: ``load_content`` reads; ``plan_site`` validates, plans the
pages and checks their links (``plan_content``, which the web editor also runs on a save), then prepares the images;
``publish_site`` renders the pages, makes the other outputs and writes the site (``write_site``).

Without the speed layer (``BuildOptions(speed=False)``, ``build --no-cache``) every build runs every stage on the
whole site. With it (``vitrine/speed/``, the default), the pipeline consults a ``BuildState`` at each step: has
anything changed since the recorded build, can the last plan be patched (only laureates edited in place), which
outputs are as published, what to keep for the next build. Both give the same bytes (``tests/test_golden.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import jinja2

from vitrine.content.model import Site
from vitrine.content.photo_metadata import positions as photo_positions
from vitrine.content.placeholders import find as find_placeholders
from vitrine.content.read import LoadCache, LoadedContent, load_content
from vitrine.content.validate import Validated, validate
from vitrine.engine import CACHE_DIR, site_digest, theme_dir
from vitrine.errors import CatalogueError, ContentError, SearchIndexError, template_error
from vitrine.options import BuildOptions, BuildReport, CheckReport, SitePlan, Spread, in_order, refusing
from vitrine.outputs import calendar
from vitrine.outputs import feed as feeds
from vitrine.outputs import opendata
from vitrine.outputs.assets import asset_outputs, engine_files, static_files
from vitrine.outputs.catalogue import PublishedFiles, catalogue_outputs, print_catalogues, require_weasyprint
from vitrine.outputs.catalogue_cache import CatalogueCache
from vitrine.outputs.editor import editor_outputs, vendored_files
from vitrine.outputs.images import ImageCache, prepare_images
from vitrine.publish.output import LazyOutput, Output
from vitrine.publish.swap import publication_lock, recover
from vitrine.publish.write import WriteReport, write_site
from vitrine.site.links import draft_addresses, site_links
from vitrine.site.markup import MarkdownCache
from vitrine.site.pages import Page, plan_pages
from vitrine.site.render import Renderer, render_pages, template_problems
from vitrine.speed.inputs import Inputs
from vitrine.speed.state import BuildState
from vitrine.tools import check as warnings_of

if TYPE_CHECKING:
    from vitrine.speed.spliced_rows import Rows


def build(options: BuildOptions, state: BuildState | None = None, inputs: Inputs | None = None) -> BuildReport:
    """Build the site into ``options.out``; on any content error, leave it untouched. ``state``: the speed layer's
    (opened from ``.vitrine-cache/`` when None); ``inputs``: as the caller just scanned them."""
    with publication_lock(options.out):  # a concurrent build waits: each one sees the other's record and output
        recover(options.out)  # put back a site an interrupted build left aside, before deciding anything
        speed = (state or BuildState.open(options)) if options.speed else None
        if speed:
            inputs = speed.scan(options, inputs)
            if recorded := speed.unchanged(options, inputs):
                return recorded  # nothing changed since the recorded build: nothing is read
        markdown, images = (speed.markdown, speed.images) if speed else (MarkdownCache(), ImageCache(None))
        pdfs = CatalogueCache(speed.cache_dir if speed else None)  # like the images: none for build --no-cache
        before = markdown.conversions, images.processed
        plan = speed and speed.patched_plan(options, inputs)  # only laureates edited in place: the last plan, patched
        if not plan:  # the full path: read every file, then validate, plan pages, check links, images
            content = load_content(options.root, speed.reading_cache() if speed else LoadCache(), _spread(options, speed))
            with speed.planning(options) if speed else contextlib.nullcontext():  # templates compiled meanwhile
                plan = plan_site(options, content, images, speed.validated if speed else None)
        if isinstance(plan, BuildReport):
            return refusing(options, plan)  # content errors: site/ untouched
        if options.deploy and plan.placeholders:  # build --deploy: nothing is published with a placeholder left
            return refusing(options, BuildReport(warnings=plan.warnings, placeholders=plan.placeholders))
        renderer = make_renderer(options, plan, markdown, speed)
        try:
            # render, outputs, write
            stale, written, printed = publish_site(options, plan, renderer, images, pdfs, speed)
        except (jinja2.TemplateError, SearchIndexError, CatalogueError) as exc:
            return BuildReport(errors=(located_error(options.root, exc),), warnings=plan.warnings,
                               placeholders=plan.placeholders)
        if speed:
            speed.keep(options, plan, inputs, renderer, written)  # the record and snapshot of this build
        return build_report(plan, stale, written, markdown.conversions - before[0], images.processed - before[1],
                            printed, speed)


def check(root: Path, today: dt.date, use_cache: bool = True) -> CheckReport:
    """The same stages without writing ``site/``: every error a build would report (templates rendered in memory),
    and the warnings and notes of ``check`` (``tools/check.py``). Only caches are written (``.vitrine-cache/``,
    unless ``use_cache`` is False)."""
    options = BuildOptions(root=root, out=root / "site", today=today, speed=False)
    cache = root / CACHE_DIR if use_cache else None
    content = load_content(root)
    plan = plan_site(options, content, ImageCache(cache))
    # A photo with its GPS position is an error here, as for build --deploy: the repository is what it exposes
    positions = photo_positions(content.media)
    located = tuple(dataclasses.replace(p, warning=False) for p in positions)
    placeholders = tuple(p for p in plan.placeholders if p not in positions)
    notes = warnings_of.notes(root, content)
    warnings = tuple(w for w in warnings_of.warnings(root, content, plan, today) if w not in positions)
    if isinstance(plan, BuildReport):
        return CheckReport(tuple(sorted(plan.errors + located)), warnings, notes, placeholders)
    renderer = make_renderer(options, plan, MarkdownCache(), None)
    try:
        for page in plan.pages:
            renderer.render(page)  # and throw the bytes away
    except jinja2.TemplateError as exc:
        return CheckReport((template_error(root, exc),) + located, warnings, notes, placeholders)
    return CheckReport(located, warnings, notes, placeholders)


def plan_site(options: BuildOptions, content: LoadedContent, images: ImageCache,
              memo: dict | None = None) -> SitePlan | BuildReport:
    """Validate the content, plan its pages, check its links and prepare its images; or the report of what stops
    it. Placeholders left in published files (« À compléter »…) and photos of content/media/ that hold their GPS
    position are warnings, errors for ``build --deploy``."""
    planned = plan_content(options, content, memo)
    if isinstance(planned, BuildReport):
        return planned
    site, pages, validated, placeholders = planned
    prepared = prepare_images(options.root / "content", site, images)
    if prepared.errors:
        return BuildReport(errors=tuple(prepared.errors), warnings=validated.warnings, site=site,
                           placeholders=placeholders)
    return SitePlan(site, pages, prepared, validated.rules, validated.warnings, content.reads, placeholders)


PlannedContent = tuple[Site, tuple[Page, ...], Validated, tuple[ContentError, ...]]


def plan_content(options: BuildOptions, content: LoadedContent,
                 memo: dict | None = None) -> PlannedContent | BuildReport:
    """Everything ``plan_site`` checks before the images, in memory: fields, references, addresses, links (the web
    editor checks a save with it before writing the file): (site, pages, validation, placeholders), or the report."""
    placeholders = tuple(sorted(find_placeholders(content.files) + photo_positions(content.media)))
    validated = validate(content, include_drafts=options.drafts, memo=memo)
    refused_static = tuple(static_files(options.root)[1])  # links out of static/, pipes, devices
    if validated.site is not None and (validated.site.config.editor or options.local_editor):
        refused_static += tuple(vendored_files()[1])  # /admin/ is published: its bundle as vendored, or nothing
    refused_static += tuple(template_problems(options.root, theme_dir(options.root, "templates")))  # never read
    if validated.errors or refused_static or validated.site is None or validated.rules is None:
        return BuildReport(errors=validated.errors + refused_static, warnings=validated.warnings,
                           placeholders=placeholders)
    site = _with_base_url(validated.site, options.base_url)
    planned = plan_pages(site, options.today)
    dead_links = () if planned.errors else site_links(site, planned.pages, engine_files(site),
                                                      draft_addresses(content.files))
    if planned.errors or dead_links:
        return BuildReport(errors=planned.errors or tuple(sorted(dead_links)), warnings=validated.warnings, site=site,
                           placeholders=placeholders)
    return site, planned.pages, validated, placeholders


def make_renderer(options: BuildOptions, plan: SitePlan, markdown: MarkdownCache,
                  speed: BuildState | None) -> Renderer:
    templates = theme_dir(options.root, "templates")
    return Renderer(templates, markdown, plan.site, preview=options.drafts, images=plan.images.sets,
                    env=speed.templates(templates) if speed else None)


def publish_site(options: BuildOptions, plan: SitePlan, renderer: Renderer, images: ImageCache,
                 pdfs: CatalogueCache, speed: BuildState | None) -> tuple[list[Page], WriteReport, int]:
    """Render the pages (those that changed, with the speed layer), make the other outputs, and write the site:
    (the pages rendered, what was written, how many catalogue PDFs were printed). Every output but the pages is
    lazy: made only when not kept."""
    site, out, spread = plan.site, options.out, _spread(options, speed)
    # What to make: the editions' catalogues in PDF, not in the preview (seconds for an edited summary: its page
    # says so) nor with build --no-catalogue, the images, the feed, the open data and the calendar; and what is kept
    # as published instead
    catalogues = [] if options.drafts or not options.catalogues else catalogue_outputs(
        site, plan.pages, renderer.render, PublishedFiles(plan.images.sets, images, static_files(options.root)[0],
                                                          theme_dir(options.root, "templates")), pdfs)
    lazy_outputs = (plan.images.lazy_outputs(images) + catalogues
                    + data_outputs(site, options.today, speed.rows_file(out) if speed else None))
    kept = speed.kept_outputs(options, plan, lazy_outputs) if speed else set()  # as published (fingerprints)
    # Those neither published nor made by an earlier build (.vitrine-cache/catalogues/); WeasyPrint missing: stop
    # here, before anything is rendered
    to_make = {o.path for o in catalogues if o.path not in kept and pdfs.find(o.fingerprint) is None}
    if to_make:
        require_weasyprint(next(o.path for o in catalogues if o.path in to_make))
    stale = [page for page in plan.pages if page.output not in kept]
    # Render and write, streamed: each output is written as it comes, in this order. The templates are loaded first
    # (those compiled ahead by the speed layer too, with the partials, which each worker compiled for itself else)
    renderer.compile_templates(itertools.chain((page.template for page in stale),
                                               speed.current.compiled_ahead if speed and speed.current else ()))
    index = _search_index(plan.pages, out, plan.images.sets.__getitem__, speed) if options.search else None
    try:
        # searchable pages are read for the index where they are rendered (``outputs/search_reading.py``)
        rendered = render_outputs(index.order(stale) if index else stale, index.reading(renderer) if index else renderer,
                                  spread)
        made = (output.make() for output in lazy_outputs if output.path not in kept and output.path not in to_make)
        outputs = itertools.chain(
            # The lazy outputs (the open data…) are made while the index's process folds the pages' words, or,
            # without the index, while the workers render: once the first page is in, they have started (a generator
            # runs once: then ``made`` is empty)
            index.interleave(rendered) if index else itertools.chain(itertools.islice(rendered, 1), made,
                                                                     speed.fingerprint_meanwhile() if speed else (),
                                                                     rendered),
            made,
            # In fresh processes, not forked from this one (its model would count in their memory); one at a
            # time without the speed layer, as pages are rendered then
            print_catalogues([o.make for o in catalogues if o.path in to_make], options.jobs if speed else 1),
            index.outputs() if index else (),
            asset_outputs(options.root, site, plan.images.sets),
            editor_outputs(site, options.local_editor, vendored_files()[0]))
        written = write_site(out, outputs, kept)
        if options.catalogues and not options.drafts:
            pdfs.prune((o.fingerprint for o in catalogues), out)  # those no site publishes any more
    finally:
        if index:
            index.close()
    return stale, written, len(to_make)


def build_report(plan: SitePlan, stale: list[Page], written: WriteReport, conversions: int, images_processed: int,
                 catalogues_made: int, speed: BuildState | None) -> BuildReport:
    """The report of a build that published ``plan``: what it rendered, wrote and removed, and what it did."""
    return BuildReport(warnings=plan.warnings, pages=len(plan.pages), rendered=len(stale),
                       written=tuple(written.written), removed=tuple(written.removed), conversions=conversions,
                       reads=plan.reads, images_processed=images_processed, catalogues_made=catalogues_made,
                       site=plan.site, rendered_paths=tuple(page.output for page in stale),
                       fingerprinted=speed.current.fingerprinted if speed and speed.current else 0,
                       placeholders=plan.placeholders)


def render_outputs(pages: list[Page], renderer: Renderer, spread: Spread) -> Iterator[Output]:
    for page, data in render_pages(pages, renderer, spread):
        yield Output(page.output, data)


def located_error(root: Path, exc: jinja2.TemplateError | SearchIndexError | CatalogueError) -> ContentError:
    if isinstance(exc, CatalogueError):
        return ContentError(exc.path, 1, "catalogue", exc.message, exc.hint)
    if isinstance(exc, SearchIndexError):
        return ContentError(exc.path, 1, "recherche", str(exc))
    return template_error(root, exc)


def _spread(options: BuildOptions, speed: BuildState | None) -> Spread:
    """Reading and rendering spread over forked workers with the speed layer, else in this process."""
    return speed.spread(options) if speed else in_order


def _search_index(pages: tuple[Page, ...], out: Path, image_set: Callable[[str], object],
                  speed: BuildState | None):  # noqa: ANN202 - either index
    """The search index; its modules are imported only here (a build without search never pays for them)."""
    from vitrine.outputs import search  # noqa: PLC0415 - 10 ms of imports, a tenth of what a command-line edit imports

    return speed.search_index(pages, out, image_set) if speed else search.WholeIndex(pages, image_set)


def data_outputs(site: Site, today: dt.date, rows: Rows | None) -> list[LazyOutput]:
    """The feed (made from the newest laureates), the open-data files (from every published one) and the call's
    calendar (from the editions and the build date, its DTSTAMP); ``rows``: the speed layer's, which splice the
    published files' unchanged rows."""
    laureates = rows.digests(site) if rows else [laureate.source.digest for laureate in site.laureates]
    editions = [edition.source.digest for edition in site.editions]
    feed = site_digest(site, *laureates[:feeds.FEED_SIZE], *editions)
    data = site_digest(site, *laureates, *editions)
    dated = site_digest(site, *editions, today.isoformat())
    return ([LazyOutput(path, feed, partial(_made, path, make)) for path, make in feeds.exports(site).items()] +
            [LazyOutput(path, dated, partial(_made, path, make))
             for path, make in calendar.exports(site, today).items()] +
            [LazyOutput(path, data, make)
             for path, make in opendata.exports(site, rows.output if rows else None).items()])


def _made(path: str, make: Callable[[], bytes]) -> Output:
    return Output(path, make())


def _with_base_url(site: Site, base_url: str | None) -> Site:
    if not base_url:
        return site
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    return dataclasses.replace(site, config=dataclasses.replace(site.config, base_url=base_url))


