"""The small fixture site is byte-identical to ``tests/golden/small/``, however it is built.

A build by the stages alone (the speed layer off), a cold build with it on but no cache, a cached build, a rebuild
with nothing changed, a rebuild after an edit that was undone (the edit fast path), and the same sequence switching
the speed layer off and on between builds must all give the golden tree. Regenerate it after an intended
change with ``python tests/golden_tree.py`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from golden_tree import GOLDEN, build_fixture, tree_files
from vitrine.speed.mechanisms import MECHANISMS, VARIABLE


def assert_golden(out: Path) -> None:
    expected, actual = tree_files(GOLDEN), tree_files(out)
    assert sorted(actual) == sorted(expected), "files added or missing: run python tests/golden_tree.py and review"
    changed = [name for name in expected if actual[name] != expected[name]]
    assert not changed, f"files changed: {changed} (python tests/golden_tree.py regenerates; review the diff)"


def test_a_build_by_the_stages_alone_gives_the_golden_tree(tmp_path: Path) -> None:
    assert_golden(build_fixture(tmp_path, speed=False))


def test_a_cold_build_with_the_speed_layer_and_no_cache_gives_the_golden_tree(tmp_path: Path) -> None:
    assert_golden(build_fixture(tmp_path, speed=True, use_cache=False))


def test_cached_builds_and_rebuilds_give_the_golden_tree(tmp_path: Path) -> None:
    out = build_fixture(tmp_path, speed=True, use_cache=True)
    assert_golden(out)
    assert_golden(build_fixture(tmp_path, speed=True, use_cache=True))  # nothing changed: the recorded build

    laureate = tmp_path / "repo" / "content" / "laureates" / "jardin-partage.md"
    original = laureate.read_text("utf-8")
    laureate.write_text(original + "\nUne phrase de plus.\n", "utf-8")
    build_fixture(tmp_path, speed=True, use_cache=True)  # the edit fast path
    laureate.write_text(original, "utf-8")
    assert_golden(build_fixture(tmp_path, speed=True, use_cache=True))  # and back, patched again


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
def test_each_speed_mechanism_switched_off_alone_gives_the_golden_tree(tmp_path: Path, mechanism: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert_golden(build_fixture(tmp_path, speed=True, use_cache=True))  # with every mechanism
    monkeypatch.setenv(VARIABLE, mechanism)  # then without this one, over what the others kept
    test_cached_builds_and_rebuilds_give_the_golden_tree(tmp_path)
    monkeypatch.delenv(VARIABLE)
    assert_golden(build_fixture(tmp_path, speed=True, use_cache=True))  # and with it again


def test_switching_the_speed_layer_off_and_on_between_builds_gives_the_golden_tree(tmp_path: Path) -> None:
    build_fixture(tmp_path, speed=True, use_cache=True)
    laureate = tmp_path / "repo" / "content" / "laureates" / "jardin-partage.md"
    original = laureate.read_text("utf-8")
    laureate.write_text(original + "\nUne phrase de plus.\n", "utf-8")
    build_fixture(tmp_path, speed=False)  # over the speed layer's site: it lists and compares, trusts nothing
    laureate.write_text(original, "utf-8")
    assert_golden(build_fixture(tmp_path, speed=True, use_cache=True))  # its record predates the plain build
    assert_golden(build_fixture(tmp_path, speed=False))
