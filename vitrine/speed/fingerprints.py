"""Each page's fingerprint: what it is made from (its templates, the records it shows, the engine's code, the site's
settings). Equal fingerprints mean equal output: a page whose fingerprint and published file are as recorded is not
rendered again. Fingerprinting also learns which pages show each laureate (as a card, or whole), which the snapshot
keeps to patch an edit.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Mapping

from vitrine.content.model import Edition, FreePage, Laureate, Site
from vitrine.engine import code_digest
from vitrine.outputs.images import ImageSet
from vitrine.site.pages import Page
from vitrine.site.render import navigation

# Context keys holding the page's own record: a change anywhere in its file re-renders the page.
MAIN_KEYS = {"laureate", "edition", "page"}
# Context keys holding records a page counts without showing them (the label in figures): only what its figures
# read re-renders it, not a title or a summary.
COUNTED_KEYS = {"counted"}
# A template naming another: ``{% extends "base.html" %}``, ``{% from "partials/card.html" import … %}``…
_REFERENCE = re.compile(r"""{%-?\s*(?:extends|include|import|from)\s+(?:"([^"]+)"|'([^']+)'|(.))\s*(.?)""")


class Fingerprints:
    """The fingerprints of one build's pages, computed once each, and which pages show each laureate."""

    def __init__(self, templates: Path, site: Site, images: Mapping[str, ImageSet], preview: bool,
                 references: dict[str, tuple[str, tuple[str, ...] | None]] | None = None):
        self.templates = templates
        self.images = images
        self._digests: dict[str, str] = {}
        self._fingerprints: dict[str, str] = {}  # by output path: asked for by rendering, search and the record
        # laureate file → the outputs fingerprinted so far that show its card, or the whole record
        self.shown_on: dict[str, list[str]] = {}
        self.main_on: dict[str, list[str]] = {}
        # template → (its source, the templates it names); a long-lived caller passes one to keep across builds
        self._references = references if references is not None else {}
        self._cards: dict[int, bytes] = {}  # id(laureate) → card digest, for this build's records
        self._leaves: dict[int, tuple[Any, bytes]] = {}  # id → (the value, its repr): see ``_feed``
        self.media_sizes = site.media_sizes
        logo = images[site.config.logo].key if site.config.logo else None  # every header shows its files
        self.base_digest = hashlib.blake2b(
            repr((code_digest(), site.shared_digest, site.config.base_url, navigation(site), preview, logo)).encode(),
            digest_size=16).hexdigest()

    def of(self, page: Page) -> str:
        """What the page is made from; equal fingerprints mean equal output."""
        known = self._fingerprints.get(page.output)
        if known is None:
            known = self._fingerprints[page.output] = self._fingerprint(page)
        return known

    def _fingerprint(self, page: Page) -> str:
        # The pieces are hashed at once: the same digest as an update per piece, a tenth of the calls
        pieces = [f"{self.base_digest}\0{self.template_digest(page.template)}\0{page.url}\0{page.title}".encode()]
        shown: list[tuple[str, bool]] = []
        context = page.context
        for key in sorted(context):
            pieces.append(key.encode())
            self._feed(pieces, context[key], key in MAIN_KEYS, shown, key in COUNTED_KEYS)
        for path, main in set(shown):
            (self.main_on if main else self.shown_on).setdefault(path, []).append(page.output)
        return hashlib.blake2b(b"".join(pieces), digest_size=16).hexdigest()

    def template_digest(self, name: str) -> str:
        """Hash of a template and every template it extends, includes or imports."""
        if name not in self._digests:
            h = hashlib.blake2b(digest_size=16)
            for dependency in sorted(self._closure(name)):
                h.update(dependency.encode() + b"\0" + (self.templates / dependency).read_bytes())
            self._digests[name] = h.hexdigest()
        return self._digests[name]

    def _closure(self, name: str, seen: set[str] | None = None) -> set[str]:
        seen = seen if seen is not None else set()
        if name in seen:
            return seen
        seen.add(name)
        source = (self.templates / name).read_text("utf-8")
        known = self._references.get(name)
        if known is None or known[0] != source:
            known = self._references[name] = (source, referenced_templates(source))
        children = known[1]
        if children is None:  # a name computed at render time: the page may use any template
            children = tuple(sorted(p.relative_to(self.templates).as_posix()
                                    for p in self.templates.rglob("*") if p.is_file()))
        for child in children:
            self._closure(child, seen)
        return seen

    def _feed(self, pieces: list[bytes], value: Any, main: bool, shown: list[tuple[str, bool]],
              counted: bool = False) -> None:
        """Append to ``pieces`` what ``value`` is made from, and to ``shown`` the laureates it shows."""
        kind = type(value)  # the commonest first, by their exact type: 5,000 pages, thousands of values each
        if kind is str or kind is int or value is None:
            pieces.append(repr(value).encode())
        elif kind is tuple or kind is list:  # listings and related laureates: their cards fed without a call
            leaves = self._leaves
            pieces.append(b"[")
            for item in value:
                if type(item) is Laureate and not counted:
                    shown.append((item.source.path, False))
                    pieces.append(self._card(item))
                elif (known := leaves.get(id(item))) is not None:  # a crumb already seen on another page
                    pieces.append(known[1])
                else:
                    self._feed(pieces, item, False, shown, counted)
            pieces.append(b"]")
        elif isinstance(value, Laureate):
            shown.append((value.source.path, main))  # counted too: the edit fast path swaps its record in
            if counted:
                pieces.append(repr((value.edition, [q.slug for q in value.quartiers], [t.slug for t in value.themes],
                                    value.draft, value.support)).encode())
            elif not main:
                pieces.append(self._card(value))
            else:
                pieces.append(value.source.digest.encode())
                if value.image:  # its published files are named after the image's content
                    pieces.append(self.images[value.image].key.encode())
                if value.documents:
                    self._sizes(pieces, value)
        elif isinstance(value, (Edition, FreePage)):
            pieces.append(value.source.digest.encode())
            if isinstance(value, Edition) and value.documents:
                self._sizes(pieces, value)
        elif isinstance(value, dict):
            for key in sorted(value, key=repr):
                pieces.append(repr(key).encode())
                self._feed(pieces, value[key], False, shown, counted)
        elif isinstance(value, (list, tuple)):
            pieces.append(b"[")
            for item in value:
                self._feed(pieces, item, False, shown, counted)
            pieces.append(b"]")
        else:  # a crumb, a pagination, a quartier…: often the same object on many pages, and a dataclass's repr is slow
            known = self._leaves.get(id(value))
            if known is None:  # the object is kept with it: its id stays its own while this build's pages live
                known = self._leaves[id(value)] = (value, repr(value).encode())
            pieces.append(known[1])

    def _sizes(self, pieces: list[bytes], record: Laureate | Edition) -> None:
        """The sizes its download links show: a document replaced under the same name changes them, not the
        record's file."""
        pieces.append(repr([self.media_sizes[d.file] for d in record.documents]).encode())

    def _card(self, laureate: Laureate) -> bytes:
        """What a laureate shown as a card is made from: its card's fields, and its image's files."""
        digest = self._cards.get(id(laureate))
        if digest is None:
            digest = card_digest(laureate).encode()
            if laureate.image:  # its published files are named after the image's content
                digest += self.images[laureate.image].key.encode()
            self._cards[id(laureate)] = digest
        return digest


def referenced_templates(source: str) -> tuple[str, ...] | None:
    """The templates ``source`` extends, includes or imports by name; None if one is named by an expression.

    A text scan, much cheaper than parsing: this runs for every template on every build.
    """
    names = []
    for match in _REFERENCE.finditer(source):
        if match.group(3) is not None or match.group(4) in ("~", "+", "[", "(", ".", "|"):
            return None
        names.append(match.group(1) or match.group(2))
    return tuple(dict.fromkeys(names))


def card_digest(laureate: Laureate) -> str:
    """What a laureate shows in listings: editing only its body leaves listings alone."""
    return repr((laureate.slug, laureate.title, laureate.porteur, laureate.summary, laureate.edition,
                 laureate.image, laureate.image_alt, laureate.image_credit, laureate.support, laureate.draft, [q.slug for q in laureate.quartiers],
                 [t.slug for t in laureate.themes]))
