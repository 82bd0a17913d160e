"""The snapshot: an edit of laureates that keep their place patches the last plan.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import re
from pathlib import Path


from conftest import TODAY
from vitrine.speed import snapshot_file
from vitrine.pipeline import BuildOptions, BuildState, build
from work import summary_edited, tree, rebuild, assert_same_as_cold_build, changed, pages, laureate_file, edit_body
from work_fixtures import corpus, writes  # noqa: F401 - fixtures


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
    options = BuildOptions(root=corpus, out=corpus / "site", today=TODAY, catalogues=False)  # as rebuild() builds
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
    monkeypatch.setattr(snapshot_file, "LOG_LIMIT", 2)
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
