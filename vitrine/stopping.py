"""How a command is stopped: SIGTERM (a cancelled CI job, a process manager) unwinds it like Ctrl+C.

Without this, SIGTERM kills the build at once: its ``finally`` blocks never run, its PDF makers and render workers
are orphaned and each prints an English traceback once its pipe breaks. Raised as an exception where Python is, it
stops the build as cleanly as Ctrl+C (``publish/swap.py`` holds both back while ``site/`` is swapped), and
``cli.py`` answers it in one French line.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM, as an exception: a ``KeyboardInterrupt``, so that it unwinds exactly like Ctrl+C."""


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
