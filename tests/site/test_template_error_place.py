"""A template's mistake met while rendering is told at its file and line, whether the page was rendered in this
process or in a forked worker (a site of 200 pages or more)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO, build_in_process, make_repo
from vitrine.site import render


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_undefined_call_in_a_template_is_told_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             jobs: int) -> None:
    """Before, a worker's error crossed the pipe without its traceback, where the line is: « templates:1 »."""
    monkeypatch.setattr(render, "CHUNK_PAGES", 2)  # several chunks: two workers share them
    root = make_repo(tmp_path)
    shutil.copytree(REPO / "templates", root / "templates")
    template = root / "templates" / "laureate.html"
    lines = template.read_text("utf-8").splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if "{% block content" in text) + 2
    lines.insert(line - 1, "{{ nope(1) }}\n")
    template.write_text("".join(lines), "utf-8")
    report = build_in_process(root, jobs=jobs, use_cache=False)
    assert [(e.path, e.line, e.field, e.message) for e in report.errors] == [
        ("templates/laureate.html", line, "template", "'nope' is undefined")]
