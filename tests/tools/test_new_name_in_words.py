"""``new`` given a name in several words (no quotes) suggests its slug instead of calling the words unknown."""

from __future__ import annotations

from pathlib import Path

from conftest import make_repo, run_cli, tree_digest


def test_a_name_typed_in_words_without_quotes_is_refused_with_its_slug(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    before = tree_digest(root / "content")
    result = run_cli(root, "new", "laureat", "Mon", "Projet")
    assert result.returncode == 2, result.stderr
    assert "« Mon Projet »" in result.stderr  # it said « argument(s) inconnu(s) : Projet »
    assert "python build.py new laureate mon-projet" in result.stderr
    assert "inconnu" not in result.stderr
    assert tree_digest(root / "content") == before


def test_a_one_word_name_is_still_written(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    result = run_cli(root, "new", "laureat", "mon-projet")
    assert result.returncode == 0, result.stderr
    assert (root / "content" / "laureates" / "mon-projet.md").is_file()
