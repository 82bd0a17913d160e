"""The plainest YAML read without LibYAML: one ``key: value`` a line, as front matter is mostly written.

LibYAML composes a node (and two marks) for every value and calls back into Python to resolve each one: most of the
cost of reading a laureate's fields. ``plain_fields`` reads a text whose every line is a field written the plainest
way (a text in quotes, a plain word or number, a list of plain words on its line, a folded text ``>-`` on lines
indented alike), and gives up (None) at anything else: a comment, a blank line, an escape, a tab, a nested field, a
value YAML would read as anything but a text or a plain integer, a repeated field. ``yaml_lines`` then reads the
text the full way, which tells every error as always. What it reads is what the full way reads, lines included
(tests/content/test_yaml_plain.py compares both on the corpus and on random texts).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.resolver import Resolver

# Any character but those LibYAML reads as printable (none of ``text.INVISIBLE``'s), without its line breaks other
# than « \n » (« \r », U+0085, U+2028, U+2029), the tab and the byte-order mark (written as what is left out: the
# ranges left in would take a hundred times longer to compile, in every process)
_NOT_PLAIN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
# A field at the start of its line (a key LibYAML reads as a simple key: far shorter than its 1,024 characters)
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]{0,63}): (\S.*)")
_QUOTED = re.compile(r'"[^"\\]*"|\'[^\']*\'')
# A plain value: no indicator first, no comment (« # » after a space), no « : » before a space or at its end, no
# space at its end, no collection's brackets (``_plain``)
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
_BRACKETS = re.compile(r"[\[\]{}]")
# A list on its line, of plain items: no quote, comment, « : » or brackets in them, no indicator first
_LIST = re.compile(r"\[([^\[\]{}#:\"']*)\]")
_ITEM_FIRST = frozenset("-?,&*!|>%@`")
_FOLDED_LINE = re.compile(r"( +)(\S(?:.*\S)?)")
_INT = re.compile(r"[1-9][0-9]{0,17}")  # what ``SafeConstructor.construct_yaml_int`` reads as ``int`` does
_STR = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_RESOLVER = Resolver()
_TAGS: dict[str, str] = {}  # each plain value's tag (slugs and names repeat from file to file)
_MAX_TAGS = 20_000


def plain_fields(text: str, line_offset: int) -> tuple[dict[str, Any], dict[tuple, int]] | None:
    """The fields of ``text`` and the line of each key path (as ``yaml_lines._construct`` numbers them), when every
    line is a field written the plainest way; else None (then LibYAML reads it)."""
    if not text or _NOT_PLAIN_TEXT.search(text):
        return None
    rows = text.split("\n")
    data: dict[str, Any] = {}
    lines: dict[tuple, int] = {(): line_offset + 1}
    i = 0
    while i < len(rows):
        field = _FIELD.fullmatch(rows[i])
        if field is None:
            return None
        key, written = field.groups()
        if key in data:
            return None  # a repeated field: an error, told the full way
        line = i + 1 + line_offset
        lines[(key,)] = line
        i += 1
        if written[0] in "\"'":
            if not _QUOTED.fullmatch(written):
                return None
            data[key] = written[1:-1]
        elif written[0] == "[":
            listed = _LIST.fullmatch(written)
            if listed is None:
                return None
            items: list[Any] = []
            if listed.group(1):
                for item in listed.group(1).split(","):
                    item = item.strip(" ")
                    if not item or item[0] in _ITEM_FIRST:
                        return None  # an empty item (« [a, ] ») too
                    value = _scalar(item)
                    if value is None:
                        return None
                    lines[(key, len(items))] = line
                    items.append(value)
            data[key] = items
        elif written == ">-":
            folded = []
            indent = None
            while i < len(rows) and rows[i][:1] == " ":
                part = _FOLDED_LINE.fullmatch(rows[i])
                if part is None or indent is not None and len(part.group(1)) != indent:
                    return None  # a blank, more or less indented line, or a space at its end
                indent = len(part.group(1))
                folded.append(part.group(2))
                i += 1
            if not folded:
                return None
            data[key] = " ".join(folded)
        else:
            value = _scalar(written) if _plain(written) else None
            if value is None:
                return None
            data[key] = value
    return data, lines


def _plain(written: str) -> bool:
    """Whether ``written`` (not empty, not starting with a space) is a plain value as ``_PLAIN_FIRST`` says."""
    return (written[0] not in _PLAIN_FIRST and written[-1] not in " :" and ": " not in written
            and " #" not in written and _BRACKETS.search(written) is None)


def _scalar(written: str) -> str | int | None:
    """A plain value as LibYAML and PyYAML's resolver read it, when a text or a plain integer; else None."""
    tag = _TAGS.get(written)
    if tag is None:
        tag = _RESOLVER.resolve(yaml.ScalarNode, written, (True, False))
        if len(_TAGS) < _MAX_TAGS:
            _TAGS[written] = tag
    if tag == _STR:
        return written
    if tag == _INT_TAG and _INT.fullmatch(written):
        return int(written)
    return None
