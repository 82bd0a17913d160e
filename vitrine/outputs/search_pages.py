"""What the index reads of each searchable page (``outputs/search.py`` makes the index, as Pagefind would): the part
of the page Pagefind indexes, and a laureate's card, which each search result carries for the search page to show."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from vitrine.site.filters import filter_index
from vitrine.site.pages import Page

ImageSets = Callable[[str], object]  # a laureate's image name → its published ImageSet


def indexed_html(html: str, card: str | None = None) -> str:
    """The page as Pagefind should read it: its ``<html>`` tag and ``<title>``, and its element marked
    ``data-pagefind-body`` up to the end of ``<main>`` (without the elements marked ``data-pagefind-ignore="all"``
    right after it: ``_excluded_after_body``), with the laureate's ``card`` in it (what Pagefind indexes;
    the header, navigation, sharing tags and footer around it are not parsed; nor the headings' ids, which the
    search page does not show: ``_without_ids``); « l’expo » written « l'expo », so « expo » finds it (not in
    the card, shown as it is). A page without that mark (a theme's own template) goes whole."""
    mark = html.find("data-pagefind-body")
    start = html.rfind("<", 0, mark)
    if mark < 0 or start < 0:
        return _ascii_apostrophes(html)
    end = html.find("</main>", mark)
    end = end if end > 0 else len(html)
    cut, uncut = _excluded_after_body(html, start, end)
    title_start, title_end = html.find("<title>"), html.find("</title>")
    title = html[title_start:title_end + len("</title>")] if 0 <= title_start < title_end < start else ""
    head = html[:html.find("<head")] if 0 <= html.find("<head") < start else '<!DOCTYPE html><html lang="fr">'
    body = _ascii_apostrophes(_without_ids(html[start:cut] + html[uncut:end]))
    if card:  # an element's id is not indexed, and stays in the fragment: the card, with no space in it
        tag_end = body.index(">") + 1
        body = f"{body[:tag_end]}<i id='{CARD_ID}{_card_id(card)}'></i>{body[tag_end:]}"
    return f"{head}<head>{_ascii_apostrophes(title)}</head><body>{body}</body></html>"


def _excluded_after_body(html: str, start: int, end: int) -> tuple[int, int]:
    """The elements marked ``data-pagefind-ignore="all"`` right after the element marked ``data-pagefind-body``
    (opened at ``start``), before ``end``: (where they start, where they end), which may be the same. Pagefind
    reads nothing of them (neither words, metadata, ids nor images): left out, its index is the same for a
    quarter less of a laureate's bytes to parse (its related cards)."""
    tag = _TAG_NAME.match(html, start + 1)
    close = _element_end(html, start, tag.group()) if tag else -1
    if close < 0:
        return end, end
    position = close
    while (ignored := _IGNORED_ALL.match(html, position, end)) and \
            (ignored_end := _element_end(html, ignored.start(1) - 1, ignored.group(1))) >= 0:
        position = ignored_end
    return close, position


def _element_end(html: str, start: int, tag: str) -> int:
    """Where the ``tag`` element opened at ``start`` ends (after its closing tag), or -1: its start and end tags
    counted (``<tag`` or ``</tag`` then a space, « / » or « > »), found by ``str.find`` (a regular expression
    tried a match at every « < »)."""
    depth = 0
    opening, closing = _tag_at(html, f"<{tag}", start), _tag_at(html, f"</{tag}", start)
    while opening >= 0 or closing >= 0:
        if closing < 0 or 0 <= opening < closing:
            depth += 1
            after = opening + len(tag) + 1  # the space, « / » or « > » after the name
            opening = _tag_at(html, f"<{tag}", after + 1)
        else:
            depth -= 1
            after = closing + len(tag) + 2
            closing = _tag_at(html, f"</{tag}", after + 1)
        if depth == 0:
            closed = html.find(">", after)
            return closed + 1 if closed >= 0 else -1
    return -1


def _tag_at(html: str, start_of_tag: str, position: int) -> int:
    """Where ``start_of_tag`` (« <name » or « </name ») is next found from ``position`` with a space, « / » or
    « > » after it, or -1."""
    while (found := html.find(start_of_tag, position)) >= 0:
        after = found + len(start_of_tag)
        if after < len(html) and (html[after] in "/>" or html[after].isspace()):
            return found
        position = found + 1
    return -1


def _without_ids(html: str) -> str:
    """``html`` without its elements' ids (`` id="…"``), found by ``str.find`` (a regular expression's search for
    the same is three times as long)."""
    found = html.find(_ID)
    if found < 0:
        return html
    parts, position = [], 0
    while found >= 0 and (value_end := html.find('"', found + len(_ID))) >= 0:
        parts.append(html[position:found])
        position = value_end + 1
        found = html.find(_ID, position)
    parts.append(html[position:])
    return "".join(parts)


_TAG_NAME = re.compile("[a-z][a-z0-9-]*")
_IGNORED_ALL = re.compile('\\s*<([a-z][a-z0-9-]*)\\s[^>]*data-pagefind-ignore="all"')
# What each result's fragment would carry and the search page does not show, stripped from what Pagefind reads
# (a visitor fetches a fragment per result shown): the ids of headings (Pagefind's sub-results).
_ID = ' id="'

CARD_ID = "carte-"  # the anchor whose id is a laureate's card, percent-encoded
# What a card's id escapes (as a form encodes: spaces as « + »): what would end the word or the attribute, or be
# taken for an escape (the search page reads it back with decodeURIComponent).
_CARD_ESCAPED = re.compile("[%+'&<>\\s]")


def _card_id(card: str) -> str:
    return _CARD_ESCAPED.sub(lambda m: "+" if m.group() == " " else "".join(
        f"%{byte:02X}" for byte in m.group().encode("utf-8")), card)


def _ascii_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'")


def card_of(page: Page, image_set: ImageSets) -> str | None:
    """A laureate's card as the search page shows it, from its row of ``laureats/filtres.json``:
    ``[edition, [quartier, commune, …], image, draft, title, porteur, summary]``, as short as it reads (every
    visitor's search fetches ten). Its slug is its page's; its title, porteur and summary are its page's
    metadata (in its fragment already) with their apostrophes put back, so they are left out (null) when that
    gives them back (``_given_back``); null and false at the end are left out."""
    laureate = page.context.get("laureate") if page.url.startswith("laureats/") else None
    if laureate is None:
        return None
    index = filter_index([laureate], laureate.quartiers, image_set, "")
    [[_slug, title, porteur, summary, edition, quartiers, _themes, draft, image]] = index["laureats"]
    places = [name_or_commune for slug in quartiers for name_or_commune in index["quartiers"][slug][:2]]
    card = [edition, places, image, draft] + [None if _given_back(text) else text for text in (title, porteur, summary)]
    while card[-1] in (None, False):  # the search page's defaults
        card.pop()
    return json.dumps(card, ensure_ascii=False, separators=(",", ":"))


def _given_back(text: str) -> bool:
    """Whether the page's metadata gives ``text`` back once the search page puts its apostrophes back: no ASCII
    apostrophe to tell from the others, no whitespace Pagefind would not keep as it is (runs, ends, line breaks)."""
    return "'" not in text and not _NOT_KEPT.search(text)


_NOT_KEPT = re.compile("\\s\\s|^\\s|\\s$|[^\\S \u00a0\u202f]")
