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
import io
import json
import re
from array import array
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from vitrine.content import schema as S
from vitrine.content.columns import SEPARATOR, Column, columns
from vitrine.content.model import Laureate, Site
from vitrine.site.pages import CSV_NAME, DATA_FOLDER, JSON_NAME, PACKAGE_NAME
from vitrine.site.published_text import published_markdown
from vitrine.content.slugs import slugify
from vitrine.publish.output import Output

FOLDER = DATA_FOLDER
# What makes a spreadsheet read a CSV cell as a formula (OWASP, « CSV injection »)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = re.compile(r'[,"\r\n]')  # what makes ``csv.writer`` quote a cell (its delimiter, quote, line ends)


def exports(site: Site, rows_file: Callable[[Site, str], Output] | None = None) -> dict[str, Callable[[], Output]]:
    """The files of ``/donnees/``, each made on demand. ``rows_file(site, name)`` makes the CSV or JSON file
    (default: ``whole_file``; the speed layer's ``Rows.output`` splices the published one's unchanged rows)."""
    make = rows_file or whole_file
    package = FOLDER + PACKAGE_NAME
    return {FOLDER + CSV_NAME: lambda: make(site, CSV_NAME),
            FOLDER + JSON_NAME: lambda: make(site, JSON_NAME),
            package: lambda: Output(package, _json_bytes(data_package(site)))}


@dataclass(frozen=True)
class RowLayout:
    """How a file joins its rows: ``start``, the rows separated by ``between``, ``end``; ``empty`` without rows."""

    start: bytes
    between: bytes
    end: bytes
    empty: bytes
    last: int  # every row's last byte (a CSV line ends with CRLF, a JSON object with "}")

    def size(self, lengths: array) -> int:
        """The size of the file whose rows have ``lengths``."""
        if not lengths:
            return len(self.empty)
        return len(self.start) + sum(lengths) + len(self.between) * (len(lengths) - 1) + len(self.end)


# One object a line, the whole an array (``indent`` would force json's slow Python encoder).
JSON_LAYOUT = RowLayout(b"[\n", b",\n", b"\n]\n", b"[\n]\n", ord("}"))


def layout_of(name: str) -> RowLayout:
    """How the file ``name`` (``CSV_NAME`` or ``JSON_NAME``) joins its rows."""
    return JSON_LAYOUT if name == JSON_NAME else _csv_layout()


def whole_file(site: Site, name: str) -> Output:
    """``FOLDER + name`` (the CSV or the JSON file) made from every row."""
    layout, as_json, cols = layout_of(name), name == JSON_NAME, columns()
    if not site.laureates:
        return Output(FOLDER + name, layout.empty)
    rows = [encode_row(site, laureate, cols, as_json) for laureate in site.laureates]
    return Output(FOLDER + name, layout.start + layout.between.join(rows) + layout.end)


def _csv_layout() -> RowLayout:
    """Comma-separated, a header then one line per laureate."""
    header = _csv_header()
    return RowLayout(header, b"", b"", header, ord("\n"))


def row(site: Site, laureate: Laureate, cols: tuple[Column, ...]) -> dict[str, Any]:
    values = {c.name: c.value(site, laureate) for c in cols}
    # the body as the site publishes it (its raw HTML sanitized: a site-layer job); without « < », as written
    if values.get("description") and "<" in laureate.body:
        values["description"] = published_markdown(laureate.body).strip()
    return values


def encode_row(site: Site, laureate: Laureate, cols: tuple[Column, ...], as_json: bool) -> bytes:
    """One laureate's CSV line (UTF-8, no byte order mark, CRLF) or JSON object (``as_json``: json's C encoder).

    Each file encodes its own rows: keeping the other file's until it is made would hold all of them at once.
    The body, the last column and most of a row's bytes, is encoded once into UTF-8 and quoted as bytes
    (``_csv_body``, ``_json_body``): the whole row's text was copied twice more, and JSON's C encoder escaped it
    character by character (a third of the open data's time).
    """
    values = row(site, laureate, cols)
    body = values.pop("description") if next(reversed(values), None) == "description" else None
    if type(body) is not str:  # a schema without the body last (tests): the row as it is
        if body is not None:
            values["description"] = body
        if as_json:
            return json.dumps(values, ensure_ascii=False).encode("utf-8")
        return csv_line(list(map(_csv_cell, values.values()))).encode("utf-8")
    if as_json:
        head = _JSON.encode(values).encode("utf-8")
        return b"".join((memoryview(head)[:-1], b', "description": "' if values else b'"description": "',
                         _json_escaped(body.encode("utf-8")), b'"}'))
    cell = neutralised(body).encode("utf-8")
    quoted = b"," in cell or b'"' in cell or b"\n" in cell or b"\r" in cell  # as ``csv_line`` quotes, in bytes
    before = b"," if values else b""  # a schema of the body alone (a variant): its cell starts the line
    return b"".join((_csv_cells(values.values()).encode("utf-8"), before + b'"' if quoted else before,
                     cell.replace(b'"', b'""') if quoted else cell, b'"\r\n' if quoted else b"\r\n"))


_JSON = json.JSONEncoder(ensure_ascii=False)  # json.dumps's, made once
# The control characters JSON escapes that a body seldom holds (newlines, tabs: escaped by ``bytes.replace``)
_RARE_CONTROLS = tuple(c for c in range(32) if c not in b"\n\r\t")


def _json_escaped(data: bytes) -> bytes:
    """``data`` (UTF-8) escaped as ``json.dumps(…, ensure_ascii=False)`` escapes a string, without its quotes:
    what JSON escapes is ASCII, never part of a multi-byte character, so bytes are escaped as characters are."""
    if any(map(data.__contains__, _RARE_CONTROLS)):  # « \u001b »…: json's own encoder (a search each: memchr)
        return json.dumps(data.decode("utf-8"), ensure_ascii=False).encode("utf-8")[1:-1]
    data = data.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return data.replace(b"\n", b"\\n").replace(b"\r", b"\\r").replace(b"\t", b"\\t")


def csv_line(cells: list[str]) -> str:
    """One CSV line as ``csv.writer`` writes it (minimal quoting, quotes doubled, CRLF), made with ``str`` methods:
    the module's writer reads a quoted cell character by character, and a row's cells hold a whole body (a
    third of the time of a build's open data). ``tests/outputs/test_opendata.py`` compares the two."""
    return ",".join('"' + cell.replace('"', '""') + '"' if _QUOTED.search(cell) else cell for cell in cells) + "\r\n"


def _csv_cells(values: Iterable[Any]) -> str:
    """``csv_line`` of the values' cells (``_csv_cell``), without its line end: a text, most of them, made and
    quoted in the loop, not by a call each."""
    cells = []
    for value in values:
        cell = ("'" + value if value.startswith(FORMULA_STARTS) else value) if type(value) is str else _csv_cell(value)
        cells.append('"' + cell.replace('"', '""') + '"' if _QUOTED.search(cell) else cell)
    return ",".join(cells)


def _csv_header() -> bytes:
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\r\n").writerow([c.name for c in columns()])
    return header.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    kind = type(value)  # the commonest first, by their exact type: this runs for every cell of every row
    if kind is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value  # ``neutralised``
    if value is None:
        return ""
    if kind is list:  # each value, as a reuser splitting the cell on « ; » finds it
        return SEPARATOR.join(map(_csv_cell, value))
    if isinstance(value, list):
        return SEPARATOR.join(_csv_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralised(value)
    return str(value)  # a number stays a number (none is negative today; a sign must not be quoted away)


def neutralised(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: a text a spreadsheet would read as a formula
    (``=HYPERLINK(…)``, ``+``, ``-``, ``@``, a tab or a carriage return first) gets a ``'`` in front, as OWASP's
    « CSV injection » advice says; spreadsheets hide that quote. Only the CSV: the JSON keeps every text exact."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table_schema(schema: S.Schema = S.LAUREATE) -> dict[str, Any]:
    """The Table Schema of the CSV file (``schema``: the laureates', or a variant of it in a test)."""
    fields = []
    for c in columns(schema):
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
             "dialect": {"delimiter": ",", "doubleQuote": True, "header": True}, "schema": table_schema(),
             "description": "Une valeur texte qui commence par =, +, -, @, une tabulation ou un retour chariot est "
                            "précédée d'une apostrophe ('), pour qu'un tableur ne l'exécute pas comme une formule ; "
                            "laureats.json donne les textes exacts."},
            {"name": "laureats-json", "path": JSON_NAME, "title": f"{title} (JSON)", "profile": "data-resource",
             "format": "json", "mediatype": "application/json", "encoding": "utf-8",
             "description": "Les mêmes lignes et colonnes que laureats.csv, un objet par lauréat ; les valeurs "
                            "multiples sont des listes, les valeurs absentes valent null."},
        ],
    }


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
