"""A FIFO, socket or device in templates/ is refused with one located French line, never read (issue 13's review)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import REPO, build_in_process, make_repo, run_cli, tree_digest


def test_a_fifo_in_templates_is_refused_by_build_and_check_instead_of_hanging(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    shutil.copytree(REPO / "templates", root / "templates")
    assert build_in_process(root).ok
    before = tree_digest(root / "site")
    card = root / "templates" / "partials" / "card.html"
    card.unlink()
    os.mkfifo(card)
    for command in ("build", "check"):
        result = run_cli(root, command, "--date", "2022-04-01", timeout=60)  # it used to wait forever on the pipe
        assert result.returncode == 1, result.stderr
        assert "templates/partials/card.html:1: fichier: ce n'est pas un fichier ordinaire" in result.stderr
        assert "Traceback" not in result.stderr and "not found" not in result.stderr
    assert tree_digest(root / "site") == before
