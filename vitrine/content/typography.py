"""French typography as a cheap text pass (Python-Markdown's smarty doubled the cost of a body).

The rules follow the Imprimerie nationale's *Lexique des règles typographiques*:

- straight quotes around words become guillemets with no-break spaces inside (« simples »), and “ ”
  inside guillemets already open; an apostrophe is ’ (l’expo);
- a no-break space (U+00A0) before « : », inside « », and between a number and its unit or symbol
  (50 %, 1 000 €, 20 km, 10 h 30);
- a narrow no-break space (U+202F) before « ; ! ? » and between the groups of digits of a number
  (1 000, 25 000 000): a line never starts with « € », « % » or the end of a number.

Only spaces the author typed are made non-breaking, so ``https://a.fr/x?y=1``, ``10:30``, ``3:1`` and
``50%20`` are never touched; numbers of four digits (years) are not grouped, nor phone numbers
(pairs of digits). Typographed text stays as it is: every rule gives the same result twice.

In an HTML fragment, each tag is replaced by one character of the Private Use Area (one for block tags,
one for inline tags), the rules run over the text so made, and the tags are put back. So a quotation may
span inline tags (``"<em>mot</em>"``) but not a paragraph, a list item or a cell, and no rule needs to look
for the next « < » or « > » from each match (which scanned the rest of a paragraph from each colon: 80 kB
of « a : » took 20 s). Code elements (code, pre, kbd, samp, script, style) are hidden whole and never
touched. Every rule reads the text once: what a pattern reads from a match stops at the next quote, tag
or space, never at an unbounded distance. The spaces before « : ; ! ? » are found from the punctuation,
looking back: searching from every space, as a regular expression would, costs five times more on
French prose, where spaces are everywhere and colons rare.
"""

from __future__ import annotations

import re
from functools import lru_cache

NBSP = "\u00a0"  # before « : », inside « », between a number and its unit
NNBSP = "\u202f"  # narrow, before ; ! ? and between groups of digits

# What stands for a tag while the rules run. A block tag ends a quotation and begins a line; an inline tag is
# like a letter. (The same characters typed by an author are put back as they were: see _restore.)
BLOCK = "\ue000"
INLINE = "\ue001"
_PLACEHOLDER = re.compile(f"[{BLOCK}{INLINE}]")

_SPACE = " \u00a0\u202f"
# Where a quotation may not run on: a block tag, or a blank line (in plain text). Only spaces and tabs are read
# after the first line break, so from each one the pattern reads its own run of spaces, never the next ones'.
_BREAK = f"{BLOCK}|\\n[^\\S\\n]*\\n"
# A quotation between straight quotes: the opening one after a space, a tag or the start, before a letter;
# the closing one after a letter, before a space or punctuation. Inside, no quote of the same kind (so each
# opening one is read up to the next quote only), except, for « ' », an elision between two letters (c'est),
# which is never an opening quote (those do not follow a letter): the reading from an opening quote stops
# at the next one.
_DOUBLE = rf'"(?<![\w"=]")(?=[^\s"])((?:(?!\n[^\S\n]*\n)[^"{BLOCK}])*?)(?<=[^\s"])"(?!\w)'
_SINGLE = (rf"'(?<![\w’'=]')(?=[^\s'’])((?:(?!\n[^\S\n]*\n)(?:(?<=\w)'(?=\w)|[^'{BLOCK}]))*?)"
           rf"(?<=[^\s'])'(?![\w’])")
# l'<a>, l'« , '90 too; after a tag or at the start
_APOSTROPHE = rf"'(?:(?<=\w')|(?<=\s')(?=\w)|(?<![^{BLOCK}{INLINE}]')(?=\w))"
_OPENING = r"«[ \u00a0\u202f]*"
_PUNCTUATION_MARKS = ":;!?»"
# 1 000, 25 000 000 (a space of any width typed between groups of three digits), not 2022 nor 1,500 000.
_DIGIT_GROUPS = r"\d(?<![\d.,]\d)\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\d)"
# Units and symbols written after a number: currencies, percentages, areas, lengths, weights, energy, data,
# durations. Single letters that are French words or elisions (a, l, t, s, g) are left out.
_UNITS = ("Md€", "M€", "k€", "€", "%", "‰", "$", "£", "°C", "km²", "km", "m²", "m³", "cm", "mm", "m",
          "ha", "kg", "kWh", "kW", "MWh", "MW", "GWh", "Ko", "Mo", "Go", "To", "min", "h")
_UNIT = r"(\d)[ \u00a0\u202f]+(?=(?:{})(?![\w’']))".format("|".join(re.escape(u) for u in _UNITS))
_UNIT_STARTS = tuple({unit[0] for unit in _UNITS})
_MINUTES = r"(\d\u00a0h)[ \u00a0\u202f]+(?=\d\d(?!\d))"  # 10 h 30

_DOUBLE_RE, _SINGLE_RE, _APOSTROPHE_RE, _OPENING_RE, _GROUPS_RE, _UNIT_RE, _MINUTES_RE = (
    re.compile(pattern) for pattern in (_DOUBLE, _SINGLE, _APOSTROPHE, _OPENING, _DIGIT_GROUPS,
                                        _UNIT, _MINUTES))
_BREAK_RE = re.compile(_BREAK)
# A text without these has nothing to change.
_ANY_RULE = re.compile(r"['\"«»:;!?]|\d[ \u00a0\u202f]")
# What the rules on numbers need: a digit, then a space. Found from the space, one pattern per kind, which then
# looks back at the character before it: a pattern starting with ``\d`` tests every character of the text for a
# digit (a call into the Unicode tables each), where one starting with a literal skips to the next space.
_SPACES_AFTER_DIGIT = tuple(re.compile(f"{space}(?<=\\d{space})") for space in _SPACE)
# A tag as the sanitizer writes it: attributes in double quotes (a « > » may be inside one). Written as the
# characters up to a quote, then each quoted text and the characters after it: the same matches as
# ``<(?:"[^"]*"|[^"<>])*>``, for a third less time (no alternation tried at each character)
_TAG = re.compile(r'(<[^"<>]*(?:"[^"]*"[^"<>]*)*>)')
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style"})
# What ``_tag_mark`` gives a tag opening a code element: the body then takes the general path, which hides it whole
_VERBATIM_MARK = "verbatim"
# Tags a quotation may span (phrasing content); any other tag, known or not, ends it.
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "img", "ins",
                     "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
                     "wbr"})
_AFTER_COLON = frozenset(" \t\n\r\f\v\u00a0\u202f" + BLOCK + INLINE)


def french(text: str) -> str:
    """French typography on plain text: guillemets, apostrophes and non-breaking spaces.

    Only spaces the author typed are made non-breaking, so ``https://`` and ``10:30`` are never touched.
    """
    if not _ANY_RULE.search(text):
        return text
    if BLOCK in text or INLINE in text:  # typed by the author: they stay themselves
        return _restore(_typeset(text), _PLACEHOLDER.findall(text))
    return _typeset(text)


def french_html(html: str) -> str:
    """Apply :func:`french` to the text of an HTML fragment, never inside tags or code."""
    if not _ANY_RULE.search(html):
        return html
    text, hidden = _hide_tags(html)
    return _restore(_typeset(text), hidden)


def _hide_tags(html: str) -> tuple[str, list[str]]:
    """The text of ``html`` with each tag, or whole code element, replaced by BLOCK or INLINE, and what each of
    those characters stands for, in order (a tag, a code element, or the character itself where the text had it)."""
    pieces = _TAG.split(html)  # text, tag, text…
    tags = pieces[1::2]
    marks = list(map(_tag_mark, tags))  # the cache's C wrapper called from C: no Python step per tag
    if _VERBATIM_MARK not in marks and BLOCK not in html and INLINE not in html:
        # The common body: no code element to hide whole and no placeholder typed, so each tag stands for itself.
        # (The entities are replaced in the joined text: a placeholder is in neither, so no match spans two pieces.)
        pieces[1::2] = marks
        return "".join(pieces).replace("&#39;", "'").replace("&nbsp;", NBSP), tags
    text: list[str] = []
    hidden: list[str] = []
    verbatim: list[str] = []  # the code element being read
    opened, depth = "", 0
    for i, piece in enumerate(pieces):
        if verbatim:
            verbatim.append(piece)
            if i % 2:
                name = _TAG_NAME.match(piece)
                if name and name[2].lower() == opened:
                    depth += -1 if name[1] else 1
                    if depth == 0:
                        hidden.append("".join(verbatim))
                        text.append(INLINE if opened in _INLINE else BLOCK)
                        verbatim = []
            continue
        if i % 2 == 0:
            # The sanitizer writes a typed no-break space as an entity: the rules see it as the character. (It
            # writes « " » as itself in text, and as « &quot; » only in attributes, which stay as they are.)
            piece = piece.replace("&#39;", "'").replace("&nbsp;", NBSP)
            hidden += _PLACEHOLDER.findall(piece)
            text.append(piece)
            continue
        name = _TAG_NAME.match(piece)
        tag = name[2].lower() if name else ""
        if tag in _VERBATIM and not name[1] and not piece.endswith("/>"):
            verbatim, opened, depth = [piece], tag, 1
            continue
        hidden.append(piece)
        text.append(INLINE if tag in _INLINE else BLOCK)
    if verbatim:  # never closed (the sanitizer closes every element): left as it is
        hidden.append("".join(verbatim))
        text.append(BLOCK)
    return "".join(text), hidden


@lru_cache(maxsize=1024)  # a body's tags are mostly the same few (<p>, </p>, <em>…)
def _tag_mark(tag: str) -> str:
    """INLINE or BLOCK, what ``tag`` stands for in the text; ``_VERBATIM_MARK`` when it may open a code element (found
    among the tags, where a pattern looking for one read the whole body again)."""
    name = _TAG_NAME.match(tag)
    if name and not name[1] and name[2].lower() in _VERBATIM:
        return _VERBATIM_MARK
    return INLINE if name and name[2].lower() in _INLINE else BLOCK


def _restore(text: str, hidden: list[str]) -> str:
    """Put back what each placeholder stands for: the rules never add, remove or reorder one."""
    # text, text… with one of ``hidden`` between each two (``str.split`` on one character: a tenth of a pattern's)
    pieces = text.replace(INLINE, BLOCK).split(BLOCK)
    restored = [""] * (2 * len(pieces) - 1)
    restored[0::2], restored[1::2] = pieces, hidden
    return "".join(restored)


def _typeset(text: str) -> str:
    if '"' in text:
        text = _DOUBLE_RE.sub(_Quotation(), text)
    if "'" in text:
        text = _SINGLE_RE.sub(_Quotation(), text)
        text = _APOSTROPHE_RE.sub("’", text)
    if "«" in text:
        text = _OPENING_RE.sub("«" + NBSP, text)
    groups, units = _number_rules(text)
    if groups:
        text = _GROUPS_RE.sub(_grouped, text)
    if units:
        text = _UNIT_RE.sub(r"\1" + NBSP, text)
        if NBSP + "h" in text:
            text = _MINUTES_RE.sub(r"\1" + NBSP, text)
    return _space_punctuation(text)


def _number_rules(text: str) -> tuple[bool, bool]:
    """Whether the digit groups' rule, and the units' (then the minutes'), may change ``text``: from its few digits
    followed by a space, found from the spaces (each rule's pattern reads the whole text, and a body has one such
    digit on average, a year before a « ; »). Each rule's every match starts at one of them: followed, for a group, by
    three digits, for a unit, after more spaces, by a unit's first character."""
    groups = units = False
    for space_after_digit in _SPACES_AFTER_DIGIT:
        for match in space_after_digit.finditer(text):
            after = match.end()
            groups = groups or text[after:after + 3].isdigit() and len(text[after:after + 3]) == 3
            while after < len(text) and text[after] in _SPACE:
                after += 1
            units = units or text.startswith(_UNIT_STARTS, after)
            if groups and units:
                return groups, units
    return groups, units


class _Quotation:
    """« quoted » — or “quoted” within a quotation already open in the same block (the second level).

    The guillemets before a match are counted from the previous match on, so the text is read once."""

    def __init__(self) -> None:
        self.read = 0
        self.open = 0  # guillemets opened and not closed since the start of the block

    def __call__(self, match: re.Match[str]) -> str:
        text, start = match.string, match.start()
        for block in _BREAK_RE.finditer(text, self.read, start):
            self.read, self.open = block.end(), 0
        self.open += text.count("«", self.read, start) - text.count("»", self.read, start)
        self.read = start
        inner = match.group(1).strip(_SPACE)
        if self.open > 0:
            return f"“{inner}”"
        return f"«{NBSP}{inner}{NBSP}»"


def _grouped(match: re.Match[str]) -> str:
    return re.sub(f"[{_SPACE}]", NNBSP, match.group())


def _space_punctuation(text: str) -> str:
    pieces, done = [], 0
    for end in _marks(text):
        mark = text[end]
        start = end
        while start > done and text[start - 1] in _SPACE:
            start -= 1
        typed = text[start:end]
        if mark == "»":
            space = NBSP  # « expo» and «expo» alike
        elif not typed or start == 0 or text[start - 1].isspace() or text[start - 1] == BLOCK:
            continue  # no space typed (10:30, https://), or the mark begins a line (<em>mot</em> : does not)
        elif mark == ":":
            if NBSP in typed or not (end + 1 == len(text) or text[end + 1] in _AFTER_COLON):
                continue
            space = NBSP
        else:
            if NNBSP in typed:
                continue
            space = NNBSP
        pieces += (text[done:start], space, mark)
        done = end + 1
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def _marks(text: str) -> list[int]:
    """Where the marks ``:;!?»`` are in ``text``, in order: each found by ``str.find``, which skips to it (a pattern's
    class of the five tested every character of the text: about a tenth of the typography's instructions)."""
    found = []
    for mark in _PUNCTUATION_MARKS:
        at = text.find(mark)
        while at >= 0:
            found.append(at)
            at = text.find(mark, at + 1)
    found.sort()
    return found
