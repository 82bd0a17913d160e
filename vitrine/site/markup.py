"""Markdown bodies → safe, French-typographed HTML, converted once per distinct body.

The dialect is CommonMark, the standard behind GitHub's and GitLab's Markdown,
with their tables and strikethrough, converted by pulldown-cmark (Rust, through
pyromark): a body converts in 0.03 ms instead of 5 ms with Python-Markdown
(issue 7), and what the editors see in their git host's preview is what the site
publishes. (cmark-gfm, through cmarkgfm, was tried first: its Python wrapper
never frees the parsed document, about 34 kB per body.) Headings get anchors
(``## Qui contacter`` → ``#qui-contacter``, or the one an editor chose with
``{: #contacts }``), as Python-Markdown's ``toc`` and ``attr_list`` gave them.

Raw HTML in Markdown goes through the nh3 allowlist: formatting survives,
scripts, event handlers, ``javascript:`` URLs, frames, styles and forms do not.
"""

from __future__ import annotations

import html
import re

import nh3
import pyromark

from vitrine.content.bodies import TEMPLATE_IDS, chosen_anchor, is_template_id
from vitrine.content.slugs import slugify
from vitrine.content.typography import french_html

# Raw HTML is let through by the converter: nh3 is the one sanitizer (below), with an allowlist we control.
OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
ANCHORED_LEVELS = "1234"  # h1 (published as h2) to h4 get an anchor, as toc_depth "1-4" did

ALLOWED_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "h2", "h3", "h4", "h5",
                "h6", "table", "thead", "tbody", "tr", "th", "td", "img", "code", "pre", "hr", "abbr", "sup", "sub",
                "dl", "dt", "dd", "figure", "figcaption", "q", "cite", "small", "span", "del"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "img": {"src", "alt", "title", "width", "height"},
                      "abbr": {"title"}, "th": {"scope"}, "td": set(), "ol": {"start"},
                      "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"}}
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
URL_SCHEMES = {"http", "https", "mailto"}
CONTENT_DROPPED = {"script", "style", "iframe", "object", "embed", "form", "textarea", "select", "template", "noscript"}

_TABLE_ALIGN = re.compile(r' style="text-align: (left|center|right)"')
# A heading's content never holds another heading's tag: the match stops there (on raw ``<h2>…</h2 >`` lines,
# ``.*?`` alone would scan to the end of the body from each one: quadratic)
_HEADING = re.compile(r"<h([1-6])>((?:(?!</?h[1-6]\b).)*?)</h\1>", re.S)
# Neither pattern crosses a « < »: from each « < » with no « > » after it, they would read to the end (quadratic)
_TAGS = re.compile(r"<[^<>]*>")
_RAW_ID = re.compile(r"""<h[2-6]\b[^<>]*?\sid\s*=\s*["']?([^"'\s<>]+)""", re.I)
# What nh3 writes back exactly as the converter wrote it, from Markdown that holds no « < » (so no raw HTML, whose every
# form starts with one; nor autolinks): text without the characters html5ever escapes or changes (« & », « < », « > »,
# U+00A0, NUL, CR), and these tags, as the converter writes them: no « <br /> », « <hr /> » or « <img … /> » (written
# without the slash), no code's language class nor table (rewritten), and links only to a relative address (no « : »:
# no scheme) or to an http(s) address of a plain host. A body that is anything more goes through nh3. So nh3 is skipped
# only where its output would be its input: the same bytes, the same safety (``tests/site/test_sanitizer_shortcut.py``
# compares the two on random bodies). nh3 costs about 20 ns a character (html5ever's parsing and writing), a tenth of
# rendering; this check about a fifth of that.
_RELATIVE_URL = r"[A-Za-z0-9/._~%?=+#-]*+"
_WEB_URL = rf"https?://(?:(?![a-z0-9]{{2}}--)[a-z0-9]++(?:-++[a-z0-9]++)*+\.)++[a-z]{{2,}}(?:/{_RELATIVE_URL})?"
# A « < » that does not start one of those tags (none of which holds a « < » or « > » but its own)
_UNKEPT_TAG = re.compile(
    r"<(?!/?(?:p|em|strong|del|code|ul|ol|li|blockquote|h[2-6])>|/(?:a|pre)>|pre><code>"
    r'|h[2-6] id="[A-Za-z0-9_-]++">|ol start="[0-9]++">'
    rf'|a href="(?:{_RELATIVE_URL}|{_WEB_URL})">)')


def markdown_to_html(text: str) -> str:
    """Convert, sanitize and typograph one Markdown body (no cache)."""
    html_text = pyromark.html(text, options=OPTIONS).rstrip("\n")
    html_text = _with_anchors(html_text)
    if ' style="text-align: ' in html_text:  # a table's aligned column (found by ``str``, where the pattern is slower)
        html_text = _TABLE_ALIGN.sub(r' class="align-\1"', html_text)
    # Nothing to sanitize when the converter wrote the whole body and nh3 would write it back as it is
    safe = html_text if kept_as_written(text, html_text) else sanitize(html_text)
    # A code block may scroll sideways (static/style.css): focusable, a keyboard can scroll it (after the sanitizer,
    # which would drop the attribute)
    return french_html(safe).replace("<pre>", '<pre tabindex="0">')


# Made once: ``nh3.clean`` converts the allowlist's sets for every call (a quarter of its cost on a body)
_CLEANER = nh3.Cleaner(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                       clean_content_tags=CONTENT_DROPPED,
                       allowed_classes={"th": ALIGN_CLASSES, "td": ALIGN_CLASSES}, link_rel=None)


def sanitize(html_text: str) -> str:
    """The allowlist every published body goes through (the open data's raw HTML too)."""
    return _CLEANER.clean(html_text)


def kept_as_written(text: str, html_text: str) -> bool:
    """Whether nh3 would give ``html_text``, converted from the Markdown ``text``, back as it is (see ``_UNKEPT_TAG``):
    every « < » starts a tag it keeps, as many « > » (so none in the text), no character it escapes or changes."""
    return ("<" not in text and "&" not in html_text and "\xa0" not in html_text and "\x00" not in html_text
            and "\r" not in html_text and html_text.count("<") == html_text.count(">")
            and not _UNKEPT_TAG.search(html_text))


def _with_anchors(html_text: str) -> str:
    """Headings demoted below the page's own h1, each with a unique anchor (chosen, or made from its text).

    An anchor made from a heading's text never takes an id of the templates' (« ## Contenu » is published as
    ``contenu_1``: the page's ``<main>`` is ``#contenu``) nor one written in raw HTML; chosen ones that would are
    refused at validation (``content/bodies.py``)."""
    used: set[str] = set(TEMPLATE_IDS) | set(_RAW_ID.findall(html_text))

    def anchored(match: re.Match[str]) -> str:
        level, inner = match.group(1), match.group(2)
        cut, chosen = chosen_anchor(inner)
        inner = inner[:cut]
        published = "2" if level == "1" else level
        if level not in ANCHORED_LEVELS and not chosen:
            return f"<h{published}>{inner}</h{published}>"
        anchor = chosen or slugify(html.unescape(_TAGS.sub("", inner))) or "section"
        if is_template_id(anchor):
            used.add(anchor)  # a prefix of the templates' ids (``contrat-…``): suffixed like a taken one
        anchor = _unique(anchor, used)
        return f'<h{published} id="{anchor}">{inner}</h{published}>'

    return _HEADING.sub(anchored, html_text)


def _unique(anchor: str, used: set[str]) -> str:
    """``anchor``, or ``anchor_1``, ``anchor_2``… when an earlier heading of the body has it (as toc did)."""
    candidate, n = anchor, 0
    while candidate in used:
        n += 1
        candidate = f"{anchor}_{n}"
    used.add(candidate)
    return candidate


class MarkdownCache:
    """Markdown → HTML, each distinct body converted once per process (the preview keeps one between saves).

    Keyed by the text alone: the settings cannot change within a process. (Keeping the HTML on disk between
    processes was measured and deleted: no target at 4,000 laureates needs it, and a cold build paid for writing it;
    ``benchmarks/README.md``.)
    """

    MAX_ENTRIES = 20000  # then bodies are converted again rather than kept: memory must not grow with N

    def __init__(self) -> None:
        self.memory: dict[str, str] = {}
        self.conversions = 0

    def html(self, text: str) -> str:
        hit = self.memory.get(text)
        if hit is None:
            hit = markdown_to_html(text)
            self.conversions += 1
            if len(self.memory) < self.MAX_ENTRIES:
                self.memory[text] = hit
        return hit
