"""The edit fast path: when only laureates' files changed since the last build, patch that build's site.

An editor's commonest save changes one laureate's text. Loading, validating and
planning the whole site again, then fingerprinting each of its pages to find the
two that changed, costs time in proportion to the site. Instead, every good
build leaves a ``Snapshot``: its site, its planned pages, what a laureate file is
checked against, and for each laureate the pages that show it. When the files
changed since are laureates that keep their place (same address, edition,
quartiers, themes, title, publication, image and support: the same pages, in the same
order, with the same counts), the edited files are read and checked alone,
their records swapped into the site, and only the pages that show them are
fingerprinted again. Anything else (a file added or removed, a shared file, a
template, an error to report) takes the full path, which makes the same site.

The preview keeps its snapshot in memory; the command line keeps it in
``.vitrine-cache/`` (a pickle written by the engine for this very engine, tied to
the build record it was made with: a snapshot that does not match the record is
ignored).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from vitrine.content.read import SourceFile, ignored, read_source
from vitrine.content.model import Laureate, Site
from vitrine.site.pages import Page
from vitrine.speed.fingerprints import card_digest
from vitrine.options import SitePlan
from vitrine.speed.inputs import Inputs
from vitrine.content.validate import revalidate_laureates
from vitrine.outputs.assets import engine_files
from vitrine.site.links import laureate_links, site_addresses




@dataclass
class Snapshot:
    """What a good build made, to patch the next one."""

    inputs: str  # the digest of the inputs it was made from (the build record's ``inputs``)
    settings: str  # the engine, libraries and options it was made with (``Inputs.settings``)
    files: dict[str, tuple[int, ...]]  # every input file → its stat signature, as scanned before that build
    plan: SitePlan  # its site, pages, images and what each laureate was checked against
    shown_on: dict[str, tuple[str, ...]]  # laureate file (content/…) → outputs that show its card
    main_on: dict[str, tuple[str, ...]]  # laureate file → outputs that show it whole (its own page)
    # Laureate file → its record as last edited, not yet swapped into the plan's site and pages (the edits a kept
    # snapshot's log replays: they are swapped in with the next patch's, in one pass)
    pending: dict[str, Laureate] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Edit:
    """What a patched build changed in the snapshot: enough to patch the kept snapshot the same way."""

    before: str  # the inputs' digest of the snapshot it applies to
    after: str
    files: dict[str, tuple[int, ...]]  # the changed files' new signatures
    laureates: tuple[Laureate, ...]


@dataclass(frozen=True)
class Patch:
    """The last plan with edited laureates swapped in, and the pages that may show a difference."""

    plan: SitePlan
    candidates: frozenset[str]  # outputs to fingerprint again: every other page is as the last build made it
    edit: Edit
    sources: tuple[SourceFile, ...] = ()  # the edited files, as read and checked


def patch(snapshot: Snapshot | None, inputs: Inputs, root: Path, include_drafts: bool,
          recorded_inputs: str) -> Patch | None:
    """The last build's site with the laureates edited since swapped in, or None when the full path must run."""
    if snapshot is None or snapshot.inputs != recorded_inputs or snapshot.settings != inputs.settings:
        return None
    changed = changed_laureates(snapshot.files, inputs.files, root)
    if not changed:
        return None
    published = {laureate.source.path: laureate for laureate in snapshot.plan.site.laureates}
    if any(name not in published for _, name in changed):
        return None  # a laureate the last build did not publish (a draft): the full path says why
    sources: list[SourceFile] = []
    for path, _ in changed:
        source = read_source(root, Path(path), "laureate")
        if not isinstance(source, SourceFile):
            return None  # a file that cannot be read: the full path reports it
        sources.append(source)
    laureates, errors, warnings = revalidate_laureates(snapshot.plan.rules, sources, include_drafts)
    if errors or warnings or len(laureates) != len(sources):
        return None
    if any(placement(new) != placement(_last(snapshot, published, new.source.path)) for new in laureates):
        return None
    if any(new.links for new in laureates) and laureate_links(laureates, _addresses(snapshot),
                                                              snapshot.plan.site.config.base_url):
        return None  # a dead link: the full path reports it (the URL map is the same: same placement)
    site, pages, candidates = swapped_in(snapshot, laureates, published)
    edit = Edit(snapshot.inputs, inputs.digest, {path: inputs.files[path] for path, _ in changed}, tuple(laureates))
    return Patch(dataclasses.replace(snapshot.plan, site=site, pages=pages, reads=len(sources)), candidates, edit,
                 tuple(sources))


def swapped_in(snapshot: Snapshot, laureates: list[Laureate], published: Mapping[str, Laureate]
               ) -> tuple[Site, tuple[Page, ...], frozenset[str]]:
    """The snapshot's site and pages with ``laureates`` (and its pending records) in place of their previous
    records (same placement), and the outputs that may show a difference from the snapshot's last build.
    ``published``: each record of the snapshot's site, by file."""
    newest = {**snapshot.pending, **{laureate.source.path: laureate for laureate in laureates}}
    swap = {id(published[path]): new for path, new in newest.items()}
    holding: set[str] = set()
    candidates: set[str] = set()
    for path in newest:
        holding.update(snapshot.main_on.get(path, ()), snapshot.shown_on.get(path, ()))
    for new in laureates:
        path = new.source.path
        old = _last(snapshot, published, path)
        candidates.update(snapshot.main_on.get(path, ()))
        if card_digest(new) != card_digest(old):  # elsewhere, pages show only its card
            candidates.update(snapshot.shown_on.get(path, ()))
    site = _swapped_site(snapshot.plan.site, swap)
    pages = tuple(dataclasses.replace(page, context=_swapped(page.context, swap)) if page.output in holding
                  else page for page in snapshot.plan.pages)
    return site, pages, frozenset(candidates)


def _addresses(snapshot: Snapshot) -> frozenset[str]:
    """What a link may reach on the snapshot's site (the same while laureates keep their place)."""
    return site_addresses(snapshot.plan.site, snapshot.plan.pages, engine_files(snapshot.plan.site))


def _last(snapshot: Snapshot, published: Mapping[str, Laureate], path: str) -> Laureate:
    """The laureate of ``path`` as the last build published it: the log's record, else the site's."""
    return snapshot.pending.get(path) or published[path]


def placement(laureate: Laureate) -> tuple:
    """What decides which pages exist and where a laureate appears on them (and the one image it brings); and its
    support, which the home's figures sum over every laureate (rarely edited: not worth a fast path of its own)."""
    return (laureate.slug, laureate.title, laureate.edition, [q.slug for q in laureate.quartiers],
            [t.slug for t in laureate.themes], laureate.draft, laureate.image, laureate.support)


def changed_laureates(before: Mapping[str, tuple[int, ...]], now: Mapping[str, tuple[int, ...]],
                       root: Path) -> list[tuple[str, str]] | None:
    """(path, name) of each laureate file changed since; None if any other input changed, or a file came or went."""
    folder = f"{root / 'content' / 'laureates'}/"  # as ``inputs.tree_signatures`` names the files
    changed = []
    if len(before) != len(now):
        return None
    for path, _ in sorted(now.items() - before.items()):  # compared in C: thousands of files, one or two changed
        head, name = os.path.split(path)
        if path not in before or head + "/" != folder or ignored(name) or not name.endswith(".md"):
            return None
        changed.append((path, "content/laureates/" + name))
    return changed


def _swapped_site(site: Site, swap: dict[int, Laureate]) -> Site:
    """``site`` with the swapped records replaced in its lists (only the lists that hold them are copied)."""
    def each(records: tuple[Laureate, ...]) -> tuple[Laureate, ...]:
        return tuple(swap.get(id(r), r) for r in records)

    def index(lists: Mapping[Any, tuple[Laureate, ...]], keys: set) -> dict[Any, tuple[Laureate, ...]]:
        return {key: each(records) if key in keys else records for key, records in lists.items()}

    new = swap.values()  # same placement as the records they replace: in the same lists
    return dataclasses.replace(site, laureates=each(site.laureates),
                               by_quartier=index(site.by_quartier, {q.slug for n in new for q in n.quartiers}),
                               by_theme=index(site.by_theme, {t.slug for n in new for t in n.themes}),
                               by_edition=index(site.by_edition, {n.edition for n in new}))


def _swapped(value: Any, swap: dict[int, Laureate]) -> Any:
    """``value`` (a page's context) with the swapped records replaced, at any depth."""
    if isinstance(value, Laureate):
        return swap.get(id(value), value)
    if isinstance(value, dict):
        return {key: _swapped(item, swap) for key, item in value.items()}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_swapped(item, swap) for item in value)
    if isinstance(value, list):
        return [_swapped(item, swap) for item in value]
    return value


