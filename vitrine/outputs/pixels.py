"""The pixel work on one image, with Pillow: decode, orient, convert to sRGB, strip its metadata, resize, encode.

Apart from ``images`` (which images, where they are published, the cache) so
that a build with no image to process never imports Pillow (30 ms).
"""

from __future__ import annotations

import io

from PIL import Image, ImageCms, ImageOps

from vitrine.outputs.images import EXTENSION, FULL_MAX, MIME, QUALITY, WIDTHS

# What a file that is not a readable image raises while being processed.
UNREADABLE = (OSError, ValueError, SyntaxError, Image.DecompressionBombError)
_ROTATED = {5, 6, 7, 8}  # EXIF orientations that swap width and height


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
