"""An I/O failure the editor can cause (a wrong --out) is told in French, never in the system's English."""

from __future__ import annotations

from pathlib import Path

from conftest import make_repo, run_cli


def test_an_output_folder_under_a_file_is_an_io_failure_told_in_french(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    (tmp_path / "notes.txt").write_text("x", "utf-8")
    result = run_cli(root, "build", "--date", "2022-04-01", "--out", str(tmp_path / "notes.txt" / "site"))
    assert result.returncode == 4, result.stderr
    assert "Lecture ou écriture impossible" in result.stderr
    assert "un fichier porte déjà ce nom là où il faut un dossier" in result.stderr
    assert "File exists" not in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "notes.txt").read_text("utf-8") == "x"
