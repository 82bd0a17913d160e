"""Pagefind's own web files (``pagefind.js``, ``pagefind-worker.js``, ``wasm.unknown.pagefind``,
``wasm.<language>.pagefind``), which read the bundle Vitrine writes (``pagefind_write.py``) in the visitor's browser.

They come from the installed ``pagefind_bin``, the only place they are: its binary minifies the scripts and
unpacks the WebAssembly when it writes a bundle. So it is run once, in its ``--service`` mode, over a one-page
site, and its files kept, but the index's own: in ``.vitrine-cache/pagefind-assets/<version>-<language>/`` when the
build has a cache (later builds do not start it), else in this process's memory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from functools import lru_cache
from pathlib import Path

from vitrine.errors import SearchIndexError
from vitrine.files import cleaned_on_failure, open_regular
from vitrine.outputs import pagefind
from vitrine.outputs.pagefind_write import VERSION

ASSETS = "pagefind-assets"  # in .vitrine-cache/
# Pagefind's ready-made interfaces: the search page has its own, so they are not published.
UNUSED_FILES = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
INDEX_FILES = ("pagefind-entry.json", "fragment/", "index/", "filter/")  # the index's: ours, with *.pf_meta


def web_assets(language: str, cache_dir: Path | None) -> dict[str, bytes]:
    """Pagefind's web files for a site in ``language``, by name in the bundle."""
    version = pagefind.pagefind_version()
    if version == "unknown":
        pagefind.pagefind_executable()  # says that Pagefind is not installed, unless its binary is named
    if version != VERSION:
        raise SearchIndexError(f"Vitrine écrit l'index de recherche au format de Pagefind {VERSION}, mais la version "
                               f"installée est {version} : installez-la avec « pip install 'pagefind[bin]=={VERSION}' ».")
    folder = cache_dir / ASSETS / f"{version}-{language}" if cache_dir else None
    if folder is not None and (kept := _kept(folder)) is not None:
        return kept
    files = _made(language, pagefind.pagefind_executable())
    if folder is not None:
        _keep(folder, files)
    return files


@lru_cache(maxsize=4)
def _made(language: str, executable: Path) -> dict[str, bytes]:
    """Pagefind's web files, from ``executable`` run over a one-page site in ``language`` (once per process)."""
    page = f'<!DOCTYPE html><html lang="{language}"><head><title>Vitrine</title></head><body><p>Vitrine</p></body></html>'
    made = pagefind.pagefind_bundle([("/", page)], executable)
    files = {path: data for path, data in made.items()
             if not path.startswith(UNUSED_FILES + INDEX_FILES) and not path.endswith(".pf_meta")}
    if "pagefind.js" not in files:
        raise SearchIndexError(f"Pagefind {pagefind.pagefind_version()} n'a pas donné ses fichiers pour le navigateur.")
    return files


def _kept(folder: Path) -> dict[str, bytes] | None:
    """The files kept in ``folder``, or None unless each is whole (its digest) and ``pagefind.js`` among them: a
    damaged cache would be published, and the search page, or its WebAssembly, would not load."""
    try:
        listed = [line.split(" ") for line in _read(folder / "files.txt").decode("utf-8").split("\n") if line]
        files = {}
        for entry in listed:
            if len(entry) != 2 or not _safe(entry[0]):
                return None
            data = _read(folder / "files" / entry[0])
            if _digest(data) != entry[1]:
                return None
            files[entry[0]] = data
    except (OSError, UnicodeDecodeError):
        return None
    return files if "pagefind.js" in files else None


def _read(path: Path) -> bytes:
    with open_regular(path) as f:  # a FIFO there would hang the build
        return f.read()


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _safe(name: str) -> bool:
    """A name in the bundle, not a way out of it."""
    return not name.startswith("/") and ".." not in name.split("/") and "\\" not in name


def _keep(folder: Path, files: dict[str, bytes]) -> None:
    """Written whole or not at all (a build interrupted leaves no half folder); a cache that cannot be written
    is done without."""
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with cleaned_on_failure(folder, lambda: shutil.rmtree(tmp, ignore_errors=True)):
            for name, data in files.items():
                path = tmp / "files" / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            listing = "\n".join(f"{name} {_digest(files[name])}" for name in sorted(files))
            (tmp / "files.txt").write_text(listing, "utf-8")
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
