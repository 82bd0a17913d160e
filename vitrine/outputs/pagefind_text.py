"""Pagefind 1.5.2's handling of text and attributes (``fossick/mod.rs`` ``normalize_content``,
``fossick/parser.rs`` ``parse_attr_string``), for ``pagefind_html.py``: Rust's whitespace (not Python's), entities
decoded, runs of spaces made one; a tag's attributes; ``data-pagefind-meta="image[src], alt[alt]"`` lists."""

from __future__ import annotations

import html
import re

# Rust's White_Space (``char::is_whitespace``, regex ``\s``), not Python's (which adds U+001C–U+001F)
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# A run of two spaces or more (the line breaks made spaces first): written so that it starts with a character
# class, which the regular expression engine looks for in C before trying a match, and fails at once on a single
# space (a fifth faster than « [spaces](?:[spaces]+|(?<=\n)) » on a page's text, a third than « [spaces]{2,}|\n »)
_SPACES = re.compile(f"[{WHITESPACE}][{WHITESPACE}]+")
ALL_SPACES = re.compile(f"[{WHITESPACE}]")
_ATTRIBUTE_MATCH = re.compile("^[%s]*(?P<name>[^:\\[\\]]+)\\[(?P<attribute>.+)\\][%s]*$" % (WHITESPACE, WHITESPACE))
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
STRIPPED = "".join(chr(c) for c in (*range(9, 14), 32, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
                                     0x202F, 0x205F, 0x3000))


def normalize_content(text: str) -> str:
    """Pagefind's ``normalize_content``: entities decoded, ends trimmed, line breaks and runs of spaces made one."""
    text = html.unescape(text) if "&" in text else text
    # Pagefind's three regular expressions: a line break, or a run of two or more spaces, is one space
    return _SPACES.sub(" ", text.strip(STRIPPED).replace("\n", " "))


def attributes(text: str) -> dict[str, str]:
    """A start tag's attributes (lower-cased names; the first of a repeated one), their values as written."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name = match.group(1).lower()
        if name not in found:
            value = match.group(2) if match.group(2) is not None else match.group(3) if match.group(3) is not None \
                else match.group(4) or ""
            found[name] = value
    return found


def parse_attr_string(text: str, attributes: dict[str, str]) -> list[str]:
    if ":" in text:
        names, literal = text.split(":", 1)
        parsed = parse_attr_string(names, attributes)
        if parsed:
            parsed[-1] += ":" + literal
        return parsed
    parsed = []
    for chunk in text.split(","):
        chunk = chunk.strip(STRIPPED)
        if match := _ATTRIBUTE_MATCH.match(chunk):
            parsed.append(f"{match.group('name')}:{attributes.get(match.group('attribute'), '')}")
        else:
            parsed.append(chunk)
    return parsed
