"""A searchable page read for the index where it is rendered: in the render workers (forked, one per core), so
that the reading, the costliest part of the index, is spread like the rendering, and the index's process only
folds (``search_process.py``).

``ReadingRenderer`` wraps the build's renderer: a searchable page comes back as ``Read``, its bytes with what the
index takes of it (``pagefind_words.PageWords``, pickled), which crosses the worker's pipe with them.
"""

from __future__ import annotations

import pickle
from collections.abc import Collection

from vitrine.outputs.pagefind_words import page_words
from vitrine.outputs.search_pages import ImageSets, card_of, indexed_html
from vitrine.site.pages import Page


class Read(bytes):
    """A rendered searchable page (its bytes) and its words for the index (``words``: a pickled ``PageWords``)."""

    words: bytes


def read_for_index(page: Page, html: str, image_set: ImageSets) -> bytes:
    """What the index takes of ``page`` (its HTML as rendered or published), pickled."""
    return pickle.dumps(page_words("/" + page.url, indexed_html(html, card_of(page, image_set))),
                        protocol=pickle.HIGHEST_PROTOCOL)


class ReadingRenderer:
    """The build's renderer, whose searchable pages (``searchable``: their outputs) are read for the index as soon
    as they are rendered. Everything else is the renderer's own (attributes read and set through)."""

    def __init__(self, renderer: object, searchable: Collection[str], image_set: ImageSets):
        object.__setattr__(self, "_renderer", renderer)
        object.__setattr__(self, "_searchable", searchable)
        object.__setattr__(self, "_image_set", image_set)

    def render(self, page: Page) -> bytes:
        data = self._renderer.render(page)  # type: ignore[attr-defined]
        if page.output not in self._searchable:
            return data
        read = Read(data)
        read.words = read_for_index(page, data.decode("utf-8"), self._image_set)
        return read

    def __getattr__(self, name: str) -> object:
        return getattr(self._renderer, name)

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._renderer, name, value)
