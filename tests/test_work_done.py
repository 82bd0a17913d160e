"""Regression guard for speed: the work each kind of rebuild does, counted, never timed.

A generated corpus (the benchmark's generator at a small N) is built cold, then
edited the ways editors and designers edit it. Each rebuild must do exactly the
work the edit calls for, and its output must equal a cold build's, byte for byte.
"""

from __future__ import annotations

import csv
import errno
import gc
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from benchmarks.generate import generate
from conftest import REPO, TODAY, build_in_process
from photos import add_image, photo
from vitrine import build as build_module
from vitrine import delta, feeds, load, markup, opendata
from vitrine import write as write_module
from vitrine.build import BuildOptions, BuildReport, BuildState, build
from vitrine.load import LoadCache, load_content
from vitrine.pages import Pagination, plan_pages
from vitrine.record import scan_inputs, tree_signatures
from vitrine.render import referenced_templates
from vitrine.search import BUNDLE
from vitrine.slugs import slugify
from vitrine.write import WriteReport

N = 50


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A generated repository with its own templates, so a test can edit them."""
    root = generate(N, tmp_path / "repo", words=(40, 90))
    shutil.copytree(REPO / "templates", root / "templates")
    return root


@pytest.fixture(params=[1, 2], ids=["serial", "two-processes"])
def jobs(request: pytest.FixtureRequest) -> int:
    return request.param


def tree(folder: Path) -> dict[str, bytes]:
    """The site's files, without the writer's marker (``write.MARKER``: no output of the site)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() != ".vitrine-output"}


def rebuild(root: Path, jobs: int = 1) -> BuildReport:
    report = build_in_process(root, jobs=jobs)
    assert report.ok, report.errors
    return report


def assert_same_as_cold_build(root: Path, out: str = "site", **options) -> None:
    cold = build_in_process(root, out=root / "cold", use_cache=False, **options)
    assert cold.ok, cold.errors
    incremental, expected = tree(root / out), tree(root / "cold")
    assert incremental.keys() == expected.keys()
    assert [path for path in expected if incremental[path] != expected[path]] == []


def assert_preview_same_as_cold_build(root: Path, preview: Path) -> None:
    cold = build_in_process(root, out=root / "cold", use_cache=False, drafts=True, search=False)
    assert cold.ok, cold.errors
    assert tree(preview) == tree(root / "cold")


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in after if before.get(path) != after[path]}


def pages(report: BuildReport, paths: set[str]) -> set[str]:
    """The rendered pages among output files (the others are the feed, open data, images, search and static files)."""
    assert report.site is not None
    return paths & {page.output for page in plan_pages(report.site, TODAY).pages}


def laureate_file(root: Path, index: int = 0) -> Path:
    return sorted((root / "content" / "laureates").iterdir())[index]


def unlinked_laureate(root: Path, index: int = 0) -> Path:
    """A laureate file no other file links to: removing it leaves no dead link (which the build refuses)."""
    files = sorted((root / "content" / "laureates").iterdir())
    texts = "".join(path.read_text("utf-8") for path in files)
    return [path for path in files if f"/laureats/{path.stem}/" not in texts][index]


def test_a_cold_build_converts_each_distinct_body_once_and_renders_every_page(corpus: Path, jobs: int) -> None:
    bodies = {f.body for f in load_content(corpus).files if f.kind in ("laureate", "edition", "page")}
    report = rebuild(corpus, jobs)
    assert report.conversions == len(bodies)
    assert report.rendered == report.pages == len(report.rendered_paths)
    assert set(report.written) == set(tree(corpus / "site"))


def test_a_rebuild_with_nothing_changed_renders_converts_and_writes_nothing(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    site = corpus / "site"
    before = site.stat().st_ino, tree(site)
    report = rebuild(corpus, jobs)
    assert (report.rendered, report.conversions, report.written, report.removed) == (0, 0, (), ())
    assert (site.stat().st_ino, tree(site)) == before


def test_editing_one_laureate_body_rerenders_only_its_page(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    before = tree(corpus / "site")
    path = laureate_file(corpus)
    path.write_text(path.read_text("utf-8") + "\nUne phrase ajoutée au récit du projet.\n", "utf-8")
    report = rebuild(corpus, jobs)
    page = f"laureats/{path.stem}/index.html"
    assert (report.rendered_paths, report.conversions) == ((page,), 1)
    assert set(report.written) == changed(before, tree(corpus / "site"))  # the open data carry the body too
    assert pages(report, set(report.written)) == {page}
    assert "Une phrase ajoutée au récit du projet." in (corpus / "site" / page).read_text("utf-8")
    assert_same_as_cold_build(corpus)


def test_editing_a_title_rerenders_exactly_the_pages_that_show_it(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    before = tree(corpus / "site")
    path = laureate_file(corpus, 3)
    text = path.read_text("utf-8")
    path.write_text(text.replace('title: "', 'title: "Nouveau nom : ', 1), "utf-8")
    report = rebuild(corpus, jobs)
    shown = changed(before, tree(corpus / "site"))
    assert set(report.rendered_paths) == pages(report, shown) and set(report.written) == shown
    assert f"laureats/{path.stem}/index.html" in shown
    for listing in ("editions/", "quartiers/", "thematiques/"):
        assert any(p.startswith(listing) for p in shown), listing
    assert any(p.startswith("laureats/") and path.stem not in p for p in shown)  # others' « related »
    assert_same_as_cold_build(corpus)


def test_editing_a_template_rerenders_the_pages_using_it(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    template = corpus / "templates" / "laureate.html"
    template.write_text(template.read_text("utf-8").replace("<h2>En bref</h2>", "<h2>En résumé</h2>"), "utf-8")
    report = rebuild(corpus, jobs)
    laureate_pages = {f"laureats/{p.stem}/index.html" for p in (corpus / "content" / "laureates").iterdir()}
    assert set(report.rendered_paths) == laureate_pages == pages(report, set(report.written))
    assert report.conversions == 0
    assert_same_as_cold_build(corpus)


def test_an_unchanged_site_is_recognised_without_loading_the_stages(corpus: Path) -> None:
    """The commonest build (nothing changed) costs listing and stat()ing files: not even the stages' imports."""
    code = ("import sys, vitrine.cli; status = vitrine.cli.main(['--root', sys.argv[1], 'build', '--date', '2024-01-15']); "
            "print(status, sorted(m for m in sys.modules if m in ('vitrine.build', 'vitrine.render', 'jinja2', 'PIL')))")
    runs = [subprocess.run([sys.executable, "-c", code, str(corpus)], cwd=REPO, capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert runs[0].stdout.split("\n")[-2] == "0 ['PIL', 'jinja2', 'vitrine.build', 'vitrine.render']"
    assert runs[1].stdout.split("\n")[-2] == "0 []"
    assert "0 rendues, 0 fichiers écrits" in runs[1].stdout


def test_a_build_imports_the_costly_libraries_only_for_the_work_that_needs_them(repo: Path) -> None:
    """Pillow only to process an image, multiprocessing only to fork, the search stage, ``importlib.metadata`` and
    thread pools only to index: a small edit's build (no image to process, search off) pays for none of them
    (70 ms together)."""
    add_image(repo, "atelier-code", "atelier.jpg", photo((900, 450)))
    costly = ("PIL.Image", "multiprocessing", "vitrine.search", "importlib.metadata", "concurrent.futures")
    code = ("import sys, vitrine.cli; status = vitrine.cli.main(['--root', sys.argv[1], 'build', '--no-search', "
            f"'--date', '2022-04-01']); print(status, [m for m in {costly!r} if m in sys.modules])")

    def imported() -> str:
        run = subprocess.run([sys.executable, "-c", code, str(repo)], cwd=REPO, capture_output=True, text=True,
                             check=True)
        return run.stdout.split("\n")[-2]

    assert imported() == "0 ['PIL.Image']"  # a cold build: the image is processed
    edit_body(repo / "content" / "laureates" / "atelier-code.md", "Une phrase de plus.")
    assert imported() == "0 []"


def test_the_quick_check_lists_every_input_once_through_links_and_names_broken_ones(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("m.txt", "a/z.txt", "a/b/c.txt"):
        (tmp_path / name).write_text(name, "utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a")  # already listed as a/
    (tmp_path / "a" / "b" / "loop").symlink_to(tmp_path)
    (tmp_path / "broken").symlink_to(tmp_path / "nowhere")
    listed = [(Path(path).relative_to(tmp_path).as_posix(), len(signature))
              for path, signature in tree_signatures(tmp_path)]
    assert listed == [("broken", 0), ("m.txt", 4), ("a/z.txt", 4), ("a/b/c.txt", 4)]


def test_a_damaged_record_costs_a_full_rebuild_never_a_wrong_site(corpus: Path) -> None:
    rebuild(corpus)
    [record] = (corpus / ".vitrine-cache").glob("record-site.*")
    record.write_bytes(record.read_bytes()[:len(record.read_bytes()) // 2])  # a build killed while writing it
    edit_body(laureate_file(corpus), "Une phrase ajoutée.")
    report = rebuild(corpus)
    assert report.rendered == report.pages
    assert_same_as_cold_build(corpus)


def test_content_read_by_two_processes_is_the_content_read_by_one(corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(load, "CHUNK_FILES", 8)  # several chunks, so that two processes share them
    (corpus / "content" / "laureates" / "Mauvais Nom.md").write_text("pas de champs", "utf-8")  # errors come back too
    serial, cache = load_content(corpus, jobs=1), LoadCache()
    forked = load_content(corpus, cache, jobs=2)
    assert forked == serial and len(forked.files) > N and forked.errors
    assert cache.reads == len(cache.entries) > N


def test_the_preview_sees_an_edited_template_without_restarting(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "preview", today=TODAY, drafts=True, search=False)
    state = BuildState.open(options)  # one for the whole session, as serve keeps it
    assert build(options, state).ok
    template = corpus / "templates" / "laureate.html"
    template.write_text(template.read_text("utf-8").replace("<h2>En bref</h2>", "<h2>En résumé</h2>"), "utf-8")
    report = build(options, state)
    page = corpus / "preview" / f"laureats/{laureate_file(corpus, 1).stem}/index.html"
    assert report.ok and "<h2>En résumé</h2>" in page.read_text("utf-8")


def test_removing_a_laureate_removes_its_page_and_updates_the_pages_that_listed_it(corpus: Path, jobs: int) -> None:
    rebuild(corpus, jobs)
    path = laureate_file(corpus, 5)
    path.unlink()
    report = rebuild(corpus, jobs)
    assert [p for p in report.removed if not p.startswith(BUNDLE + "/")] == [f"laureats/{path.stem}/index.html"]
    assert 0 < report.rendered < report.pages and report.conversions == 0
    assert_same_as_cold_build(corpus)


def test_the_markdown_cache_serves_only_html_made_from_the_same_text_and_settings(corpus: Path, monkeypatch) -> None:
    rebuild(corpus)
    with_heading = next(p for p in sorted((corpus / "content" / "laureates").iterdir()) if "\n## " in p.read_text("utf-8"))
    heading = re.search(r"^## (.+)$", with_heading.read_text("utf-8"), re.M).group(1)
    anchor = f'<h2 id="{slugify(heading)}">'
    page = corpus / "site" / f"laureats/{with_heading.stem}/index.html"
    page.unlink()
    report = rebuild(corpus)
    assert (len(report.rendered_paths), report.conversions) == (1, 0)  # from .vitrine-cache/
    assert anchor in page.read_text("utf-8")
    monkeypatch.setattr(markup, "ANCHORED_LEVELS", "")  # a setting that changes the HTML: headings lose anchors
    page.unlink()
    report = rebuild(corpus)
    assert (len(report.rendered_paths), report.conversions) == (1, 1)
    assert anchor not in page.read_text("utf-8")


def test_the_markdown_cache_key_is_the_same_in_every_process() -> None:
    keys = {subprocess.run([sys.executable, "-c", "from vitrine.markup import options_key; print(options_key())"],
                           cwd=REPO, env={"PYTHONHASHSEED": seed}, capture_output=True, text=True, check=True).stdout
            for seed in ("1", "2", "3")}
    assert len(keys) == 1 and keys != {""}


def test_renaming_a_quartier_updates_every_page_that_names_it(corpus: Path) -> None:
    rebuild(corpus)
    territory = corpus / "content" / "territory.yaml"
    territory.write_text(territory.read_text("utf-8").replace("name: Quartier 1\n", "name: Les Aulnes\n"), "utf-8")
    report = rebuild(corpus)
    assert report.conversions == 0 and "quartiers/quartier-1/index.html" in report.rendered_paths
    assert_same_as_cold_build(corpus)


def test_a_long_lived_state_still_reports_a_reference_broken_by_another_file(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "preview", today=TODAY, drafts=True)
    state = BuildState.open(options)
    assert build(options, state).ok
    edition = corpus / "content" / "editions" / "2019.md"
    edition.unlink()
    report = build(options, state)
    assert not report.ok and all("édition 2019 inconnue" in e.message for e in report.errors)
    assert len(report.errors) == sum("edition: 2019" in p.read_text("utf-8")
                                     for p in (corpus / "content" / "laureates").iterdir())


def test_a_listing_page_links_to_a_bounded_number_of_its_pages() -> None:
    urls = tuple(f"laureats/page/{n}/" for n in range(1, 501))
    for number in (1, 2, 3, 250, 499, 500):
        window = Pagination(number, len(urls), urls).window
        shown = [item[0] for item in window if item]
        assert len(window) <= 9 and {1, 500, number} <= set(shown) and shown == sorted(shown)
        assert all(urls[n - 1] == url for n, url in filter(None, window))


def test_template_dependencies_are_named_templates_or_else_every_template() -> None:
    source = '{% extends "base.html" %}{% from \'partials/card.html\' import card %}{%- include "partials/x.html" -%}'
    assert referenced_templates(source) == ("base.html", "partials/card.html", "partials/x.html")
    assert referenced_templates('{% extends "base.html" %}{% include "partials/" ~ kind ~ ".html" %}') is None
    assert referenced_templates("{% include kind %}") is None
    assert referenced_templates("{% include ['a.html', 'b.html'] %}") is None


def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def edit_body(path: Path, sentence: str) -> None:
    path.write_text(path.read_text("utf-8") + f"\n{sentence}\n", "utf-8")


def test_editing_one_laureate_writes_its_page_and_the_open_data_only(corpus: Path) -> None:
    rebuild(corpus)
    path = laureate_file(corpus, 2)
    edit_body(path, "Une phrase de plus.")
    report = rebuild(corpus)
    written = {p for p in report.written if not p.startswith(BUNDLE + "/")}  # the search index: its own tests
    data = {"donnees/laureats.csv", "donnees/laureats.json"}
    assert data | {f"laureats/{path.stem}/index.html"} <= written <= data | {f"laureats/{path.stem}/index.html", "feed.xml"}


def test_the_previous_site_becomes_the_next_builds_staging_tree(corpus: Path) -> None:
    site, staging = corpus / "site", corpus / "site.staging"
    rebuild(corpus)
    before = tree(site)
    edit_body(laureate_file(corpus, 1), "Première modification.")
    report = rebuild(corpus)
    assert tree(staging) == before  # the previous site, whole
    published, spare = inodes(site), inodes(staging)
    assert {p for p in published if spare.get(p) != published[p]} == set(report.written)  # the rest is shared
    roots = site.stat().st_ino, staging.stat().st_ino
    edit_body(laureate_file(corpus, 1), "Seconde modification.")
    rebuild(corpus)
    assert (staging.stat().st_ino, site.stat().st_ino) == roots  # the two trees swapped roles: nothing was remade
    assert_same_as_cold_build(corpus)


def test_a_damaged_or_missing_staging_tree_still_gives_the_site_of_a_cold_build(corpus: Path) -> None:
    site, staging = corpus / "site", corpus / "site.staging"
    rebuild(corpus)
    edit_body(laureate_file(corpus, 1), "Première modification.")
    rebuild(corpus)
    (staging / "index.html").unlink()
    (staging / "feed.xml").unlink()
    (staging / "feed.xml").write_text("pas le flux")  # a new file in place of the shared one
    (staging / "laureats" / "perdu").mkdir()
    (staging / "laureats" / "perdu" / "index.html").write_text("une page en trop")
    (staging / "sitemap.xml").unlink()
    (staging / "sitemap.xml" / "dedans").mkdir(parents=True)  # a folder in place of a file
    edit_body(laureate_file(corpus, 4), "Seconde modification.")
    rebuild(corpus)
    assert_same_as_cold_build(corpus)
    assert not (site / "laureats" / "perdu").exists()
    shutil.rmtree(staging)
    edit_body(laureate_file(corpus, 4), "Troisième modification.")
    rebuild(corpus)
    assert_same_as_cold_build(corpus)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[WriteReport]:
    """The report of every write the builds make."""
    reports = []
    original = build_module.write_site

    def write_site(*args):
        reports.append(original(*args))
        return reports[-1]
    monkeypatch.setattr(build_module, "write_site", write_site)
    return reports


def preview_options(root: Path) -> BuildOptions:
    return BuildOptions(root=root, out=root / "preview", today=TODAY, drafts=True, search=False)  # as serve builds


def test_a_long_lived_state_publishes_edits_without_listing_either_tree(corpus: Path, writes) -> None:
    state = BuildState.open(preview_options(corpus))
    assert build(preview_options(corpus), state).ok
    for k in range(3):
        edit_body(laureate_file(corpus, k), f"Modification n° {k}.")
        assert build(preview_options(corpus), state).ok
    assert [w.listings for w in writes[1:]] == [0, 0, 0]
    assert all(w.swapped and w.written for w in writes)
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)


def disk_full_after(writes: int, patch: pytest.MonkeyPatch) -> None:
    """Files written into the staging tree (whole, or in parts as the open data are) fail once ``writes`` were."""
    done = []

    def failing(original: Callable) -> Callable:
        def write(path, data):
            if len(done) == writes:
                raise OSError(errno.ENOSPC, "disque plein")
            done.append(path)
            return original(path, data)
        return write
    patch.setattr(Path, "write_bytes", failing(Path.write_bytes))
    patch.setattr(write_module, "_write_parts", failing(write_module._write_parts))


def test_a_long_lived_state_lists_both_trees_again_after_another_state_wrote_there(
        corpus: Path, writes, monkeypatch: pytest.MonkeyPatch) -> None:
    state = BuildState.open(preview_options(corpus))
    assert build(preview_options(corpus), state).ok
    edit_body(laureate_file(corpus, 1), "Construit par un autre état.")
    assert build(preview_options(corpus), BuildState.open(preview_options(corpus))).ok  # another process, say
    edit_body(laureate_file(corpus, 2), "De retour au premier état.")
    assert build(preview_options(corpus), state).ok
    assert writes[-1].listings == 2
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)

    abandoned = laureate_file(corpus, 5)
    text = abandoned.read_text("utf-8")
    edit_body(abandoned, "Une version abandonnée.")
    with monkeypatch.context() as patch, pytest.raises(OSError):
        disk_full_after(1, patch)
        build(preview_options(corpus), BuildState.open(preview_options(corpus)))  # its page is in the staging tree
    abandoned.write_text(text, "utf-8")  # the page to keep is the published one
    edit_body(laureate_file(corpus, 6), "Une autre modification.")
    assert build(preview_options(corpus), state).ok
    assert writes[-1].listings == 2
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)


def test_a_long_lived_state_lists_both_trees_again_after_its_own_write_failed(
        corpus: Path, writes, monkeypatch: pytest.MonkeyPatch) -> None:
    state = BuildState.open(preview_options(corpus))
    assert build(preview_options(corpus), state).ok
    edit_body(laureate_file(corpus, 3), "Une écriture qui échoue.")
    with monkeypatch.context() as patch, pytest.raises(OSError):
        disk_full_after(1, patch)
        build(preview_options(corpus), state)
    edit_body(laureate_file(corpus, 4), "Après l'échec.")
    assert build(preview_options(corpus), state).ok
    assert writes[-1].listings == 2
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)


def test_a_command_line_edit_lists_neither_tree_unless_a_folder_was_changed_by_hand(corpus: Path, writes) -> None:
    site, staging = corpus / "site", corpus / "site.staging"
    rebuild(corpus)
    for k in range(2):  # each build a new state, as each `python build.py` has
        edit_body(laureate_file(corpus, k), f"Modification n° {k}.")
        rebuild(corpus)
    assert [w.listings for w in writes[1:]] == [0, 0]

    (next((site / "laureats").iterdir()) / "en-trop.html").write_text("ajouté à la main")
    edit_body(laureate_file(corpus, 2), "Après un ajout dans site/.")
    rebuild(corpus)
    assert writes[-1].listings == 2
    assert_same_as_cold_build(corpus)

    kept = staging / "laureats" / laureate_file(corpus, 10).stem / "index.html"
    kept.unlink()
    kept.write_text("abîmé à la main")  # a new file where the staging tree shares the published one
    edit_body(laureate_file(corpus, 3), "Après un dégât dans site.staging/.")
    rebuild(corpus)
    assert writes[-1].listings == 1
    assert_same_as_cold_build(corpus)


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The laureate of each open data row encoded (a CSV line or a JSON object), in order."""
    slugs, original = [], opendata.encode_row

    def encode_row(site, laureate, cols, which):
        slugs.append(laureate.slug)
        return original(site, laureate, cols, which)
    monkeypatch.setattr(opendata, "encode_row", encode_row)
    return slugs


@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each run of bytes the writer copies out of another file (the published open data)."""
    sizes, original = [], write_module._copy_range

    def copy_range(part, fd):
        sizes.append(part.end - part.start)
        return original(part, fd)
    monkeypatch.setattr(write_module, "_copy_range", copy_range)
    return sizes


def rows_order(root: Path, out: str = "site") -> list[str]:
    """The laureates of the published CSV file, in its order."""
    with open(root / out / "donnees" / "laureats.csv", encoding="utf-8", newline="") as f:
        return [row[0] for row in csv.reader(f)][1:]


def letter_changed(path: Path) -> None:
    """A change that keeps the file's length (and its rows'), with other bytes."""
    text = path.read_text("utf-8")
    last = text.rindex("e ")  # in a word of the text, not in a link's address (a dead link is an error)
    path.write_text(text[:last] + "a" + text[last + 1:], "utf-8")


ROW_EDITS = {"rows-grow": lambda path: edit_body(path, "Une phrase de plus."), "same-length": letter_changed}


@pytest.mark.parametrize("edit", ROW_EDITS)
def test_an_edit_encodes_its_rows_and_copies_the_others_in_a_run_between_each(corpus: Path, encoded: list[str],
                                                                               copied: list[int], edit: str) -> None:
    rebuild(corpus)
    shards = inodes(corpus / ".vitrine-cache" / "files")
    order = rows_order(corpus)
    edited = [order[0], order[N // 2], order[-1]]  # the first row, one in the middle, the last
    for slug in edited:
        ROW_EDITS[edit](corpus / "content" / "laureates" / f"{slug}.md")
    encoded.clear()
    rebuild(corpus)  # a new state, as a new process has: the other rows are taken from the published files
    assert sorted(encoded) == sorted(edited * 2)  # a CSV line and a JSON object each
    assert len(copied) == 2 * 2  # in each file, the rows between the first and the middle, then up to the last
    after = inodes(corpus / ".vitrine-cache" / "files")
    assert after.keys() == shards.keys() and len([p for p in after if after[p] != shards[p]]) <= 3
    assert_same_as_cold_build(corpus)

    encoded.clear()
    edit_body(corpus / "content" / "laureates" / f"{order[1]}.md", "Puis une autre.")
    rebuild(corpus)  # from the places the spliced files were recorded with
    assert encoded == [order[1], order[1]]
    assert_same_as_cold_build(corpus)


def test_laureates_added_then_removed_encode_only_the_new_rows(corpus: Path, encoded: list[str]) -> None:
    rebuild(corpus)
    encoded.clear()
    model = laureate_file(corpus, 9).read_text("utf-8")
    added = corpus / "content" / "laureates" / "un-projet-nouveau.md"
    added.write_text(model.replace('title: "', 'title: "Nouveau : ', 1), "utf-8")
    laureate_file(corpus, 4).unlink()
    rebuild(corpus)
    assert encoded == [added.stem, added.stem]
    assert_same_as_cold_build(corpus)

    added.unlink()
    encoded.clear()
    rebuild(corpus)
    assert encoded == []  # every row copied from where the last build put it
    assert_same_as_cold_build(corpus)


def test_an_edit_that_changes_no_column_leaves_the_open_data_files_as_they_are(corpus: Path,
                                                                                encoded: list[str]) -> None:
    rebuild(corpus)
    encoded.clear()
    published = inodes(corpus / "site" / "donnees")
    path = laureate_file(corpus, 2)
    path.write_text(path.read_text("utf-8") + "\n\n", "utf-8")  # the description column is the body, stripped
    report = rebuild(corpus)
    assert encoded == [path.stem, path.stem]
    assert [p for p in report.written if p.startswith("donnees/")] == []
    assert inodes(corpus / "site" / "donnees") == published

    encoded.clear()
    edit_body(laureate_file(corpus, 5), "Puis une vraie modification.")
    rebuild(corpus)
    assert encoded == [laureate_file(corpus, 5).stem] * 2
    assert_same_as_cold_build(corpus)


def test_a_shared_file_edit_re_encodes_every_row_and_rewrites_the_files_only_if_a_row_changed(
        corpus: Path, encoded: list[str]) -> None:
    rebuild(corpus)
    encoded.clear()
    published = inodes(corpus / "site" / "donnees")
    territory = corpus / "content" / "territory.yaml"
    territory.write_text(territory.read_text("utf-8").replace("contrat-1@vitrine-demo.fr",
                                                              "contrat-un@vitrine-demo.fr"),
                         "utf-8")  # a contact the open data do not carry
    report = rebuild(corpus)
    assert len(encoded) == 2 * N  # another context: no row is taken on trust, each is compared
    assert [p for p in report.written if p.startswith("donnees/")] == []
    assert inodes(corpus / "site" / "donnees") == published
    assert_same_as_cold_build(corpus)


def test_a_build_without_a_record_compares_the_rows_with_the_published_files_and_rewrites_neither(
        corpus: Path, encoded: list[str]) -> None:
    rebuild(corpus)
    published = inodes(corpus / "site" / "donnees")
    shutil.rmtree(corpus / ".vitrine-cache")
    encoded.clear()
    rebuild(corpus)
    assert len(encoded) == 2 * N
    assert inodes(corpus / "site" / "donnees") == published
    edit_body(laureate_file(corpus, 8), "Une phrase de plus.")
    encoded.clear()
    rebuild(corpus)  # from the places the comparison recorded
    assert encoded == [laureate_file(corpus, 8).stem] * 2
    assert_same_as_cold_build(corpus)


def line_ends_changed(data: Path) -> None:
    data.write_bytes(data.read_bytes().replace(b"\r\n", b"\n"))


def byte_changed_in_the_middle(data: Path) -> None:
    content = bytearray(data.read_bytes())
    middle = len(content) // 2
    content[middle] = ord("#") if content[middle] != ord("#") else ord("%")
    data.write_bytes(bytes(content))  # the same size, another time


HAND_CHANGES = {"line-ends": line_ends_changed, "a-byte-in-the-middle": byte_changed_in_the_middle,
                "removed": Path.unlink}


@pytest.mark.parametrize("change", HAND_CHANGES)
def test_open_data_files_changed_by_hand_are_made_again_from_every_laureate(corpus: Path, encoded: list[str],
                                                                              change: str) -> None:
    rebuild(corpus)
    encoded.clear()
    HAND_CHANGES[change](corpus / "site" / "donnees" / "laureats.csv")
    edit_body(laureate_file(corpus, 3), "Une phrase de plus.")
    rebuild(corpus)
    assert len(encoded) == N + 1  # every CSV line, the edited laureate's JSON object
    assert_same_as_cold_build(corpus)


def test_a_long_lived_state_encodes_only_the_rows_of_each_save(corpus: Path, encoded: list[str]) -> None:
    options = preview_options(corpus)
    state = BuildState.open(options)
    assert build(options, state).ok
    for k, edit in enumerate([*ROW_EDITS.values(), *ROW_EDITS.values()]):
        encoded.clear()
        path = laureate_file(corpus, 3 * k)
        edit(path)
        assert build(options, state).ok
        assert encoded == [path.stem, path.stem]
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)


def test_after_a_failed_build_a_long_lived_state_still_makes_the_open_data_of_a_cold_build(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "preview", today=TODAY, drafts=True, search=False)
    state = BuildState.open(options)
    assert build(options, state).ok
    template = corpus / "templates" / "laureate.html"
    good = template.read_text("utf-8")
    template.write_text(good.replace("<h2>En bref</h2>", "<h2>{{ oups.inexistant }}</h2>"), "utf-8")
    path = laureate_file(corpus, 0)
    text = path.read_text("utf-8")
    last = text.rindex("e")  # a change of the same length: its rows keep their places, with other bytes
    path.write_text(text[:last] + "a" + text[last + 1:], "utf-8")
    assert not build(options, state).ok  # the open data were made, then a page failed: nothing was published
    template.write_text(good, "utf-8")
    edit_body(laureate_file(corpus, 7), "Une autre phrase.")
    assert build(options, state).ok
    cold = build_in_process(corpus, out=corpus / "cold", use_cache=False, drafts=True, search=False)
    assert cold.ok, cold.errors
    assert tree(corpus / "preview" / "donnees") == tree(corpus / "cold" / "donnees")


# The edit fast path (vitrine/delta.py): a laureate edited in place patches the last build's model.

def summary_edited(path: Path, words: str) -> None:
    path.write_text(path.read_text("utf-8").replace("summary: >-\n  ", f"summary: >-\n  {words} ", 1), "utf-8")


def test_a_body_edit_fingerprints_only_the_edited_laureates_page(corpus: Path) -> None:
    rebuild(corpus)
    path = laureate_file(corpus, 5)
    edit_body(path, "Un paragraphe de plus.")
    report = rebuild(corpus)  # a new state, as a new process has: the snapshot comes from .vitrine-cache/
    assert (report.fingerprinted, report.reads, report.rendered_paths) == (1, 1, (f"laureats/{path.stem}/index.html",))
    assert_same_as_cold_build(corpus)


def test_a_summary_edit_fingerprints_the_pages_that_show_the_card_and_renders_them(corpus: Path) -> None:
    rebuild(corpus)
    before = tree(corpus / "site")
    path = laureate_file(corpus, 6)
    summary_edited(path, "Résumé revu.")
    report = rebuild(corpus)
    shown = changed(before, tree(corpus / "site"))
    assert set(report.rendered_paths) == pages(report, shown)
    assert 3 < report.fingerprinted < report.pages / 2  # its page, its listings, others' « related », the filters
    assert {"laureats/filtres.json", f"laureats/{path.stem}/index.html"} <= shown
    assert_same_as_cold_build(corpus)


def test_a_laureate_moved_to_another_edition_or_quartier_is_planned_again_in_full(corpus: Path) -> None:
    rebuild(corpus)
    path = laureate_file(corpus, 7)
    text = path.read_text("utf-8")
    quartier = re.search(r"quartiers: \[([a-z0-9-]+)", text).group(1)
    other = "quartier-1" if quartier != "quartier-1" else "quartier-2"
    path.write_text(text.replace(f"quartiers: [{quartier}", f"quartiers: [{other}", 1), "utf-8")
    report = rebuild(corpus)
    assert report.fingerprinted == report.pages
    assert_same_as_cold_build(corpus)


def test_command_line_edits_are_patched_one_after_the_other_through_the_snapshot_log(corpus: Path) -> None:
    rebuild(corpus)
    snapshot = corpus / ".vitrine-cache" / "snapshot-site.pickle"
    log = snapshot.with_name(snapshot.name + ".log")
    base = snapshot.stat().st_ino
    for k in range(4):
        edit_body(laureate_file(corpus, k), f"Modification {k}.")
        if k == 2:
            summary_edited(laureate_file(corpus, 10), "Autre résumé.")
        report = rebuild(corpus)
        assert report.fingerprinted < report.pages / 2, k
    assert snapshot.stat().st_ino == base and log.stat().st_size > 0  # four edits appended, the snapshot kept
    assert_same_as_cold_build(corpus)


def test_a_laureate_edited_again_on_the_command_line_is_compared_with_its_last_published_version(corpus: Path) -> None:
    rebuild(corpus)
    path = laureate_file(corpus, 5)
    summary_edited(path, "Nouveau résumé.")
    assert rebuild(corpus).fingerprinted > 1  # its card changed: the listings that show it
    edit_body(path, "Et le corps.")
    assert rebuild(corpus).fingerprinted == 1  # its card is the one the last build published (the log's version)
    assert_same_as_cold_build(corpus)


def test_a_snapshot_log_cut_short_by_a_killed_build_means_a_full_build_not_a_wrong_one(corpus: Path) -> None:
    rebuild(corpus)
    for k in range(2):
        edit_body(laureate_file(corpus, k), f"Modification {k}.")
        rebuild(corpus)
    log = corpus / ".vitrine-cache" / "snapshot-site.pickle.log"
    log.write_bytes(log.read_bytes()[:-20])  # the last edit lost: the snapshot is behind the record
    edit_body(laureate_file(corpus, 3), "Encore une.")
    report = rebuild(corpus)
    assert report.fingerprinted == report.pages
    edit_body(laureate_file(corpus, 4), "Et une autre.")
    assert rebuild(corpus).fingerprinted < report.pages / 2  # the full build kept a new snapshot
    assert_same_as_cold_build(corpus)


def test_a_snapshot_not_made_with_the_recorded_build_is_not_used(corpus: Path) -> None:
    rebuild(corpus)
    snapshot = corpus / ".vitrine-cache" / "snapshot-site.pickle"
    old = snapshot.read_bytes()
    summary_edited(laureate_file(corpus, 2), "Premier résumé.")
    rebuild(corpus)
    snapshot.write_bytes(old)  # the model before that edit, beside the record after it
    (snapshot.with_name(snapshot.name + ".log")).unlink(missing_ok=True)
    edit_body(laureate_file(corpus, 8), "Une phrase.")
    report = rebuild(corpus)
    assert report.fingerprinted == report.pages
    assert_same_as_cold_build(corpus)


def test_a_long_lived_state_patches_edit_after_edit_and_reports_errors_on_the_way(corpus: Path) -> None:
    options = BuildOptions(root=corpus, out=corpus / "site", today=TODAY)
    state = BuildState.open(options)
    assert build(options, state).ok
    path = laureate_file(corpus, 9)
    edit_body(path, "Première.")
    assert build(options, state).fingerprinted == 1
    good = path.read_text("utf-8")
    path.write_text(good.replace("edition: ", "edition: 19", 1), "utf-8")  # an unknown edition
    failed = build(options, state)
    assert [e.field for e in failed.errors] == ["edition"] and failed.errors[0].path == f"content/laureates/{path.name}"
    path.write_text(good + "\nCorrigé.\n", "utf-8")
    fixed = build(options, state)
    assert fixed.ok and fixed.fingerprinted == 1
    summary_edited(laureate_file(corpus, 11), "Encore un résumé.")
    assert build(options, state).ok
    assert_same_as_cold_build(corpus)


def test_after_so_many_edits_the_snapshot_is_written_whole_again_and_its_log_emptied(corpus: Path,
                                                                                     monkeypatch) -> None:
    monkeypatch.setattr(delta, "LOG_LIMIT", 2)
    rebuild(corpus)
    snapshot = corpus / ".vitrine-cache" / "snapshot-site.pickle"
    log = snapshot.with_name(snapshot.name + ".log")
    written = []
    for k in range(3):
        edit_body(laureate_file(corpus, k), f"Modification {k}.")
        assert rebuild(corpus).fingerprinted == 1
        written.append((snapshot.stat().st_ino, log.exists()))
    assert written[0][0] == written[1][0] != written[2][0]  # the third edit writes it whole
    assert (written[1][1], written[2][1]) == (True, False)
    edit_body(laureate_file(corpus, 3), "Une de plus.")
    assert rebuild(corpus).fingerprinted == 1
    assert_same_as_cold_build(corpus)


def test_the_feed_is_made_again_only_when_one_of_its_laureates_changed(corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(feeds, "FEED_SIZE", 3)
    made = []
    original = feeds.atom_feed
    monkeypatch.setattr(feeds, "atom_feed", lambda site: made.append(1) or original(site))
    report = rebuild(corpus)
    assert report.site is not None
    newest = [f"content/laureates/{l.slug}.md" for l in report.site.laureates[:3]]
    others = sorted(p for p in (corpus / "content" / "laureates").iterdir()
                    if f"content/laureates/{p.name}" not in newest)
    summary_edited(others[0], "Hors du flux.")
    assert "feed.xml" not in rebuild(corpus).written and made == [1]
    summary_edited(corpus / newest[1], "Dans le flux.")
    assert "feed.xml" in rebuild(corpus).written and made == [1, 1]
    assert "Dans le flux." in (corpus / "site" / "feed.xml").read_text("utf-8")


def test_the_preview_settled_between_saves_patches_edits_like_a_cold_build(corpus: Path) -> None:
    from vitrine.serve import Preview

    preview = Preview(corpus, lambda: TODAY)
    try:
        assert preview.rebuild().ok
        preview.settle()  # the model is now out of the collector's way: still the one the next save patches
        for k in range(2):
            edit_body(laureate_file(corpus, k), f"Modification {k}.")
            report = preview.rebuild()
            assert report.ok and report.fingerprinted == 1
            preview.settle()
    finally:
        gc.unfreeze()
    assert_preview_same_as_cold_build(corpus, preview.out)


def test_the_preview_brings_its_staging_tree_to_the_published_site_between_two_saves(corpus: Path) -> None:
    from vitrine.serve import Preview

    preview = Preview(corpus, lambda: TODAY)
    staging = preview.out.with_name(preview.out.name + ".staging")
    try:
        assert preview.rebuild().ok and not staging.exists()  # a first site: nothing to keep beside it yet
        preview.settle()
        assert inodes(staging) == inodes(preview.out)  # the same files, linked
        for k in (2, 3):
            edit_body(laureate_file(corpus, k), "Une modification.")
            assert preview.rebuild().ok
            assert inodes(staging) != inodes(preview.out)  # the previous site, swapped out
            preview.settle()
            assert inodes(staging) == inodes(preview.out)  # repaired between two saves, not during the next
    finally:
        gc.unfreeze()
    assert_preview_same_as_cold_build(corpus, preview.out)
    assert tree(staging).keys() == tree(corpus / "cold").keys()  # the previous site, now the next build's start


def preview_scan_options(preview) -> BuildOptions:
    return BuildOptions(root=preview.root, out=preview.out, today=TODAY, drafts=True, search=False)


def test_a_preview_save_stats_only_the_files_named_and_knows_the_inputs_a_full_scan_finds(corpus: Path) -> None:
    from vitrine.serve import Preview

    preview = Preview(corpus, lambda: TODAY)

    def saved(*paths: Path) -> None:
        """A rebuild told of ``paths``, as the watcher names them: it stats them alone, and knows what a scan knows."""
        assert preview.rebuild([str(path) for path in paths]).ok
        full = scan_inputs(preview_scan_options(preview))
        assert preview.inputs is not None and preview.inputs.stated == len(paths)
        assert (preview.inputs.digest, list(preview.inputs.files.items())) == (full.digest, list(full.files.items()))
        preview.settle()

    laureates, removed, edited = corpus / "content" / "laureates", unlinked_laureate(corpus, 3), laureate_file(corpus, 1)
    swap, created = laureates / f".{edited.name}.swp", laureates / "zz-copie.md"
    template = corpus / "templates" / "laureate.html"
    try:
        assert preview.rebuild().ok
        preview.settle()
        edit_body(edited, "Une modification.")
        saved(edited)
        swap.write_text("le fichier d'échange de l'éditeur", "utf-8")  # not content, but an input all the same
        saved(swap)
        edit_body(laureate_file(corpus, 2), "Pendant qu'il est là.")
        saved(laureate_file(corpus, 2))
        swap.unlink()
        saved(swap)
        removed.unlink()
        saved(removed)
        copied = laureate_file(corpus, 3).read_text("utf-8")
        created.write_text(copied.replace("title: ", "title: Copie de ", 1), "utf-8")
        saved(created)
        template.write_text(template.read_text("utf-8").replace("<h2>", '<h2 class="t">', 1), "utf-8")
        saved(template)
        edit_body(created, "Et encore.")
        saved(created, laureates / "jamais-vu.md")  # a file made and removed between two saves
    finally:
        gc.unfreeze()
    assert_preview_same_as_cold_build(corpus, preview.out)


def test_a_preview_save_scans_every_input_when_the_paths_named_leave_a_doubt(corpus: Path, tmp_path: Path) -> None:
    from vitrine.serve import Preview

    preview = Preview(corpus, lambda: TODAY)

    def saved(*paths: Path) -> None:
        """A rebuild told of ``paths`` that cannot trust them alone: it stats every file."""
        assert preview.rebuild([str(path) for path in paths]).ok
        full = scan_inputs(preview_scan_options(preview))
        assert preview.inputs is not None and preview.inputs.stated == len(full.files)
        assert (preview.inputs.digest, list(preview.inputs.files.items())) == (full.digest, list(full.files.items()))
        preview.settle()

    content = corpus / "content"
    try:
        assert preview.rebuild().ok
        preview.settle()
        (content / "media" / "plans").mkdir(parents=True)
        saved(content / "media", content / "media" / "plans")  # folders made
        (content / "media" / "plans" / "plan.pdf").write_text("%PDF-1.4 un plan", "utf-8")  # .txt is not published
        saved(content / "media" / "plans" / "plan.pdf")  # in a folder where the last scan found no file
        (content / "media" / "plans").rename(content / "media" / "cartes")
        saved(content / "media" / "plans")  # a folder gone with its file
        (content / "media" / "cartes" / "lien.pdf").symlink_to(content / "media" / "cartes" / "plan.pdf")
        saved(content / "media" / "cartes" / "lien.pdf")  # a link
        saved(tmp_path / "ailleurs.md")  # outside the inputs
        saved(content / "laureates" / ".." / "site.yaml")  # not named as a scan names it
    finally:
        gc.unfreeze()
    assert_preview_same_as_cold_build(corpus, preview.out)


def test_a_preview_killed_before_keeping_its_record_restarts_into_the_site_of_a_cold_build(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.serve import Preview

    first = Preview(corpus, lambda: TODAY)
    record = corpus / ".vitrine-cache" / f"record-{first.out.name}.marshal"  # the port's own (preview-8000)
    assert first.rebuild().ok
    first.settle()
    kept = record.stat().st_ino
    path = laureate_file(corpus, 4)
    edit_body(path, "Publiée, puis le processus est tué.")
    assert first.rebuild([str(path)]).ok
    assert record.stat().st_ino == kept  # kept on disk by ``settle``, once the browser is told: never came
    gc.unfreeze()

    second = Preview(corpus, lambda: TODAY)  # a new process
    report = second.rebuild()
    assert report.ok and report.rendered >= 1
    assert_preview_same_as_cold_build(corpus, second.out)

    edit_body(path, "Tué pendant qu'il garde son instantané.")
    assert second.rebuild([str(path)]).ok
    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(delta.SnapshotFile, "save", lambda *args: (_ for _ in ()).throw(OSError("tué")))
        second.settle()  # the record kept, then killed
    gc.unfreeze()
    edit_body(path, "Et relancé.")
    third = Preview(corpus, lambda: TODAY)
    assert third.rebuild().ok
    assert_preview_same_as_cold_build(corpus, third.out)
