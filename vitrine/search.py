"""Full-text search: the Pagefind index of the searchable pages, as ordinary outputs.

The index is made by the ``pagefind`` binary that the ``pagefind[bin]`` package
ships, in its ``--service`` mode: pages go in as HTML from memory, the bundle's
files come back as bytes, and ``write_site`` publishes them with the rest of
the site (before the atomic swap, hard-linking what did not change).

We speak the service's protocol (base64 JSON messages ending with ``,``, the
one the package's ``PagefindIndex`` speaks) instead of calling ``PagefindIndex``
itself: that client waits 100 ms after every response, i.e. more than six
minutes for 4,000 laureates. Here all pages are streamed at once.

Pagefind splits words at the ASCII apostrophe but not at the typographic one
French typography puts everywhere, so « l’expo » would not be found by
« expo »: the pages are indexed with ASCII apostrophes (the search page puts
the typographic ones back when it shows results).

Indexing costs a few milliseconds per page, so the bundle is cached in
``.vitrine-cache/pagefind/<key>/`` under a key made of the searchable pages'
fingerprints: a build whose searchable pages did not change reuses it.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import select
import shutil
import subprocess
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Iterable

BUNDLE = "pagefind"
# Bump when what we send to Pagefind changes in a way fingerprints do not show.
INDEX_VERSION = "1"
# Pagefind's ready-made interfaces: the search page has its own, so they are not published.
UNUSED_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
PAGES = f"{BUNDLE}/vitrine-pages.json"  # ours: which page each search result is
FRAGMENT_SIGNATURE = b"pagefind_dcd"  # what every decompressed Pagefind file starts with
KEPT_BUNDLES = 3  # cached bundles kept, e.g. for site/ and a preview folder
SILENCE_LIMIT = 600  # seconds without a word from Pagefind before giving up (indexing 10,000 pages takes less)


class SearchIndexError(Exception):
    """Pagefind could not be run or refused a page; the message says which and why, in French."""


@dataclass(frozen=True)
class Document:
    url: str  # site-root-relative, e.g. "laureats/x/"
    html: str


def index_key(entries: Iterable[tuple[str, str]]) -> str:
    """The cache key of a bundle: (url, fingerprint) of every searchable page, and Pagefind's version."""
    h = hashlib.blake2b(f"{INDEX_VERSION}\0{pagefind_version()}".encode(), digest_size=16)
    for url, fingerprint in entries:
        h.update(f"\0{url}\0{fingerprint}".encode())
    return h.hexdigest()


def pagefind_version() -> str:
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
        raise SearchIndexError("Pagefind est introuvable : l'index de recherche ne peut pas être construit. "
                               "Installez-le avec « pip install 'pagefind[bin]' ».")
    return Path(found)


def build_index(documents: Iterable[Document]) -> dict[str, bytes]:
    """Index ``documents`` with Pagefind; return the bundle's files by output path (``pagefind/…``)."""
    with _Service(pagefind_executable()) as service:
        index_id = service.call({"type": "NewIndex", "config": {}})["index_id"]
        docs = list(documents)
        requests = [{"type": "AddFile", "index_id": index_id, "url": "/" + d.url, "file_contents": indexable(d.html),
                     "file_path": None} for d in docs]
        for doc, response in zip(docs, service.call_all(requests)):
            if response.get("type") != "IndexedFile":
                raise SearchIndexError(f"Pagefind a refusé la page /{doc.url} : {response.get('message', response)}")
        made = service.call({"type": "GetFiles", "index_id": index_id})["files"]
    files = {f"{BUNDLE}/{f['path']}": base64.b64decode(f["content"]) for f in made
             if not f["path"].startswith(UNUSED_FILES)}
    files[PAGES] = json.dumps(page_ids(files), sort_keys=True, separators=(",", ":")).encode("utf-8")
    return files


def page_ids(files: dict[str, bytes]) -> dict[str, str]:
    """Pagefind's id of each page (its fragment's name, what a search result carries) → its URL.

    The search page filters laureates itself with this: Pagefind's own filters would make the bundle
    differ from one build to the next (they are written in hash-map order).
    """
    ids = {}
    for path, data in files.items():
        if path.startswith(f"{BUNDLE}/fragment/"):
            try:
                fragment = json.loads(gzip.decompress(data).removeprefix(FRAGMENT_SIGNATURE))
            except (OSError, ValueError) as exc:
                raise SearchIndexError(f"Pagefind {pagefind_version()} écrit des fichiers que Vitrine ne sait pas lire "
                                       f"({path}) : installez une version 1.x comprise entre 1.1 et 1.5.") from exc
            ids[PurePosixPath(path).stem] = fragment["url"].lstrip("/")
    return ids


def indexable(html: str) -> str:
    """The page as Pagefind should read it: « l’expo » written « l'expo », so « expo » finds it."""
    return html.replace("\u2019", "'")


class _Service:
    """``pagefind --service``: requests written by a thread while responses are read, so no pipe fills up."""

    def __init__(self, executable: Path):
        self.executable = executable
        self.next_id = 0
        self.buffer = b""

    def __enter__(self) -> "_Service":
        try:
            self.process = subprocess.Popen([str(self.executable), "--service"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError as exc:
            raise SearchIndexError(f"Pagefind n'a pas pu être lancé ({exc.strerror}).") from exc
        return self

    def __exit__(self, *exc: object) -> None:
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
        response = self.call_all([payload])[0]
        if response.get("type") != payload["type"]:
            raise SearchIndexError(f"Pagefind a répondu une erreur : {response.get('message', response)}")
        return response

    def call_all(self, payloads: list[dict]) -> list[dict]:
        """Send every request, from a thread so that neither pipe can fill up, and return one response each."""
        first = self.next_id + 1
        self.next_id += len(payloads)
        messages = [_encode(first + i, payload) for i, payload in enumerate(payloads)]
        stdin = self.process.stdin
        assert stdin is not None

        def send() -> None:
            try:
                for message in messages:
                    stdin.write(message)
                stdin.flush()
            except OSError:
                pass  # Pagefind stopped: reading its output says so

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        responses: dict[int, dict] = {}
        while len(responses) < len(payloads):
            message = self._read()
            if message.get("message_id") is None:  # a request it could not read
                problem = message.get("payload") or {}
                raise SearchIndexError(f"Pagefind a répondu une erreur : {problem.get('message', problem)}")
            responses[message["message_id"]] = message["payload"]
        writer.join()
        return [responses[first + i] for i in range(len(payloads))]

    def _read(self) -> dict:
        """The next response; Pagefind silently drops a request it cannot read, hence the time limit."""
        stdout = self.process.stdout
        assert stdout is not None
        while b"," not in self.buffer:
            ready, _, _ = select.select([stdout], [], [], SILENCE_LIMIT)
            if not ready:
                raise SearchIndexError(f"Pagefind ne répond plus depuis {SILENCE_LIMIT} secondes.")
            chunk = os.read(stdout.fileno(), 1 << 20)
            if not chunk:
                raise SearchIndexError("Pagefind s'est arrêté avant d'avoir terminé l'index de recherche.")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b",", 1)
        return json.loads(base64.b64decode(message))


def _encode(message_id: int, payload: dict) -> bytes:
    return base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode("utf-8")) + b","


class BundleCache:
    """Finished bundles in ``.vitrine-cache/pagefind/<key>/``, the newest few kept."""

    def __init__(self, cache_dir: Path | None):
        self.root = cache_dir / BUNDLE if cache_dir else None

    def get(self, key: str) -> dict[str, Path] | None:
        """The cached files of ``key`` by output path, or None when absent or incomplete."""
        if self.root is None:
            return None
        folder = self.root / key
        try:
            names = json.loads((folder / "files.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        files = {name: folder / name for name in names}
        if not all(path.is_file() for path in files.values()):
            return None
        os.utime(folder)  # most recently used
        return files

    def put(self, key: str, files: dict[str, bytes]) -> None:
        if self.root is None:
            return
        folder = self.root / key
        tmp = self.root / f".{key}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        for name, data in files.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        (tmp / "files.json").write_text(json.dumps(sorted(files)), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
        self._prune()

    def _prune(self) -> None:
        assert self.root is not None
        bundles = sorted((p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in bundles[KEPT_BUNDLES:]:
            shutil.rmtree(old, ignore_errors=True)
