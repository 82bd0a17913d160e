"""A photo's bytes without what the camera wrote about it: GPS position, maker and model, XMP, comments.

The repository is often public: a photo added through the web editor must not carry where it was taken. The
metadata are dropped **losslessly**, without decoding the pixels (a JPEG re-encoded loses quality at each save, and
the site makes its own sizes from this original): JPEG segments APP1 (Exif, XMP), APP13 (Photoshop/IPTC), APP2 MPF
and COM, and what follows the image's end (a phone's second, preview image carries its own Exif); PNG chunks eXIf,
tEXt, iTXt, zTXt and tIME; WebP chunks EXIF and XMP. Only the EXIF orientation is written back, alone, so the photo
still shows upright. The result is then opened with Pillow: if any metadata were left (a layout this filter does
not know), the photo is re-encoded instead, its orientation applied.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageOps

ORIENTATION = 0x0112
UPRIGHT = 1
_EXIF_HEADER = b"Exif\x00\x00"
_JPEG_DROPPED = {0xE1, 0xED, 0xFE}  # APP1 (Exif, XMP), APP13 (Photoshop, IPTC), COM
_PNG_DROPPED = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# What Pillow reports of a photo that tells nothing about where, when or with what it was taken
_HARMLESS_INFO = {"dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "icc_profile", "progressive",
                  "progression", "adobe", "adobe_transform", "gamma", "transparency", "loop", "background", "duration",
                  "timestamp", "srgb", "chromaticity", "aspect", "lossless", "interlace", "exif"}
UNREADABLE = (OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError)


def without_metadata(data: bytes) -> bytes:
    """``data`` (a JPEG, PNG or WebP photo) with no metadata but its orientation; raises one of ``UNREADABLE`` when
    Pillow cannot read it as one of those."""
    with Image.open(io.BytesIO(data)) as image:
        kind = "JPEG" if image.format == "MPO" else image.format  # a phone's JPEG with a second, preview image
        orientation = image.getexif().get(ORIENTATION, UPRIGHT)
    strip = {"JPEG": _jpeg, "PNG": _png, "WEBP": _webp}.get(kind or "")
    if strip is None:
        raise ValueError(f"not a JPEG, PNG or WebP photo: {kind}")
    try:
        cleaned = strip(data, _orientation_exif(orientation))
        if not has_metadata(cleaned):
            return cleaned
    except UNREADABLE:
        pass
    return _reencoded(data, kind)


def has_metadata(data: bytes) -> bool:
    """Whether Pillow finds anything but an orientation in the photo (EXIF tags, XMP, comments, text chunks);
    decoding it whole, so a photo cut short is refused too."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        exif = image.getexif()
        info = set(image.info) - _HARMLESS_INFO
        return bool(set(exif) - {ORIENTATION} or exif.get_ifd(0x8825) or exif.get_ifd(0x8769) or info)


def _orientation_exif(orientation: object) -> bytes | None:
    """A TIFF block holding the orientation only (None when the photo is upright as stored)."""
    if not isinstance(orientation, int) or orientation == UPRIGHT or not 2 <= orientation <= 8:
        return None
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    block = exif.tobytes()
    return block[len(_EXIF_HEADER):] if block.startswith(_EXIF_HEADER) else block


def _jpeg(data: bytes, orientation: bytes | None) -> bytes:
    """The JPEG's segments but the dropped ones, up to its end of image (EOI)."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("no JPEG start of image")
    out = [data[:2]]
    if orientation:
        segment = _EXIF_HEADER + orientation
        out.append(b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment)
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("JPEG marker expected")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # end of image: whatever follows (a second image, a trailer) is left out
            out.append(data[pos:pos + 2])
            return b"".join(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            out.append(data[pos:pos + 2])
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        end = pos + 2 + length
        payload = data[pos + 4:end]
        dropped = marker in _JPEG_DROPPED or (marker == 0xE2 and payload.startswith(b"MPF\x00"))
        if not dropped:
            out.append(data[pos:end])
        pos = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker that is not a restart
            scan_end = _scan_end(data, pos)
            out.append(data[pos:scan_end])
            pos = scan_end
    raise ValueError("JPEG without end of image")


def _scan_end(data: bytes, pos: int) -> int:
    while True:
        pos = data.index(b"\xff", pos)
        following = data[pos + 1] if pos + 1 < len(data) else 0xD9
        if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
            pos += 1 if following == 0xFF else 2
            continue
        return pos


def _png(data: bytes, orientation: bytes | None) -> bytes:
    """The PNG's chunks but the dropped ones; the orientation, if any, in an eXIf chunk before the image data."""
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    out, pos = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if kind == b"IDAT" and orientation:
            out.append(_png_chunk(b"eXIf", orientation))
            orientation = None
        if kind not in _PNG_DROPPED:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":
            return b"".join(out)
    raise ValueError("PNG without IEND")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    import zlib  # noqa: PLC0415 - a chunk's CRC, for the rare rotated PNG

    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def _webp(data: bytes, orientation: bytes | None) -> bytes:
    """The WebP's chunks but EXIF and XMP (the orientation back in an EXIF chunk), the extended header's flags set
    to what is left."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("no WebP header")
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[pos:pos + 8])
        end = pos + 8 + length + (length & 1)
        if kind not in (b"EXIF", b"XMP "):
            chunks.append(bytearray(data[pos:end]))
        pos = end
    if chunks and chunks[0][:4] == b"VP8X":
        flags = chunks[0][8] & ~0x0C  # XMP (0x04) and EXIF (0x08) present
        if orientation:
            flags |= 0x08
            payload = orientation + b"\x00" * (len(orientation) & 1)
            chunks.append(bytearray(b"EXIF" + struct.pack("<I", len(orientation)) + payload))
        chunks[0][8] = flags
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _reencoded(data: bytes, kind: str) -> bytes:
    """The photo decoded and encoded again, upright, with its colour profile and nothing else: the last resort."""
    with Image.open(io.BytesIO(data)) as opened:
        icc = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
    buffer = io.BytesIO()
    options = {"JPEG": {"quality": 95}, "WEBP": {"quality": 95}, "PNG": {"optimize": True}}[kind]
    image.save(buffer, kind, **options, **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()
