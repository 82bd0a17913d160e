"""Error lines show a bidirectional control by its code: the editor's terminal never obeys it."""

from __future__ import annotations

from pathlib import Path

from conftest import build_in_process, make_repo, run_cli, tree_digest


def test_a_bidirectional_control_in_a_key_is_shown_by_its_code_never_obeyed_by_the_terminal(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    before = tree_digest(root / "site")
    laureate = root / "content" / "laureates" / "atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("website:", "\u202ewebsite:"), "utf-8")
    result = run_cli(root, "build", "--date", "2022-04-01")
    assert result.returncode == 1, result.stderr
    # U+202E printed as it is would show the rest of the line reversed: the editor could not read her own key.
    assert "\u202e" not in result.stderr
    assert "content/laureates/atelier-code.md:8: \\u202ewebsite: champ inconnu" in result.stderr
    assert tree_digest(root / "site") == before
