"""``new`` refuses a name too long for an address, as a misuse told in French (exit 2), with a shorter suggestion."""

from __future__ import annotations

from pathlib import Path

from conftest import make_repo, run_cli, tree_digest


def test_new_refuses_a_name_too_long_for_the_file_system_as_a_misuse_in_french(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    before = tree_digest(root / "content")
    result = run_cli(root, "new", "lauréat", "projet-" * 40)
    # It was exit 4 « File name too long », an I/O failure in English, for a typing mistake.
    assert result.returncode == 2, result.stderr
    assert "identifiant trop long (280 caractères, au plus 100)" in result.stderr
    assert "python build.py new laureate projet-projet" in result.stderr
    assert "File name too long" not in result.stderr + result.stdout
    assert tree_digest(root / "content") == before
