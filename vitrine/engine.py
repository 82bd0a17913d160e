"""The engine's identity: where it lives, its own files (templates, static), and a digest of its code and libraries.

Standard library only: the no-change path reads it.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vitrine.content.model import Site


CACHE_DIR = ".vitrine-cache"


ENGINE_ROOT = Path(__file__).resolve().parents[1]
EDITOR_DIR = ENGINE_ROOT / "editor"  # the vendored web editor (``outputs/editor.py``), an input of every build


# The libraries whose versions change what a build makes (the engine's own code is hashed whole).
LIBRARIES = {"jinja2", "pyyaml", "pillow", "pyromark", "nh3", "pagefind", "pagefind_bin", "weasyprint", "pydyf",
             "fonttools"}


def theme_dir(root: Path, name: str) -> Path:
    """``templates/`` or ``static/`` of the site, else Vitrine's own (a content-only repository)."""
    own = root / name
    return own if own.is_dir() else ENGINE_ROOT / name


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The engine's own source: upgrading Vitrine re-renders everything.

    Read once per process (a build asks for it five times): the digest of the code this process runs, even if
    its files change while a preview runs.
    """
    h = hashlib.blake2b(digest_size=16)
    package = ENGINE_ROOT / "vitrine"
    for path in sorted(package.rglob("*.py")):  # every module of every subpackage, by its place in the package
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> tuple[str, ...]:
    """The installed distributions of ``LIBRARIES``, by their metadata folders' names (``Jinja2-3.1.6.dist-info``):
    importing the libraries, or even ``importlib.metadata``, would cost more than the whole check."""
    found = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.split("-", 1)[0].lower().replace(".", "_") in LIBRARIES:
                found.add(name)
    return tuple(sorted(found))


def site_digest(site: Site, *parts: str) -> str:
    """What every output of ``site`` is made from beside its own records: the engine's code, the site's settings and
    its shared files (site, territory, themes); then ``parts`` (the records' digests)."""
    text = "".join((f"{code_digest()}\0{site.config!r}\0{site.shared_digest}", *parts))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
