"""The search index's fast paths and their cache (``vitrine/speed/search_index.py``) against what an editor's
machine may hold in ``.vitrine-cache/``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import build_in_process, make_repo, run_cli


def _bundle(root: Path) -> dict[str, bytes]:
    folder = root / "site" / "pagefind"
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _edit(root: Path) -> None:
    laureate = root / "content" / "laureates" / "emploi-jeunes.md"
    laureate.write_text(laureate.read_text("utf-8") + "\nUn atelier de zythologie.\n", "utf-8")


def test_the_kept_words_folder_linked_elsewhere_loses_none_of_the_files_there(tmp_path: Path) -> None:
    """``pagefind-words/`` made a link to one of the editor's folders: a build keeps its pages' words there but
    deletes only its own (before, pruning deleted every other file of that folder)."""
    edited, cold = make_repo(tmp_path / "edited"), make_repo(tmp_path / "cold")
    assert build_in_process(edited).ok
    elsewhere = tmp_path / "documents"
    elsewhere.mkdir()
    (elsewhere / "notes.txt").write_text("à garder", "utf-8")
    (elsewhere / "0123456789abcdef0123456789abcdeZ").write_text("à garder aussi", "utf-8")
    words = edited / ".vitrine-cache" / "pagefind-words"
    for kept in words.iterdir():
        kept.rename(elsewhere / kept.name)
    words.rmdir()
    words.symlink_to(elsewhere, target_is_directory=True)
    for root in (edited, cold):
        _edit(root)
    assert build_in_process(edited).ok and build_in_process(cold, use_cache=False).ok
    assert (elsewhere / "notes.txt").read_text("utf-8") == "à garder"
    assert (elsewhere / "0123456789abcdef0123456789abcdeZ").is_file()
    assert _bundle(edited) == _bundle(cold)


def test_named_pipes_in_the_search_caches_do_not_hang_the_build(tmp_path: Path) -> None:
    """A FIFO where a page's kept words, Pagefind's kept files' listing or a kept bundle's manifest were: the build
    reads its pages and Pagefind's files again, as a cold build (before, it waited for a writer forever)."""
    edited, cold = make_repo(tmp_path / "edited"), make_repo(tmp_path / "cold")
    assert build_in_process(edited).ok
    cache = edited / ".vitrine-cache"
    pipes = [*(cache / "pagefind-words").iterdir(), *(cache / "pagefind-assets").glob("*/files.txt"),
             *(cache / "pagefind").glob("*/bundle.json")]
    assert len(pipes) == 9 + 1 + 1
    for path in pipes:
        path.unlink()
        os.mkfifo(path)
    for root in (edited, cold):
        _edit(root)
    result = run_cli(edited, "build", "--no-catalogue", timeout=60)
    assert result.returncode == 0, result.stderr
    assert build_in_process(cold, use_cache=False).ok
    assert _bundle(edited) == _bundle(cold)


def test_a_damaged_kept_bundle_is_made_again_not_published(tmp_path: Path) -> None:
    """An edit undone takes the bundle kept in .vitrine-cache/pagefind/; one of its files cut short there, the
    build makes the bundle again (before, the visitor's browser got the cut file: no results for its words)."""
    edited, cold = make_repo(tmp_path / "edited"), make_repo(tmp_path / "cold")
    assert build_in_process(edited).ok and build_in_process(cold, use_cache=False).ok
    laureate = edited / "content" / "laureates" / "emploi-jeunes.md"
    text = laureate.read_text("utf-8")
    _edit(edited)
    assert build_in_process(edited).ok
    kept = [p for p in (edited / ".vitrine-cache" / "pagefind").glob("*/files/**/*") if p.is_file()
            and p.name.endswith(".pf_index")]
    for path in kept:  # the index chunks of both bundles kept: the first build's and the edit's
        path.write_bytes(path.read_bytes()[:-8])
    laureate.write_text(text, "utf-8")  # the edit undone: the first build's bundle is the one wanted again
    assert build_in_process(edited).ok
    assert _bundle(edited) == _bundle(cold)


def test_kept_words_of_another_page_are_not_taken_for_this_one(tmp_path: Path) -> None:
    """A kept page's words file holding another page's (a copy or a link over it, a file restored to the wrong
    name): whole, but not this page's. The page is read again and the bundle is a cold build's, in a deploy job
    (no ``site/``: every page rendered) as after an edit (before, the other page's words were taken: « la page …
    est indexée deux fois », and every later build said it again)."""
    for deploy in (True, False):
        edited, cold = make_repo(tmp_path / f"edited-{deploy}"), make_repo(tmp_path / f"cold-{deploy}")
        assert build_in_process(edited).ok
        words = sorted((edited / ".vitrine-cache" / "pagefind-words").iterdir())
        words[1].write_bytes(words[0].read_bytes())
        words[2].unlink()
        words[2].symlink_to(words[0])
        if deploy:
            shutil.rmtree(edited / "site")
        for root in (edited, cold):
            _edit(root)
        report = build_in_process(edited)
        assert report.ok, report.errors
        assert build_in_process(cold, use_cache=False).ok
        assert _bundle(edited) == _bundle(cold)
