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
import html
import logging
import mimetypes
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import quote, unquote

import livereload
import watchfiles
from livereload.handlers import LiveReloadHandler
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop

from .build import CACHE_DIR, BuildOptions, BuildReport, BuildState, build, theme_dir
from .errors import ContentError, io_failure
from .record import Inputs, rescan, scan_inputs
from .write import adopt, prepare_staging, publication_lock

PREVIEW_DIR = "preview"


class Preview:
    """The previewed site: its build state, kept for the server's lifetime, and the last build's problems.

    A save costs the files it changed, not a ``stat`` of every input: the watcher's paths are handed to
    ``rebuild``, which stat()s only those to update the last scan (``record.rescan``: the same files and digest
    as a full scan). Every input is scanned again whenever that is in doubt: at the first build, when the paths
    name a folder, a link or anything ``rescan`` cannot place, after an internal error, once the watcher is in
    place (what changed before it went unseen), and between saves every ``FULL_SCAN_EVERY`` saves (the kernel
    may drop events when its queue overflows, and watchfiles does not say so).
    """

    FULL_SCAN_EVERY = 32

    def __init__(self, root: Path, date: Callable[[], dt.date]):
        self.root = root
        self.out = root / CACHE_DIR / PREVIEW_DIR
        adopt(self.out)  # made inside Vitrine's cache by a version that did not mark its folders
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


# --- HTTP ---------------------------------------------------------------------------------------------------------

def wsgi_app(preview: Preview) -> Callable:
    """Serve the preview folder; while the content has errors, every HTML request gets the error page."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        url_path = unquote(environ.get("PATH_INFO") or "/")
        file, redirect = resolve(preview.out, url_path)
        if redirect:
            return _respond(start_response, "301 Moved Permanently", b"", [("Location", quote(redirect))])
        is_html = (file or Path(url_path)).suffix in ("", ".html")
        if preview.errors and is_html:
            return _respond(start_response, "500 Internal Server Error", error_page(preview.errors), [], "text/html")
        if file is None:
            missing = preview.out / "404.html"
            body = missing.read_bytes() if missing.is_file() else "<!doctype html><title>Page introuvable</title>".encode()
            return _respond(start_response, "404 Not Found", body, [], "text/html")
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return _respond(start_response, "200 OK", file.read_bytes(), [], kind)

    return app


def resolve(out: Path, url_path: str) -> tuple[Path | None, str | None]:
    """The file a URL path names inside ``out`` (``…/`` → ``…/index.html``), or a redirect adding the final slash."""
    parts = [p for p in url_path.split("/") if p not in ("", ".")]
    if ".." in parts or any("\\" in p or "\0" in p for p in parts):
        return None, None
    target = out.joinpath(*parts)
    if target.is_dir():
        if not url_path.endswith("/"):
            return None, url_path + "/"  # relative links need the trailing slash
        target = target / "index.html"
    return (target, None) if target.is_file() else (None, None)


def _respond(start_response: Callable, status: str, body: bytes, headers: list, kind: str | None = None) -> list[bytes]:
    if kind:
        charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith(("xml", "javascript", "json")) else ""
        headers = headers + [("Content-Type", kind + charset)]
    start_response(status, headers + [("Cache-Control", "no-store"), ("Content-Length", str(len(body)))])
    return [body]


def error_page(errors: Iterable[ContentError]) -> bytes:
    """The French page shown instead of the site while the content has errors."""
    errors = list(errors)
    items = "\n".join(f"<li>{html.escape(str(e), quote=False)}</li>" for e in errors)
    return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Erreurs dans le contenu — prévisualisation</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<main id="contenu" class="wrap preview-errors">
<h1>Le site ne peut pas être construit</h1>
<p>{len(errors)} erreur(s) à corriger. Chaque ligne donne le fichier, le numéro de ligne, le champ,
le problème et, après le tiret, ce qu’il faut faire.</p>
<ul>
{items}
</ul>
<p>Corrigez puis enregistrez le fichier&nbsp;: cette page se recharge d’elle-même et le site revient.</p>
</main>
</body>
</html>
""".encode("utf-8")


# --- livereload -----------------------------------------------------------------------------------------------------

class PreviewServer(livereload.Server):
    """livereload's server, with its script loaded from the same origin (the pages' CSP forbids inline scripts)."""

    def __init__(self, app: Callable, watcher: Watcher, port: int, announce: Callable[[], None]):
        super().__init__(app=app, watcher=watcher)
        self.script = f'<script src="/livereload.js?port={port}" defer></script>'.encode()
        self.announce = announce

    def application(self, *args: object, **kwargs: object) -> None:
        super().application(*args, **kwargs)  # listens, or raises OSError when the port is taken
        self.announce()

    def get_web_handlers(self, script: bytes) -> list:
        # livereload passes an inline snippet that writes this same tag; we write it directly.
        return [(r".*", web.FallbackHandler, {"fallback": LiveScriptContainer(self.app, self.script)})]

    def _setup_logging(self) -> None:
        """Keep the terminal for Vitrine's own French messages (the error page's 500s are not news)."""
        logging.getLogger("tornado.access").addHandler(logging.NullHandler())
        logging.getLogger("tornado.access").propagate = False


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
