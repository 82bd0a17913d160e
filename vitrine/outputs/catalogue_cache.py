"""Catalogue PDFs kept between builds: ``.vitrine-cache/catalogues/<fingerprint>.pdf``, as processed images are
kept in ``.vitrine-cache/images/``.

A PDF costs seconds of WeasyPrint, and its fingerprint (``outputs/catalogue.py``) names everything it is made from
(never the build date): any build of the same inputs makes the same bytes, so a build with no ``site/`` but this
folder (a deploy workflow restoring its cache) makes only the PDFs whose inputs changed. Beside each PDF, its
digest (``<fingerprint>.digest``): a file cut short or damaged (a cache restored halfway, a full disk) is never
published, it is made again. After each build that publishes the catalogues, the PDFs that no output folder uses
any more are removed: each folder built with this cache (``site/``, a preview built with ``--out`` and
``--base-url``, whose PDFs differ) leaves the list of its PDFs in ``catalogues/used/``, so that a preview does not
remove the PDFs of ``site/`` that the next deploy needs.
A build without cache (``build --no-cache``, like the images) makes every PDF and keeps none.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Callable, Iterable

from vitrine.files import open_regular, replace_file
from vitrine.publish.output import Output


DIGEST_LIMIT = 256  # a digest is 64 characters: a longer file is not one of ours
USED_LIMIT = 1 << 20  # a folder's list of PDFs: 33 bytes a PDF; a longer file is not one of ours


class CatalogueCache:
    """Made PDFs by fingerprint, on disk in ``.vitrine-cache/catalogues/`` (none for a build without cache)."""

    def __init__(self, cache_dir: Path | None):
        self.dir = cache_dir / "catalogues" if cache_dir else None
        if self.dir is not None and self.dir.is_symlink():
            self.dir = None  # never written, read or pruned through a link: its files may be anyone's
        self._found: dict[str, Path] = {}  # checked once per build (forked workers inherit it)

    def find(self, fingerprint: str) -> Path | None:
        """The kept PDF of ``fingerprint``, if it is whole (its digest is the one written beside it)."""
        if self.dir is None:
            return None
        if fingerprint in self._found:
            return self._found[fingerprint]
        path = self.dir / f"{fingerprint}.pdf"
        try:
            with open_regular(self.dir / f"{fingerprint}.digest") as handle:  # never a pipe, a device or a folder
                expected = handle.read(DIGEST_LIMIT).decode("ascii").strip()
            with open_regular(path) as handle:
                whole = _digest(handle.read()) == expected
        except (OSError, UnicodeDecodeError):
            return None
        if whole:
            self._found[fingerprint] = path
        return path if whole else None

    def output(self, path: str, fingerprint: str, make: Callable[[], bytes]) -> Output:
        """The PDF at ``path`` of the site: the kept one, else made by ``make`` and kept (the PDF first, then
        its digest: a build stopped in between leaves a PDF that is made again)."""
        found = self.find(fingerprint)
        if found is not None:
            return Output(path, copy_from=found)
        data = make()
        if self.dir is None:
            return Output(path, data)
        kept = self.dir / f"{fingerprint}.pdf"
        replace_file(kept, lambda f: f.write(data))
        replace_file(self.dir / f"{fingerprint}.digest", lambda f: f.write(_digest(data).encode("ascii")))
        return Output(path, copy_from=kept)

    def prune(self, used: Iterable[str], out: Path) -> None:
        """Record ``used`` as the PDFs of the output folder ``out``, then remove the PDFs (and digests) that no
        existing output folder uses: those no build publishes any more."""
        if self.dir is None:
            return
        used = set(used)
        keep = used | _used_elsewhere(self.dir / "used", out)
        try:
            _write_used(self.dir / "used", out, used)
            names = os.listdir(self.dir)
        except OSError:  # no folder (no PDF kept), or one we cannot write: nothing removed
            return
        for name in names:
            stem, dot, suffix = name.partition(".")
            if stem and dot and suffix in ("pdf", "digest") and stem not in keep:
                try:
                    os.unlink(self.dir / name)
                except OSError:  # removed by a concurrent build meanwhile, or no file of ours (a folder)
                    pass


def _list_name(out: Path) -> str:
    return hashlib.blake2b(str(out.resolve()).encode("utf-8"), digest_size=8).hexdigest() + ".txt"


def _write_used(lists: Path, out: Path, used: set[str]) -> None:
    """``out``'s list: its resolved path, then its PDFs' fingerprints, a line each."""
    if lists.is_symlink():
        return
    lists.mkdir(exist_ok=True)
    text = "\n".join([str(out.resolve()), *sorted(used)]) + "\n"
    replace_file(lists / _list_name(out), lambda f: f.write(text.encode("utf-8")))


def _used_elsewhere(lists: Path, out: Path) -> set[str]:
    """The PDFs that the other output folders still published by this cache use. A list whose folder no longer
    exists is removed: its PDFs are no one's."""
    used: set[str] = set()
    try:
        names = [] if lists.is_symlink() else os.listdir(lists)
    except OSError:
        return used
    for name in names:
        if name == _list_name(out) or not name.endswith(".txt"):
            continue
        try:
            with open_regular(lists / name) as handle:  # never a pipe, a device or a folder
                folder, *fingerprints = handle.read(USED_LIMIT).decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if Path(folder).is_dir():
            used.update(fingerprints)
        else:
            try:
                os.unlink(lists / name)
            except OSError:
                pass
    return used


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=32).hexdigest()
