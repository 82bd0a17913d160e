"""The golden output tree: the small fixture site, built, kept in ``tests/golden/small/`` and compared byte for byte.

It is what proves that a refactoring changed nothing a visitor receives. After an intended change of the output,
regenerate it and review its diff like code:

    python tests/golden_tree.py        # rewrites tests/golden/small/ from tests/fixtures/small/
    git diff --stat tests/golden/

The search index (Pagefind's binary bundle) is left out: it is checked by the search tests.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden" / "small"
FIXTURE = TESTS / "fixtures" / "small"
DATE = dt.date(2022, 4, 1)  # the fixture's 2022 call is open on this date: the home shows its open state


def build_fixture(work: Path, *, use_cache: bool = False, speed: bool = False) -> Path:
    """Build a copy of the small fixture in ``work`` (made at the first call); returns its output folder. ``speed``:
    with the speed layer (``vitrine/speed/``), else by the stages alone."""
    sys.path.insert(0, str(REPO))
    from vitrine.options import BuildOptions
    from vitrine.pipeline import build

    root = work / "repo"
    if not root.exists():
        shutil.copytree(FIXTURE / "content", root / "content")
    out = root / "site"
    report = build(BuildOptions(root=root, out=out, today=DATE, use_cache=use_cache, speed=speed, search=False))
    assert not report.errors, report.errors
    return out


def tree_files(folder: Path) -> dict[str, bytes]:
    """Every file of a tree by its slash-separated relative path."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def regenerate() -> None:
    with tempfile.TemporaryDirectory() as work:
        out = build_fixture(Path(work))  # by the stages alone, without the speed layer
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    print(f"{GOLDEN.relative_to(REPO)}: {len(tree_files(GOLDEN))} files")


if __name__ == "__main__":
    regenerate()
