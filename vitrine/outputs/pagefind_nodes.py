"""The machine of ``pagefind_html.read_html``: Pagefind 1.5.2's stack of nodes (``fossick/parser.rs``), one tag or
text at a time, each element's text gathered in its node and handed to its parent at its end tag, with a space and a
full stop around a block element (``SENTENCE``), weight markers around a heading (``___PAGEFIND_AUTO_WEIGHT___``),
nothing from an ignored one, and the element marked ``data-pagefind-body`` replacing whatever its ancestors had
gathered. ``read_html`` takes the common steps itself, as these functions would."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vitrine.outputs.pagefind_unicode import is_rust_word
from vitrine.outputs.pagefind_text import ALL_SPACES, STRIPPED, attributes, normalize_content, parse_attr_string

SENTENCE = frozenset("h1 h2 h3 h4 h5 h6 p td div ul li article section".split())
INLINE = frozenset(("a abbr acronym b bdo big br button cite code dfn em i img input kbd label map object output q "
                    "samp script select small span strong sub sup textarea time tt var").split())
REMOVED = frozenset("head style script noscript label form svg footer nav iframe template".split())
VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
AUTO_WEIGHTS = {"h1": "7", "h2": "6", "h3": "5", "h4": "4", "h5": "3", "h6": "2"}
RAW_TEXT = frozenset(("script", "style", "textarea", "title"))
# The tags whose attributes are read whatever they are (the page's language, the image of ``auto_image``)
ATTRIBUTES_READ = frozenset(("html", "img"))

INDEXING, IGNORED, EXCLUDED, BODY, PARENT_OF_BODY = range(5)

# Pagefind's ``[\w'")$*]``: a block whose text ends with one of these, or with what Rust's ``\w`` holds, ends a sentence
_SENTENCE_ENDS = "_'\")$*"


class Node:
    """An element being read: its text so far (``value``, in parts: joined once at its end, not copied at each),
    and what Pagefind's ``DomParsingNode`` keeps (``data``: its ``data-pagefind-*`` attributes, None without)."""

    __slots__ = ("tag", "parent", "status", "value", "anchors", "data")

    def __init__(self, tag: str, parent: Node | None, status: int = INDEXING, anchors: list[str] | None = None,
                 data: NodeData | None = None):
        self.tag, self.parent, self.status, self.anchors, self.data = tag, parent, status, anchors, data
        self.value: list[str] = []


@dataclass
class NodeData:
    """An element's ``data-pagefind-*`` attributes as Pagefind's ``DomParsingNode`` keeps them."""

    filter: list[str] | None
    meta: list[str] | None
    default_meta: list[str] | None
    sort: list[str] | None
    weight: str | None


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
class State:
    """A page being read: the element open (``current``), and what the page keeps of those ended."""

    current: Node
    meta: dict[str, str] = field(default_factory=dict)
    default_meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)
    anchor_content: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    has_html: bool = False
    anchor_counter: int = 0


@lru_cache(maxsize=None)
def raw_end(tag: str) -> re.Pattern[str]:
    """What ends the raw text of a ``tag`` element (script, style…): its end tag, in any case."""
    return re.compile(f"</{tag}", re.I)


def reads(attributes_text: str) -> bool:
    """Whether a start tag's attributes (``attributes_text``, lower-cased) may hold one Pagefind reads of any
    element (if not, they read as none): ``id``, ``data-pagefind-*``."""
    return "id" in attributes_text or "data-pagefind-" in attributes_text


def open_tag(state: State, tag: str, attributes_text: str) -> None:
    """A start tag read (its ``attributes_text`` as written)."""
    void = tag in VOID or (attributes_text.rstrip().endswith("/") and _in_foreign(state.current))
    read = attributes_text and (tag in ATTRIBUTES_READ or reads(attributes_text.lower()))
    _open(state, tag, attributes(attributes_text) if read else {}, void)


def _in_foreign(node: Node | None) -> bool:
    while node is not None:
        if node.tag in ("svg", "math"):
            return True
        node = node.parent
    return False


def add_text(state: State, chunk: str) -> None:
    """Text read, in the element open (and the anchors it is in)."""
    node = state.current
    node.value.append(chunk)
    if node.status not in (IGNORED, EXCLUDED) and node.anchors:
        for anchor in node.anchors:
            state.anchor_content[anchor] = state.anchor_content.get(anchor, "") + chunk


def _open(state: State, tag: str, attributes: dict[str, str], void: bool) -> None:
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
            parent.value.append(f" ___PAGEFIND_ANCHOR___{tag}:{state.anchor_counter}:{element_id} ")
            anchor_id = f"{state.anchor_counter}:{element_id}"
            state.anchor_counter += 1
    if status != EXCLUDED:
        if (index_attributes := attributes.get("data-pagefind-index-attrs")) is not None:
            for name in index_attributes.split(","):
                value = attributes.get(name.strip(), "")
                if value and _ends_sentence(value[-1]):
                    value += "."
                parent.value.append(f" {value} ")
        if tag == "br":
            parent.value.append(" ")
    anchors = list(parent.anchors) if parent.anchors is not None and tag in INLINE else None
    if anchor_id is not None:
        anchors = [*anchors, anchor_id] if anchors is not None else [anchor_id]
    if any(name.startswith("data-pagefind-") for name in attributes):
        data = NodeData(filter=_parsed(attributes, "data-pagefind-filter"),
                        meta=_parsed(attributes, "data-pagefind-meta"),
                        default_meta=_parsed(attributes, "data-pagefind-default-meta"),
                        sort=_parsed(attributes, "data-pagefind-sort"), weight=attributes.get("data-pagefind-weight"))
        node = Node(tag, parent, parent.status if parent.status == EXCLUDED else status, anchors, data)
    else:
        node = Node(tag, parent, parent.status if parent.status == EXCLUDED else status, anchors=anchors)
    state.current = node
    if void:
        state.current = parent
        if node.status != EXCLUDED:
            if node.data is not None:
                _collect(state, node, node.data)
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
    value = "".join(node.value)
    return None if not value else (text, normalize_content(value))


def _collect(state: State, node: Node, data: NodeData) -> None:
    """A node's filters, sorts and metadata (its ``data``), at its end (valid on ignored elements)."""
    for names, into in ((data.filter, None), (data.sort, state.sort), (data.meta, state.meta),
                        (data.default_meta, state.default_meta)):
        for name in names or ():
            if (pair := _pair(node, name)) is not None:
                if into is None:
                    state.filters.setdefault(pair[0], []).append(normalize_content(pair[1]))
                else:
                    into[pair[0]] = pair[1]


def close(state: State, tag: str) -> None:
    """An end tag read: its element's, and those left open inside it, ended (none open: skipped, as lol_html does)."""
    node: Node | None = state.current
    while node is not None and node.tag != tag:
        node = node.parent
    if node is None or node.parent is None:
        return  # no such element open: lol_html skips the end tag
    while state.current is not node:  # elements left open inside it end with it
        _end(state, state.current, state.current.tag)
    _end(state, node, tag)


def _end(state: State, node: Node, tag: str) -> None:
    parent = node.parent
    assert parent is not None
    state.current = parent
    if node.status == EXCLUDED:
        return
    data = node.data
    if data is not None:  # most elements carry no data-pagefind-* attribute
        _collect(state, node, data)
    value = "".join(node.value)
    if node.tag == "h1" and "auto_title" not in state.meta and value.strip(STRIPPED):
        state.meta["auto_title"] = normalize_content(value)
    if node.tag == "title" and "auto_page_title" not in state.meta:
        state.meta["auto_page_title"] = normalize_content(value)
    if node.status == IGNORED:
        return
    value = ended(tag, value, data.weight if data is not None else None)
    if parent.status == PARENT_OF_BODY and node.status not in (BODY, PARENT_OF_BODY):
        return
    _hand_up(node, parent, value)


def ended(tag: str, value: str, weight: str | None = None) -> str:
    """The text (``value``) of a ``tag`` element as its end tag hands it up: a block's as a sentence, a heading's
    (or an element's of ``data-pagefind-weight``) between weight markers."""
    if tag in SENTENCE:
        value = f" {value}. " if value and _ends_sentence(value[-1]) else f" {value} "
    if weight is not None:
        return f" ___PAGEFIND_WEIGHT___{weight} {value} ___END_PAGEFIND_WEIGHT___ "
    if tag in AUTO_WEIGHTS:
        return f" ___PAGEFIND_AUTO_WEIGHT___{AUTO_WEIGHTS[tag]} {value} ___END_PAGEFIND_WEIGHT___ "
    return value


def _ends_sentence(c: str) -> bool:
    """Whether a block's text ending with ``c`` gets a full stop: ``c`` matches Pagefind's ``[\\w'")$*]``, whose
    Unicode ``\\w`` is Rust's (a mark ends a word there: « ❤️ », « 1️⃣ », a decomposed « é »; « ² » does
    not)."""
    # A letter (``str.isalpha``: Unicode's L*) or a decimal digit (Nd) at once: nearly every block; what else Rust's
    # ``\w`` holds is none of ASCII's
    return c.isalpha() or c.isdecimal() or c in _SENTENCE_ENDS or (c > "\x7f" and is_rust_word(c))


def _hand_up(node: Node, parent: Node, value: str) -> None:
    """``node``'s text (``value``) handed to its ``parent`` at its end."""
    if node.status == INDEXING:
        parent.value.append(value)
    elif node.status in (BODY, PARENT_OF_BODY):
        if parent.status != PARENT_OF_BODY:
            parent.value = []
        parent.value.append(value)
        parent.status = PARENT_OF_BODY


def wrap(state: State) -> ReadPage:
    """The page read, once its HTML is: the elements left open ended into their parents."""
    node = state.current
    while node.parent is not None:  # elements left open: collapsed into their parents
        if node.parent.status != PARENT_OF_BODY:
            _hand_up(node, node.parent, "".join(node.value))
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
    return ReadPage(digest=normalize_content("".join(node.value)), meta=merged, filters=state.filters, sort=state.sort,
                    anchor_content=state.anchor_content, language=state.language or "unknown",
                    has_custom_body=node.status == PARENT_OF_BODY, has_html_element=state.has_html)
