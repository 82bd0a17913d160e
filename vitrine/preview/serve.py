"""``serve``: the editors' live preview.

The site is built, drafts included, into ``.vitrine-cache/preview-<port>/`` (never
into ``site/``) and served by livereload. One long-lived ``BuildState`` keeps
what was read and what each page was made from, so a save re-reads only the
changed file and re-renders only the pages it can change. The operating system
reports changes (watchfiles: inotify, FSEvents…) instead of livereload's
800 ms polling, so a save shows in the browser within the time of a rebuild.

While the content has errors the server keeps running and answers every HTML
request with a French page listing them; the next good build brings the site
back, and the open tab reloads itself after every rebuild.

The server answers only requests naming its own address (``Address``: a page of another site that had its name
point here reads nothing), its WebSocket only its own pages, with no path of this machine; each port has its own
folder, held by one preview at a time (``claimed``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import gc
import os
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import watchfiles
from livereload.handlers import LiveReloadHandler

from vitrine.engine import CACHE_DIR, theme_dir
from vitrine.errors import ContentError, io_failure
from vitrine.options import BuildOptions, BuildReport
from vitrine.pipeline import build
from vitrine.preview.address import Address
from vitrine.preview.http import PreviewServer
from vitrine.preview.watcher import ChangeWatcher
from vitrine.publish.marker import adopt
from vitrine.publish.swap import publication_lock
from vitrine.speed.inputs import Inputs, rescan, scan_inputs
from vitrine.speed.state import BuildState

PREVIEW_DIR = "preview-{port}"  # one per port: two previews (two dates…) never share their files


class Preview:
    """The previewed site: its build state, kept for the server's lifetime, and the last build's problems.

    A save costs the files it changed, not a ``stat`` of every input: the watcher's paths are handed to
    ``rebuild``, which stat()s only those to update the last scan (``speed.inputs.rescan``: the same files and digest
    as a full scan). Every input is scanned again whenever that is in doubt: at the first build, when the paths
    name a folder, a link or anything ``rescan`` cannot place, after an internal error, once the watcher is in
    place (what changed before it went unseen), and between saves every ``FULL_SCAN_EVERY`` saves (the kernel
    may drop events when its queue overflows, and watchfiles does not say so).
    """

    FULL_SCAN_EVERY = 32

    def __init__(self, root: Path, date: Callable[[], dt.date], port: int = 8000):
        self.root = root
        self.out = root / CACHE_DIR / PREVIEW_DIR.format(port=port)
        adopt(self.out)  # made inside Vitrine's cache by a version that did not mark its folders
        self.date = date
        self.state = BuildState.open(self._options())
        self.state.save_later = True  # in ``settle``, once the browser is told
        self.errors: tuple[ContentError, ...] = ()
        self.inputs: Inputs | None = None  # as last scanned, in full or from the watcher's paths
        self.rescans = 0  # scans made from the watcher's paths since the last full one
        self.postponed: set[str] = set()  # paths changed since the last scan that called for no rebuild

    def _options(self) -> BuildOptions:
        return BuildOptions(root=self.root, out=self.out, today=self.date(), drafts=True, search=False,
                            local_editor=True)  # /admin/ edits the files through the preview

    def rebuild(self, changed: Iterable[str] | None = None) -> BuildReport:
        """Build incrementally; remember the errors so pages can show them instead of a stale site.

        ``changed``: the paths the watcher reported since the last rebuild but those ``postpone``d (only these
        are stat()ed); None: scan every input."""
        options = self._options()
        try:
            self.inputs = self._scanned(options, None if changed is None else self.postponed.union(changed))
            self.postponed = set()
            report = build(options, self.state, self.inputs)
        except OSError as exc:  # a full disk, a read-only folder: say where and why on the page, and keep serving
            self.inputs = None  # and trust no earlier scan
            where, cause, hint = io_failure(exc, self.root)
            report = BuildReport(errors=(ContentError(where or "vitrine", 1, "écriture impossible", cause,
                                                      f"{hint} ; la page se met à jour au prochain enregistrement"),))
        except Exception as exc:  # a bug of ours: say so on the page and keep serving
            self.inputs = None  # and trust no earlier scan
            if os.environ.get("VITRINE_DEBUG"):
                traceback.print_exc()
            report = BuildReport(errors=(ContentError("vitrine", 1, "erreur interne", repr(exc),
                                                      "relancez avec VITRINE_DEBUG=1 pour le détail et signalez-la"),))
        self.errors = report.errors
        return report

    def _scanned(self, options: BuildOptions, changed: Iterable[str] | None) -> Inputs:
        if changed is not None and self.inputs is not None:
            changed = set(changed)
            inputs = rescan(options, self.inputs, changed)
            if inputs is not None:
                self.rescans += bool(changed)  # no path: nothing that could have been missed
                return inputs
        self.rescans = 0
        return scan_inputs(options)

    def postpone(self, changed: Iterable[str]) -> None:
        """Paths the watcher reported that call for no rebuild, to stat() at the next."""
        self.postponed.update(changed)

    def inputs_changed(self) -> bool:
        """Scan every input again: whether any changed since the last scan (the next rebuild starts from this one)."""
        before = self.inputs
        self.inputs, self.rescans, self.postponed = scan_inputs(self._options()), 0, set()
        return before is None or before.digest != self.inputs.digest

    def settle(self) -> None:
        """Between two saves, once the browser is told: keep the build's record and snapshot on disk for a
        later process (``BuildState.save``), scan every input again if it is time (see the class), collect the
        last build's garbage and set what survives (the site's model, thousands of objects kept for the next save)
        aside from later collections, which would otherwise walk all of it, again and again, during the next
        rebuild. What it keeps is acyclic (records, pages): freed by reference counting once replaced, frozen or
        not."""
        with publication_lock(self.out):
            self.state.save()
        if self.rescans >= self.FULL_SCAN_EVERY:
            self.inputs_changed()  # a change it finds is built at the next save, as a change missed always was
        gc.collect()
        gc.freeze()

    def watched_paths(self) -> list[Path]:
        paths = [self.root / "content", theme_dir(self.root, "templates"), theme_dir(self.root, "static")]
        return [p for p in dict.fromkeys(paths) if p.is_dir()]


class PreviewBusy(Exception):
    """Another preview serves from the same folder (the same port): its address, if it wrote it yet."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


@contextmanager
def claimed(root: Path, address: Address) -> Iterator[None]:
    """Hold the port's preview folder for this process: a second preview on that port would rebuild (with its own
    date…) what the first one serves; it is refused with the first one's address instead. The lock is the
    kernel's, released however the process ends."""
    lock = root / CACHE_DIR / f"{PREVIEW_DIR.format(port=address.port)}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PreviewBusy(os.read(fd, 1024).decode("utf-8", "replace").strip()) from None
        os.ftruncate(fd, 0)
        os.write(fd, address.url.encode())
        yield
    finally:
        os.close(fd)


def serve(root: Path, host: str, port: int, date: Callable[[], dt.date]) -> int:
    """Build, serve and rebuild on every save until Ctrl+C (or SIGTERM); 0 when stopped, 1 if it cannot start."""
    address = Address(host, port)
    try:
        with claimed(root, address):
            return _serve(root, address, date)
    except PreviewBusy as busy:
        print(f"Une prévisualisation tourne déjà sur ce port : {busy.url or f'port {port}'} — ouvrez-la dans le "
              "navigateur, ou arrêtez-la (Ctrl+C dans son terminal) ; pour une seconde prévisualisation, "
              f"choisissez un autre port, par exemple --port {port + 1}.", file=sys.stderr)
        return 1


def _serve(root: Path, address: Address, date: Callable[[], dt.date]) -> int:
    host, port = address.host, address.port
    preview = Preview(root, date, port)
    started = time.perf_counter()
    _report(preview.rebuild(), started, first=True)
    preview.settle()
    watcher = ChangeWatcher(lambda changed: _on_change(preview, changed), lambda: _on_watching(preview))
    server = PreviewServer(preview, watcher, address, announce=lambda: print(
        f"Prévisualisation sur {address.url} (brouillons compris). "
        "Enregistrez un fichier : la page se met à jour. Ctrl+C pour arrêter.", flush=True))
    for path in preview.watched_paths():
        server.watch(str(path))
    for signum in (signal.SIGINT, signal.SIGTERM):  # terminate stops as cleanly as Ctrl+C, even in the background
        signal.signal(signum, signal.default_int_handler)
    try:
        server.serve(port=port, host=host, debug=False, restart_delay=0)
    except OSError as exc:
        print(f"Impossible d'écouter sur {host}:{port} ({exc.strerror}) : "
              f"choisissez un autre port, par exemple --port {port + 1}.", file=sys.stderr)
        return 1
    finally:
        watcher.stop()
    print("Prévisualisation arrêtée.", flush=True)
    return 0


_WORTH_A_REBUILD = watchfiles.DefaultFilter()  # not editors' backups and swap files, nor version control's


def _on_change(preview: Preview, changed: list[str]) -> None:
    if any(_WORTH_A_REBUILD(watchfiles.Change.modified, path) for path in changed):
        _rebuild(preview, changed)
    else:
        preview.postpone(changed)  # no rebuild for them, but they are inputs all the same: stat()ed at the next


def _on_watching(preview: Preview) -> None:
    """The watcher is in place: build what changed since the first build, unseen until now, if anything did."""
    if preview.inputs_changed():
        _rebuild(preview, [])


def _rebuild(preview: Preview, changed: list[str]) -> None:
    started = time.perf_counter()
    _report(preview.rebuild(changed), started)
    LiveReloadHandler.reload_waiters(_reload_path(changed, theme_dir(preview.root, "static")))
    preview.settle()


def _reload_path(changed: list[str], static: Path) -> str:
    """What livereload.js is told: a design stylesheet's path in the site (it swaps that one in place), else "*"
    (it reloads the page). Never a path of this machine: the page need not learn where the files are."""
    if changed and all(p.endswith(".css") for p in changed):
        inside = Path(changed[0])
        if inside.is_relative_to(static):
            return "static/" + inside.relative_to(static).as_posix()
    return "*"


def _report(report: BuildReport, started: float, first: bool = False) -> None:
    clock = time.strftime("%H:%M:%S")
    elapsed = (time.perf_counter() - started) * 1000
    if report.ok:
        for warning in report.warnings + report.placeholders:
            print(f"avertissement : {warning}", file=sys.stderr)
        what = "Site construit" if first else "Reconstruit"
        print(f"[{clock}] {what} en {elapsed:.0f} ms : {report.rendered} page(s) rendue(s) sur {report.pages}.",
              flush=True)
    else:
        for error in report.errors:
            print(error, file=sys.stderr)
        print(f"[{clock}] {len(report.errors)} erreur(s) : le navigateur affiche leur liste "
              "jusqu'à ce qu'elles soient corrigées.", file=sys.stderr, flush=True)
