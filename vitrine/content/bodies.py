"""What a Markdown body may hold, checked before it is converted: nesting, images, anchors and links.

over 300 lines: one linear scan of the converter's HTML, whose helpers share its patterns and state.

One pass over the HTML the converter makes of the body (pulldown-cmark, through pyromark: linear in the body's
size), before the sanitizer sees it, at validation, so ``build``, ``check``, the preview and the edit fast path
(``speed/snapshot.py``'s patch) all refuse the same bodies:

- **nesting** deeper than ``MAX_NESTING`` levels (quotes, lists, emphasis, links, raw HTML elements together), or
  more than ``MAX_RAW_TAGS`` raw HTML tags. The sanitizer (nh3, html5ever) costs time in proportion to the depth
  of the tree for each element it adds: 100,000 ``>`` took minutes. The scan stops at the first level too deep,
  so a refused body costs a bounded amount of work, and an accepted one reaches nh3 no deeper than the bound;
- **images from another origin** (``![x](https://…)``, raw ``<img src="https://…">``): the site loads nothing
  from elsewhere (its Content-Security-Policy would block them), so they would show as broken images;
- **anchors that the templates use** (``{: #contenu }``, a raw ``<h2 id="titre">``): a second element with the id
  of the page's ``<main>`` breaks the skip link and ``aria-labelledby``. Anchors made from a heading's text
  avoid them by themselves (``markup``: ``contenu_1``).

The links and media references found are kept in the records; ``site/links.py`` resolves them against the site's
URL map once the pages are planned. Lines are looked for (``locate``: the Markdown's events with their offsets,
four times as costly) only for a body with a problem or a dead link.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterator
from urllib.parse import urlsplit

import pyromark

from vitrine.content.text import INVISIBLE


# Deeper than any real text (a quote in a list in a list, with a link in bold: 8 levels), far below what slows the
# sanitizer down (1,000 levels cost it about 5 ms).
MAX_NESTING = 40
# A pasted HTML table of 100 rows is about 700 tags. The bound on nesting follows how elements are opened and
# closed; this one bounds the sanitizer's work whatever a tag soup makes it rebuild.
MAX_RAW_TAGS = 2000

OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH  # as ``markup`` converts

# Ids the templates give their own elements (the skip link's target, ``aria-labelledby`` targets) and prefixes
# of the ids they make (a contrat de ville's section, the filters' fields). tests/content/test_markdown_safety.py checks
# that every id written in templates/ is covered.
TEMPLATE_IDS = frozenset({"contenu", "titre", "carte-titre", "chiffres-titre", "contacts-titre", "derniers-titre",
                          "edition-titre", "explorer-titre", "recherche-texte", "voisins-titre"})
TEMPLATE_ID_PREFIXES = ("contrat-", "filtre-", "recherche-", "graphique-")  # graphique-: /chiffres/'s charts

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr", "keygen"})
# How an HTML parser closes elements that were not closed as written, followed only where it surely does (any
# other end tag that does not close the innermost element is taken as ignored: the count never falls short).
_IMPLIED_END = frozenset({"p", "li", "dt", "dd", "option", "optgroup", "rp", "rt", "rb", "rtc"})
_CLOSES_THROUGH = frozenset({"address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div",
                             "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "listing",
                             "main", "menu", "nav", "ol", "pre", "section", "summary", "ul", "li", "dd", "dt"})
_CLOSES_P = _CLOSES_THROUGH | _HEADINGS | {"p", "table", "hr", "form", "search"}
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_RAW_TAG = re.compile(r"</?[A-Za-z]")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")  # a tag's name is all its depth needs
_TAG_TOKEN = re.compile(r"</?[A-Za-z][^\s/>]*")  # the same tags, their start as one string
COMMENT_OR_TAG = re.compile(r"<!--|<(/?)([A-Za-z][^\s/>]*)")
_ATTRIBUTE = re.compile(r"""(?:^|\s)(href|src|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_HEADING = re.compile(r"<h([1-6])>((?:(?!</?h[1-6]\b).)*?)</h\1>", re.S)  # as ``markup`` finds them
_CHOSEN_ANCHOR = re.compile(r"\{:?\s*#([A-Za-z][\w-]*)\s*\}")
FIELD = "texte"
# The elements whose links or ids the sanitizer keeps, when they have attributes (« <h2> » has none to read)
_LINKING_TAG = re.compile(r"<()(a|img|h[1-6])(?=[\s/])", re.I)


@dataclass(frozen=True)
class Problem:
    line: int  # in the body, from 0
    message: str
    hint: str


@dataclass(frozen=True)
class BodyScan:
    problems: tuple[Problem, ...]
    links: tuple[tuple[int, str], ...]  # (line in the body from 0, destination) of each link and image
    steps: int  # events and tags examined: the scan's work, bounded by the body's size and ``MAX_NESTING``
    located: bool = True  # the links' lines are known (else each is 0: ``locate`` finds them when one is dead)


def is_template_id(anchor: str) -> bool:
    return anchor in TEMPLATE_IDS or anchor.startswith(TEMPLATE_ID_PREFIXES)


def chosen_anchor(text: str) -> tuple[int, str | None]:
    """The anchor an editor chose at the end of a heading (``Contacts {: #contacts }``): (where the heading's
    text ends, the anchor), or (its length, None). Looked for from the last « { » only: a pattern searched from
    every position would cost the square of a run of spaces."""
    end = len(text.rstrip())
    start = text.rfind("{", 0, end)
    chosen = _CHOSEN_ANCHOR.fullmatch(text, start, end) if start >= 0 and text[end - 1:end] == "}" else None
    if chosen is None:
        return len(text), None
    return len(text[:start].rstrip()), chosen.group(1)


def scan(text: str) -> BodyScan:
    """Check one Markdown body; stop at the first nesting too deep (the rest would cost without telling more).

    The check reads the HTML the converter makes (pulldown-cmark, in Rust: a few microseconds), where the Markdown's
    elements and the raw HTML's tags come in the order the sanitizer receives them. The links it finds are those
    the site publishes (``<a href>``, ``<img src>``); their lines, and those of problems, are found only when
    needed (``locate``: the Markdown's events with their offsets, four times as costly).
    """
    if len(_RAW_TAG.findall(text)) > MAX_RAW_TAGS:
        return locate(text)
    problems: list[Problem] = []
    links: list[tuple[int, str]] = []
    ids: dict[str, int] = {}
    stack: list[str] = []
    steps = 0
    converted = pyromark.html(text, options=OPTIONS)
    page = _COMMENT.sub("", converted) if "<!--" in converted else converted
    if "<" not in text and _depth(names := _TAG_TOKEN.findall(page)) <= MAX_NESTING:
        steps, tags = len(names), []  # Markdown alone, not too deep: the loop below is not needed
    else:
        tags = _TAG_NAME.findall(page)
    for closing, name in tags:
        steps += 1
        if closing:
            if stack and stack[-1] == name:
                stack.pop()
            else:
                _close(stack, name.lower())
            continue
        name = name.lower()
        if stack and (stack[-1] == "p" and name in _CLOSES_P or stack[-1] == name == "li"
                      or stack[-1] in ("dt", "dd") and name in ("dt", "dd")):
            stack.pop()  # a new paragraph, list item or term closes the one before
        if name not in VOID:
            stack.append(name)
            if len(stack) > MAX_NESTING:
                problems.append(_too_complex(0, False))
                break
    if not problems and ("href=" in page or "src=" in page or "id=" in page):  # the attributes the site publishes
        for _, _, _, name, attributes in _tags(page, _LINKING_TAG):
            name = name.lower()
            for key, *value in _ATTRIBUTE.findall(attributes):
                url, key = html.unescape(value[0] or value[1] or value[2]), key.lower()
                if key == "id" and name in _HEADINGS:  # the only elements whose id the sanitizer keeps
                    _anchor(url, 0, ids, problems)
                elif key == "src" and name == "img":
                    _image(url, 0, problems, links)
                elif key == "href" and name == "a":
                    links.append((0, url))
    if not problems and "{" in page:  # headings' chosen anchors, ``## Contacts {: #contacts }``
        for _, inner in _HEADING.findall(page):
            chosen = chosen_anchor(inner)[1]
            if chosen:
                _anchor(chosen, 0, ids, problems)
    # Only a reference (« &#…; ») puts one in the page: without « & », nothing to look for (the text was checked).
    # The converter decodes the Markdown's; it leaves raw HTML's (« < ») as typed, for the sanitizer to decode.
    # (What the converter made, comments kept: « <!--> » ends one where ``_COMMENT`` reads on to the next « --> ».)
    invisible = _invisible_references(text, bool(INVISIBLE.search(converted)), "<" in text) if "&" in text else []
    if not problems:
        return BodyScan(tuple(invisible), tuple(links), steps, located=False)
    located = locate(text)  # where the problems are; the same problems, or the quick pass's ones at the start
    return BodyScan(tuple(invisible) + (located.problems or tuple(problems)), located.links, steps + located.steps)


def _invisible_references(text: str, markdown: bool, raw_html: bool) -> list[Problem]:
    """Character references to what no page may contain (« &#x1C; », a control character): refused in a file as
    typed (``text.py``), they would reach the page through the converter (``markdown``: its page has one), or in
    raw HTML (``raw_html``: ``<p>&#x1C</p>``, ``<span title="&#28;">``) through the sanitizer, which decode them."""
    found: dict[int, re.Match] = {}
    if markdown:
        for reference in _CHARACTER_REFERENCE.finditer(text):
            if _invisible_code(reference.group(1), html=False):
                found[reference.start()] = reference
    if raw_html:
        # Comments are not left out: « <!-- » in a paragraph is text (« &lt;!-- »), and a parser ends some early
        for reference in _HTML_CHARACTER_REFERENCE.finditer(text):
            if _invisible_code(reference.group(1), html=True):
                found.setdefault(reference.start(), reference)
    return [Problem(text.count("\n", 0, at), f"« {reference.group()} » est un caractère invisible, qu'aucune page "
                    "ne peut le contenir", f"supprimez « {reference.group()} »")
            for at, reference in sorted(found.items())]


_CHARACTER_REFERENCE = re.compile(r"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,9});")
# As the sanitizer's HTML parser (html5ever) reads them in raw HTML: any number of digits, the « ; » optional
_HTML_CHARACTER_REFERENCE = re.compile(r"&#([xX][0-9a-fA-F]+|[0-9]+);?")


def _invisible_code(value: str, html: bool) -> bool:
    """Whether the reference ``&#value;`` stands for an ``INVISIBLE`` character; ``html``: as an HTML parser reads
    it, which reads 0 as U+FFFD and 128 to 159 as Windows-1252 (« &#150; » is « – ») where that code has one."""
    hexadecimal = value[0] in "xX"
    digits = (value[1:] if hexadecimal else value).lstrip("0")
    if len(digits) > 7:  # beyond U+10FFFF (and thousands of digits are not converted)
        return False
    code = int(digits or "0", 16 if hexadecimal else 10)
    if html and (code == 0 or 0x80 <= code <= 0x9F and code not in _CP1252_UNDEFINED):
        return False
    return code < 0x110000 and bool(INVISIBLE.match(chr(code)))


_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})  # left as they are by an HTML parser


class _Steps(dict):
    """How each tag's start (``<p``, ``</p``, ``<br``) changes the depth: +1, -1, or 0 for a void element; filled
    as tags are met (the converter writes a few dozen names), so that ``_depth`` looks each one up in C."""

    def __missing__(self, token: str) -> int:
        step = self[token] = -1 if token[1] == "/" else int(token[1:] not in VOID)
        return step


_STEPS = _Steps()


def _depth(tokens: list[str]) -> int:
    """How deep the converter's elements nest, when the Markdown holds no raw HTML (no « < »): its HTML is then
    well formed, so each end tag closes the innermost element, and no element implies the end of another (a
    paragraph never holds a block): what ``scan``'s loop follows, counted in C (most bodies, 0.03 ms each).
    ``tokens``: each tag's start as ``_TAG_TOKEN`` finds it (strings, not the tuples ``_TAG_NAME`` makes)."""
    return max(accumulate(map(_STEPS.__getitem__, tokens)), default=0)


def locate(text: str) -> BodyScan:
    """``scan``, through the Markdown's events and their offsets: each problem and link with its line."""
    data = text.encode()
    newlines = [m.start() for m in re.finditer(b"\n", data)] if b"\n" in data else []

    def line(offset: int) -> int:
        return bisect.bisect_left(newlines, offset)

    problems: list[Problem] = []
    links: list[tuple[int, str]] = []
    ids: dict[str, int] = {}
    depth = steps = tags = 0
    raw: list[str] = []  # raw HTML elements left open, innermost last
    block: list[str] = []  # the lines of the raw HTML block being read
    block_start = 0
    heading: list[str] | None = None  # the text of the heading being read
    heading_start = 0

    def too_deep(at: int) -> bool:
        """Whether the nesting is too deep at line ``at`` (then it is reported)."""
        if depth + len(raw) <= MAX_NESTING and tags <= MAX_RAW_TAGS:
            return False
        problems.append(_too_complex(at, tags > MAX_RAW_TAGS))
        return True

    def raw_html(fragment: str, start: int) -> bool:
        """Follow the raw tags of ``fragment`` (at byte ``start``); True when nesting is too deep."""
        nonlocal tags, steps
        fragment = _COMMENT.sub(lambda m: "\n" * m.group().count("\n"), fragment)  # the sanitizer drops comments
        first, counted, lines = line(start), 0, 0  # the fragment's first line; its lines counted up to ``counted``
        for at, _, closing, name, attributes in _tags(fragment):
            steps += 1
            tags += 1
            name = name.lower()
            lines += fragment.count("\n", counted, at)
            counted, at = at, first + lines
            if closing:
                _close(raw, name)
                continue
            for key, *value in _ATTRIBUTE.findall(attributes):
                url = html.unescape(next((v for v in value if v), ""))
                key = key.lower()
                if key == "id":
                    if name in _HEADINGS:  # the only elements whose id the sanitizer keeps
                        _anchor(url, at, ids, problems)
                elif name == "img" and key == "src":
                    _image(url, at, problems, links)
                elif key == "href" and name == "a":
                    links.append((at, url))
            if raw and (raw[-1] == "p" and name in _CLOSES_P or raw[-1] == name == "li"
                        or raw[-1] in ("dt", "dd") and name in ("dt", "dd")):
                raw.pop()  # a new paragraph, list item or term closes the one before
            if name not in VOID:  # ``<div/>`` opens a div: HTML ignores the slash
                raw.append(name)
            if too_deep(at):
                return True
        return False

    for event, where in pyromark.events_with_range(text, options=OPTIONS):
        steps += 1
        start = where["start"]
        if isinstance(event, dict):
            kind, value = next(iter(event.items()))
        else:
            kind, value = event, None
        if kind == "Start":
            name = value if isinstance(value, str) else next(iter(value))
            if name == "HtmlBlock":
                block, block_start = [], start
                continue
            depth += 1
            if too_deep(line(start)):
                break
            if name in ("Link", "Image"):
                target = value[name]
                if target["link_type"] in ("Email", "WikiLink"):
                    continue
                if name == "Image":
                    _image(target["dest_url"], line(start), problems, links)
                else:
                    links.append((line(start), target["dest_url"]))
            elif name == "Heading":
                heading, heading_start = [], start
        elif kind == "End":
            name = value if isinstance(value, str) else next(iter(value))
            if name == "HtmlBlock":
                if raw_html("".join(block), block_start):
                    break
                continue
            depth -= 1
            if name == "Heading" and heading is not None:
                chosen = chosen_anchor("".join(heading))[1]
                if chosen:
                    _anchor(chosen, line(heading_start), ids, problems)
                heading = None
        elif kind == "Html":
            block.append(value)
        elif kind == "InlineHtml":
            if raw_html(value, start):
                break
        elif kind in ("Text", "Code") and heading is not None:
            heading.append(value)
    return BodyScan(tuple(problems), tuple(links), steps)


def _tags(fragment: str, names: re.Pattern[str] = _TAG_NAME) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, « / » or not, name, attributes) of each tag of ``fragment``, read without backtracking: a tag
    ends at its first « > », and is no tag when a « < » comes first (then ``end`` is -1). Each character is read
    once or twice: a pattern for quoted values would read to the end of the body from each unfinished tag (a
    block of ``<a title="x`` lines took minutes). A value that holds « < » or « > » cuts the attributes short; the
    element still counts. ``names``: the tags to read (a pattern like ``_TAG_NAME``)."""
    for match in names.finditer(fragment):
        after = match.end()
        limit = fragment.find("<", after)
        limit = len(fragment) if limit < 0 else limit
        end = fragment.find(">", after, limit)
        yield (match.start(), -1 if end < 0 else end + 1, match.group(1), match.group(2),
               fragment[after:limit if end < 0 else end])


def _too_complex(line: int, tags: bool) -> Problem:
    what = (f"plus de {MAX_RAW_TAGS} balises HTML" if tags
            else f"plus de {MAX_NESTING} niveaux imbriqués (citations, listes, emphases, liens ou balises HTML)")
    return Problem(line, f"mise en forme trop complexe : {what}", "simplifiez ce passage : aucun texte réel n'en a besoin")


def _close(raw: list[str], name: str) -> None:
    """An end tag: it closes the innermost element of that name, and the elements whose end it implies."""
    if raw and raw[-1] == name:
        raw.pop()
    elif name in _CLOSES_THROUGH and name in raw[-MAX_NESTING - 1:]:
        at = len(raw) - 1 - raw[::-1].index(name)
        if all(inner in _IMPLIED_END for inner in raw[at + 1:]):
            del raw[at:]


def _anchor(anchor: str, line: int, ids: dict[str, int], problems: list[Problem]) -> None:
    if is_template_id(anchor):
        problems.append(Problem(line, f"ancre « #{anchor} » réservée : la page utilise déjà cet identifiant",
                                f"choisissez-en une autre, par exemple « #{anchor}-section »"))
    elif anchor in ids:
        problems.append(Problem(line, f"ancre « #{anchor} » donnée deux fois (déjà ligne {ids[anchor] + 1} du texte)",
                                "donnez à chaque intertitre une ancre différente"))
    else:
        ids[anchor] = line


def _image(url: str, line: int, problems: list[Problem], links: list[tuple[int, str]]) -> None:
    """An image comes from the site itself: another origin is refused, the site's own is a link to check."""
    scheme = urlsplit(url.strip()).scheme.lower()
    if url.strip().startswith("//") or scheme in ("http", "https"):
        problems.append(Problem(line, f"image d'un autre site « {url} » : le site ne charge rien d'ailleurs, "
                                      "elle ne s'afficherait pas",
                                "enregistrez l'image dans content/media/ et écrivez ![description](/media/nom.jpg)"))
    elif not scheme:
        links.append((line, url))

