"""Fixtures of the tests that count the work a rebuild does (``tests/work.py`` holds their helpers)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.generate import generate
from conftest import REPO
from vitrine import pipeline as build_module
from vitrine.outputs import opendata
from vitrine.publish import output as output_module
from vitrine.publish.write import WriteReport
from work import N


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A generated repository with its own templates, so a test can edit them."""
    root = generate(N, tmp_path / "repo", words=(40, 90))
    shutil.copytree(REPO / "templates", root / "templates")
    return root



@pytest.fixture(params=[1, 2], ids=["serial", "two-processes"])
def jobs(request: pytest.FixtureRequest) -> int:
    return request.param



@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[WriteReport]:
    """The report of every write the builds make."""
    reports = []
    original = build_module.write_site

    def write_site(*args):
        reports.append(original(*args))
        return reports[-1]
    monkeypatch.setattr(build_module, "write_site", write_site)
    return reports



@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The laureate of each open data row encoded (a CSV line or a JSON object), in order."""
    slugs, original = [], opendata.encode_row

    def encode_row(site, laureate, cols, which):
        slugs.append(laureate.slug)
        return original(site, laureate, cols, which)
    monkeypatch.setattr(opendata, "encode_row", encode_row)
    return slugs



@pytest.fixture
def copied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each run of bytes the writer copies out of another file (the published open data)."""
    sizes, original = [], output_module._copy_range

    def copy_range(part, fd):
        sizes.append(part.end - part.start)
        return original(part, fd)
    monkeypatch.setattr(output_module, "_copy_range", copy_range)
    return sizes

