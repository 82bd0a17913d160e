"""The Pagefind binary that ``pagefind[bin]`` ships, spoken to in its ``--service`` mode: for its web files
(``pagefind_assets.py``), and to check Vitrine's own bundle against its (``pagefind_bundle``).

We speak the service's protocol (base64 JSON messages ending with ``,``, the one the package's ``PagefindIndex``
speaks) instead of calling ``PagefindIndex`` itself: that client waits 100 ms after every response. Here all the
pages of a chunk are streamed at once.
"""

from __future__ import annotations

import base64
import json
import os
import select
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from vitrine.errors import SearchIndexError


SILENCE_LIMIT = 600  # seconds without a word from Pagefind before giving up (indexing 10,000 pages takes less)


@lru_cache(maxsize=1)
def pagefind_version() -> str:
    from importlib import metadata  # noqa: PLC0415 - 15 ms to import: only builds with search need it

    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return "unknown"


def pagefind_executable() -> Path:
    """The binary shipped by ``pagefind[bin]`` (or named by PAGEFIND_BINARY_PATH)."""
    try:
        from pagefind.service import get_executable  # noqa: PLC0415 - only indexing needs it
    except ImportError:
        get_executable = None
    found = get_executable() if get_executable else None
    if found is None or not Path(found).is_file():
        from vitrine.outputs.pagefind_write import VERSION  # noqa: PLC0415 - the version the bundle is written in

        # the version Vitrine writes: the newest Pagefind would then be refused as another version
        raise SearchIndexError("Pagefind est introuvable : l'index de recherche ne peut pas être construit. "
                               f"Installez-le avec « pip install 'pagefind[bin]=={VERSION}' ».")
    return Path(found)


class Service:
    """``pagefind --service``: requests written by a thread while responses are read, so no pipe fills up."""

    def __init__(self, executable: Path):
        self.executable = executable
        self.next_id = 0
        self.buffer = b""

    def __enter__(self) -> "Service":
        import subprocess  # noqa: PLC0415 - 9 ms to import (with locale, selectors): only indexing needs it

        try:
            self.process = subprocess.Popen([str(self.executable), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise SearchIndexError(f"Pagefind n'a pas pu être lancé ({exc.strerror}).") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        import subprocess  # noqa: PLC0415 - see __enter__

        assert self.process.stdin is not None
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def call(self, payload: dict) -> dict:
        response = self.call_all([payload], 1)[0]
        if response.get("type") != payload["type"]:
            raise SearchIndexError(f"Pagefind a répondu une erreur : {response.get('message', response)}")
        return response

    def call_all(self, payloads: Iterable[dict], count: int) -> list[dict]:
        """Send the ``count`` requests, from a thread so that neither pipe can fill up; return one response each."""
        first = self.next_id + 1
        self.next_id += count
        stdin = self.process.stdin
        assert stdin is not None

        def send() -> None:
            try:
                for i, payload in enumerate(payloads):  # encoded one by one: a page's message at a time in memory
                    stdin.write(_service_message(first + i, payload))
                stdin.flush()
            except (OSError, ValueError):  # ValueError: the build stopped on an error and closed Pagefind's input
                pass  # Pagefind stopped: reading its output says so

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        responses: dict[int, dict] = {}
        while len(responses) < count:
            message = self._read()
            if message.get("message_id") is None:  # a request it could not read
                problem = message.get("payload") or {}
                raise SearchIndexError(f"Pagefind a répondu une erreur : {problem.get('message', problem)}")
            responses[message["message_id"]] = message["payload"]
        writer.join()
        return [responses[first + i] for i in range(count)]

    def _read(self) -> dict:
        """The next response; Pagefind silently drops a request it cannot read, hence the time limit."""
        stdout = self.process.stdout
        assert stdout is not None
        chunk, chunks = self.buffer, [self.buffer]
        while b"," not in chunk:  # only the new bytes are searched: the bundle comes as one message of megabytes
            ready, _, _ = select.select([stdout], [], [], SILENCE_LIMIT)
            if not ready:
                raise SearchIndexError(f"Pagefind ne répond plus depuis {SILENCE_LIMIT} secondes.")
            chunk = os.read(stdout.fileno(), 1 << 20)
            if not chunk:
                raise SearchIndexError("Pagefind s'est arrêté avant d'avoir terminé l'index de recherche.")
            chunks.append(chunk)
        end = chunk.index(b",")
        self.buffer = chunk[end + 1:]
        chunks[-1] = chunk[:end]
        del chunk
        message = b"".join(chunks)  # each copy of the bundle's message freed as soon as the next is made
        del chunks
        decoded = base64.b64decode(message)
        del message
        return json.loads(decoded)


def _service_message(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")) + b","


def pagefind_bundle(pages: Iterable[tuple[str, str]], executable: Path | None = None) -> dict[str, bytes]:
    """The bundle Pagefind itself makes of ``pages`` ((URL, HTML), in order), by name: what Vitrine's own bundle
    (``pagefind_write.py``) is checked against (``tests/outputs/test_search_writer.py``,
    ``benchmarks/index_equality.py``), and where Pagefind's web files come from (``pagefind_assets.py``)."""
    pages = list(pages)
    with Service(executable or pagefind_executable()) as service:
        index = service.call({"type": "NewIndex", "config": {}})["index_id"]
        requests = ({"type": "AddFile", "index_id": index, "url": url, "file_contents": html, "file_path": None}
                    for url, html in pages)
        for (url, _html), response in zip(pages, service.call_all(requests, len(pages))):
            if response.get("type") != "IndexedFile":
                raise SearchIndexError(f"Pagefind a refusé la page {url} : {response.get('message', response)}")
        made = service.call({"type": "GetFiles", "index_id": index})["files"]
    return {file["path"]: base64.b64decode(file["content"]) for file in made}
