"""Changes reported by the operating system (watchfiles: inotify, FSEvents…) instead of livereload's polling."""

from __future__ import annotations

import threading
from typing import Callable

import watchfiles
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop


class ChangeWatcher(Watcher):
    """A livereload watcher told about changes by the operating system, on a background thread.

    Each batch of changes is handed to ``on_change`` on the server's event loop,
    so rebuilding and serving never run at the same time.
    """

    READY_TIMEOUT_MS = 250

    def __init__(self, on_change: Callable[[list[str]], None], on_ready: Callable[[], None] = lambda: None):
        super().__init__()
        self.on_change = on_change
        self.on_ready = on_ready  # called once, when the watch is in place
        self._stop = threading.Event()
        self._ready = threading.Event()

    def start(self, callback: Callable) -> bool:
        loop = IOLoop.current()
        paths = list(self._tasks)
        thread = threading.Thread(target=self._run, args=(loop, paths), name="vitrine-watch", daemon=True)
        thread.start()
        self._ready.wait(timeout=5)
        return True  # livereload must not poll as well

    def _run(self, loop: IOLoop, paths: list[str]) -> None:
        # An empty batch comes back after each timeout: the first one means the OS watch is in place. Every change
        # is reported, editors' temporary files included: the preview's scan of the inputs counts them too.
        for changes in watchfiles.watch(*paths, watch_filter=None, stop_event=self._stop, yield_on_timeout=True,
                                        rust_timeout=self.READY_TIMEOUT_MS, debounce=400, step=30,
                                        raise_interrupt=False):
            if not self._ready.is_set():
                self._ready.set()
                loop.add_callback(self.on_ready)
            if changes:
                loop.add_callback(self.on_change, sorted(path for _, path in changes))

    def stop(self) -> None:
        self._stop.set()
