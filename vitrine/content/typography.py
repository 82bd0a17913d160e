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

The rules run over a whole HTML fragment at once, skipping what lies inside a tag (what follows a match
reaches a « < », or the end, before any « > ») and code elements. The spaces before « : ; ! ? » are
found from the punctuation, looking back: searching from every space, as a regular expression would,
costs five times more on French prose, where spaces are everywhere and colons rare.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"  # before « : », inside « », between a number and its unit
NNBSP = "\u202f"  # narrow, before ; ! ? and between groups of digits
# Bump when the rules below change what they make: cached HTML made by older rules is then not reused.
RULES_VERSION = "2"

_SPACE = " \u00a0\u202f"
_OUTSIDE_TAGS = r"(?![^<>]*>)"
# Where a quotation may not run on: the end of a paragraph, a list item, a cell, a heading…
_BLOCK = r"(?:\n\s*\n|</?(?:p|li|h[1-6]|t[dhr]|d[dlt]|[ou]l|blockquote|pre|figure|figcaption|table|div|br)\b)"
# A quotation between straight quotes: the opening one after a space, a tag or the start, before a
# letter; the closing one after a letter, before a space or punctuation. Inside, tags and elisions.
_DOUBLE = r'"(?<![\w"=]")(?=[^\s"]){outside}((?:(?!{block})(?:{tag}[^"<]))*?)(?<=[^\s"])"(?!\w)'
_SINGLE = r"'(?<![\w’'=]')(?=[^\s'’]){outside}((?:(?!{block})(?:{tag}'(?=\w)|[^'<]))*?)(?<=[^\s'])'(?![\w’])"
# l'<a>, l'« , '90 too; « ^ » is after a tag or the start
_APOSTROPHE = r"'(?:(?<=\w')|(?<=\s')(?=\w)|(?<![^>]')(?=\w))"
_OPENING = r"«[ \u00a0\u202f]*"
_PUNCTUATION = r"[:;!?»]"
# 1 000, 25 000 000 (a space of any width typed between groups of three digits), not 2022 nor 1,500 000.
_DIGIT_GROUPS = r"\d(?<![\d.,]\d)\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\d)"
# Units and symbols written after a number: currencies, percentages, areas, lengths, weights, energy, data,
# durations. Single letters that are French words or elisions (a, l, t, s, g) are left out.
_UNITS = ("Md€", "M€", "k€", "€", "%", "‰", "$", "£", "°C", "km²", "km", "m²", "m³", "cm", "mm", "m",
          "ha", "kg", "kWh", "kW", "MWh", "MW", "GWh", "Ko", "Mo", "Go", "To", "min", "h")
_UNIT = r"(\d)[ \u00a0\u202f]+(?=(?:{})(?![\w’']))".format("|".join(re.escape(u) for u in _UNITS))
_MINUTES = r"(\d\u00a0h)[ \u00a0\u202f]+(?=\d\d(?!\d))"  # 10 h 30


def _rules(html: bool) -> tuple[re.Pattern[str], ...]:
    outside = _OUTSIDE_TAGS if html else ""
    tag = r"<[^<>]*>|" if html else ""
    return tuple(re.compile(pattern + outside) for pattern in (
        _DOUBLE.format(block=_BLOCK, tag=tag, outside=outside), _SINGLE.format(block=_BLOCK, tag=tag, outside=outside),
        _APOSTROPHE, _OPENING,
        _PUNCTUATION, _DIGIT_GROUPS, _UNIT, _MINUTES))


_TEXT = _rules(html=False)
_HTML = _rules(html=True)
# A text without these has nothing to change.
_ANY_RULE = re.compile(r"['\"«»:;!?]|\d[ \u00a0\u202f]")
_NUMBER = re.compile(r"\d[ \u00a0\u202f]")  # what the rules on numbers need
_VERBATIM = re.compile(r"(<(code|pre|kbd|samp|script|style)\b.*?</\2\s*>)", re.I | re.S)
_AFTER_COLON = frozenset(" \t\n\r\f\v\u00a0\u202f<")


def french(text: str) -> str:
    """French typography on plain text: guillemets, apostrophes and non-breaking spaces.

    Only spaces the author typed are made non-breaking, so ``https://`` and ``10:30`` are never touched.
    """
    return _typeset(text, _TEXT) if _ANY_RULE.search(text) else text


def french_html(html: str) -> str:
    """Apply :func:`french` to the text of an HTML fragment, never inside tags or code."""
    if not _ANY_RULE.search(html):
        return html
    parts = _VERBATIM.split(html)
    for i in range(0, len(parts), 3):  # split() gives text, a verbatim element, its tag name, text…
        # The sanitizer writes a typed no-break space as an entity: the rules see it as the character. (It
        # writes « " » as itself in text, and as « &quot; » only in attributes, which stay as they are.)
        parts[i] = _typeset(parts[i].replace("&#39;", "'").replace("&nbsp;", NBSP), _HTML)
    return "".join(part for i, part in enumerate(parts) if i % 3 != 2)


def _typeset(text: str, rules: tuple[re.Pattern[str], ...]) -> str:
    double, single, apostrophe, opening, punctuation, groups, unit, minutes = rules
    if '"' in text:
        text = double.sub(_quotation, text)
    if "'" in text:
        text = single.sub(_quotation, text)
        text = apostrophe.sub("’", text)
    if "«" in text:
        text = opening.sub("«" + NBSP, text)
    if _NUMBER.search(text):
        text = groups.sub(_grouped, text)
        text = unit.sub(r"\1" + NBSP, text)
        if NBSP + "h" in text:
            text = minutes.sub(r"\1" + NBSP, text)
    return _space_punctuation(text, punctuation)


def _quotation(match: re.Match[str]) -> str:
    """« quoted » — or “quoted” within a quotation already open (the second level)."""
    before = match.string[:match.start()]
    inner = match.group(1).strip(_SPACE)
    if before.count("«") > before.count("»"):
        return f"“{inner}”"
    return f"«{NBSP}{inner}{NBSP}»"


def _grouped(match: re.Match[str]) -> str:
    return re.sub(f"[{_SPACE}]", NNBSP, match.group())


def _space_punctuation(text: str, punctuation: re.Pattern[str]) -> str:
    pieces, done = [], 0
    for match in punctuation.finditer(text):
        mark, end = match.group(), match.start()
        start = end
        while start > done and text[start - 1] in _SPACE:
            start -= 1
        typed = text[start:end]
        if mark == "»":
            space = NBSP  # « expo» and «expo» alike
        elif not typed or start == 0 or text[start - 1].isspace():
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

