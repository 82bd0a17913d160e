"""One content file's fields checked against the contract (``schema.py``), and the errors located to their lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from vitrine.content import bodies
from vitrine.content import kinds
from vitrine.content import schema as S
from vitrine.content.corrections import corrected, has_invisible
from vitrine.content.media import DOCUMENT_SUFFIXES, reference_problem
from vitrine.content.read import SourceFile
from vitrine.content.model import Source
from vitrine.content.slugs import is_slug, slugify
from vitrine.content.typography import french
from vitrine.errors import ContentError, did_you_mean, field_name


class Collector:
    """Errors of one file, with the helpers that locate them."""

    def __init__(self, source: SourceFile):
        self.source = source
        self.errors: list[ContentError] = []

    def add(self, keys: tuple, field: str, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.source.path, self.source.line(*keys), field, message, hint))

    def failed(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)


@dataclass(frozen=True)
class References:
    """What a laureate may refer to: valid records, and slugs whose own record failed (already reported).

    A reference to a broken record is not reported again: the editor sees the
    one real problem, not one "unknown" per laureate. ``readable`` is False
    when the whole file could not be read: then no reference to it is checked.
    """

    known: dict[str, Any]
    broken: frozenset = frozenset()
    readable: bool = True


@dataclass(frozen=True)
class Media:
    """The files of content/media/: those published, and those refused (their own error says why)."""

    published: frozenset
    refused: frozenset = frozenset()


def check_fields(schema: S.Schema, data: Any, keys: tuple, out: Collector,
                 partial: bool = False) -> dict[str, Any] | None:
    """Apply a schema to one mapping: unknown, missing and mistyped fields; defaults filled in.

    Returns None when anything is wrong, unless ``partial``: then the fields
    that are right are returned (the others are None) so that the caller can
    go on checking them, and report every problem of the file in one run.
    """
    label = ".".join(str(k) for k in keys) or "fichier"
    if not isinstance(data, dict):
        out.add(keys, label, f"attendu : des champs « nom: valeur » ({schema.name}), trouvé {kinds.describe(data)}",
                "chaque ligne s'écrit « nom: valeur »")
        return None
    clean: dict[str, Any] = {}
    ok = True
    names = schema.names  # a list made at each call
    for key, value in data.items():
        if key not in names:
            hint = did_you_mean(key, names) or f"champs possibles : {', '.join(names)}"
            out.add(keys + (key,), field_of(keys, key), f"champ inconnu « {key} »", hint)
            ok = False
    for f in schema.fields:
        value = data.get(f.name)
        if value is None or (not f.required and isinstance(value, str) and not value.strip()):
            # « video: "" » is what the web editor writes when a field is cleared: absent, as « video: » is
            if f.required:
                example = f" ({_example(f)})" if f.example is not None and f.kind not in ("list", "mapping") else ""
                if f.name in data:  # « title: » with nothing after it: at its own line
                    out.add(keys + (f.name,), field_of(keys, f.name), "champ obligatoire vide",
                            f"écrivez sa valeur après « {f.name}: »{example}")
                else:
                    out.add(keys if keys else (), field_of(keys, f.name), "champ obligatoire manquant",
                            f"ajoutez-le{example}")
                ok = False
            clean[f.name] = f.default
            continue
        checked, problem = kinds.check_kind(f, value)
        if problem:
            out.add(keys + (f.name,), field_of(keys, f.name), problem, _kind_hint(f, value))
            ok = False
            clean[f.name] = None
            continue
        value = checked
        if f.prose:
            value = [french(v) for v in value] if isinstance(value, list) else french(value)
        clean[f.name] = value
    return clean if ok or partial else None


def checked_fields(source: SourceFile, schema: S.Schema) -> tuple[dict[str, Any] | None, tuple[ContentError, ...]]:
    """``check_fields`` of a file's whole front matter (``partial``), with the errors it found: all of a record's
    checks that need nothing but its own file (a laureate's are made where it is read, ``read.parse_source``)."""
    out = Collector(source)
    return check_fields(schema, source.data, (), out, partial=True), tuple(out.errors)


def field_of(keys: tuple, field: str) -> str:
    return field_name(keys + (field,))


def _example(f: S.Field) -> str:
    return f"par exemple « {f.name}: {_inline_yaml(f.example)} »"


def _inline_yaml(value: Any) -> str:
    """A value as an editor would type it on one line: ``[culture, emploi]``, ``true``."""
    if isinstance(value, (list, tuple)):
        # An item holding « : » or « , » must be quoted, or it reads as a mapping or as two items
        return "[" + ", ".join(f'"{v}"' if isinstance(v, str) and (": " in v or ", " in v) else _inline_yaml(v)
                               for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _kind_hint(f: S.Field, value: Any) -> str:
    """What to type instead of a value of the wrong kind."""
    if f.kind in ("text", "slug", "url", "email", "path", "text_list", "slug_list") and has_invisible(value):
        return kinds.INVISIBLE_HINT
    if f.kind == "text" and isinstance(value, str):  # the right kind, but empty or too long
        if f.max_length and len(value.strip()) > f.max_length:
            return "raccourcissez le texte"
        return "écrivez une valeur" + ("" if f.required else " ou retirez la ligne")
    if f.kind in ("text_list", "slug_list") and isinstance(value, str):
        return f"écrivez « {f.name}: [{value}] » ou une liste à tirets"
    own = corrected(f, value)
    if own:
        return own
    if f.example is None or f.kind in ("list", "mapping"):
        return ""
    return _example(f)


def source_of(f: SourceFile) -> Source:
    return Source(f.path, 1, f.digest)


def single(files: list[SourceFile]) -> SourceFile | None:
    return files[0] if files else None


def slugs_of(records: list) -> frozenset:
    """The slugs written in raw records, valid or not."""
    return frozenset(str(r["slug"]) for r in records if isinstance(r, dict) and isinstance(r.get("slug"), (str, int)))


def unique(slug: str, keys: tuple, seen: dict[str, int], what: str, out: Collector) -> None:
    field = field_of(keys[:-1], "slug")
    if not is_slug(slug):
        out.add(keys, field, f"identifiant « {slug} » invalide : minuscules, chiffres et tirets seulement",
                f"écrivez « {slugify(slug)} »")
    if slug in seen:
        out.add(keys, field, f"{what} « {slug} » {agree('défini', what)} deux fois (déjà ligne {seen[slug]})",
                "donnez à chacun un identifiant différent")
    else:
        seen[slug] = out.source.line(*keys)


def agree(word: str, what: str) -> str:
    """« défini » or « définie »: French agreement with the feminine nouns we use."""
    return word + "e" if what in FEMININE else word


FEMININE = {"thématique", "édition"}


def check_media(value: str, media: Media, keys: tuple, field: str, out: Collector, image: bool = False,
                document: bool = False) -> str:
    """A media path stays inside content/media/: no absolute path, no ``..``; returns ``media/…``.

    ``image``: it must be a photo Vitrine processes (JPEG, PNG, WebP); ``document``: a file offered for download
    (PDF, OpenDocument, Office), never a photo or anything else."""
    path = PurePosixPath(value.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or value.startswith("~") or ":" in value:
        out.add(keys, field, f"chemin refusé « {value} » : il doit rester dans content/media/",
                "écrivez media/nom-du-fichier.jpg")
        return value
    name = path.as_posix()
    if not name.startswith("media/"):
        name = "media/" + name
    unsafe = reference_problem(name)
    suffix = PurePosixPath(name).suffix.lower()
    if image and suffix not in S.IMAGE_SUFFIXES:  # said first: the file itself, if any, is refused for that too
        out.add(keys, field, f"format d'image « {suffix or 'sans extension'} » non pris en charge",
                "enregistrez l'image en JPEG, PNG ou WebP (.jpg, .png, .webp)")
    elif document and suffix not in DOCUMENT_SUFFIXES:
        out.add(keys, field, f"« {value} » n'est pas un document à télécharger (type « {suffix or 'sans extension'} »)",
                "citez un PDF, un fichier OpenDocument (.odt, .ods, .odp) ou Office (.docx, .xlsx, .pptx, .doc, .xls, "
                ".ppt) ; une photo se montre avec « image: »")
    elif unsafe:  # the file itself, if it exists, is refused too (``read``): both say how to rename it
        out.add(keys, field, *unsafe)
    elif name in media.refused or any(name.startswith(f"{folder}/") for folder in media.refused):
        out.add(keys, field, f"fichier refusé « {value} »",
                "voyez le message sur ce fichier (ou son dossier) dans content/media/ et suivez-le")
    elif name not in media.published:
        wanted = S.IMAGE_SUFFIXES if image else DOCUMENT_SUFFIXES if document else None  # suggest a file of its kind
        # compared without their common « media/ », which would make any two names look alike
        candidates = {m.removeprefix("media/"): m for m in media.published
                      if wanted is None or PurePosixPath(m).suffix.lower() in wanted}
        hint = (did_you_mean(name.removeprefix("media/"), candidates, candidates.__getitem__)
                or "placez le fichier dans content/media/")
        out.add(keys, field, f"fichier introuvable « {value} »", hint)
    return name


def check_body(source: SourceFile, out: Collector) -> tuple[tuple[int, str, str], ...]:
    """The body's problems (``bodies.scan``) reported at their line; its links kept to be resolved once the
    site's URL map is known (``site/links.py``): (line, field, destination)."""
    found = (kinds.invisible_character(source.body, kinds.BIDI_CONTROLS)
             if kinds.may_hold_bidi_control(source.body) else None)
    if found:  # bidirectional controls reorder the text that follows them on the page, the feed and the open data
        at = found[1] - 1
        line = source.body[:at].count("\n")
        column = at - (source.body.rfind("\n", 0, at) + 1) + 1
        out.errors.append(ContentError(source.path, source.body_line + line, "texte",
                                       f"{found[0]} en position {column} de la ligne", kinds.INVISIBLE_HINT))
    scan = source.body_scan or bodies.scan(source.body)  # made when read (``read.parse_source``)
    for problem in scan.problems:
        out.errors.append(ContentError(source.path, source.body_line + problem.line, bodies.FIELD, problem.message,
                                       problem.hint))
    if not scan.located:  # lines are looked for only if a link is dead (``site/links.py``)
        return tuple((-source.body_line, bodies.FIELD, link) for _, link in scan.links)
    return tuple((source.body_line + line, bodies.FIELD, link) for line, link in scan.links)
