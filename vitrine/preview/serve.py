"""``serve``: the editors' live preview.

The site is built, drafts included, into ``.vitrine-cache/preview/`` (never
into ``site/``) and served by livereload. One long-lived ``BuildState`` keeps
what was read and what each page was made from, so a save re-reads only the
changed file and re-renders only the pages it can change. The operating system
reports changes (watchfiles: inotify, FSEvents…) instead of livereload's
800 ms polling, so a save shows in the browser within the time of a rebuild.

While the content has errors the server keeps running and answers every HTML
request with a French page listing them; the next good build brings the site
back, and the open tab reloads itself after every rebuild.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Callable, Iterable

import watchfiles
from livereload.handlers import LiveReloadHandler

from vitrine.pipeline import CACHE_DIR, BuildOptions, BuildReport, BuildState, build, theme_dir
from vitrine.errors import ContentError
from vitrine.preview.http import PreviewServer, wsgi_app
from vitrine.preview.watcher import ChangeWatcher
from vitrine.speed.inputs import Inputs, rescan, scan_inputs
from vitrine.publish.swap import publication_lock
from vitrine.speed.trees import prepare_staging

PREVIEW_DIR = "preview"


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

    def __init__(self, root: Path, date: Callable[[], dt.date]):
        self.root = root
        self.out = root / CACHE_DIR / PREVIEW_DIR
        self.date = date
        self.state = BuildState.open(self._options())
        self.state.save_later = True  # in ``settle``, once the browser is told
        self.errors: tuple[ContentError, ...] = ()
        self.inputs: Inputs | None = None  # as last scanned, in full or from the watcher's paths
        self.rescans = 0  # scans made from the watcher's paths since the last full one
        self.postponed: set[str] = set()  # paths changed since the last scan that called for no rebuild

    def _options(self) -> BuildOptions:
        return BuildOptions(root=self.root, out=self.out, today=self.date(), drafts=True, search=False)

    def rebuild(self, changed: Iterable[str] | None = None) -> BuildReport:
        """Build incrementally; remember the errors so pages can show them instead of a stale site.

        ``changed``: the paths the watcher reported since the last rebuild but those ``postpone``d (only these
        are stat()ed); None: scan every input."""
        options = self._options()
        try:
            self.inputs = self._scanned(options, None if changed is None else self.postponed.union(changed))
            self.postponed = set()
            report = build(options, self.state, self.inputs)
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
        """Between two saves, once the browser is told: keep the build's record, snapshot and trees on disk for a
        later process (``BuildState.save``), scan every input again if it is time (see the class), collect the
        last build's garbage and set what survives (the site's model, thousands of objects kept for the next save)
        aside from later collections, which would otherwise walk all of it, again and again, during the next
        rebuild. What it keeps is acyclic (records, pages): freed by reference counting once replaced, frozen or
        not. The staging tree is brought to the published site too (made after a first build, else repaired)."""
        with publication_lock(self.out):
            prepare_staging(self.out, self.state.trees)  # else the next save would, before writing its first file
            self.state.save()
        if self.rescans >= self.FULL_SCAN_EVERY:
            self.inputs_changed()  # a change it finds is built at the next save, as a change missed always was
        gc.collect()
        gc.freeze()

    def watched_paths(self) -> list[Path]:
        paths = [self.root / "content", theme_dir(self.root, "templates"), theme_dir(self.root, "static")]
        return [p for p in dict.fromkeys(paths) if p.is_dir()]


def serve(root: Path, host: str, port: int, date: Callable[[], dt.date]) -> int:
    """Build, serve and rebuild on every save until Ctrl+C (or SIGTERM); 0 when stopped, 1 if it cannot start."""
    preview = Preview(root, date)
    started = time.perf_counter()
    _report(preview.rebuild(), started, first=True)
    preview.settle()
    watcher = ChangeWatcher(lambda changed: _on_change(preview, changed), lambda: _on_watching(preview))
    server = PreviewServer(wsgi_app(preview), watcher, port, announce=lambda: print(
        f"Prévisualisation sur http://{host}:{port}/ (brouillons compris). "
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
    LiveReloadHandler.reload_waiters(_reload_path(changed))
    preview.settle()


def _reload_path(changed: list[str]) -> str:
    """livereload.js swaps a stylesheet in place when told a .css file changed; anything else reloads the page."""
    others = [p for p in changed if not p.endswith(".css")]
    return (others or changed or ["*"])[0]


def _report(report: BuildReport, started: float, first: bool = False) -> None:
    clock = time.strftime("%H:%M:%S")
    elapsed = (time.perf_counter() - started) * 1000
    if report.ok:
        for warning in report.warnings:
            print(f"avertissement : {warning}", file=sys.stderr)
        what = "Site construit" if first else "Reconstruit"
        print(f"[{clock}] {what} en {elapsed:.0f} ms : {report.rendered} page(s) rendue(s) sur {report.pages}.",
              flush=True)
    else:
        for error in report.errors:
            print(error, file=sys.stderr)
        print(f"[{clock}] {len(report.errors)} erreur(s) : le navigateur affiche leur liste "
              "jusqu'à ce qu'elles soient corrigées.", file=sys.stderr, flush=True)
