"""Open data: every published laureate in CSV and JSON, described by a Data Package with a Table Schema.

The columns derive from the content contract (``schema.LAUREATE``: names, Table
Schema types, French descriptions, required fields), preceded by the laureate's
identifier and page address and followed, where a field holds identifiers, by
what they stand for (quartier names and codes, communes, contrats de ville,
theme names). In CSV, multi-valued columns are joined with « ; »; in JSON they
are arrays. Adding a field to the schema adds a column here, in the Table
Schema and on the « Données ouvertes » page.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import mmap
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import schema as S
from .model import Laureate, Site
from .slugs import slugify

FOLDER = "donnees/"
CSV_NAME, JSON_NAME, PACKAGE_NAME = "laureats.csv", "laureats.json", "datapackage.json"
SEPARATOR = ";"
EXCLUDED_FIELDS = {"draft"}  # always false: only published laureates are exported
URL_KINDS = {"url", "path"}  # a media path is exported as the absolute address of the published file

Value = Callable[[Site, Laureate], Any]
Buffer = bytes | mmap.mmap  # a published file's bytes


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type of one value
    description: str  # French, for the people who reuse the data
    required: bool = False
    multiple: bool = False
    format: str = "default"
    value: Value = field(default=lambda site, laureate: None, repr=False, compare=False)

    def __reduce__(self) -> tuple:  # its value is code: a kept column (the open data page's) is found again by name
        return column, (self.name,)


def _names(attribute: str, unique: bool = False) -> Value:
    def value(site: Site, laureate: Laureate) -> list[str | None]:
        items = [getattr(q, attribute) for q in laureate.quartiers]
        return list(dict.fromkeys(items)) if unique else items
    return value


# What the identifiers of a field stand for, placed right after it.
RESOLVED: dict[str, tuple[Column, ...]] = {
    "quartiers": (
        Column("quartier_names", "string", "Nom de chaque quartier de la colonne quartiers, dans le même ordre",
               True, True, value=_names("name")),
        Column("quartier_codes", "string", "Code officiel (QPV) de chaque quartier de la colonne quartiers, dans le "
               "même ordre ; vide quand il n'est pas connu", multiple=True, value=_names("code")),
        Column("communes", "string", "Communes des quartiers concernés, sans doublon", True, True,
               value=_names("commune", unique=True)),
        Column("contrats_de_ville", "string", "Contrats de ville des quartiers concernés, sans doublon", True, True,
               value=_names("contrat_name", unique=True)),
    ),
    "themes": (
        Column("theme_names", "string", "Nom de chaque thématique de la colonne themes, dans le même ordre", True, True,
               value=lambda site, laureate: [t.name for t in laureate.themes]),
    ),
}


def columns() -> tuple[Column, ...]:
    """Every exported column, in order."""
    result = [
        Column("slug", "string", "Identifiant du lauréat (le nom de son fichier, la fin de l'adresse de sa page)",
               True, value=lambda site, laureate: laureate.slug),
        Column("url", "string", "Adresse de la page du lauréat", True, format="uri",
               value=lambda site, laureate: page_url(site, laureate)),
    ]
    for f in S.LAUREATE.fields:
        if f.name in EXCLUDED_FIELDS:
            continue
        description = f.public_description + (" : adresse du fichier publié" if f.kind == "path" else "")
        result.append(Column(f.name, f.table_type, description, f.required,
                             multiple=f.kind.endswith("_list"), format="uri" if f.kind in URL_KINDS else "default",
                             value=_field_value(f)))
        result.extend(RESOLVED.get(f.name, ()))
    result.append(Column("description", "string", S.LAUREATE.body_description,
                         value=lambda site, laureate: laureate.body.strip()))
    return tuple(result)


def column(name: str) -> Column:
    return next(c for c in columns() if c.name == name)


def _field_value(f: S.Field) -> Value:
    def value(site: Site, laureate: Laureate) -> Any:
        raw = getattr(laureate, f.name)
        if isinstance(raw, tuple):
            return [getattr(item, "slug", item) for item in raw]  # quartiers and themes: their identifiers
        if f.kind == "path" and raw:
            return site.config.base_url + raw
        return raw
    return value


def page_url(site: Site, laureate: Laureate) -> str:
    return f"{site.config.base_url}laureats/{laureate.slug}/"


def exports(site: Site, rows: Rows | None = None) -> dict[str, Callable[[], bytes]]:
    """The files of ``/donnees/``, each made on demand; ``rows`` reuses the unchanged rows of the published ones."""
    rows = rows if rows is not None else Rows()
    return {FOLDER + CSV_NAME: lambda: laureates_csv(site, rows), FOLDER + JSON_NAME: lambda: laureates_json(site, rows),
            FOLDER + PACKAGE_NAME: lambda: _json_bytes(data_package(site))}


RowPlaces = dict[str, dict]  # published file → {"context": key, "rows": {slug: [file digest, offset, length]}}


@dataclass
class Rows:
    """Each laureate's CSV line and JSON object, re-encoded only when its file or what it refers to changed.

    The files hold every body, so they grow with N: an edit re-encodes one row and copies the others out of the
    published file, where ``places`` (kept in the build's record) says they are. ``published`` gives a published
    file's bytes only while it is the one the record describes (else every row is encoded). A row is copied when
    its laureate's file and the context (the engine, the settings, the shared files) are those it was made from.
    """

    places: RowPlaces = field(default_factory=dict)  # updated as each file is made
    published: Callable[[str], Buffer | None] = lambda path: None
    engine: str = ""  # the engine's code digest: another version may encode rows otherwise

    def parts(self, site: Site, name: str, start: bytes, between: bytes) -> Iterator[bytes | memoryview]:
        """The rows of ``FOLDER + name`` (the CSV or the JSON file), to be joined by ``between``: bytes, or views of
        the published file, each holding one row or a run of rows copied as they were (never all held: the files
        carry every body)."""
        which, path = (0 if name == CSV_NAME else 1), FOLDER + name
        context = hashlib.blake2b(f"{self.engine}\0{site.config!r}\0{site.shared_digest}".encode(),
                                  digest_size=16).hexdigest()
        before = self.places.get(path, {})
        old = self.published(path) if before.get("context") == context else None
        view, rows = (memoryview(old), before.get("rows", {})) if old is not None else (None, {})
        placed, at, cols, gap = {}, len(start), columns(), len(between)
        size, last = (len(view) if view is not None else 0), (10 if which == 0 else 125)  # a row ends "\n" or "}"
        run_start = run_end = -1  # the published rows being copied in one piece
        for laureate in site.laureates:
            digest, hit = laureate.source.digest, rows.get(laureate.slug)
            # A row is copied when its laureate is unchanged and the published file (the recorded one) has a row's
            # end where the record says: a cheap guard, the file's size and time were checked already.
            if hit and hit[0] == digest and 0 < hit[1] + hit[2] <= size and view[hit[1] + hit[2] - 1] == last:
                length = hit[2]
                if hit[1] != run_end + gap or run_end < 0:
                    if run_end >= 0:
                        yield view[run_start:run_end]
                    run_start = hit[1]
                run_end = hit[1] + length
            else:
                if run_end >= 0:
                    yield view[run_start:run_end]
                    run_end = -1
                part = encode_row(site, laureate, cols, which)
                length = len(part)
                yield part
            placed[laureate.slug] = hit if hit and hit[1] == at and hit[0] == digest and hit[2] == length \
                else [digest, at, length]
            at += length + gap
        if run_end >= 0:
            yield view[run_start:run_end]
        self.places[path] = {"context": context, "rows": placed}


_JSON_START, _JSON_BETWEEN, _JSON_END = b"[\n", b",\n", b"\n]\n"


def row(site: Site, laureate: Laureate, cols: tuple[Column, ...]) -> dict[str, Any]:
    return {c.name: c.value(site, laureate) for c in cols}


def encode_row(site: Site, laureate: Laureate, cols: tuple[Column, ...], which: int) -> bytes:
    """One laureate's CSV line (``which`` 0: UTF-8, no byte order mark, CRLF) or JSON object (1: json's C encoder).

    Each file encodes its own rows: keeping the other file's until it is made would hold all of them at once.
    """
    values = row(site, laureate, cols)
    if which == 1:
        return json.dumps(values, ensure_ascii=False).encode("utf-8")
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\r\n").writerow([_csv_cell(value) for value in values.values()])
    return text.getvalue().encode("utf-8")


def laureates_csv(site: Site, rows: Rows) -> bytes:
    """Comma-separated, a header then one line per published laureate."""
    header = _csv_header()
    data = bytearray(header)  # grown row by row: a list of rows joined at the end would hold the file twice
    for part in rows.parts(site, CSV_NAME, header, b""):
        data += part
    return data


def _csv_header() -> bytes:
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\r\n").writerow([c.name for c in columns()])
    return header.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return SEPARATOR.join(_csv_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def laureates_json(site: Site, rows: Rows) -> bytes:
    """One laureate per line, the whole an array (``indent`` would force json's slow Python encoder)."""
    data = bytearray(_JSON_START)  # grown object by object, as the CSV file
    for obj in rows.parts(site, JSON_NAME, _JSON_START, _JSON_BETWEEN):
        data += obj
        data += _JSON_BETWEEN
    if len(data) == len(_JSON_START):
        return _JSON_START + b"]\n"
    data[-len(_JSON_BETWEEN):] = _JSON_END
    return data


def table_schema() -> dict[str, Any]:
    """The Table Schema of the CSV file."""
    fields = []
    for c in columns():
        spec: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.description}
        if c.multiple:
            spec["description"] += f" (plusieurs valeurs séparées par « {SEPARATOR} »)"
        if c.format != "default":
            spec["format"] = c.format
        constraints = {"required": True} if c.required else {}
        if c.name == "slug":
            constraints["unique"] = True
        if constraints:
            spec["constraints"] = constraints
        fields.append(spec)
    return {"fields": fields, "primaryKey": ["slug"], "missingValues": [""]}


def data_package(site: Site) -> dict[str, Any]:
    config = site.config
    title = f"Lauréats — {config.title}"
    return {
        "profile": "data-package",
        "name": slugify(f"laureats {config.title}"),
        "title": title,
        "description": config.description,
        "homepage": config.base_url + FOLDER,
        "licenses": [{"title": config.licence, "path": config.licence_url}],
        "contributors": [{"title": config.organisation, "role": "publisher", "email": config.contact_email}],
        "resources": [
            {"name": "laureats", "path": CSV_NAME, "title": title, "profile": "tabular-data-resource",
             "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "dialect": {"delimiter": ",", "doubleQuote": True, "header": True}, "schema": table_schema()},
            {"name": "laureats-json", "path": JSON_NAME, "title": f"{title} (JSON)", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "description": "Les mêmes lignes et colonnes que laureats.csv, un objet par lauréat ; les valeurs "
                            "multiples sont des listes, les valeurs absentes valent null."},
        ],
    }


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
