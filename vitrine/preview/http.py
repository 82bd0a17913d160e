"""The preview's HTTP side: files of the preview folder, the French error page while the content has errors, and
livereload's server with its script loaded from the same origin."""

from __future__ import annotations

import html
import logging
import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable
from urllib.parse import quote, unquote

import livereload
from livereload.server import LiveScriptContainer
from livereload.watcher import Watcher
from tornado import web

from vitrine.errors import ContentError

if TYPE_CHECKING:
    from vitrine.preview.serve import Preview


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
