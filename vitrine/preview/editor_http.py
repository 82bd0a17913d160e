"""The web editor's endpoint, ``POST /admin/api/v1``: the HTTP side of ``editor_backend``, for this preview's own
pages only."""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import traceback
from typing import Any

from tornado import web

from vitrine.preview.address import Address
from vitrine.preview.editor_backend import EditorBackend
from vitrine.preview.editor_paths import Refused

MAX_BODY = 32 * 1024 * 1024  # a phone's photo, base64-encoded, with room to spare; a request beyond is refused (413)
# A body over MAX_BODY is still read (and thrown away) up to this size, so the browser gets the French 413 rather
# than a connection cut mid-upload; beyond, the connection is cut.
DISCARDED_BODY = 256 * 1024 * 1024
# What an editor can act on: the size of the file they chose. Base64 makes it a third larger in the body, so a
# 25 MB photo is refused although « 32 MB » would read as allowed.
MAX_FILE_MB = (MAX_BODY * 3 // 4) >> 20


@web.stream_request_body
class EditorHandler(web.RequestHandler):
    """``POST /admin/api/v1`` from this preview's own pages only: an ``Origin`` naming this preview (a page of
    another site cannot forge it), a JSON body (a cross-site form can send only form types, without asking the
    browser first), at most ``MAX_BODY`` bytes, read as it comes so a larger one is never held in memory.
    The ``Host`` was checked before any handler (``http.PreviewServer``). And from this machine only: a preview
    listening on every address (``--host 0.0.0.0``, to look at it from a phone) would otherwise let anyone on the
    network, who can send any ``Origin`` they like, write into ``content/``."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, backend: EditorBackend, address: Address) -> None:
        self.backend = backend
        self.address = address
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        origin = self.request.headers.get("Origin")
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        length = self.request.headers.get("Content-Length", "")
        if not _loopback(self.request.remote_ip):
            self.reply(403, {"error": "Refusé : l'éditeur n'écrit que depuis l'ordinateur où tourne la "
                                      "prévisualisation (ouvrez http://127.0.0.1:<port>/admin/ sur celui-ci)"})
        elif not origin or not self.address.allows_origin(origin):
            self.reply(403, {"error": "Origine refusée : seul l'éditeur de cette prévisualisation "
                                      f"({self.address.url}admin/) peut écrire ici"})
        elif kind != "application/json":
            self.reply(415, {"error": "Requête refusée : le corps doit être du JSON "
                                      "(Content-Type: application/json)"})
        elif not length.isdigit() or int(length) > DISCARDED_BODY:
            self.too_big()
        else:
            self.request.connection.set_max_body_size(DISCARDED_BODY)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= MAX_BODY:
            self.chunks.append(chunk)
        else:
            self.chunks.clear()

    def too_big(self) -> None:
        self.reply(413, {"error": f"Enregistrement refusé : fichier trop gros (photo ou document de {MAX_FILE_MB} Mo "
                                  "au plus) — déposez une photo plus légère (2 000 pixels de large suffisent) ou un "
                                  "document plus léger"})

    def post(self) -> None:
        if self.size > MAX_BODY:
            self.too_big()
            return
        try:
            body = json.loads(b"".join(self.chunks))
        except (ValueError, RecursionError):
            self.reply(400, {"error": "Requête refusée : JSON illisible"})
            return
        try:
            status, answer = self.backend.answer(body)
        except Refused as refused:
            status, answer = refused.status, {"error": str(refused)}
        except Exception as exc:  # a bug of ours: one French line in the terminal, never a traceback
            print(f"éditeur : erreur interne ({exc!r}) — relancez avec VITRINE_DEBUG=1 pour le détail et "
                  "signalez-la", file=sys.stderr, flush=True)
            if os.environ.get("VITRINE_DEBUG"):
                traceback.print_exc()
            status, answer = 500, {"error": "Erreur interne de l'éditeur : voir le terminal de la prévisualisation"}
        self.reply(status, answer)

    def reply(self, status: int, answer: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(answer, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: object) -> None:
        """Tornado's own refusals (a GET, an unknown method…), as JSON in French."""
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": "L'éditeur n'accepte que POST avec un corps JSON"
                                if status_code == 405 else f"Requête refusée ({status_code})"}, ensure_ascii=False))



def _loopback(ip: str | None) -> bool:
    try:
        return ipaddress.ip_address(ip or "").is_loopback
    except ValueError:
        return False
