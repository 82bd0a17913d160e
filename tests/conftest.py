"""Shared fixtures: small content repositories built into ``tmp_path``, never the working tree."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # test this checkout's engine, whatever is installed

from vitrine.pipeline import BuildOptions, BuildReport, build
from vitrine.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = dt.date(2022, 4, 1)  # the small fixture's 2022 call is open on this date


def make_repo(tmp_path: Path, fixture: str = "small") -> Path:
    """A copy of a fixture content repository (content/ only: templates and static come from Vitrine)."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / fixture / "content", root / "content")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path)


@pytest.fixture
def shipped_repo(tmp_path: Path) -> Path:
    """A copy of the real, shipped content."""
    root = tmp_path / "shipped"
    shutil.copytree(REPO / "content", root / "content")
    return root


def build_in_process(root: Path, today: dt.date = TODAY, **options) -> BuildReport:
    """A build as ``build --no-catalogue`` makes it, unless ``catalogues=True``: WeasyPrint's PDFs were half of the
    suite's CPU, and their own behaviour (fast paths, cache, volumes) is tested in tests/outputs/test_catalogue*.py
    and by the golden tree, with the speed layer on and off."""
    options.setdefault("catalogues", False)
    out = options.pop("out", root / "site")
    return build(BuildOptions(root=root, out=out, today=today, **options))


def run_cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python build.py --root ROOT ARGS`` as an editor would, capturing its output."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=root)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture):
    """``python build.py --root ROOT ARGS`` run in this process (fast); ``run_cli`` is the real subprocess."""
    def run(root: Path, *args: str) -> CliResult:
        try:
            code = main(["--root", str(root), *args])
        except SystemExit as exit_:  # argparse's answer to misuse
            code = exit_.code
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)
    return run


def tree_digest(path: Path) -> str:
    """One hash for a whole folder: every file's relative path and bytes, every folder (a missing tree hashes too)."""
    h = hashlib.blake2b(digest_size=16)
    if not path.exists():
        return "missing"
    for item in sorted(path.rglob("*")):
        rel = item.relative_to(path).as_posix()
        if item.is_dir() and not item.is_symlink():
            h.update(b"D" + rel.encode() + b"\0")
        else:
            h.update(b"F" + rel.encode() + b"\0" + item.read_bytes() + b"\0")
    return h.hexdigest()
