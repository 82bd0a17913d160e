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
import io
import json
import os
import shutil
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Iterable

import PIL
from PIL import Image, ImageCms, ImageOps

from .errors import ContentError
from .model import Site
from .schema import IMAGE_SUFFIXES
from .write import Output, Product

WIDTHS = (480, 800, 1200)
FULL_MAX = 2400  # the copy published at the image's own address (Markdown bodies may link it)
QUALITY = {"WEBP": 80, "JPEG": 82}
PIPELINE_VERSION = "1"  # bump when the processing below changes its output
SETTINGS = repr((PIPELINE_VERSION, PIL.__version__, WIDTHS, FULL_MAX, sorted(QUALITY.items())))

FORMAT_OF_SUFFIX = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


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

    def products(self, cache: "ImageCache") -> list[Product]:
        """Every published image file, known by its image's key."""
        return [Product(v.path, f"{s.key}:{v.file}", partial(cache.output, s.key, v))
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
            index = json.loads((self.dir / "index.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {"sources": {}, "sets": {}}
        return index if isinstance(index, dict) and {"sources", "sets"} <= index.keys() else {"sources": {}, "sets": {}}

    def digest(self, name: str, path: Path) -> str:
        """The content hash of a source, re-read only when its size or modification time changed."""
        st = path.stat()
        known = self._index["sources"].get(name)
        if known and known[:2] == [st.st_size, st.st_mtime_ns]:
            return known[2]
        self.hashed += 1
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        self._index["sources"][name] = [st.st_size, st.st_mtime_ns, digest]
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
        self.dir.mkdir(parents=True, exist_ok=True)
        tmp = self.dir / f"index.json.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(self._index, sort_keys=True), "utf-8")
        os.replace(tmp, self.dir / "index.json")
        self._index_changed = False


def is_processable(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def prepare_images(content: Path, site: Site, cache: ImageCache) -> PreparedImages:
    """Process (or find in the cache) every image of ``content/media/``; laureate images get variants."""
    wanted = {l.image for l in site.laureates if l.image}
    prepared = PreparedImages()
    for name in site.media:
        if not is_processable(name):
            continue
        path = content / name
        key = hashlib.blake2b(f"{cache.digest(name, path)}\0{SETTINGS}\0{name in wanted}\0{_suffix_format(name)}"
                              .encode(), digest_size=16).hexdigest()
        meta = cache.meta(key)
        if meta is None:
            try:
                meta, files = process(path.read_bytes(), _suffix_format(name), variants=name in wanted)
            except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
                prepared.errors.append(ContentError(f"content/{name}", 1, "fichier", "image illisible ou abîmée",
                                                    "ouvrez-la dans un logiciel d'images et enregistrez-la de nouveau "
                                                    "en JPEG, PNG ou WebP"))
                continue
            cache.processed += 1
            cache.store(key, meta, files)
        prepared.sets[name] = image_set(name, key, meta)
    cache.save_index()
    return prepared


def image_set(name: str, key: str, meta: dict) -> ImageSet:
    """The published files of one image, named after it and its key (a new image gets new addresses)."""
    stem = PurePosixPath(name).with_suffix("").as_posix()

    def variants(entries: Iterable[dict]) -> tuple[Variant, ...]:
        return tuple(Variant(f"{stem}-{e['width']}.{key[:8]}.{e['file'].rsplit('.', 1)[1]}", e["width"], e["height"],
                             e["mime"], e["file"]) for e in entries)

    full = meta["full"]
    return ImageSet(name, key, Variant(name, full["width"], full["height"], full["mime"], full["file"]),
                    variants(meta["webp"]), variants(meta["fallback"]))


def _suffix_format(name: str) -> str:
    return FORMAT_OF_SUFFIX[PurePosixPath(name).suffix.lower()]


def process(data: bytes, full_format: str, variants: bool) -> tuple[dict, dict[str, bytes]]:
    """Decode, orient, convert to sRGB, strip and encode one image; returns (meta, files by name)."""
    image, icc = _open_clean(data)
    files: dict[str, bytes] = {}
    meta: dict = {"webp": [], "fallback": []}
    resized = _resized(image, min(image.width, FULL_MAX))
    meta["full"] = _encode(resized, full_format, f"full.{EXTENSION[full_format]}", icc, files)
    if variants:
        fallback_format = "PNG" if full_format == "PNG" or image.mode == "RGBA" else "JPEG"
        for width in reversed(variant_widths(image.width)):  # each from the previous one: much cheaper
            resized = _resized(resized, width)
            meta["webp"].insert(0, _encode(resized, "WEBP", f"{width}.webp", icc, files))
            meta["fallback"].insert(0, _encode(resized, fallback_format, f"{width}.{EXTENSION[fallback_format]}",
                                               icc, files))
    return meta, files


def variant_widths(width: int) -> tuple[int, ...]:
    """The widths of ``WIDTHS`` narrower than the image, and the image's own width up to the widest: never enlarged."""
    widest = min(width, WIDTHS[-1])
    return tuple(w for w in WIDTHS if w < widest) + (widest,)


def _open_clean(data: bytes) -> tuple[Image.Image, bytes | None]:
    """The image as displayed (EXIF orientation applied), in sRGB, with no metadata left in ``info``."""
    with Image.open(io.BytesIO(data)) as opened:
        if opened.format == "JPEG":  # let the decoder downscale big photos: much faster, never below FULL_MAX
            rotated = opened.getexif().get(0x0112) in _ROTATED
            opened.draft(None, (1, FULL_MAX) if rotated else (FULL_MAX, 1))
        image = ImageOps.exif_transpose(opened)
        image.load()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        image = image.convert("RGBA" if has_alpha else "RGB")  # keeps ``info``, hence the colour profile
    image, icc = _to_srgb(image, "RGBA" if has_alpha else "RGB")
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.info = {}
    return image, icc


def _to_srgb(image: Image.Image, mode: str) -> tuple[Image.Image, bytes | None]:
    """Convert an image with a colour profile to sRGB; keep the profile only when it cannot be converted."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image, None
    try:
        converted = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                              ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image, icc
    return (converted or image), None


def _resized(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: Image.Image, fmt: str, file: str, icc: bytes | None, files: dict[str, bytes]) -> dict:
    """Encode with nothing but pixels (and the colour profile when it could not be converted)."""
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=QUALITY["JPEG"], optimize=True, progressive=True, **extra)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=QUALITY["WEBP"], method=4, **extra)
    else:
        image.save(buffer, "PNG", optimize=True, **extra)
    files[file] = buffer.getvalue()
    return {"file": file, "width": image.width, "height": image.height, "mime": MIME[fmt]}
