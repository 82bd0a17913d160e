"""A searchable page read for the index where it is rendered: in the render workers (forked, one per core), so
that the reading, the costliest part of the index, is spread like the rendering, and the index's process only
folds (``search_process.py``).

``ReadingRenderer`` wraps the build's renderer: a searchable page comes back as ``Read``, its bytes with what the
index takes of it (``pagefind_words.PageWords`` and its fragment compressed, pickled), which crosses the worker's
pipe with them. A page whose words an earlier build kept (``KeptWords``: the same page made from the same things)
is not read again: a deploy job, which renders every page (it has no ``site/``) with the last build's
``.vitrine-cache/``, reads only the pages that changed.
"""

from __future__ import annotations

import pickle
from collections.abc import Collection
from typing import Protocol

from vitrine.outputs.pagefind_words import page_words
from vitrine.outputs.pagefind_write import packed_fragment
from vitrine.outputs.search_pages import ImageSets, card_of, indexed_html
from vitrine.site.pages import Page


class KeptWords(Protocol):
    """Pages' words kept between builds (``speed/search_index.WordsCache``)."""

    def get(self, page: Page) -> bytes | None: ...

    def put(self, page: Page, words: bytes) -> None: ...

    def mark_used(self, page: Page) -> None:
        """``page``'s kept words were taken (in a worker, whose own record of it is lost): keep them."""


class Read(bytes):
    """A rendered searchable page (its bytes) and its words for the index (``words``: ``read_for_index``'s;
    ``kept``: taken from the ``KeptWords``, not read)."""

    words: bytes
    kept: bool


def read_for_index(page: Page, html: str, image_set: ImageSets) -> bytes:
    """What the index takes of ``page`` (its HTML as rendered or published), pickled: its ``PageWords`` and its
    fragment hashed and compressed (``pagefind_write.packed_fragment``), here rather than in the index's process
    (``BundleWriter.add`` takes both), which ``fragment`` then need not reach."""
    words = page_words("/" + page.url, indexed_html(html, card_of(page, image_set)))
    fragment = packed_fragment(words.fragment)
    words.fragment = ""
    return pickle.dumps((words, fragment), protocol=pickle.HIGHEST_PROTOCOL)


class ReadingRenderer:
    """The build's renderer, whose searchable pages (``searchable``: their outputs) are read for the index as soon
    as they are rendered. Everything else is the renderer's own (attributes read and set through)."""

    def __init__(self, renderer: object, searchable: Collection[str], image_set: ImageSets,
                 kept: KeptWords | None = None):
        object.__setattr__(self, "_renderer", renderer)
        object.__setattr__(self, "_searchable", searchable)
        object.__setattr__(self, "_image_set", image_set)
        object.__setattr__(self, "_kept", kept)

    def render(self, page: Page) -> bytes:
        data = self._renderer.render(page)  # type: ignore[attr-defined]
        if page.output not in self._searchable:
            return data
        read = Read(data)
        kept = self._kept.get(page) if self._kept is not None else None
        read.kept = kept is not None
        read.words = kept if kept is not None else read_for_index(page, data.decode("utf-8"), self._image_set)
        return read

    def __getattr__(self, name: str) -> object:
        return getattr(self._renderer, name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._renderer, name, value)
