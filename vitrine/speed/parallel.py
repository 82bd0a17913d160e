"""Work spread over forked processes, for the stages that do one thing to thousands of items.

Workers are forked, so they inherit everything the parent prepared (parsed
content, compiled templates, caches) without pickling it: they receive only
chunk bounds and send back their results, which the parent gets in order, as
they arrive. Below ``min_items`` items, or with one job, the work runs in the
parent: forking costs more than it saves on small sites (and in tests).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
from typing import Any, Callable, Iterator, TypeVar

from vitrine.options import Spread
from vitrine.stopping import children_since, watched

R = TypeVar("R")

# What forked workers run: set by ``in_chunks`` just before it forks them (a fork copies it; nothing is pickled).
_forked_work: Callable[[int, int], object] | None = None


def default_jobs() -> int:
    """The processes a stage may use: the cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_chunks(work: Callable[[int, int], R], count: int, jobs: int | None, min_items: int,
              chunk: int) -> Iterator[tuple[int, int, R]]:
    """``work(start, end)`` over ``range(count)`` cut in chunks of ``chunk`` items: (start, end, result), in order.

    ``jobs``: the processes to use; ``None`` means one per core once there are ``min_items`` items.
    """
    bounds = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    if jobs is None:
        jobs = default_jobs() if count >= min_items else 1
    workers = min(jobs, len(bounds))
    if workers < 2 or not hasattr(os, "fork"):
        for start, end in bounds:
            yield start, end, work(start, end)
        return
    global _forked_work
    _forked_work = work
    try:
        with _pool(workers) as (pool, started):
            for (start, end), result in zip(bounds, watched(pool.imap(_run, bounds), started)):
                yield start, end, result
    finally:
        _forked_work = None


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[tuple[Any, list]]:
    """A pool of ``workers`` forked processes whose thread that watches them sleeps until one dies or the pool
    closes, and the processes it started (``watched`` looks whether one has ended).

    multiprocessing's own also wakes whenever a result is waiting to be read (it watches the results' pipe, for
    workers that exit after so many tasks, which ours never do): while thousands of pages come back, it spun,
    0.35 s of the build's CPU at 4,000 laureates (as much as validating them), taken from the thread reading the
    results.
    """
    import multiprocessing.pool  # noqa: PLC0415 - 8 ms to import: a build with little to do never forks

    class Pool(multiprocessing.pool.Pool):
        def _get_sentinels(self) -> list:  # multiprocessing's (3.8 and later): the results' pipe and its notifier
            results = getattr(getattr(self, "_outqueue", None), "_reader", None)
            return [sentinel for sentinel in super()._get_sentinels() if sentinel is not results]

    before = set(multiprocessing.active_children())  # another stage's (the search index's maker) are not ours
    with Pool(workers, _stopped_quietly, context=multiprocessing.get_context("fork")) as pool:
        yield pool, children_since(before)


# The collector's thresholds before ``no_full_collection``: what a worker forked meanwhile collects by
_thresholds_outside: tuple[int, ...] | None = None


@contextlib.contextmanager
def no_full_collection() -> Iterator[None]:
    """For a build in a process that ends with it (the command line): no full collection of the garbage collector.

    Each walked every object alive, the whole site's model (files read, validated, planned), three times in a cold
    build of 4,000 laureates (0.13 s of CPU), the last while the build's record is kept, with one core idle, and
    found a few hundred objects of garbage. The younger generations are collected as before; the workers forked
    meanwhile collect as Python does (``_stopped_quietly``); the thresholds are put back after (the process then
    freezes what is left as it exits: ``build.py``).
    """
    global _thresholds_outside
    _thresholds_outside = thresholds = gc.get_threshold()
    gc.set_threshold(*thresholds[:2], 1 << 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        _thresholds_outside = None


def _stopped_quietly() -> None:
    """A worker ignores Ctrl+C (it reaches every process of the terminal: the parent stops the workers) and dies
    at once on SIGTERM, which the parent turns into an exception for itself (``cli.py``): a fork inherits that,
    and each worker would print an English traceback.

    It also sets aside, for the garbage collector, every object it inherited (``gc.freeze``: one list moved, no
    object touched): they live as long as the worker, and each full collection in a render worker otherwise
    walked the whole site model (70 ms of CPU at 4,000 laureates), writing to every object's header and so
    copying the parent's memory pages."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.freeze()
    if _thresholds_outside is not None:  # see ``no_full_collection``
        gc.set_threshold(*_thresholds_outside)


def _run(bounds: tuple[int, int]) -> object:
    assert _forked_work is not None
    return _forked_work(*bounds)


def spread_over(jobs: int | None) -> Spread:
    """A stage's ``spread``: ``jobs`` forked processes (None: one per core once there are enough items)."""
    def spread(work: Callable[[int, int], R], count: int, min_items: int, chunk: int) -> Iterator[tuple[int, int, R]]:
        return in_chunks(work, count, jobs, min_items, chunk)
    return spread
