"""The ``documents`` of a laureate or an edition: files of content/media/ offered for download, each with its title."""

from __future__ import annotations

from typing import Any

from vitrine.content import schema as S
from vitrine.content.fields import Collector, Media, check_fields, check_media, field_of
from vitrine.content.model import Document
from vitrine.errors import field_name


def check_documents(raw: list[Any] | None, media: Media, out: Collector) -> tuple[Document, ...]:
    """The documents of a ``documents:`` list; each problem (missing or mistyped file, missing title, a file
    listed twice) reported at its line."""
    documents: list[Document] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw or ()):
        keys = ("documents", i)
        if isinstance(item, str):  # « - media/reglement.pdf »: the file without its title
            out.add(keys, field_name(keys),
                    f"document « {item} » sans titre : chaque document a un fichier et un titre",
                    f"écrivez « - file: {item} » puis, en dessous et aligné sur file, « title: Titre du document »")
            continue
        d = check_fields(S.DOCUMENT, item, keys, out, partial=True)
        if d is None or d["file"] is None:
            continue
        field = field_of(keys, "file")
        name = check_media(d["file"], media, keys + ("file",), field, out, document=True)
        line = out.source.line(*keys, "file")
        if name in seen:
            out.add(keys + ("file",), field, f"document « {d['file']} » cité deux fois (déjà ligne {seen[name]})",
                    "gardez-le une seule fois dans la liste")
        seen.setdefault(name, line)
        if d["title"]:
            documents.append(Document(name, d["title"]))
    return tuple(documents)
