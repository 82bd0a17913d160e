"""``check``'s warnings and notes: what does not block publishing. Its errors are the build's: ``pipeline.check``
runs the same stages rendering in memory, then asks this module.

Warnings, which ``--strict`` turns into errors:

- a summary longer than ``CARD_SUMMARY_MAX`` characters: the schema allows 280
  (sharing), but a card shows about four lines of it on a phone;
- a laureate image heavier than ``IMAGE_MAX_BYTES`` or narrower than
  ``IMAGE_MIN_WIDTH`` (a full-width card on a phone at 2× density);
- a file of ``content/media/`` that nothing uses: no laureate ``image`` and no
  link in any Markdown body (drafts count: they will use it);
- a call for projects the site shows as open although it is surely over: the
  edition has opened its call, has no ``call_closes``, and is no longer current
  (its year is past, or a newer edition exists); without a closing date the site
  would say « ouvert » forever;
- a placeholder left in a published file (``content/placeholders.py``: « À compléter »,
  an example address, ``new``'s example values…), which ``build --deploy``
  refuses to publish.

A photo of ``content/media/`` that holds its GPS position (``content/photo_metadata.py``) is not a warning here but an
error, as for ``build --deploy`` (``pipeline.check``): the repository, often public, would keep it for good.

« À confirmer » notes (each entry of an ``a_confirmer`` field, ``<!-- À confirmer
… -->`` in Markdown, and the former ``# À confirmer …`` YAML comments, which the web
editor drops when it saves) are listed with their line but never errors, even
with ``--strict``: they flag facts the sources do not give yet, kept on purpose
so nothing is invented, and publishing must not wait for them.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping
from urllib.parse import unquote

from vitrine.content.model import Site
from vitrine.content.schema import NOTES
from vitrine.content.read import LoadedContent, SourceFile
from vitrine.errors import ContentError
from vitrine.options import BuildReport, SitePlan
from vitrine.outputs.images import FULL_MAX, WIDTHS, ImageSet
from vitrine.site.call import call_state

CARD_SUMMARY_MAX = 200
IMAGE_MAX_BYTES = 2_000_000  # 2 Mo
IMAGE_MIN_WIDTH = 640

MEDIA_FIELDS = {"laureate": "image", "territory": "outlines", "site": "logo"}  # fields that name a file of content/media/
DOCUMENT_KINDS = ("laureate", "edition")  # their ``documents`` name files of content/media/ too
_MEDIA_LINK = re.compile(r"(?<![\w.-])(media/[^\s)\"'<>#?\]]+)")
_YAML_MARKER = re.compile(r"(?:^|\s)#\s*[ÀàAa] confirmer\b\s*:?\s*(.*)$")
# The text up to « --> » or the line's end, stripped afterwards (``(.*?)\s*(?:-->|$)`` cost the square of a run of
# spaces)
_HTML_MARKER = re.compile(r"<!--\s*[ÀàAa] confirmer\b\s*:?\s*(.*?)(?:-->|$)")


NOTED_KINDS = ("site", "territory", "themes", "edition", "laureate", "page")  # the files whose schemas have notes


def notes(root: Path, loaded: LoadedContent) -> tuple[ContentError, ...]:
    """Every « À confirmer » note: the ``a_confirmer`` entries and the markers in comments, in file order."""
    return tuple(sorted([*confirm_markers(root, loaded), *confirm_fields(loaded)]))


def confirm_fields(loaded: LoadedContent) -> Iterator[ContentError]:
    """Each entry of an ``a_confirmer`` field, at its line, named as validation names fields."""
    for f in loaded.files:
        if f.kind in NOTED_KINDS:
            for keys, text in _noted(f.data, ()):
                yield ContentError(f.path, f.line(*keys), _field_name(keys), text, warning=True)


def _noted(data: object, keys: tuple) -> Iterator[tuple[tuple, str]]:
    """(keys, text) of every note in a file's data; a note written as one text instead of a list counts too
    (validation reports its form)."""
    if isinstance(data, list):
        for i, item in enumerate(data):
            yield from _noted(item, keys + (i,))
    elif isinstance(data, dict):
        for key, value in data.items():
            if key != NOTES:
                yield from _noted(value, keys + (key,))
            elif isinstance(value, list):
                yield from ((keys + (key, i), " ".join(str(item).split())) for i, item in enumerate(value)
                            if item is not None and str(item).strip())
            elif value is not None and str(value).strip():
                yield keys + (key,), " ".join(str(value).split())


def warnings(root: Path, loaded: LoadedContent, plan: SitePlan | BuildReport, today: dt.date) -> tuple[ContentError, ...]:
    """What does not block publishing (``--strict`` makes it): the build's warnings, and those above. ``plan``: what
    the stages made of ``loaded``, or the report of what stopped them (then only what can still be told)."""
    found = list(plan.warnings) + unused_media(loaded) + list(plan.placeholders)
    files = {f.path: f for f in loaded.files}
    if plan.site is not None:
        found += long_summaries(plan.site, files) + stale_calls(plan.site, files, today)
    if isinstance(plan, SitePlan):
        found += image_problems(root, plan.site, plan.images.sets, files)
    return tuple(sorted(found))


def _warning(source: SourceFile | None, path: str, key: str, message: str, hint: str) -> ContentError:
    line = source.line(key) if source else 1
    return ContentError(path, line, key, message, hint, warning=True)


def long_summaries(site: Site, files: dict[str, SourceFile]) -> list[ContentError]:
    return [_warning(files.get(l.source.path), l.source.path, "summary",
                     f"résumé de {len(l.summary)} caractères, trop long pour une carte ({CARD_SUMMARY_MAX} au plus)",
                     "gardez l'essentiel en une ou deux phrases ; le détail va dans le texte de la fiche")
            for l in site.laureates if len(l.summary) > CARD_SUMMARY_MAX]


def image_problems(root: Path, site: Site, images: Mapping[str, ImageSet],
                   files: dict[str, SourceFile]) -> list[ContentError]:
    """Laureate images too heavy to download on a phone, or too narrow for a card (as displayed: EXIF-rotated)."""
    problems = []
    for laureate in site.laureates:
        if not laureate.image or laureate.image not in images:
            continue  # no image, or one the build could not read: that is an error, reported as such
        issues = []
        size = (root / "content" / laureate.image).stat().st_size
        width = images[laureate.image].full.width  # as published: never wider than FULL_MAX
        if size > IMAGE_MAX_BYTES:
            # The visitor gets resized copies anyway: the weight that stays is the original's, in every clone of
            # the repository and in its history for good.
            fix = (f"réduisez-la à {FULL_MAX} pixels de large, la plus grande taille que le site publie"
                   if width >= FULL_MAX else "enregistrez-la en JPEG, qualité 85")
            issues.append((f"image lourde pour le dépôt : {_mega(size)} Mo, {_mega(IMAGE_MAX_BYTES)} Mo au plus",
                           "le site n'en publie que des copies réduites, mais l'original reste pour toujours dans "
                           f"l'historique git du dépôt : avant de l'ajouter, {fix} (le site n'y perd rien)"))
        if width < IMAGE_MIN_WIDTH:
            # Vitrine reduces, never enlarges: a narrow original is what makes a blurred card
            issues.append((f"image trop petite pour une carte : {width} pixels de large, {IMAGE_MIN_WIDTH} au moins",
                           "le site ne peut pas l'agrandir sans flou : demandez l'original de la photo, au moins "
                           f"{WIDTHS[-1]} pixels de large pour la plus nette"))
        problems += [_warning(files.get(laureate.source.path), laureate.source.path, "image", message, hint)
                     for message, hint in issues]
    return problems


def _mega(size: int) -> str:
    return f"{size / 1e6:.1f}".replace(".", ",")


def media_references(loaded: LoadedContent) -> set[str]:
    """``media/…`` names used by a laureate's image, the quartiers' outlines, the site's logo, the documents of
    laureates and editions, or linked from any Markdown body (drafts included)."""
    used = set()
    for f in loaded.files:
        field = MEDIA_FIELDS.get(f.kind)
        data = f.data if isinstance(f.data, dict) else {}
        values = [data.get(field)] if field else []
        if f.kind in DOCUMENT_KINDS and isinstance(data.get("documents"), list):
            values += [d.get("file") for d in data["documents"] if isinstance(d, dict)]
        for value in values:
            if isinstance(value, str) and value.strip():
                name = PurePosixPath(value.strip().replace("\\", "/")).as_posix()
                used.add(name if name.startswith("media/") else "media/" + name)
        used.update(unquote(m) for m in _MEDIA_LINK.findall(f.body))
    return used


def unused_media(loaded: LoadedContent) -> list[ContentError]:
    used = media_references(loaded)
    return [ContentError(f"content/{m.name}", 1, "fichier", "fichier de content/media/ utilisé nulle part",
                         "liez-le depuis une fiche (champ image ou documents, ou lien Markdown [texte](/media/…)) ou "
                         "supprimez-le",
                         warning=True)
            for m in loaded.media if m.name not in used]


def stale_calls(site: Site, files: dict[str, SourceFile], today: dt.date) -> list[ContentError]:
    """Editions the site shows « ouvert » without a closing date while they are no longer current."""
    newest = site.editions[0].year if site.editions else None
    return [_warning(files.get(e.source.path), e.source.path, "call_opens",
                     f"appel à projets affiché « ouvert » sans date limite, alors que l'édition {e.year} est passée",
                     "ajoutez « call_closes: AAAA-MM-JJ », la date limite réelle de dépôt")
            for e in site.editions
            if e.call_closes is None and call_state(e, today).status == "open"
            and (e.year < today.year or e.year != newest)]


def confirm_markers(root: Path, loaded: LoadedContent) -> Iterator[ContentError]:
    """Every « À confirmer » marker, at its line, named after the field it precedes, its text on one line."""
    for f in loaded.files:
        lines = (root / f.path).read_text("utf-8-sig").splitlines()
        yaml_end = len(lines) if f.path.endswith(".yaml") else max(f.body_line - 1, 0)
        for number, text in enumerate(lines, start=1):
            in_yaml = number <= yaml_end
            marker = (_YAML_MARKER if in_yaml else _HTML_MARKER).search(text)
            if marker:
                said = " ".join([marker.group(1).strip()] + _continuation(lines[number:], in_yaml, text))
                field = _next_field(f, number) if in_yaml else "texte"
                yield ContentError(f.path, number, field, said.strip() or "à confirmer", warning=True)


def _continuation(following: list[str], in_yaml: bool, first: str) -> list[str]:
    """The rest of a marker written over several lines: further ``#`` lines, or up to the ``-->``."""
    more = []
    if in_yaml:
        for text in following:
            if not text.strip().startswith("#") or _YAML_MARKER.search(text):
                break
            more.append(text.strip().lstrip("#").strip())
    elif "-->" not in first:
        for text in following:
            more.append(text.split("-->")[0].strip())
            if "-->" in text:
                break
    return [m for m in more if m]


def _next_field(source: SourceFile, line: int) -> str:
    """The field a comment is about: the first key at or after its line, else the group it closes."""
    keyed = sorted(((at, keys) for keys, at in source.lines.items() if keys and isinstance(keys[-1], str)),
                   key=lambda item: item[0])
    after = [keys for at, keys in keyed if at >= line]
    if after:
        return _field_name(after[0])
    before = [keys for at, keys in keyed if at < line]
    return _field_name(before[-1][:-1]) if before else "fichier"


def _field_name(keys: tuple) -> str:
    """``contrats_de_ville[1].quartiers[2].code``, as validation names fields."""
    name = ""
    for key in keys:
        name += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if name else str(key))
    return name or "fichier"
