"""Images: photos published without their metadata, laureate images in a few widths, each processed once.

Every JPEG, PNG or WebP file of ``content/media/`` is published at its own
address as a re-encoded copy (EXIF orientation applied, colours converted to
sRGB, EXIF, GPS, XMP and comments dropped, at most ``FULL_MAX`` pixels wide):
the editor's original, which may carry the GPS position of the shot, is never
published. Laureate images also get ``WIDTHS`` variants in WebP and in a widely
supported format, for ``<picture>``/``srcset``; no image is ever enlarged.

Results are cached in ``.vitrine-cache/images/<key>/``, the key being the
source's content hash and the processing settings, so an unchanged image is
never processed twice; a source whose size and modification time are unchanged
is not even re-read to be hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Iterable

import PIL  # its version only (1 ms): the pixel work, and Pillow's 30 ms import, are in ``pixels``

from vitrine.errors import ContentError
from vitrine.files import cleaned_on_failure, open_regular, replace_file, size_and_time
from vitrine.content.model import Site
from vitrine.content.schema import IMAGE_SUFFIXES
from vitrine.publish.output import LazyOutput, Output

WIDTHS = (480, 800, 1200)
FULL_MAX = 2400  # the copy published at the image's own address (Markdown bodies may link it)
QUALITY = {"WEBP": 80, "JPEG": 82}
PIPELINE_VERSION = "1"  # bump when the processing below changes its output
SETTINGS = repr((PIPELINE_VERSION, PIL.__version__, WIDTHS, FULL_MAX, sorted(QUALITY.items())))

FORMAT_OF_SUFFIX = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True)
class Variant:
    """One published file of an image."""

    path: str  # site-root-relative, e.g. "media/expo-480.1a2b3c4d.webp"
    width: int
    height: int
    mime: str
    file: str  # its name in the cache entry


@dataclass(frozen=True)
class ImageSet:
    """A source image and every file published from it."""

    name: str  # "media/…", relative to content/
    key: str  # content hash + settings: changes whenever any published byte may
    full: Variant  # published at ``name`` itself
    webp: tuple[Variant, ...] = ()  # laureate images only, narrowest first
    fallback: tuple[Variant, ...] = ()  # same widths, JPEG or PNG

    @property
    def largest(self) -> Variant:
        """The widest widely supported variant: the sharing image and the ``src`` of ``<img>``."""
        return self.fallback[-1] if self.fallback else self.full

    @property
    def variants(self) -> tuple[Variant, ...]:
        return (self.full,) + self.webp + self.fallback


@dataclass
class PreparedImages:
    sets: dict[str, ImageSet] = field(default_factory=dict)  # by name, for every processable image
    errors: list[ContentError] = field(default_factory=list)

    def lazy_outputs(self, cache: "ImageCache") -> list[LazyOutput]:
        """Every published image file, known by its image's key."""
        return [LazyOutput(v.path, f"{s.key}:{v.file}", partial(cache.output, s.key, v))
                for s in self.sets.values() for v in s.variants]


class ImageCache:
    """Processed images on disk in ``.vitrine-cache/images/`` (in memory for a build without cache)."""

    def __init__(self, cache_dir: Path | None):
        self.dir = cache_dir / "images" if cache_dir else None
        self.memory: dict[str, dict[str, bytes]] = {}
        self.processed = 0  # images decoded and encoded
        self.hashed = 0  # sources read to compute their hash
        self._index: dict = self._read_index()
        self._index_changed = False

    def _read_index(self) -> dict:
        if self.dir is None:
            return {"sources": {}, "sets": {}}
        try:
            with open_regular(self.dir / "index.json") as handle:  # never a pipe or a device: no build hangs on it
                index = json.loads(handle.read())
        except (OSError, ValueError):
            return {"sources": {}, "sets": {}}
        return index if isinstance(index, dict) and {"sources", "sets"} <= index.keys() else {"sources": {}, "sets": {}}

    def digest(self, name: str, path: Path) -> str:
        """The content hash of a source, re-read only when its size or modification time changed."""
        now = size_and_time(path)
        if now is None:
            raise FileNotFoundError(path)
        known = self._index["sources"].get(name)
        if known and known[:2] == now:
            return known[2]
        self.hashed += 1
        digest = hashlib.blake2b(read_media(path), digest_size=16).hexdigest()
        self._index["sources"][name] = [*now, digest]
        self._index_changed = True
        return digest

    def meta(self, key: str) -> dict | None:
        """What a cached entry holds, if it is complete."""
        meta = self._index["sets"].get(key)
        if meta is None:
            return None
        if self.dir is None:
            return meta if key in self.memory else None
        return meta if (self.dir / key).is_dir() else None

    def store(self, key: str, meta: dict, files: dict[str, bytes]) -> None:
        """Keep one processed image; on disk, the entry appears whole or not at all."""
        self._index["sets"][key] = meta
        self._index_changed = True
        if self.dir is None:
            self.memory[key] = files
            return
        tmp = self.dir / f".{key}.{os.getpid()}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        with cleaned_on_failure(tmp / "image", lambda: shutil.rmtree(tmp, ignore_errors=True)):
            tmp.mkdir(parents=True)
            for name, data in files.items():
                (tmp / name).write_bytes(data)
        try:
            os.rename(tmp, self.dir / key)
        except OSError:  # another build stored the same entry meanwhile: same bytes
            shutil.rmtree(tmp)

    def output(self, key: str, variant: Variant) -> Output:
        if self.dir is None:
            return Output(variant.path, data=self.memory[key][variant.file])
        return Output(variant.path, copy_from=self.dir / key / variant.file)

    def save_index(self) -> None:
        if self.dir is None or not self._index_changed:
            return
        index = json.dumps(self._index, sort_keys=True).encode("utf-8")
        replace_file(self.dir / "index.json", lambda f: f.write(index))
        self._index_changed = False


def is_processable(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def prepare_images(content: Path, site: Site, cache: ImageCache) -> PreparedImages:
    """Process (or find in the cache) every image of ``content/media/``; laureate images and the logo get variants
    (the header shows the logo small, link previews large)."""
    wanted = {l.image for l in site.laureates if l.image} | ({site.config.logo} if site.config.logo else set())
    prepared = PreparedImages()
    for name in site.media:
        if not is_processable(name):
            continue
        path = content / name
        try:
            key = hashlib.blake2b(f"{cache.digest(name, path)}\0{SETTINGS}\0{name in wanted}\0{_suffix_format(name)}"
                                  .encode(), digest_size=16).hexdigest()
            meta = cache.meta(key)
            if meta is None:
                from vitrine.outputs import pixels  # noqa: PLC0415 - Pillow is imported only when it must process one

                try:
                    meta, files = pixels.process(read_media(path), _suffix_format(name), variants=name in wanted)
                except pixels.UNREADABLE:
                    prepared.errors.append(ContentError(f"content/{name}", 1, "fichier", "image illisible ou abîmée",
                                                        "ouvrez-la dans un logiciel d'images et enregistrez-la de "
                                                        "nouveau en JPEG, PNG ou WebP"))
                    continue
                cache.processed += 1
                cache.store(key, meta, files)
        except OSError as exc:  # replaced by a pipe or removed since it was listed: never wait for it
            prepared.errors.append(ContentError(f"content/{name}", 1, "fichier", f"lecture impossible ({exc.strerror or exc})",
                                                "vérifiez que le fichier est bien une image et relancez"))
            continue
        prepared.sets[name] = image_set(name, key, meta)
    cache.save_index()
    return prepared


def read_media(path: Path) -> bytes:
    """The bytes of a media file, never waiting on a pipe or a device (see ``files.open_regular``)."""
    with open_regular(path) as handle:
        return handle.read()


def image_set(name: str, key: str, meta: dict) -> ImageSet:
    """The published files of one image, named after it and its key (a new image gets new addresses).

    A size's name has two dots (``expo-480.1a2b3c4d.webp``) and an editor's file only one (``content/media.py``):
    no file of content/media/ can take a size's address."""
    stem = PurePosixPath(name).with_suffix("").as_posix()

    def variants(entries: Iterable[dict]) -> tuple[Variant, ...]:
        return tuple(Variant(f"{stem}-{e['width']}.{key[:8]}.{e['file'].rsplit('.', 1)[1]}", e["width"], e["height"],
                             e["mime"], e["file"]) for e in entries)

    full = meta["full"]
    return ImageSet(name, key, Variant(name, full["width"], full["height"], full["mime"], full["file"]),
                    variants(meta["webp"]), variants(meta["fallback"]))


def _suffix_format(name: str) -> str:
    return FORMAT_OF_SUFFIX[PurePosixPath(name).suffix.lower()]
