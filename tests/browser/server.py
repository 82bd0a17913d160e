"""A small static server for the browser tests: one built site, served from a sub-folder.

It behaves like an ordinary static host: ``/sous/dossier/x/`` serves
``x/index.html``, a folder without its final slash is redirected, anything else
(including every path outside the sub-folder) answers 404 with the site's
``404.html``. It never lists a folder, never answers 304 (every response in the
tests is a fresh 200 or a failure) and records each path it was asked for.
"""

from __future__ import annotations

import mimetypes
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PREFIX = "/sous/dossier/"
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript",
         ".mjs": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
         ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8", ".csv": "text/csv; charset=utf-8",
         ".webp": "image/webp", ".avif": "image/avif"}


class SiteServer(ThreadingHTTPServer):
    """Serves ``root`` at ``http://127.0.0.1:PORT/sous/dossier/`` until ``close()``."""

    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root.resolve()
        self.requested: list[str] = []
        self._thread = threading.Thread(target=self.serve_forever, name="site-server", daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.origin + PREFIX

    def start(self) -> "SiteServer":
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self.shutdown()
            self._thread.join()
        self.server_close()

    def resolve(self, path: str) -> tuple[HTTPStatus, Path]:
        """(200, the file) or (301, a folder asked without its slash) or (404, the 404 page) for a URL path."""
        if not path.startswith(PREFIX):
            return HTTPStatus.NOT_FOUND, self.root / "404.html"
        target = (self.root / path[len(PREFIX):]).resolve()
        if target != self.root and self.root not in target.parents:
            return HTTPStatus.NOT_FOUND, self.root / "404.html"
        if target.is_dir():
            if not path.endswith("/"):
                return HTTPStatus.MOVED_PERMANENTLY, target  # to path + "/"
            target = target / "index.html"
        if target.is_file():
            return HTTPStatus.OK, target
        return HTTPStatus.NOT_FOUND, self.root / "404.html"


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.requested.append(path)
        status, target = self.server.resolve(path)
        if status == HTTPStatus.MOVED_PERMANENTLY:
            self.send_response(status)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = target.read_bytes() if target.is_file() else b"404 (no 404.html)"
        self.send_response(status)
        self.send_header("Content-Type", TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
                         or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet: the tests report
        pass
