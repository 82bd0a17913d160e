"""The preview's saves: rescans of the watcher's paths, its staging tree, a kill before it keeps its record.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from conftest import TODAY
from vitrine.speed import snapshot_file
from vitrine.pipeline import BuildOptions
from vitrine.speed.inputs import scan_inputs
from work import tree, assert_preview_same_as_cold_build, laureate_file, inodes, edit_body, unlinked_laureate
from work_fixtures import corpus, copied  # noqa: F401 - fixtures


def test_the_preview_settled_between_saves_patches_edits_like_a_cold_build(corpus: Path) -> None:
    from vitrine.preview.serve import Preview

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



def test_each_preview_save_keeps_the_previous_site_as_its_staging_tree(corpus: Path) -> None:
    from vitrine.preview.serve import Preview

    preview = Preview(corpus, lambda: TODAY)
    staging = preview.out.with_name(preview.out.name + ".staging")
    try:
        assert preview.rebuild().ok and not staging.exists()  # a first site: nothing to keep beside it yet
        preview.settle()
        for k in (2, 3):
            edit_body(laureate_file(corpus, k), "Une modification.")
            before = inodes(preview.out)
            report = preview.rebuild()
            assert report.ok
            assert inodes(staging) == before  # the previous site, swapped out whole
            published = inodes(preview.out)
            assert {p for p in published if before.get(p) != published[p]} == set(report.written)  # the rest shared
            preview.settle()
    finally:
        gc.unfreeze()
    assert_preview_same_as_cold_build(corpus, preview.out)
    assert tree(staging).keys() == tree(corpus / "cold").keys()  # the previous site, now the next build's start



def preview_scan_options(preview) -> BuildOptions:
    return BuildOptions(root=preview.root, out=preview.out, today=TODAY, drafts=True, search=False, local_editor=True)



def test_a_preview_save_stats_only_the_files_named_and_knows_the_inputs_a_full_scan_finds(corpus: Path) -> None:
    from vitrine.preview.serve import Preview

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
    from vitrine.preview.serve import Preview

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
    from vitrine.preview.serve import Preview

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
        patch.setattr(snapshot_file.SnapshotFile, "save", lambda *args: (_ for _ in ()).throw(OSError("tué")))
        second.settle()  # the record kept, then killed
    gc.unfreeze()
    edit_body(path, "Et relancé.")
    third = Preview(corpus, lambda: TODAY)
    assert third.rebuild().ok
    assert_preview_same_as_cold_build(corpus, third.out)

