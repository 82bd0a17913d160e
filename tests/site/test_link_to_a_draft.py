"""A link to a draft says the target is a draft, not published: not that no page exists at that address."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import build_in_process, make_repo, run_cli, tree_digest
from vitrine.options import BuildOptions
from vitrine.pipeline import build


def _draft(root: Path, slug: str) -> None:
    path = root / "content" / "laureates" / f"{slug}.md"
    path.write_text(path.read_text("utf-8").replace("---\n", "---\ndraft: true\n", 1), "utf-8")


def test_a_link_to_a_draft_laureate_says_it_is_a_draft(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    before = tree_digest(root / "site")
    _draft(root, "cafe-culture")
    page = root / "content" / "pages" / "le-label.md"
    page.write_text("---\ntitle: Le label\n---\nVoir [le café](/laureats/cafe-culture/).\n", "utf-8")
    for command in ("build", "check"):
        result = run_cli(root, command, "--date", "2022-04-01")
        assert result.returncode == 1, result.stderr
        line = next(line for line in result.stderr.splitlines() if "le-label.md" in line)
        assert "lien mort « /laureats/cafe-culture/ »" in line
        assert "ce lauréat est un brouillon (draft: true) : il n'est pas publié" in line
        assert "content/laureates/cafe-culture.md" in line
    assert tree_digest(root / "site") == before


def test_the_preview_publishes_drafts_so_the_link_is_alive_there(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    _draft(root, "cafe-culture")
    page = root / "content" / "pages" / "le-label.md"
    page.write_text("---\ntitle: Le label\n---\nVoir [le café](/laureats/cafe-culture/).\n", "utf-8")
    report = build(BuildOptions(root=root, out=tmp_path / "preview", today=dt.date(2022, 4, 1), drafts=True))  # the preview's
    assert report.ok, report.errors
