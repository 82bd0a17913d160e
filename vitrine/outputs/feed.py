"""The Atom feed of laureates (``/feed.xml``), newest edition first.

Atom requires an ``updated`` date on the feed and on every entry; the content
has no such date, and the build must not depend on the clock. The rule: an
entry's date is 1 January of its edition's year (midnight UTC), the feed's date
is its newest entry's. Entries' identifiers are their pages' absolute
addresses, so they never change while the laureate keeps its file name.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Callable

from vitrine.outputs.images import FORMAT_OF_SUFFIX, MIME
from vitrine.content.model import Laureate, Site
from vitrine.site.pages import FEED_PATH
from vitrine.site.french_formats import euros
from vitrine.site.sharing import feed_title

FEED_SIZE = 100  # the newest laureates; the open data hold them all
ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 forbids: a stray control character must not make the feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def exports(site: Site) -> dict[str, Callable[[], bytes]]:
    return {FEED_PATH: lambda: atom_feed(site)}


def entry_date(laureate: Laureate) -> str:
    """Deterministic: 1 January of the laureate's edition year (see the module's docstring)."""
    return f"{laureate.edition:04d}-01-01T00:00:00Z"


def atom_feed(site: Site) -> bytes:
    config = site.config
    base = config.base_url
    laureates = site.laureates[:FEED_SIZE]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    _text(feed, "title", feed_title(site))
    _text(feed, "subtitle", config.description)
    _text(feed, "id", base + FEED_PATH)
    _link(feed, "self", base + FEED_PATH, "application/atom+xml")
    _link(feed, "alternate", base + "laureats/", "text/html")
    newest_year = site.editions[0].year if site.editions else 1970  # an empty feed still needs a date
    _text(feed, "updated", max((entry_date(l) for l in laureates), default=f"{newest_year:04d}-01-01T00:00:00Z"))
    author = _text(feed, "author")
    _text(author, "name", config.organisation)
    _text(author, "email", config.contact_email)
    _text(feed, "generator", "Vitrine")
    for laureate in laureates:
        page = f"{base}laureats/{laureate.slug}/"
        entry = _text(feed, "entry")
        _text(entry, "title", laureate.title)
        _text(entry, "id", page)
        _link(entry, "alternate", page, "text/html")
        _text(entry, "updated", entry_date(laureate))
        # The support reads as the summary's last sentence, as the laureate's page shows it beside the text
        support = f" Soutien du label\u00a0: {euros(laureate.support)}." if laureate.support else ""
        _text(entry, "summary", laureate.summary + support)
        _text(_text(entry, "author"), "name", laureate.porteur)
        for theme in laureate.themes:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": theme.slug, "label": _clean(theme.name),
                                                            "scheme": base + "thematiques/"})
        if laureate.image:  # titled with its credit: a reader showing the photo shows whose it is
            suffix = "." + laureate.image.rsplit(".", 1)[-1].lower()
            _link(entry, "enclosure", base + laureate.image, MIME[FORMAT_OF_SUFFIX[suffix]], laureate.image_credit)
        for document in laureate.documents:
            _link(entry, "enclosure", base + document.file, document.media_type, document.title)
        if laureate.video:
            _link(entry, "related", laureate.video, "text/html", "Vidéo")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    if text is not None:
        element.text = _clean(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, mime: str, title: str | None = None) -> None:
    attributes = {"rel": rel, "href": href, "type": mime}
    if title:
        attributes["title"] = _clean(title)
    ET.SubElement(parent, f"{{{ATOM}}}link", attributes)


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)
