"""The staging tree: the previous site, kept beside the published one and repaired from both trees' listings, so
that an edit writes its own files only, and whatever a crash, another process or a hand left in it, the next
build equals a cold one.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vitrine.pipeline import BuildState, build
from vitrine.outputs.search import BUNDLE
from work import tree, rebuild, assert_same_as_cold_build, laureate_file, inodes, edit_body, preview_options, disk_full_after
from work_fixtures import corpus, writes  # noqa: F401 - fixtures


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


def built_then_edited(corpus: Path) -> tuple[Path, Path]:
    """A cold build, then an edit's: the staging tree holds the first site. Returns (site, staging tree)."""
    rebuild(corpus)
    edit_body(laureate_file(corpus, 1), "Première modification.")
    rebuild(corpus)
    return corpus / "site", corpus / "site.staging"


def test_a_damaged_or_missing_staging_tree_still_gives_the_site_of_a_cold_build(corpus: Path) -> None:
    site, staging = built_then_edited(corpus)
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


def test_a_hand_change_in_either_tree_is_repaired_by_the_next_edit(corpus: Path) -> None:
    site, staging = built_then_edited(corpus)
    (next((site / "laureats").iterdir()) / "en-trop.html").write_text("ajouté à la main")
    edit_body(laureate_file(corpus, 2), "Après un ajout dans site/.")
    assert "en-trop.html" in " ".join(rebuild(corpus).removed)
    assert_same_as_cold_build(corpus)

    kept = staging / "laureats" / laureate_file(corpus, 10).stem / "index.html"
    kept.unlink()
    kept.write_text("abîmé à la main")  # a new file where the staging tree shares the published one
    edit_body(laureate_file(corpus, 3), "Après un dégât dans site.staging/.")
    rebuild(corpus)
    assert_same_as_cold_build(corpus)


def test_a_long_lived_state_publishes_edits_after_another_state_wrote_there(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = BuildState.open(preview_options(corpus))
    assert build(preview_options(corpus), state).ok
    edit_body(laureate_file(corpus, 1), "Construit par un autre état.")
    assert build(preview_options(corpus), BuildState.open(preview_options(corpus))).ok  # another process, say
    edit_body(laureate_file(corpus, 2), "De retour au premier état.")
    assert build(preview_options(corpus), state).ok
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
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)


def test_a_long_lived_state_publishes_edits_after_its_own_write_failed(
        corpus: Path, writes, monkeypatch: pytest.MonkeyPatch) -> None:
    state = BuildState.open(preview_options(corpus))
    assert build(preview_options(corpus), state).ok
    edit_body(laureate_file(corpus, 3), "Une écriture qui échoue.")
    with monkeypatch.context() as patch, pytest.raises(OSError):
        disk_full_after(1, patch)
        build(preview_options(corpus), state)
    edit_body(laureate_file(corpus, 4), "Après l'échec.")
    assert build(preview_options(corpus), state).ok
    assert writes[-1].swapped and laureate_file(corpus, 4).stem in " ".join(writes[-1].written)
    assert_same_as_cold_build(corpus, "preview", drafts=True, search=False)
