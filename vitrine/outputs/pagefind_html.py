"""Pagefind 1.5.2's reading of a page's HTML (``pagefind/src/fossick/parser.rs``), in Python: the same text, metadata,
filters, sorts and anchors, so that the bundle ``pagefind_write.py`` makes is the one Pagefind would.

Pagefind streams the page through lol_html with a stack of nodes: each element's text is gathered in its node
and handed to its parent at its end tag, with a space and a full stop around a block element (``SENTENCE``),
weight markers around a heading (``___PAGEFIND_AUTO_WEIGHT___``), nothing from an ignored one, and the element
marked ``data-pagefind-body`` replacing whatever its ancestors had gathered. This module runs the same machine
over the tags and text of the HTML (a tokenizer for well-formed markup, what Vitrine's templates and its
sanitised Markdown write: an end tag with no element open is skipped, as lol_html does). Its equality with
Pagefind is tested on whole sites (``tests/outputs/test_search_writer.py``, ``benchmarks/index_equality.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vitrine.outputs.pagefind_text import ALL_SPACES, STRIPPED, attributes, normalize_content, parse_attr_string

SENTENCE = frozenset("h1 h2 h3 h4 h5 h6 p td div ul li article section".split())
INLINE = frozenset(("a abbr acronym b bdo big br button cite code dfn em i img input kbd label map object output q "
                    "samp script select small span strong sub sup textarea time tt var").split())
REMOVED = frozenset("head style script noscript label form svg footer nav iframe template".split())
VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
AUTO_WEIGHTS = {"h1": "7", "h2": "6", "h3": "5", "h4": "4", "h5": "3", "h6": "2"}
RAW_TEXT = frozenset(("script", "style", "textarea", "title"))

INDEXING, IGNORED, EXCLUDED, BODY, PARENT_OF_BODY = range(5)

_SENTENCE_END = re.compile("[\\w'\"\\)\\$\\*]")
_TOKEN = re.compile(r"<(?:!--.*?-->|[!?][^>]*>|(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>)", re.S)


class Node:
    """An element being read: its text so far, and what Pagefind's ``DomParsingNode`` keeps."""

    __slots__ = ("tag", "parent", "status", "value", "filter", "meta", "default_meta", "sort", "weight", "anchors")

    def __init__(self, tag: str, parent: Node | None, status: int = INDEXING, filter: list[str] | None = None,
                 meta: list[str] | None = None, default_meta: list[str] | None = None, sort: list[str] | None = None,
                 weight: str | None = None, anchors: list[str] | None = None):
        self.tag, self.parent, self.status, self.value = tag, parent, status, ""
        self.filter, self.meta, self.default_meta, self.sort = filter, meta, default_meta, sort
        self.weight, self.anchors = weight, anchors


@dataclass
class ReadPage:
    """What Pagefind's parser keeps of a page (``DomParserResult``)."""

    digest: str
    meta: dict[str, str]
    filters: dict[str, list[str]]
    sort: dict[str, str]
    anchor_content: dict[str, str]
    language: str
    has_custom_body: bool
    has_html_element: bool = False


@dataclass
class _State:
    current: Node
    meta: dict[str, str] = field(default_factory=dict)
    default_meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)
    anchor_content: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    has_html: bool = False
    anchor_counter: int = 0


def read_html(text: str) -> ReadPage:
    """The page ``text`` as Pagefind's parser reads it, with its default options (root selector ``html``)."""
    root = Node("", None)
    state = _State(root)
    inside_html = False
    position, length = 0, len(text)
    raw_end: str | None = None  # the element whose text is raw (script, style…) until its end tag
    while position < length:
        if raw_end is not None:
            found = _raw_end(raw_end).search(text, position)
            end = found.start() if found else length
            if end > position and inside_html:
                _text(state, text[position:end])
            position, raw_end = end, None
            continue
        start = text.find("<", position)
        if start < 0:
            start = length
        if start > position and inside_html:
            if state.current.anchors:
                _text(state, text[position:start])
            else:  # what ``_text`` does, on most text: no anchor to tell
                state.current.value += text[position:start]
        if start >= length:
            break
        token = _TOKEN.match(text, start)
        if token is None:  # a lone « < »: text
            if inside_html:
                _text(state, "<")
            position = start + 1
            continue
        position = token.end()
        closing, tag, attributes_text = token.groups()
        if tag is None:
            continue  # a comment, a doctype
        tag = tag.lower()
        if closing:
            _close(state, tag)
            inside_html = inside_html and tag != "html"
            continue
        if tag == "html":
            inside_html = True
        if not inside_html:
            continue
        if not attributes_text or attributes_text.isspace():  # most elements: no attribute
            parent = state.current
            if tag in REMOVED or tag in VOID or tag == "html" or parent.anchors is not None:
                _open(state, tag, {}, tag in VOID)
            else:  # what ``_open`` does for an element without attributes
                state.current = Node(tag, parent, EXCLUDED if parent.status == EXCLUDED else INDEXING)
        else:
            self_closing = attributes_text.rstrip().endswith("/") and _in_foreign(state.current)
            _open(state, tag, attributes(attributes_text), tag in VOID or self_closing)
        if tag in RAW_TEXT and tag not in VOID:
            raw_end = tag
    return _wrap(state)


@lru_cache(maxsize=None)
def _raw_end(tag: str) -> re.Pattern[str]:
    return re.compile(f"</{tag}", re.I)


def _in_foreign(node: Node | None) -> bool:
    while node is not None:
        if node.tag in ("svg", "math"):
            return True
        node = node.parent
    return False


def _text(state: _State, chunk: str) -> None:
    node = state.current
    node.value += chunk
    if node.status not in (IGNORED, EXCLUDED) and node.anchors:
        for anchor in node.anchors:
            state.anchor_content[anchor] = state.anchor_content.get(anchor, "") + chunk


def _open(state: _State, tag: str, attributes: dict[str, str], void: bool) -> None:
    if tag == "html":
        state.has_html = True
        if "lang" in attributes:
            state.language = attributes["lang"].lower()
    ignore = attributes.get("data-pagefind-ignore")
    if "data-pagefind-body" in attributes:
        status = BODY
    elif ignore is not None:
        status = IGNORED if ignore.lower() in ("", "index", "true") else EXCLUDED
    else:
        status = INDEXING
    parent = state.current
    anchor_id = None
    if status not in (EXCLUDED, IGNORED) and "id" in attributes:
        element_id = ALL_SPACES.sub("", attributes["id"])
        if not (parent.status == PARENT_OF_BODY and status not in (BODY, PARENT_OF_BODY)):
            parent.value += f" ___PAGEFIND_ANCHOR___{tag}:{state.anchor_counter}:{element_id} "
            anchor_id = f"{state.anchor_counter}:{element_id}"
            state.anchor_counter += 1
    if status != EXCLUDED:
        if (index_attributes := attributes.get("data-pagefind-index-attrs")) is not None:
            for name in index_attributes.split(","):
                value = attributes.get(name.strip(), "")
                if value and _SENTENCE_END.match(value[-1]):
                    value += "."
                parent.value += f" {value} "
        if tag == "br":
            parent.value += " "
    anchors = list(parent.anchors) if parent.anchors is not None and tag in INLINE else None
    if anchor_id is not None:
        anchors = [*anchors, anchor_id] if anchors is not None else [anchor_id]
    if any(name.startswith("data-pagefind-") for name in attributes):
        node = Node(tag, parent, parent.status if parent.status == EXCLUDED else status,
                    filter=_parsed(attributes, "data-pagefind-filter"), meta=_parsed(attributes, "data-pagefind-meta"),
                    default_meta=_parsed(attributes, "data-pagefind-default-meta"),
                    sort=_parsed(attributes, "data-pagefind-sort"), weight=attributes.get("data-pagefind-weight"),
                    anchors=anchors)
    else:
        node = Node(tag, parent, parent.status if parent.status == EXCLUDED else status, anchors=anchors)
    state.current = node
    if void:
        state.current = parent
        if node.status != EXCLUDED:
            _collect(state, node)
            if tag == "img" and "auto_image" not in state.meta and \
                    ("auto_title" in state.meta or "title" in state.meta) and "src" in attributes:
                state.meta["auto_image"] = attributes["src"]
                if "alt" in attributes:
                    state.meta["auto_image_alt"] = attributes["alt"]
    if tag in REMOVED:  # lol_html's second handler: the element just opened (or, if void, its parent) is ignored
        state.current.status = IGNORED


def _parsed(attributes: dict[str, str], name: str) -> list[str] | None:
    value = attributes.get(name)
    return None if value is None else parse_attr_string(value, attributes)


def _pair(node: Node, text: str) -> tuple[str, str] | None:
    if ":" in text:
        name, value = text.split(":", 1)
        return name, normalize_content(value)
    return None if not node.value else (text, normalize_content(node.value))


def _collect(state: _State, node: Node) -> None:
    """A node's filters, sorts and metadata, at its end (valid on ignored elements)."""
    for names, into in ((node.filter, None), (node.sort, state.sort), (node.meta, state.meta),
                        (node.default_meta, state.default_meta)):
        for name in names or ():
            if (pair := _pair(node, name)) is not None:
                if into is None:
                    state.filters.setdefault(pair[0], []).append(normalize_content(pair[1]))
                else:
                    into[pair[0]] = pair[1]


def _close(state: _State, tag: str) -> None:
    node: Node | None = state.current
    while node is not None and node.tag != tag:
        node = node.parent
    if node is None or node.parent is None:
        return  # no such element open: lol_html skips the end tag
    while state.current is not node:  # elements left open inside it end with it
        _end(state, state.current, state.current.tag)
    _end(state, node, tag)


def _end(state: _State, node: Node, tag: str) -> None:
    parent = node.parent
    assert parent is not None
    state.current = parent
    if node.status == EXCLUDED:
        return
    if node.filter is not None or node.meta is not None or node.default_meta is not None or node.sort is not None:
        _collect(state, node)  # most elements carry no data-pagefind-* attribute
    if node.tag == "h1" and "auto_title" not in state.meta and node.value.strip(STRIPPED):
        state.meta["auto_title"] = normalize_content(node.value)
    if node.tag == "title" and "auto_page_title" not in state.meta:
        state.meta["auto_page_title"] = normalize_content(node.value)
    if node.status == IGNORED:
        return
    value = node.value
    if tag in SENTENCE:
        value = " " + value
        if value and _SENTENCE_END.match(value[-1]):
            value += "."
        value += " "
    if node.weight is not None:
        value = f" ___PAGEFIND_WEIGHT___{node.weight} {value} ___END_PAGEFIND_WEIGHT___ "
    elif tag in AUTO_WEIGHTS:
        value = f" ___PAGEFIND_AUTO_WEIGHT___{AUTO_WEIGHTS[tag]} {value} ___END_PAGEFIND_WEIGHT___ "
    node.value = value
    if parent.status == PARENT_OF_BODY and node.status not in (BODY, PARENT_OF_BODY):
        return
    _hand_up(node, parent)


def _hand_up(node: Node, parent: Node) -> None:
    if node.status == INDEXING:
        parent.value += node.value
    elif node.status in (BODY, PARENT_OF_BODY):
        if parent.status != PARENT_OF_BODY:
            parent.value = ""
        parent.value += node.value
        parent.status = PARENT_OF_BODY


def _wrap(state: _State) -> ReadPage:
    node = state.current
    while node.parent is not None:  # elements left open: collapsed into their parents
        if node.parent.status != PARENT_OF_BODY:
            _hand_up(node, node.parent)
        node = node.parent
    meta = state.meta
    if (image := meta.pop("auto_image", None)) is not None:
        alt = meta.pop("auto_image_alt", "")
        if "image" not in meta:
            meta["image"], meta["image_alt"] = image, alt
    for automatic in ("auto_title", "auto_page_title"):
        if (title := meta.pop(automatic, None)) is not None and "title" not in meta:
            meta["title"] = title
    merged = {**state.default_meta, **meta}
    return ReadPage(digest=normalize_content(node.value), meta=merged, filters=state.filters, sort=state.sort,
                    anchor_content=state.anchor_content, language=state.language or "unknown",
                    has_custom_body=node.status == PARENT_OF_BODY, has_html_element=state.has_html)
