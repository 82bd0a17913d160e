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
import html
import ipaddress
import logging
import mimetypes
import os
import signal
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator
from urllib.parse import quote, unquote_to_bytes, urlsplit

import livereload
import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.httputil import HTTPServerRequest
from tornado.ioloop import IOLoop
from tornado.routing import AnyMatches, Matcher, Rule

from .build import CACHE_DIR, BuildOptions, BuildReport, BuildState, build, theme_dir
from .errors import ContentError, io_failure
from .record import Inputs, rescan, scan_inputs
from .write import adopt, prepare_staging, publication_lock

PREVIEW_DIR = "preview-{port}"  # one per port: two previews (two dates…) never share their files


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


# --- HTTP ---------------------------------------------------------------------------------------------------------

MAX_PATH = 2048  # characters of a request's path as sent: the site's longest address is far shorter (else 414)
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("", "0.0.0.0", "::")  # listening on every address of the machine


@dataclass(frozen=True)
class Address:
    """Where the preview listens, and which ``Host`` and ``Origin`` values name it.

    A page of another site can make the browser send requests here, under its own name once its DNS points to
    127.0.0.1 (DNS rebinding): the browser then lets that page read the answers, drafts included. Answering only the
    names of this address (the loopback's, the ``--host`` given) closes that door; on a wildcard address (0.0.0.0,
    to preview from a phone) the machine's own IP addresses are accepted as well: no DNS can rebind an IP literal.
    """

    host: str
    port: int

    @property
    def url(self) -> str:
        name = "127.0.0.1" if self.host in WILDCARDS else f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{name}:{self.port}/"

    @property
    def hosts(self) -> frozenset[str]:
        names = {*LOOPBACK, f"[{self.host}]" if ":" in self.host else self.host}
        ports = (f":{self.port}", "") if self.port == 80 else (f":{self.port}",)  # a browser omits port 80
        return frozenset(name.lower() + port for name in names for port in ports)

    def allows_host(self, value: str | None) -> bool:
        """Whether a request's ``Host`` header names this preview."""
        if not value:
            return False
        value = value.lower()
        if value in self.hosts:
            return True
        if self.host not in WILDCARDS:
            return False
        try:
            parts = urlsplit("//" + value)
            ipaddress.ip_address(parts.hostname or "")
            return (parts.port or 80) == self.port and not parts.username and not parts.path
        except ValueError:
            return False

    def allows_origin(self, origin: str) -> bool:
        """Whether a WebSocket's ``Origin`` is one of this preview's own pages."""
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.path in ("", "/") and self.allows_host(parts.netloc)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    kind: str | None = None  # the Content-Type
    location: str | None = None  # a redirect's target: a path on this server, never an address


def answer(preview: Preview, raw_path: str, query: str = "") -> Answer:
    """The answer to ``GET raw_path`` (as sent, percent-encoded): the preview folder's file, a redirect adding a
    folder's final slash, the error page while the content has errors, else 404 with the site's 404 page."""
    if len(raw_path) > MAX_PATH:
        return Answer(414, "Adresse trop longue.\n".encode(), "text/plain")
    try:
        url_path = unquote_to_bytes(raw_path).decode("utf-8")  # decoded once: %252e stays a literal "%2e"
    except UnicodeDecodeError:  # no file of the site has such a name
        url_path = None
    file, redirect = resolve(preview.out, url_path) if url_path is not None else (None, None)
    if redirect:
        return Answer(301, location=quote(redirect) + (f"?{quote(query, safe='=&+%')}" if query else ""))
    is_html = PurePosixPath(file.name if file else url_path or "").suffix in ("", ".html")
    if preview.errors and is_html:
        return Answer(500, error_page(preview.errors), "text/html")
    body = _read(file) if file else None
    if body is None:
        missing = _read(preview.out / "404.html") or "<!doctype html><title>Page introuvable</title>".encode()
        return Answer(404, missing, "text/html")
    return Answer(200, body, mimetypes.guess_type(file.name)[0] or "application/octet-stream")


def resolve(out: Path, url_path: str) -> tuple[Path | None, str | None]:
    """The file a URL path names inside ``out`` (``…/`` → ``…/index.html``), or a redirect adding the final slash.

    Nothing outside ``out`` is ever named: no ``..``, backslash or NUL, and no link leading out of it. A redirect is
    a path with one leading slash (``//name/`` would name another server)."""
    parts = [p for p in url_path.split("/") if p not in ("", ".")]
    if ".." in parts or any("\\" in p or "\0" in p for p in parts):
        return None, None
    target = out.joinpath(*parts)
    try:
        if target.is_dir():
            if not url_path.endswith("/"):
                return None, "/" + "".join(p + "/" for p in parts)  # relative links need the trailing slash
            target = target / "index.html"
        if not target.is_file() or not target.resolve().is_relative_to(out.resolve()):
            return None, None
    except (OSError, ValueError):  # a name too long for the system, a loop of links…: no such page
        return None, None
    return target, None


def _read(file: Path) -> bytes | None:
    try:
        return file.read_bytes()
    except OSError:  # gone since (a rebuild), or unreadable: as if it had never been there
        return None


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
    """livereload's server, answering only its own address, with its script loaded from the same origin (the pages'
    CSP forbids inline scripts)."""

    def __init__(self, preview: Preview, watcher: Watcher, address: Address, announce: Callable[[], None]):
        super().__init__(watcher=watcher)
        self.preview = preview
        self.address = address
        self.announce = announce

    def application(self, port: int, host: str, liveport: int | None = None, debug: bool | None = None,
                    live_css: bool = True) -> None:
        """livereload's application, made here: no ``/forcereload`` (any page could reload the tab), the WebSocket
        accepts this preview's pages only, and a request naming another host is refused before any handler."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css
        script = f'<script src="/livereload.js?port={port}" defer></script>'.encode()
        own = [(r"/livereload", ReloadSocket, {"address": self.address}),
               (r"/livereload\.js", LiveReloadJSHandler),
               (r".*", PageHandler, {"preview": self.preview, "script": script})]
        app = web.Application([Rule(_NamesThis(self.address), own),
                               Rule(AnyMatches(), RefusedHost, {"address": self.address})], debug=False)
        app.listen(port, address=host)  # or raises OSError when the port is taken
        self.announce()

    def _setup_logging(self) -> None:
        """Keep the terminal for Vitrine's own French messages (the error page's 500s are not news)."""
        logging.getLogger("tornado.access").addHandler(logging.NullHandler())
        logging.getLogger("tornado.access").propagate = False


class _NamesThis(Matcher):
    def __init__(self, address: Address):
        self.address = address

    def match(self, request: HTTPServerRequest) -> dict | None:
        return {} if self.address.allows_host(request.headers.get("Host")) else None


class PageHandler(web.RequestHandler):
    """The previewed site (``answer``), with livereload's script in every page; GET and HEAD only."""

    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, preview: Preview, script: bytes) -> None:
        self.preview = preview
        self.script = script

    def get(self) -> None:
        try:
            reply = answer(self.preview, self.request.path, self.request.query)
        except Exception as exc:  # a bug of ours: one French line in the terminal, never a traceback
            print(f"prévisualisation : erreur interne en servant une page ({exc!r}) "
                  "— relancez avec VITRINE_DEBUG=1 pour le détail et signalez-la", file=sys.stderr, flush=True)
            if os.environ.get("VITRINE_DEBUG"):
                traceback.print_exc()
            reply = Answer(500, "Erreur interne de la prévisualisation : voir le terminal.\n".encode(), "text/plain")
        body = reply.body
        if reply.kind == "text/html":
            body = body.replace(b"</head>", self.script + b"</head>", 1)
        self.set_status(reply.status)
        if reply.location:
            self.set_header("Location", reply.location)
        if reply.kind:
            text = reply.kind.startswith("text/") or reply.kind.endswith(("xml", "javascript", "json"))
            self.set_header("Content-Type", reply.kind + ("; charset=utf-8" if text else ""))
        self.set_header("Cache-Control", "no-store")
        self.finish(body)  # tornado sends no body to HEAD

    head = get

    def write_error(self, status_code: int, **kwargs: object) -> None:
        """Tornado's own refusals (a POST, an unknown method…), in French."""
        if status_code == 405:
            self.set_header("Allow", "GET, HEAD")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("La prévisualisation ne fait que montrer des pages (GET et HEAD seulement).\n"
                    if status_code == 405 else f"Requête refusée ({status_code}).\n")


class RefusedHost(web.RequestHandler):
    """Every request naming another host than this preview: a DNS-rebinding page reads nothing."""

    SUPPORTED_METHODS = ("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS")

    def initialize(self, address: Address) -> None:
        self.address = address

    def prepare(self) -> None:
        self.set_status(403)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f"Adresse refusée : cette prévisualisation ne répond qu’à {self.address.url} "
                    "(ou localhost sur le même port).\n")

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.finish(f"Requête refusée ({status_code}).\n")


class ReloadSocket(LiveReloadHandler):
    """livereload's WebSocket, for this preview's own pages only (livereload accepts every origin)."""

    def initialize(self, address: Address) -> None:
        self.address = address

    def check_origin(self, origin: str) -> bool:
        return self.address.allows_origin(origin)

    def on_message(self, message: str | bytes) -> None:
        try:
            super().on_message(message)
        except (ValueError, TypeError, AttributeError):  # not livereload's protocol: ignored, not a traceback
            pass


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
