"""Forked workers read what one process reads.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

from pathlib import Path


from vitrine.content import read as load
from vitrine.content.read import LoadCache, load_content
from vitrine.speed.parallel import spread_over
from work import N
from work_fixtures import corpus  # noqa: F401 - fixtures


def test_content_read_by_two_processes_is_the_content_read_by_one(corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(load, "CHUNK_FILES", 8)  # several chunks, so that two processes share them
    (corpus / "content" / "laureates" / "Mauvais Nom.md").write_text("pas de champs", "utf-8")  # errors come back too
    serial, cache = load_content(corpus), LoadCache()
    forked = load_content(corpus, cache, spread_over(2))
    assert forked == serial and len(forked.files) > N and forked.errors
    assert cache.reads == len(cache.entries) > N

