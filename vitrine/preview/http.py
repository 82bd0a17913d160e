"""The preview's HTTP side: the previewed site's files (``answer``), the French error page while the content has
errors, and livereload's server answering only its own address (``Address``), its WebSocket only its own pages."""

from __future__ import annotations

import html
import logging
import mimetypes
import os
import sys
import traceback
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Callable, Iterable
from urllib.parse import quote, unquote_to_bytes

import livereload
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.httputil import HTTPServerRequest
from tornado.routing import AnyMatches, Matcher, Rule

from vitrine.errors import ContentError
from vitrine.outputs.editor_config import PROXY
from vitrine.preview.address import Address
from vitrine.preview.editor_backend import EditorBackend
from vitrine.preview.editor_http import EditorHandler

if TYPE_CHECKING:
    from vitrine.preview.serve import Preview

MAX_PATH = 2048  # characters of a request's path as sent: the site's longest address is far shorter (else 414)
# The web editor (``outputs/editor.py``): a third-party app, shown even while the content has errors (it is where
# they get fixed), without livereload (a reload after each save would drop what the editor holds).
EDITOR = "/admin/"


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
    if preview.errors and is_html and not (file and url_path.startswith(EDITOR)):
        return Answer(500, error_page(preview.errors), "text/html")
    body = _read(file) if file else None
    if body is None:
        missing = _read(preview.out / "404.html") or "<!doctype html><title>Page introuvable</title>".encode()
        return Answer(404, missing, "text/html")
    kind = "text/yaml" if file.suffix == ".yml" else mimetypes.guess_type(file.name)[0]
    return Answer(200, body, kind or "application/octet-stream")


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
               (re.escape(PROXY["proxy_url"]), EditorHandler, {"backend": EditorBackend(self.preview.root, self.preview.date),
                                                  "address": self.address}),  # the web editor's saves
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
        if reply.kind == "text/html" and not self.request.path.startswith(EDITOR):
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
