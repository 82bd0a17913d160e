"""What a build is asked to do (``BuildOptions``) and what it did (``BuildReport``).

Standard library only: the command line reads these before it knows whether the stages must even be imported.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

from vitrine.errors import ContentError

if TYPE_CHECKING:
    from vitrine.content.model import Site
    from vitrine.content.validate import LaureateRules
    from vitrine.outputs.images import PreparedImages
    from vitrine.site.pages import Page

R = TypeVar("R")
# How a stage runs ``work(start, end)`` over ``count`` items in chunks: (count, work, min_items, chunk) →
# (start, end, result) in order. ``in_order`` runs them here; the pipeline may pass a pool of forked workers.
Spread = Callable[[Callable[[int, int], R], int, int, int], Iterator[tuple[int, int, R]]]


def in_order(work: Callable[[int, int], R], count: int, min_items: int, chunk: int) -> Iterator[tuple[int, int, R]]:
    """``work`` over ``range(count)`` in chunks of ``chunk`` items, in this process."""
    for start in range(0, count, chunk):
        end = min(start + chunk, count)
        yield start, end, work(start, end)


@dataclass(frozen=True)
class BuildOptions:
    root: Path
    out: Path
    today: dt.date
    drafts: bool = False  # the preview shows drafts; a published build never does
    search: bool = True  # the full-text index (seconds at thousands of pages: the live preview goes without)
    # The editions' catalogue PDFs (WeasyPrint: about 27 ms of CPU per laureate; the preview goes without, and so
    # does ``build --no-catalogue``, which the deploy workflows' build refuses: its pages link every PDF)
    catalogues: bool = True
    base_url: str | None = None  # overrides site.yaml, e.g. for a preview deployment
    use_cache: bool = True  # read and keep .vitrine-cache/ (only with ``speed``)
    # The speed layer (vitrine/speed/): off, every build is made from scratch by the stages alone, and gives the same
    # bytes (``build --no-cache``; the golden tests build both ways)
    speed: bool = True
    jobs: int | None = None  # processes rendering may use; None: one per core, when there are enough pages
    # The deploy workflows' build: placeholders (``content/placeholders.py``) are errors, so nothing is published
    # with them. It makes the same bytes, so it is not one of the settings that tell whether anything changed.
    deploy: bool = False
    # ``serve``'s: /admin/ is always published, its editor saving through the preview (``outputs/editor.py``)
    local_editor: bool = False


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
    catalogues_made: int = 0  # catalogue PDFs made by WeasyPrint (not kept as published, nor in .vitrine-cache/)
    site: Site | None = None  # None when nothing changed since the recorded build (nothing was read)
    rendered_paths: tuple[str, ...] = ()
    fingerprinted: int = 0  # pages whose fingerprint was computed (the others were known not to have changed)
    placeholders: tuple[ContentError, ...] = ()  # warnings too, but errors for ``deploy`` (see ``refusing``)

    @property
    def ok(self) -> bool:
        return not self.errors


def refusing(options: BuildOptions, report: BuildReport) -> BuildReport:
    """``report`` as ``options`` reads it: for a deployment, its placeholders are errors (nothing is published)."""
    if not options.deploy or not report.placeholders:
        return report
    refused = tuple(dataclasses.replace(p, warning=False) for p in report.placeholders)
    return dataclasses.replace(report, errors=tuple(sorted(report.errors + refused)), placeholders=refused)


@dataclass(frozen=True)
class SitePlan:
    """The site to publish and its pages: what the stages make of the content (the speed layer may patch the last
    one instead of making it again)."""

    site: Site
    pages: tuple[Page, ...]
    images: PreparedImages
    rules: LaureateRules  # what each laureate file was checked against (the speed layer re-checks an edited one)
    warnings: tuple[ContentError, ...]
    reads: int = 0  # content files read to make it
    placeholders: tuple[ContentError, ...] = ()  # left in published files (``content/placeholders.py``)


@dataclass(frozen=True)
class CheckReport:
    errors: tuple[ContentError, ...]
    warnings: tuple[ContentError, ...]
    notes: tuple[ContentError, ...] = ()  # « À confirmer » markers
    placeholders: tuple[ContentError, ...] = ()  # those of the warnings that ``build --deploy`` refuses
