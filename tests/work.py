"""Helpers of the tests that count the work each kind of rebuild does (never its time): a generated corpus, built
cold, then edited the ways editors and designers edit it; each rebuild must equal a cold build, byte for byte."""

from __future__ import annotations

import csv
import errno
from pathlib import Path
from typing import Callable

import pytest

from conftest import TODAY, build_in_process
from vitrine.publish import write as write_module
from vitrine.pipeline import BuildOptions, BuildReport
from vitrine.site.pages import plan_pages


N = 50



def tree(folder: Path) -> dict[str, bytes]:
    """The site's files, without the writer's marker (``publish/marker.py``: no output of the site)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).as_posix() != ".vitrine-output"}



def rebuild(root: Path, jobs: int = 1) -> BuildReport:
    report = build_in_process(root, jobs=jobs)
    assert report.ok, report.errors
    return report



def assert_same_as_cold_build(root: Path, out: str = "site", **options) -> None:
    cold = build_in_process(root, out=root / "cold", use_cache=False, **options)
    assert cold.ok, cold.errors
    incremental, expected = tree(root / out), tree(root / "cold")
    assert incremental.keys() == expected.keys()
    assert [path for path in expected if incremental[path] != expected[path]] == []



def assert_preview_same_as_cold_build(root: Path, preview: Path) -> None:
    cold = build_in_process(root, out=root / "cold", use_cache=False, drafts=True, search=False,
                          local_editor=True)  # as serve builds: with /admin/
    assert cold.ok, cold.errors
    assert tree(preview) == tree(root / "cold")



def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in after if before.get(path) != after[path]}



def pages(report: BuildReport, paths: set[str]) -> set[str]:
    """The rendered pages among output files (the others are the feed, open data, images, search and static files)."""
    assert report.site is not None
    return paths & {page.output for page in plan_pages(report.site, TODAY).pages}



def laureate_file(root: Path, index: int = 0) -> Path:
    return sorted((root / "content" / "laureates").iterdir())[index]


def unlinked_laureate(root: Path, index: int = 0) -> Path:
    """A laureate file no other file links to: removing it leaves no dead link (which the build refuses)."""
    files = sorted((root / "content" / "laureates").iterdir())
    texts = "".join(path.read_text("utf-8") for path in files)
    return [path for path in files if f"/laureats/{path.stem}/" not in texts][index]



def inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}



def edit_body(path: Path, sentence: str) -> None:
    path.write_text(path.read_text("utf-8") + f"\n{sentence}\n", "utf-8")



def preview_options(root: Path) -> BuildOptions:
    return BuildOptions(root=root, out=root / "preview", today=TODAY, drafts=True, search=False)  # as serve builds, /admin/ aside



def disk_full_after(writes: int, patch: pytest.MonkeyPatch) -> None:
    """Files written into the staging tree (whole, or in parts as the open data are) fail once ``writes`` were."""
    done = []

    def failing(original: Callable) -> Callable:
        def write(path, data):
            if len(done) == writes:
                raise OSError(errno.ENOSPC, "disque plein")
            done.append(path)
            return original(path, data)
        return write
    patch.setattr(Path, "write_bytes", failing(Path.write_bytes))
    patch.setattr(write_module, "write_parts", failing(write_module.write_parts))



def rows_order(root: Path, out: str = "site") -> list[str]:
    """The laureates of the published CSV file, in its order."""
    with open(root / out / "donnees" / "laureats.csv", encoding="utf-8", newline="") as f:
        return [row[0] for row in csv.reader(f)][1:]


def summary_edited(path: Path, words: str) -> None:
    path.write_text(path.read_text("utf-8").replace("summary: >-\n  ", f"summary: >-\n  {words} ", 1), "utf-8")
