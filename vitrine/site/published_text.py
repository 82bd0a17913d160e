"""The open data's bodies: the Markdown as written, its raw HTML as the site publishes it."""

from __future__ import annotations

import pyromark

from vitrine.content.bodies import COMMENT_OR_TAG, OPTIONS
from vitrine.site.markup import ALLOWED_TAGS, CONTENT_DROPPED, sanitize


def published_markdown(text: str) -> str:
    """The Markdown of a body with its raw HTML as the site publishes it: tags and attributes outside the
    sanitizer's allowlist, comments, and the content of scripts, styles, frames and forms removed; Markdown and
    allowed tags (``<abbr title="…">``) kept as written."""
    if "<" not in text:
        return text
    data = text.encode()
    pieces: list[bytes] = []
    last = 0
    dropping: list[str] = []  # the dropped element being skipped, if any (its content spans several events)
    for event, where in pyromark.events_with_range(text, options=OPTIONS):
        kind, value = next(iter(event.items())) if isinstance(event, dict) else (event, None)
        start, end = where["start"], where["end"]
        if kind in ("Html", "InlineHtml") and data[start:end] == value.encode():
            cleaned = _published_html(value, dropping, CONTENT_DROPPED)
            if kind == "Html" and value.endswith("\n") and not cleaned.endswith("\n"):
                cleaned += "\n"  # the line's end: a quote or list around it goes on
        elif dropping and kind in ("Text", "Code", "SoftBreak", "HardBreak"):
            cleaned = ""
        else:
            continue
        pieces += [data[last:start], cleaned.encode()]
        last = end
    pieces.append(data[last:])
    return b"".join(pieces).decode()


def _published_html(fragment: str, dropping: list[str], dropped: set[str]) -> str:
    """``fragment``'s raw HTML as the site publishes it; ``dropping``: the element being dropped (a script…) or
    an open comment, carried from one fragment to the next."""
    out, last = [], 0
    if dropping == ["!--"]:  # a comment opened on an earlier line of the block
        closed = fragment.find("-->")
        if closed < 0:
            return ""
        dropping.clear()
        last = closed + 3
    for match in COMMENT_OR_TAG.finditer(fragment):
        at = match.start()
        if at < last:
            continue  # inside a comment or a tag already read
        if not dropping:
            out.append(fragment[last:at])
        if match.group(2) is None:  # a comment, to its end or the fragment's
            closed = fragment.find("-->", match.end())
            if closed < 0:
                dropping[:] = dropping or ["!--"]
                return "".join(out)
            last = closed + 3
            continue
        closing, name = match.group(1), match.group(2).lower()
        after = match.end()
        limit = fragment.find("<", after)
        end = fragment.find(">", after, len(fragment) if limit < 0 else limit)
        if end < 0:  # not a tag: its « < » is text
            if not dropping:
                out.append("&lt;")
            last = at + 1
            continue
        last = end + 1
        if dropping:
            if closing and name == dropping[0]:
                dropping.clear()
            continue
        if name in dropped and not closing:
            dropping.append(name)
        elif name in ALLOWED_TAGS:
            tag = fragment[at:last]
            out.append(tag if closing else sanitize(tag).removesuffix(f"</{name}>"))
    if not dropping:
        out.append(fragment[last:])
    return "".join(out)
