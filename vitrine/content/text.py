"""A content file's bytes → text: UTF-8 with or without BOM, any line ends; anything else refused with its line."""

from __future__ import annotations

import codecs
import re


# Characters no editor can see and no page may contain: C0/C1 controls (except tab and line ends), non-characters.
INVISIBLE = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


_SAVE_AS_UTF8 = "enregistrez-le en UTF-8 (Enregistrer sous… › Encodage : UTF-8)"


def decode(raw: bytes) -> tuple[str, int, tuple[str, str] | None]:
    """UTF-8 (with or without BOM, any line endings) → text with ``\\n`` line endings.

    Anything else is refused with the line of the first bad character: another
    encoding (Windows-1252, Latin-1, UTF-16), binary data, invisible control characters.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(raw[:512]):
        return "", 1, ("le fichier est enregistré en UTF-16 (« Unicode » sous Windows), pas en UTF-8", _SAVE_AS_UTF8)
    # Most files hold no control byte at all (one ``translate``): neither binary nor with a C0 control to look for
    controls = len(raw.translate(None, _INVISIBLE_BYTES)) != len(raw)
    if controls and (b"\x00" in raw[:8192] or _looks_binary(raw[:8192])):
        return "", 1, ("ce fichier n'est pas du texte (contenu binaire)",
                       "un fichier de contenu s'écrit dans un éditeur de texte ; une image va dans content/media/")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0)  # counted after it
        byte = raw[start]
        guess = bytes([byte]).decode("cp1252", errors="replace")
        seen_as = f", « {guess} » en Windows-1252" if guess.isprintable() and guess != "\ufffd" else ""
        return "", _line_of_byte(raw, start), (
            f"caractère non UTF-8 (octet 0x{byte:02X}{seen_as}) : le fichier n'est pas enregistré en UTF-8", _SAVE_AS_UTF8)
    if "\r" in text:  # most files have none: one search, not two replacements
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    invisible = INVISIBLE.search(text) if controls or _may_be_invisible(raw) else None
    if invisible:
        return "", text.count("\n", 0, invisible.start()) + 1, (
            f"caractère invisible interdit (U+{ord(invisible.group()):04X})",
            "supprimez-le : il vient souvent d'un copier-coller depuis un traitement de texte ou un PDF")
    return text, 1, None


# The UTF-8 bytes of ``INVISIBLE``'s characters: C0 controls and DEL are single bytes; a C1 control is 0xC2 then
# 0x80–0x9F; U+FFFE and U+FFFF are EF BF BE and EF BF BF. In valid UTF-8, these bytes mean nothing else.
_INVISIBLE_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13)) + b"\x7f"
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")


def _may_be_invisible(raw: bytes) -> bool:
    """Whether the valid UTF-8 ``raw``, without a byte of ``_INVISIBLE_BYTES`` (``decode`` looked), holds an
    ``INVISIBLE`` character: looked for with ``bytes`` methods and a search that stops only at the bytes 0xC2 (those
    patterns find their first byte fast), where ``INVISIBLE`` tries every character of the text (0.03 ms for a 4 kB
    body, the cost of this check ten times over)."""
    return _C1_CONTROL.search(raw) is not None or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw


def _line_of_byte(raw: bytes, index: int) -> int:
    return len(re.split(rb"\r\n|\r|\n", raw[:index]))


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def _looks_binary(chunk: bytes) -> bool:
    controls = len(chunk) - len(chunk.translate(None, _CONTROL_BYTES))
    return bool(chunk) and controls / len(chunk) > 0.05


def _looks_utf16(chunk: bytes) -> bool:
    """UTF-16 without a BOM: one byte in two is zero, the others are not (text that is mostly ASCII)."""
    if b"\x00" not in chunk:  # most files, told by a search in C: without a zero byte, none of one in two is zero
        return False
    even, odd = chunk[0::2], chunk[1::2]
    return len(chunk) >= 8 and any(a.count(0) > 0.7 * len(a) and b.count(0) < 0.1 * len(b)
                                   for a, b in ((even, odd), (odd, even)))
