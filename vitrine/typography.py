"""French typography as a cheap text pass (Python-Markdown's smarty doubles the cost)."""

from __future__ import annotations

import re

NBSP = "\u00a0"  # before « : » and inside « »
NNBSP = "\u202f"  # narrow, before ; ! ?

_RULES = (
    (re.compile(r"(?<=\w)'|(?<=\s)'(?=\w)|^'(?=\w)"), "’"),  # l'<a>, l'« too
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NBSP + "»"),
    (re.compile(r"(?<=\S)[ \u202f]+:(?=\s|$)"), NBSP + ":"),
    (re.compile(r"(?<=\S)[ \u00a0]+([;!?])"), NNBSP + r"\1"),
)
_ANY_RULE = re.compile(r"['«»:;!?]")  # a text without these has nothing to change: one search instead of five
_TAG = re.compile(r"(<[^>]*>)")
_VERBATIM = re.compile(r"<(/?)(code|pre|kbd|samp|script|style)\b", re.I)


def french(text: str) -> str:
    """Typographic apostrophes and non-breaking spaces where French typography wants them.

    Only spaces the author typed are made non-breaking, so ``https://`` and
    ``10:30`` are never touched.
    """
    if not _ANY_RULE.search(text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def french_html(html: str) -> str:
    """Apply :func:`french` to the text of an HTML fragment, never inside tags or code."""
    parts = _TAG.split(html)
    depth = 0
    for i, part in enumerate(parts):
        if i % 2:
            match = _VERBATIM.match(part)
            if match:
                depth += -1 if match.group(1) else 1
                depth = max(depth, 0)
        elif depth == 0 and part:
            parts[i] = french(part.replace("&#39;", "'"))
    return "".join(parts)
