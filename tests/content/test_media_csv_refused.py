"""A CSV table in content/media/ is refused: published as it is, a spreadsheet opening it would run its formulas."""

from __future__ import annotations

from pathlib import Path

from conftest import build_in_process, make_repo, run_cli, tree_digest


def test_a_csv_document_with_live_formulas_is_refused_with_a_spreadsheet_format_to_use(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    before = tree_digest(root / "site")
    media = root / "content" / "media"
    media.mkdir(parents=True, exist_ok=True)
    (media / "chiffres.csv").write_text('quartier;lien\nLe Moulin;=HYPERLINK("https://evil.example";"Voir")\n', "utf-8")
    for command in ("build", "check"):
        result = run_cli(root, command, "--date", "2022-04-01")
        assert result.returncode == 1, result.stderr
        line = next(line for line in result.stderr.splitlines() if "content/media/chiffres.csv" in line)
        assert "tableau CSV non publié" in line and ".ods ou .xlsx" in line
    assert tree_digest(root / "site") == before
    assert not (root / "site" / "media" / "chiffres.csv").exists()
