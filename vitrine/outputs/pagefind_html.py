"""Pagefind 1.5.2's reading of a page's HTML (``pagefind/src/fossick/parser.rs``), in Python: the same text, metadata,
filters, sorts and anchors, so that the bundle ``pagefind_write.py`` makes is the one Pagefind would.

Pagefind streams the page through lol_html with a stack of nodes: each element's text is gathered in its node
and handed to its parent at its end tag, with a space and a full stop around a block element (``SENTENCE``),
weight markers around a heading (``___PAGEFIND_AUTO_WEIGHT___``), nothing from an ignored one, and the element
marked ``data-pagefind-body`` replacing whatever its ancestors had gathered. This module runs the same machine
(``pagefind_nodes.py``) over the tags and text of the HTML (a tokenizer for well-formed markup, what Vitrine's
templates and its sanitised Markdown write: an end tag with no element open is skipped, as lol_html does), and
takes its most common steps itself (an element opened or ended with nothing to tell, one holding text alone read
at once), as the machine would, for a third less CPU a page. Its equality with Pagefind is tested on whole sites
(``tests/outputs/test_search_writer.py``, ``benchmarks/index_equality.py``).
"""

from __future__ import annotations

import re

from vitrine.outputs.pagefind_nodes import (ATTRIBUTES_READ, EXCLUDED, INDEXING, PARENT_OF_BODY, RAW_TEXT,
                                            REMOVED, SENTENCE, VOID, Node, ReadPage, State, add_text, close,
                                            ended, open_tag, raw_end, reads, wrap)

__all__ = ["ReadPage", "read_html"]

# A run of text, then what starts at its « < »: an element holding text alone (its tag, attributes and text, read
# at once), a comment, a doctype, a tag (its end mark, name, attributes), or a lone « < » (text). One match a step,
# where a search for « < » and a match of the tag at it took two, and one for most elements, where each tag took one.
# Possessive (no backtracking): the attributes' end is the first « > » outside quotes whichever way they are read
_ATTRIBUTES = "((?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+)"
_SCAN = re.compile(f"([^<]*)(?:<(?:([a-zA-Z][a-zA-Z0-9-]*+)(?=[\\s>]){_ATTRIBUTES}>([^<]*+)</\\2>|!--.*?-->|[!?][^>]*>"
                   f"|(/?)([a-zA-Z][^\\s/>]*){_ATTRIBUTES}>)|(<))?", re.S)
# The elements holding text alone whose reading is their text handed up, wrapped as their end tag does (neither
# removed, raw, void, the root, nor read for a title), when they and their parent carry nothing else (``read_html``)
_LEAF = frozenset("a abbr b cite code dd div dt em h2 h3 h4 h5 h6 i kbd li mark p q s small span strong sub sup td th "
                  "u".split())
_OPENED_APART = REMOVED | VOID | ATTRIBUTES_READ  # the elements ``open_tag`` opens, not ``read_html`` itself


def read_html(text: str) -> ReadPage:
    """The page ``text`` as Pagefind's parser reads it, with its default options (root selector ``html``)."""
    current = root = Node("", None)
    state = State(root)
    inside_html = False
    position, length = 0, len(text)
    while position < length:
        # The current element is kept in ``current``; ``state.current`` is set for the functions that move it
        for found in _SCAN.finditer(text, position):
            chunk, leaf, leaf_attributes, leaf_text, closing, tag, attributes_text, lone = found.groups()
            if inside_html:
                if lone:
                    chunk += lone
                if chunk:
                    if current.anchors:
                        state.current = current
                        add_text(state, chunk)
                    else:  # what ``add_text`` does, on most text: no anchor to tell
                        current.value.append(chunk)
            if leaf is not None:
                if leaf in _LEAF and inside_html and current.anchors is None and (not leaf_attributes or (
                        not reads(leaf_attributes.lower()) and not leaf_attributes.rstrip().endswith("/"))):
                    # what opening, reading and closing it does: its text handed up as the end tag would
                    if current.status != EXCLUDED and current.status != PARENT_OF_BODY:
                        current.value.append(ended(leaf, leaf_text) if leaf in SENTENCE else leaf_text)
                else:  # its start tag, text and end tag read one by one
                    leaf = leaf.lower()
                    inside_html = inside_html or leaf == "html"
                    state.current = current
                    if inside_html:
                        open_tag(state, leaf, leaf_attributes)
                        if leaf_text:
                            add_text(state, leaf_text)
                    close(state, leaf)
                    current = state.current
                    inside_html = inside_html and leaf != "html"
                continue
            if tag is None:
                continue  # a comment, a doctype, a lone « < »
            tag = tag.lower()
            if closing:
                parent = current.parent
                if current.tag == tag and parent is not None and current.status == INDEXING and current.data is None \
                        and parent.status != PARENT_OF_BODY and tag != "h1" and tag != "title":
                    # what ``close`` does, on most end tags: the current element's, ends as it is, handed up
                    value = "".join(current.value)
                    parent.value.append(ended(tag, value) if tag in SENTENCE else value)
                    current = parent
                else:
                    state.current = current
                    close(state, tag)
                    current = state.current
                if tag == "html":
                    inside_html = False
                continue
            if tag == "html":
                inside_html = True
            elif not inside_html:
                continue
            if tag not in _OPENED_APART and current.anchors is None and (not attributes_text or (
                    not reads(attributes_text.lower()) and not attributes_text.rstrip().endswith("/"))):
                # what ``open_tag`` does for an element without attributes (any other than Pagefind's reads as none)
                current = Node(tag, current, EXCLUDED if current.status == EXCLUDED else INDEXING)
            else:
                state.current = current
                open_tag(state, tag, attributes_text)
                current = state.current
            if tag in RAW_TEXT and tag not in VOID:  # its text is raw (script, style…) until its end tag
                position = found.end()
                break
        else:
            break
        text_end = raw_end(tag).search(text, position)
        end = text_end.start() if text_end else length
        if end > position:
            state.current = current
            add_text(state, text[position:end])
        position = end
    state.current = current
    return wrap(state)


