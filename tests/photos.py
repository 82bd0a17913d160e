"""Test photos carrying the metadata a phone camera writes (orientation, GPS, maker, XMP, comment)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

# Markers written into the metadata: none of them may reach the published site.
SECRETS = (b"SecretCam", b"SecretXmp", b"SecretComment")
GPS = {1: "N", 2: (48.0, 42.0, 7.0), 3: "E", 4: (2.0, 23.0, 1.0)}


def photo(size: tuple[int, int] = (2000, 1000), orientation: int | None = None, fmt: str = "JPEG") -> bytes:
    """A photo of ``size`` pixels as stored (before any EXIF rotation), with GPS and other metadata."""
    image = Image.new("RGB", size, (180, 60, 40))
    image.paste((20, 90, 160), (0, 0, size[0] // 3, size[1] // 3))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif[0x8825] = GPS
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    extra = {"comment": b"SecretComment"} if fmt == "JPEG" else {}
    image.save(buffer, fmt, exif=exif, xmp=b"<x:xmpmeta>SecretXmp</x:xmpmeta>", **extra)
    return buffer.getvalue()


def add_image(root: Path, slug: str, name: str, data: bytes, alt: str = "Des habitants autour d'une table") -> None:
    """Put ``data`` in content/media/``name`` and make it the image of laureate ``slug``."""
    (root / "content" / "media").mkdir(parents=True, exist_ok=True)
    (root / "content" / "media" / name).write_bytes(data)
    laureate = root / "content" / "laureates" / f"{slug}.md"
    text = laureate.read_text("utf-8")
    laureate.write_text(text.replace("\n---\n", f"\nimage: media/{name}\nimage_alt: {alt}\nimage_credit: © Camille Martin\n---\n", 1), "utf-8")
