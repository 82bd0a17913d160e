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
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
