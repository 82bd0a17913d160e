"""French typography as a cheap text pass (Python-Markdown's smarty doubled the cost of a body).

The rules run over each text between two tags of an HTML fragment, skipping
tags and code elements. The spaces before « : ; ! ? » are found from the punctuation,
looking back: searching from every space, as a regular expression would, costs
five times more on French prose, where spaces are everywhere and colons rare.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"  # before « : » and inside « »
NNBSP = "\u202f"  # narrow, before ; ! ?

_APOSTROPHE = r"'(?:(?<=\w')|(?<=\s')(?=\w)|(?<![^>]')(?=\w))"  # l'<a>, l'« too; « ^ » is after a tag or the start
_OPENING = r"«[ \u00a0\u202f]*"
_PUNCTUATION = r"[:;!?»]"
_TEXT = (re.compile(_APOSTROPHE), re.compile(_OPENING), re.compile(_PUNCTUATION))
# A tag as the sanitizer writes it: attributes in double quotes (a ``>`` may be inside one)
_TAG = re.compile(r'(<(?:"[^"]*"|[^"<>])*>)')
_ANY_RULE = re.compile(r"['«»:;!?]")  # a text without these has nothing to change
_VERBATIM = re.compile(r"(<(code|pre|kbd|samp|script|style)\b.*?</\2\s*>)", re.I | re.S)
_AFTER_COLON = frozenset(" \t\n\r\f\v\u00a0\u202f<")


def french(text: str) -> str:
    """Typographic apostrophes and non-breaking spaces where French typography wants them.

    Only spaces the author typed are made non-breaking, so ``https://`` and
    ``10:30`` are never touched.
    """
    return _typeset(text, _TEXT) if _ANY_RULE.search(text) else text


def french_html(html: str) -> str:
    """Apply :func:`french` to the text of an HTML fragment, never inside tags or code."""
    if not _ANY_RULE.search(html):
        return html
    parts = _VERBATIM.split(html)
    for i in range(0, len(parts), 3):  # split() gives text, a verbatim element, its tag name, text…
        parts[i] = _typeset_html(parts[i].replace("&#39;", "'"))
    return "".join(part for i, part in enumerate(parts) if i % 3 != 2)


def _typeset_html(html: str) -> str:
    """The rules applied to each text between two tags. (A pattern that looks ahead for the next ``<`` or ``>``
    from each match, to skip the inside of tags, scans the rest of a paragraph from each colon: 80 kB of
    « a : » took 20 s.)"""
    pieces = _TAG.split(html)
    for j in range(0, len(pieces), 2):  # text, tag, text…
        if _ANY_RULE.search(pieces[j]):
            pieces[j] = _typeset(pieces[j], _TEXT, after_tag=j > 0)
    return "".join(pieces)


def _typeset(text: str, rules: tuple[re.Pattern[str], ...], after_tag: bool = False) -> str:
    """``after_tag``: ``text`` follows a tag (``<em>mot</em> :``): a mark at its start does not begin a line."""
    apostrophe, opening, punctuation = rules
    if "'" in text:
        text = apostrophe.sub("’", text)
    if "«" in text:
        text = opening.sub("«" + NBSP, text)
    pieces, done = [], 0
    for match in punctuation.finditer(text):
        mark, end = match.group(), match.start()
        start = end
        while start > done and text[start - 1] in " \u00a0\u202f":
            start -= 1
        typed = text[start:end]
        if mark == "»":
            space = NBSP  # « expo» and «expo» alike
        elif not typed or start == 0 and not after_tag or start and text[start - 1].isspace():
            continue  # no space typed (10:30, https://), or the mark begins a line
        elif mark == ":":
            if NBSP in typed or not (match.end() == len(text) or text[match.end()] in _AFTER_COLON):
                continue
            space = NBSP
        else:
            if NNBSP in typed:
                continue
            space = NNBSP
        pieces += (text[done:start], space, mark)
        done = match.end()
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)
