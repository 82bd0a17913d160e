"""How a command is stopped: SIGTERM (a cancelled CI job, a process manager) unwinds it like Ctrl+C.

Without this, SIGTERM kills the build at once: its ``finally`` blocks never run, its PDF makers and render workers
are orphaned and each prints an English traceback once its pipe breaks. Raised as an exception where Python is, it
stops the build as cleanly as Ctrl+C (``publish/swap.py`` holds both back while ``site/`` is swapped), and
``cli.py`` answers it in one French line. A worker of a pool stopped from outside (the out-of-memory killer) stops
the command too (``watched``: ``WorkerLost``), where multiprocessing would wait for its task forever.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator, TypeVar

R = TypeVar("R")
# How often the parent, waiting for a pool's result, looks whether a worker died (its task would never come back)
_WATCH_SECONDS = 0.5


class Terminated(KeyboardInterrupt):
    """SIGTERM, as an exception: a ``KeyboardInterrupt``, so that it unwinds exactly like Ctrl+C."""


class WorkerLost(RuntimeError):
    """A pool's worker ended before giving back its task: killed (the out-of-memory killer, a process manager)."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises ``Terminated`` inside the block (only the main thread can handle signals)."""
    if not _main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


STOPS = {signal.SIGINT, signal.SIGTERM}  # how a build is stopped


@contextlib.contextmanager
def starting_processes() -> Iterator[None]:
    """While the build starts processes fresh (PDF makers, the search index): Ctrl+C and SIGTERM held back for it
    (delivered once they are started), and Ctrl+C ignored by what it starts.

    Held back: stopped between starting a process and sending it its start-up data, the build would leave it to
    fail on reading them, in an English traceback. Ignored: Ctrl+C reaches every process of the terminal, and a
    fresh Python takes a tenth of a second to start, during which it would print its own traceback; an ignored
    signal stays ignored in a process started from this one (a handler would not), and Python then leaves it so.
    (Linux keeps a signal that is held back even while it is ignored: the build's own Ctrl+C is not lost.)
    """
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
    try:
        yield
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def in_started_process() -> None:
    """First thing in a process the build started: Ctrl+C ignored (the build stops its processes itself, SIGTERM's
    default ending them quietly), and both signals let through if the process started with them held (whether the
    mask is inherited depends on how Python starts it: held, SIGTERM would never end it, and the build would wait
    forever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def children_since(before: set) -> list:
    """The processes this one started since ``before`` (``multiprocessing.active_children()`` then): a pool's."""
    import multiprocessing  # noqa: PLC0415 - imported already by whoever started them

    return [p for p in multiprocessing.active_children() if p not in before]


def watched(results: Iterator[R], started: list) -> Iterator[R]:
    """The results of a pool's ``imap``, in order; ``WorkerLost`` if one of the workers ``started`` with the pool
    has ended meanwhile. Ours end only when the pool does: multiprocessing's pool starts another in its place and
    forgets the task it was working on, whose result the parent would wait for forever (a deploy job hung until
    its CI's time limit). The render and reading workers (``in_chunks``) and the PDF makers
    (``outputs/catalogue_print.py``) are watched so."""
    import multiprocessing  # noqa: PLC0415 - imported already by whoever made the pool

    while True:
        try:
            yield results.next(timeout=_WATCH_SECONDS)  # type: ignore[attr-defined]
        except StopIteration:
            return
        except multiprocessing.TimeoutError:
            lost = [p.exitcode for p in started if p.exitcode is not None]
            if lost:
                cause = f"tué par le signal {-lost[0]}" if lost[0] < 0 else f"code de sortie {lost[0]}"
                raise WorkerLost(f"un processus de travail s'est arrêté net ({cause} : peut-être faute de mémoire), "
                                 "le travail ne peut pas être terminé") from None
