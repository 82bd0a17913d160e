"""Forked workers read what one process reads.

Counted, never timed: each rebuild must do the work the edit calls for, and equal a cold build."""

from __future__ import annotations

import gc
import os
import signal
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from vitrine import cli, pipeline
from vitrine.content import read as load
from vitrine.content.read import LoadCache, load_content
from vitrine.speed.parallel import in_chunks, no_full_collection, spread_over
from vitrine.stopping import WorkerLost, children_since, watched
from work import N
from work_fixtures import corpus  # noqa: F401 - fixtures


def test_content_read_by_two_processes_is_the_content_read_by_one(corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(load, "CHUNK_FILES", 8)  # several chunks, so that two processes share them
    (corpus / "content" / "laureates" / "Mauvais Nom.md").write_text("pas de champs", "utf-8")  # errors come back too
    serial, cache = load_content(corpus), LoadCache()
    forked = load_content(corpus, cache, spread_over(2))
    assert forked == serial and len(forked.files) > N and forked.errors
    assert cache.reads == len(cache.entries) > N



def _raised_in_a_thread(work: Callable[[], object], seconds: float) -> BaseException | None:
    """What ``work`` raised, run in a thread (a parent that waits forever fails the test instead of hanging it)."""
    caught: list[BaseException] = []
    done = threading.Event()

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - whatever it is, the test says it
            caught.append(exc)
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(seconds), "the parent still waits for the killed process's work"
    return caught[0] if caught else None


def _dies_in_its_second_chunk(start: int, end: int) -> int:
    if start == 1:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer stops a process
    time.sleep(0.05)
    return start


def test_a_worker_killed_stops_the_work_with_a_french_message_not_a_hang() -> None:
    """A worker killed mid-chunk (SIGKILL: the out-of-memory killer, a process manager): its chunk never comes
    back. Before, the parent waited for it forever (multiprocessing's pool starts another worker and forgets
    the chunk): a deploy job hung until its CI's time limit. Now the work stops, in French, and the pool's
    other workers are stopped."""
    lost = _raised_in_a_thread(lambda: list(in_chunks(_dies_in_its_second_chunk, 8, 2, 0, 1)), 30)
    assert isinstance(lost, WorkerLost), lost
    assert str(lost).startswith("un processus de travail s'est arrêté net"), lost


def test_a_worker_killed_is_told_in_french_without_calling_it_a_bug(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """What the out-of-memory killer does to a render worker comes back as one French line with the way round
    (not « Erreur interne … signalez-la »), exit 3, site/ untouched."""
    def killed(*args: object, **kwargs: object) -> None:
        raise WorkerLost("un processus de travail s'est arrêté net (tué par le signal 9 : peut-être faute de mémoire), "
                         "le travail ne peut pas être terminé")

    monkeypatch.setattr(pipeline, "build", killed)
    assert cli.main(["--root", str(repo), "build", "--no-cache"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Construction interrompue : un processus de travail s'est arrêté net (tué par le signal 9")
    assert "site/ n'a pas été modifié" in err and "--jobs 1" in err and "Erreur interne" not in err
    assert not (repo / "site").exists()


def test_a_spawned_worker_killed_stops_its_pool_s_work_too() -> None:
    """The PDF makers' pool (spawned processes, ``outputs/catalogue_print.py``), each about 100 MB, the likelier
    prey of the out-of-memory killer: a killed one stopped the build forever, as the render workers did."""
    import multiprocessing  # noqa: PLC0415 - as the build imports it, when it starts processes

    def run() -> None:
        before = set(multiprocessing.active_children())
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            list(watched(pool.imap(signal.raise_signal, [signal.SIGKILL]), children_since(before)))

    lost = _raised_in_a_thread(run, 60)
    assert isinstance(lost, WorkerLost), lost
    assert "tué par le signal 9" in str(lost)


def test_the_command_line_makes_no_full_collection_and_its_forked_workers_do() -> None:
    before = gc.get_threshold()
    with no_full_collection():
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > 1_000_000
        in_workers = [result for _, _, result in in_chunks(lambda start, end: gc.get_threshold(), 2, 2, 1, 1)]
        assert in_workers == [before, before]
    assert gc.get_threshold() == before
