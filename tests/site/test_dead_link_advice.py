"""A dead link's advice fits what the editor wrote: no « start it with / » for a link that already does."""

from __future__ import annotations

from pathlib import Path

from conftest import make_repo, run_cli


def test_a_dead_link_already_starting_with_a_slash_is_not_told_to_start_with_one(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    page = root / "content" / "pages" / "le-label.md"
    page.write_text("---\ntitle: Le label\n---\nVoir [le projet](/zzqx-wvkj/).\n", "utf-8")
    result = run_cli(root, "build", "--date", "2022-04-01")
    assert result.returncode == 1, result.stderr
    line = next(line for line in result.stderr.splitlines() if "le-label.md" in line)
    assert "lien mort « /zzqx-wvkj/ »" in line and "brouillon (draft: true)" in line
    assert "commence par /" not in line  # it does: the old advice sent her looking for a mistake she had not made
    assert not (root / "site").exists()
