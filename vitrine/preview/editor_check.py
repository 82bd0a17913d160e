"""A save from the web editor, checked as the build checks the content, before anything is written.

The content on disk is read as the build reads it (``load_content``, its cache kept between saves); the files the
save would write take the place of theirs, parsed from the bytes the editor sent (``read.parse_source``), the photos
it adds join the media; then the pipeline's own checks run in memory (``pipeline.plan_content``: fields,
references, file names, addresses, links), on the content as it is and as it would be. What stops the save: any
error in a file it writes, and any error it would cause elsewhere (a theme removed that laureates still name).
Errors already there in other files do not stop it (they are the preview's to show), nor do warnings. Images are
decoded when they are stored (``photo_metadata``), not here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from vitrine.content import schema as S
from vitrine.content.media_files import MediaFile
from vitrine.content.read import LoadCache, LoadedContent, SourceFile, load_content, parse_source
from vitrine.content.slugs import slugify
from vitrine.errors import ContentError
from vitrine.options import BuildOptions, BuildReport
from vitrine.pipeline import plan_content


@dataclass(frozen=True)
class Change:
    """What one save would do to ``content/``; paths relative to the repository, as the build names them."""

    writes: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # entry path → (kind, bytes)
    removes: tuple[str, ...] = ()  # the old name of a renamed entry
    media: dict[str, int] = field(default_factory=dict)  # media path (content/media/x.jpg) → its size
    created: tuple[str, ...] = ()  # entries the editor names after their title (a new laureate, a new page)


def refusals(root: Path, today: dt.date, change: Change, cache: LoadCache, memo: dict) -> list[ContentError]:
    """The errors that stop ``change``: a build would refuse the content with it and not without it. ``cache`` and
    ``memo``, kept between saves: what was read, and each laureate's check (``validate``), while unchanged."""
    loaded = load_content(root, cache)
    before = {_where(error) for error in _errors(root, today, loaded, memo)}
    touched = set(change.writes) | set(change.removes)
    misnamed = [error for path in change.created if (error := named_apart(path, *change.writes[path]))]
    return misnamed + [error for error in _errors(root, today, changed(root, loaded, change), memo)
            if error.path in touched or _where(error) not in before]


def named_apart(path: str, kind: str, raw: bytes) -> ContentError | None:
    """A new entry whose file name is not the one ``python build.py new`` gives its title. Decap drops a straight
    apostrophe (« L'atelier » → ``latelier``) where Vitrine's rule makes it a hyphen (``l-atelier``), and its
    configuration cannot change that: the typographic apostrophe ’ gives both the same name."""
    parsed = parse_source(path, kind, raw)
    title = parsed.data.get("title") if isinstance(parsed, SourceFile) and isinstance(parsed.data, dict) else None
    expected = slugify(title) if isinstance(title, str) else ""
    if not expected or expected == parsed.slug:
        return None
    hint = ("écrivez l'apostrophe typographique ’ (« L’atelier ») dans le titre" if "'" in title
            else "changez le titre, ou créez la fiche avec « python build.py new » puis modifiez-la ici")
    return ContentError(path, parsed.line("title"), "title", f"l'éditeur nommerait ce fichier « {parsed.slug}.md », "
                        f"la règle des noms de fichiers donne « {expected}.md »", hint)


SCHEMAS = {"laureate": S.LAUREATE, "edition": S.EDITION, "page": S.PAGE, "site": S.SITE, "territory": S.TERRITORY,
           "themes": S.THEMES}
_EMPTIED = re.compile(r'^( {0,2})([A-Za-z_][A-Za-z0-9_]*): ""\n', re.MULTILINE)
_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):", re.MULTILINE)


def without_emptied(kind: str, raw: str) -> str:
    """``raw`` without the optional fields the form left empty. Decap has no way to remove a field: an optional
    value cleared in the form is saved as ``video: ""``, which the build refuses (« ce champ est vide »), so an
    editor could never take a video, a logo or a colour away. Such a line means « no value »: it goes, as if
    deleted by hand. A required field left empty stays, and is refused naming it. Top-level fields, and those of a
    top-level mapping (``editor:``); Decap writes exactly ``""`` for an empty text."""
    schema = SCHEMAS[kind]

    def optional(match: re.Match) -> bool:
        fields = schema
        if match.group(1):  # a field of the last top-level mapping above it
            parent = [m.group(1) for m in _TOP_KEY.finditer(raw, 0, match.start())]
            field = next((f for f in schema.fields if parent and f.name == parent[-1]), None)
            if field is None or field.kind != "mapping" or field.schema is None:
                return False
            fields = field.schema
        found = next((f for f in fields.fields if f.name == match.group(2)), None)
        return found is not None and not found.required

    end = len(raw)
    if schema.has_body:  # the front matter only: the Markdown below is the editor's text, as typed
        close = raw.find("\n---\n", 4) if raw.startswith("---\n") else -1
        end = close + 1 if close >= 0 else 0
    return _EMPTIED.sub(lambda m: "" if optional(m) else m.group(0), raw[:end]) + raw[end:]


def nameless(path: str, kind: str, raw: bytes) -> ContentError:
    """A new entry whose title gives no file name at all (only emoji or punctuation): Decap sends « .md », a hidden
    file the build would never read; said about the title, the field the editor can change."""
    parsed = parse_source(path, kind, raw)
    line = parsed.line("title") if isinstance(parsed, SourceFile) else 1
    return ContentError(path, line, "title", "ce titre ne donne aucun nom de fichier : il n'a ni lettre ni chiffre",
                        "ajoutez au moins un mot au titre (« Fête 🎉 » plutôt que « 🎉 »)")


def changed(root: Path, loaded: LoadedContent, change: Change) -> LoadedContent:
    """``loaded`` as the build would read it once ``change`` is written."""
    gone = set(change.writes) | set(change.removes) | set(change.media)
    files: list[SourceFile] = [source for source in loaded.files if source.path not in gone]
    errors = [error for error in loaded.errors if error.path not in gone]
    for path, (kind, raw) in change.writes.items():
        parsed = parse_source(path, kind, raw)
        if isinstance(parsed, SourceFile):
            files.append(parsed)
        else:
            errors.extend(parsed)
    names = {path.removeprefix("content/"): size for path, size in change.media.items()}
    media = tuple(m for m in loaded.media if m.name not in names) + tuple(
        MediaFile(name, root / "content" / name, size) for name, size in names.items())
    return dataclasses.replace(loaded, files=tuple(sorted(files, key=lambda f: f.path)), errors=tuple(errors),
                               media=media, refused_media=tuple(p for p in loaded.refused_media if p not in gone))


def _errors(root: Path, today: dt.date, loaded: LoadedContent, memo: dict) -> tuple[ContentError, ...]:
    options = BuildOptions(root=root, out=root / "site", today=today, speed=False)  # as ``build`` and ``check``
    planned = plan_content(options, loaded, memo)
    return planned.errors if isinstance(planned, BuildReport) else ()


def _where(error: ContentError) -> tuple[str, int, str, str]:
    """An error without its hint: a « did you mean » may change with the content and still be the same error."""
    return error.path, error.line, error.field, error.message
