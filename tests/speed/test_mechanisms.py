"""Each speed mechanism switched off alone (``VITRINE_SPEED_OFF``, ``speed/mechanisms.py``): its shortcut is not
taken, the site is the same. Counted, never timed (``benchmarks/mechanisms.py`` measures what each one pays)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from vitrine.speed.mechanisms import MECHANISMS, VARIABLE
from work import assert_same_as_cold_build, edit_body, laureate_file, rebuild
from work_fixtures import corpus  # noqa: F401 - fixtures


def test_with_the_record_off_a_rebuild_with_nothing_changed_reads_the_content_but_renders_and_writes_nothing(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rebuild(corpus)
    monkeypatch.setenv(VARIABLE, "record")
    rebuild(corpus)  # the switch is a setting: this build trusts nothing the last one kept
    report = rebuild(corpus)
    assert report.site is not None  # not answered from the record
    assert (report.rendered, report.written, report.removed) == (0, (), ())


@pytest.mark.parametrize("mechanism, rendered_all, read_all", [("snapshot", False, True),
                                                               ("fingerprints", True, False)])
def test_an_edit_with_a_mechanism_off_takes_the_long_way_to_the_same_site(
        corpus: Path, monkeypatch: pytest.MonkeyPatch, mechanism: str, rendered_all: bool, read_all: bool) -> None:
    monkeypatch.setenv(VARIABLE, mechanism)
    rebuild(corpus)
    edit_body(laureate_file(corpus, 3), "Une phrase de plus.")
    report = rebuild(corpus)
    assert (report.rendered == report.pages) is rendered_all
    assert (report.reads > 1) is read_all  # the snapshot's patch reads the edited file alone
    assert_same_as_cold_build(corpus)


def test_an_unknown_mechanism_is_refused_with_the_known_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              corpus: Path) -> None:
    monkeypatch.setenv(VARIABLE, "snapshot,turbo")
    done = run_cli(corpus, "build", "--no-search")
    assert done.returncode != 0 and "turbo" in done.stderr
    assert all(name in done.stderr for name in MECHANISMS)
    assert not (corpus / "site").exists()
