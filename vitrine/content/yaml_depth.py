"""Vitrine's own checks of how deep YAML collections nest: flow collections, before the YAML parser reads a file;
whether a text is plainly too shallow to need the parser's events checked before it is composed."""

from __future__ import annotations

import yaml

MAX_YAML_DEPTH = 16  # the deepest content (territory.yaml) nests 6 levels; libyaml crashes on thousands

# LibYAML reads ahead while a flow collection may still turn out to be a key (``[[a]]: b``): on a line of
# thousands of « [ » it reaches its own depth limit (PyYAML 6.0.4: 1,000) before yielding the events that the check of
# ``yaml_lines`` counts. Files with fewer openers than this cannot get there; the others are scanned first.
FEW_OPENERS = 256


# Every collection LibYAML opens starts at one of these characters, each its own: « [ », « { », a list's first
# « - », a mapping's first key (« ? », or the « : » after it), a pair in a list (« [a: b] »: its « : »)
OPENERS = "[{-?:"
COMPOSABLE = 128  # collections LibYAML may nest while composing (it recurses in C, unbounded: thousands crash it)
assert COMPOSABLE < FEW_OPENERS  # so ``too_deep`` has nothing to say of a text ``plainly_shallow`` lets through


def plainly_shallow(text: str) -> bool:
    """Whether ``text`` may be composed at once, without ``yaml_lines``' pass over its events: it has no « & » or
    « ! » (no anchor or tag can be written without them; an alias without an anchor is an error of the composer:
    the text then goes the checked way), and too few of the characters that open collections to nest deep enough
    to crash the composer. It may still nest deeper than ``MAX_YAML_DEPTH``: ``yaml_lines`` finds it while it
    constructs the values, and the text goes the checked way too."""
    return "&" not in text and "!" not in text and sum(map(text.count, OPENERS)) <= COMPOSABLE


def nesting(node: yaml.Node) -> int:
    """How many collections nest in ``node``, itself included."""
    if isinstance(node, yaml.MappingNode):
        return 1 + max((max(nesting(key), nesting(value)) for key, value in node.value), default=0)
    if isinstance(node, yaml.SequenceNode):
        return 1 + max(map(nesting, node.value), default=0)
    return 0


def too_deep(text: str) -> int | None:
    """The line (from 1) where flow collections (``[…]``, ``{…}``) nest deeper than ``MAX_YAML_DEPTH``, found
    without the parser: one pass over the characters, only for a file with many brackets.

    It follows just enough of YAML to count brackets that open collections: not those in quoted texts, comments
    or block scalars (``|``, ``>``), nor those inside a plain text in block context (``titre: a [b]``). Should it
    ever count too few, the parser's own limit still refuses the file, with the generic message."""
    if text.count("[") + text.count("{") < FEW_OPENERS:
        return None
    depth, line, i, size = 0, 0, 0, len(text)
    node_start = True  # in block context: the next character starts a value (after « key: », « - », a line start)
    line_indent = 0
    while i < size:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
            start = i
            while i < size and text[i] == " ":
                i += 1
            line_indent = i - start
            node_start = node_start or depth == 0
            continue
        if c in " \t":
            i += 1
            continue
        token_start = i == 0 or text[i - 1] in " \t\n[{,:"
        if c == "#" and (i == 0 or text[i - 1] in " \t\n"):
            i = _end_of_line(text, i)
            continue
        if c in "\"'" and (node_start if depth == 0 else token_start):
            i, line = _after_quoted(text, i, line)
            node_start = False
            continue
        if depth == 0:
            if node_start and c in "[{":
                depth = 1
            elif node_start and c in "-?" and (i + 1 == size or text[i + 1] in " \t\n"):
                pass  # a list item or a complex key: a value may still start on this line
            elif node_start and c in "|>":
                i, line = _after_block_scalar(text, i, line, line_indent)
                node_start = True
                continue
            elif c == ":" and (i + 1 == size or text[i + 1] in " \t\n"):
                node_start = True
            else:
                node_start = False
            i += 1
            continue
        if c in "[{":
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return line + 1
        elif c in "]}":
            depth -= 1
            node_start = False
        i += 1
    return None


def _end_of_line(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _after_quoted(text: str, i: int, line: int) -> tuple[int, int]:
    """Past the quoted text starting at ``i`` (``"…"`` with ``\\`` escapes, ``'…'`` with ``''``), and its last line."""
    quote, j, size = text[i], i + 1, len(text)
    while j < size:
        c = text[j]
        if c == "\\" and quote == '"':
            j += 2
            continue
        if c == quote:
            if quote == "'" and text.startswith("''", j):
                j += 2
                continue
            break
        j += 1
    return j + 1, line + text.count("\n", i, j)


def _after_block_scalar(text: str, i: int, line: int, indent: int) -> tuple[int, int]:
    """Past a block scalar (``|`` or ``>``, its indicator at ``i``): its lines are those indented more than the
    line that opens it (``indent``), and blank lines."""
    i = _end_of_line(text, i)
    size = len(text)
    while i < size:  # at a line end
        start = i + 1
        j = start
        while j < size and text[j] == " ":
            j += 1
        if j < size and text[j] != "\n" and j - start <= indent:
            return i, line  # the next line is not the scalar's: handled by the caller as a new line
        i = _end_of_line(text, j)
        line += 1
    return i, line
