"""What a photo of ``content/media/`` tells beyond its pixels, and how to remove it in place.

over 300 lines: one parser per photo format (JPEG segments, PNG chunks, WebP RIFF chunks) sharing one block model.

The published copies never carry metadata (``outputs/images.py`` re-encodes them), but the original stays in the
repository, often public, and in its history for good: a phone's photo holds where it was taken (EXIF GPS, or XMP),
the camera, the date, sometimes the owner's name. ``check`` and ``build --deploy`` refuse a photo with a GPS position
(``positions``), the default ``build`` warns, and ``python build.py clean-media`` strips it (``strip``).

Stripping is lossless: the file's segments (JPEG), chunks (PNG) or RIFF chunks (WebP) that hold metadata are
dropped and the image data is copied byte for byte, so nothing is re-encoded and the pixels stay the same. Only the
EXIF orientation survives, alone in a new minimal EXIF block, so a phone's portrait photo still displays upright
(it is a direction, not a secret); the colour profile (JPEG APP2 ICC, PNG iCCP, WebP ICCP) is kept too.
"""

from __future__ import annotations

import functools
import io
import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from vitrine.content.media_files import MediaFile
from vitrine.errors import ContentError
from vitrine.files import open_regular, replace_file

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
CLEAN_COMMAND = "python build.py clean-media"

_ORIENTATION = 0x0112
_GPS_IFD = 0x8825
_XMP_POSITION = re.compile(rb"GPS(?:Latitude|Longitude)|GPSCoordinates")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROPPED = {b"eXIf": "EXIF", b"tEXt": "textes", b"zTXt": "textes", b"iTXt": "textes", b"tIME": "date"}
_WEBP_DROPPED = {b"EXIF": "EXIF", b"XMP ": "XMP"}
_WEBP_FLAGS = {b"EXIF": 0x08, b"XMP ": 0x04}  # VP8X flags saying the chunk is there


class NotAPhoto(ValueError):
    """Bytes that are not a JPEG, PNG or WebP file Vitrine can read."""


@dataclass(frozen=True)
class Stripped:
    data: bytes
    removed: tuple[str, ...]  # what was dropped, in French: « position GPS », « EXIF (appareil, date…) »…


@dataclass(frozen=True)
class _Block:
    """One piece of a photo's file: kept as is, or metadata (``kind``) with its payload."""

    raw: bytes
    kind: str = ""  # "", "exif", "xmp", "comment", "other"
    payload: bytes = b""
    label: str = ""


def has_position(data: bytes) -> bool:
    """Whether a photo's metadata holds a GPS position (EXIF GPS IFD, or XMP GPS coordinates)."""
    return any(_block_position(b) for b in _blocks(data))


def strip(data: bytes) -> Stripped:
    """The photo without its metadata (the image data byte for byte, the orientation kept), and what was removed."""
    blocks = _blocks(data)
    found = [b for b in blocks if b.kind]
    if not found or (len(found) == 1 and found[0].kind == "exif"
                     and found[0].payload == _minimal_exif(_orientation(found[0].payload))):
        return Stripped(data, ())  # nothing, or only the orientation this function keeps: already clean
    removed = (["position GPS"] if any(_block_position(b) for b in found) else []) + list(
        dict.fromkeys(b.label for b in found))
    orientation = next((o for b in found if b.kind == "exif" for o in [_orientation(b.payload)] if o), 1)
    return Stripped(_rebuild(data, blocks, orientation), tuple(removed))


def uploaded(data: bytes) -> bytes:
    """A photo sent through the web editor, as it is stored: without its metadata, and decoded whole once by Pillow
    (a truncated or disguised file is refused here, not at the next build); ``NotAPhoto`` otherwise."""
    from PIL import Image  # noqa: PLC0415 - only when a photo is uploaded

    clean = strip(data).data
    try:
        with Image.open(io.BytesIO(clean)) as image:
            image.load()
    except (OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError) as error:
        raise NotAPhoto(str(error)) from None
    return clean


def positions(media: Iterable[MediaFile]) -> list[ContentError]:
    """The photos of ``content/media/`` that hold a GPS position, as warnings naming the command that cleans them
    (``check`` and ``build --deploy`` make them errors)."""
    return [position_problem(f"content/{m.name}") for m in media
            if m.name.lower().endswith(PHOTO_SUFFIXES) and _file_has_position(m.path, *_stamp(m.path))]


def position_problem(rel: str) -> ContentError:
    return ContentError(rel, 1, "fichier", "photo avec sa position GPS : le site en publie une copie sans elle, mais "
                        "l'original reste pour toujours dans l'historique git du dépôt (souvent public)",
                        f"nettoyez-la sur place : {CLEAN_COMMAND} {rel}", warning=True)


def clean_file(path: Path) -> tuple[str, ...]:
    """Strip ``path`` in place, atomically (the file is replaced whole, or left as it was); what was removed."""
    with open_regular(path) as handle:
        data = handle.read()
    stripped = strip(data)
    if stripped.data != data:
        replace_file(path, lambda f: f.write(stripped.data))
    return stripped.removed


def _stamp(path: Path) -> tuple[int, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return 0, 0, 0
    return st.st_size, st.st_mtime_ns, st.st_ino


@functools.lru_cache(maxsize=4096)
def _file_has_position(path: Path, size: int, mtime: int, inode: int) -> bool:
    """Read once per version of a file (the preview builds again and again)."""
    try:
        with open_regular(path) as handle:
            return has_position(handle.read())
    except (OSError, NotAPhoto):  # unreadable: the build reports it where it publishes the image
        return False


def _block_position(block: _Block) -> bool:
    if block.kind == "exif":
        from PIL import Image  # noqa: PLC0415 - only for a photo that has EXIF

        exif = Image.Exif()
        try:
            exif.load(block.payload)
            gps = exif.get_ifd(_GPS_IFD)
        except (SyntaxError, ValueError, struct.error, OSError):  # a broken EXIF: treated as holding one, to be safe
            return True
        return any(tag in gps for tag in (2, 4))  # GPSLatitude, GPSLongitude
    return block.kind in ("xmp", "other") and bool(_XMP_POSITION.search(block.payload))


def _orientation(payload: bytes) -> int:
    from PIL import Image  # noqa: PLC0415 - only for a photo that has EXIF

    exif = Image.Exif()
    try:
        exif.load(payload)
        value = exif.get(_ORIENTATION, 1)
    except (SyntaxError, ValueError, struct.error, OSError):
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _minimal_exif(orientation: int) -> bytes:
    """An EXIF block (with its ``Exif\\0\\0`` header) holding the orientation only."""
    from PIL import Image  # noqa: PLC0415

    exif = Image.Exif()
    exif[_ORIENTATION] = orientation
    return exif.tobytes()


def _blocks(data: bytes) -> list[_Block]:
    if data.startswith(b"\xff\xd8"):
        return list(_jpeg_blocks(data))
    if data.startswith(_PNG_SIGNATURE):
        return list(_png_blocks(data))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return list(_webp_blocks(data))
    raise NotAPhoto("not a JPEG, PNG or WebP file")


def _jpeg_blocks(data: bytes) -> Iterator[_Block]:
    """SOI, each marker segment up to the first scan, then the image data up to EOI; what follows EOI (the extra
    images a phone appends, with their own EXIF) is metadata too."""
    yield _Block(data[:2])
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            raise NotAPhoto("broken JPEG segment")
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            yield _Block(data[at:at + 1])
            at += 1
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        segment, payload = data[at:at + 2 + length], data[at + 4:at + 2 + length]
        if marker == 0xDA:  # start of scan: the image data, whole, up to its end
            end = _jpeg_end(data, at)
            yield _Block(data[at:end])
            if end < len(data):
                yield _Block(data[end:], "other", data[end:], "images ou données ajoutées après la photo")
            return
        if marker == 0xE1:
            exif = payload.startswith(b"Exif\x00")
            yield _Block(segment, "exif" if exif else "xmp", payload, "EXIF (appareil, date, réglages…)" if exif else "XMP")
        elif marker == 0xED:
            yield _Block(segment, "other", payload, "IPTC (auteur, légende, lieu…)")
        elif marker == 0xFE:
            yield _Block(segment, "comment", payload, "commentaire")
        elif marker == 0xE2 and payload.startswith(b"MPF\x00"):  # points to the appended images, dropped with them
            yield _Block(segment, "other", payload, "images ou données ajoutées après la photo")
        elif 0xE3 <= marker <= 0xEF and marker != 0xEE:  # maker notes, picture info; APP14 (Adobe) sets the colours
            yield _Block(segment, "other", payload, "autres métadonnées")
        else:
            yield _Block(segment)
        at += 2 + length
    raise NotAPhoto("JPEG without image data")


def _jpeg_end(data: bytes, at: int) -> int:
    """Where the image data that starts at the first SOS ends: after EOI (the segments between progressive scans
    are skipped by their length, stuffed bytes and restart markers in the entropy-coded data are not markers)."""
    while at < len(data) - 1:
        if data[at] == 0xFF and data[at + 1] not in (0x00, 0xFF) and not 0xD0 <= data[at + 1] <= 0xD7:
            if data[at + 1] == 0xD9:
                return at + 2
            at += 2 + struct.unpack(">H", data[at + 2:at + 4])[0]
            continue
        following = data.find(b"\xff", at + 1)
        at = following if following >= 0 else len(data)
    return len(data)


def _png_blocks(data: bytes) -> Iterator[_Block]:
    yield _Block(data[:8])
    at = 8
    while at + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        chunk, payload = data[at:at + 12 + length], data[at + 8:at + 8 + length]
        if kind == b"eXIf":
            yield _Block(chunk, "exif", b"Exif\x00\x00" + payload, "EXIF (appareil, date, réglages…)")
        elif kind in _PNG_DROPPED:
            yield _Block(chunk, "other", _png_text(kind, payload), _PNG_DROPPED[kind])
        else:
            yield _Block(chunk)
        at += 12 + length
    if at < len(data):
        yield _Block(data[at:], "other", data[at:], "données ajoutées après la photo")


def _png_text(kind: bytes, payload: bytes) -> bytes:
    """A text chunk's text, unpacked, where XMP may name a position."""
    try:
        if kind == b"zTXt":
            return zlib.decompress(payload.split(b"\x00", 1)[1][1:])
        if kind == b"iTXt":
            _keyword, rest = payload.split(b"\x00", 1)
            compressed, text = rest[0], rest[2:].split(b"\x00", 2)[-1]
            return zlib.decompress(text) if compressed else text
    except (IndexError, zlib.error):
        return payload
    return payload


def _webp_blocks(data: bytes) -> Iterator[_Block]:
    yield _Block(data[:12])
    at = 12
    while at + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[at:at + 8])
        end = at + 8 + length + (length & 1)
        chunk, payload = data[at:end], data[at + 8:at + 8 + length]
        if kind == b"EXIF":
            exif = payload if payload.startswith(b"Exif\x00") else b"Exif\x00\x00" + payload
            yield _Block(chunk, "exif", exif, "EXIF (appareil, date, réglages…)")
        elif kind in _WEBP_DROPPED:
            yield _Block(chunk, "xmp", payload, _WEBP_DROPPED[kind])
        else:
            yield _Block(chunk)
        at = end


def _rebuild(data: bytes, blocks: list[_Block], orientation: int) -> bytes:
    kept = [b.raw for b in blocks if not b.kind]
    if data.startswith(b"\xff\xd8"):
        if orientation != 1:  # right after SOI and APP0 (JFIF), where readers look for it
            exif = _minimal_exif(orientation)
            kept.insert(2 if kept[1].startswith(b"\xff\xe0") else 1, b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
        return b"".join(kept)
    if data.startswith(_PNG_SIGNATURE):
        if orientation != 1:  # before the image data, as the PNG specification requires
            exif = _minimal_exif(orientation)[6:]
            chunk = struct.pack(">I", len(exif)) + b"eXIf" + exif + struct.pack(">I", zlib.crc32(b"eXIf" + exif))
            kept.insert(2, chunk)  # after the signature and IHDR
        return b"".join(kept)
    return _rebuild_webp(kept, orientation)


def _rebuild_webp(kept: list[bytes], orientation: int) -> bytes:
    chunks = kept[1:]
    flags_off = _WEBP_FLAGS[b"EXIF"] | _WEBP_FLAGS[b"XMP "]
    if orientation != 1:
        exif = _minimal_exif(orientation)[6:]
        chunks.append(b"EXIF" + struct.pack("<I", len(exif)) + exif + (b"\x00" if len(exif) & 1 else b""))
        flags_off = _WEBP_FLAGS[b"XMP "]
    if chunks and chunks[0][:4] == b"VP8X":
        first = chunks[0]
        flags = (first[8] & ~flags_off) | (_WEBP_FLAGS[b"EXIF"] if orientation != 1 else 0)
        chunks[0] = first[:8] + bytes([flags]) + first[9:]
    # A simple WebP (no VP8X) cannot announce an EXIF chunk: its orientation is dropped with the rest
    elif orientation != 1:
        chunks.pop()
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body
