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
import itertools
import json
import operator
import os
from array import array
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from . import schema as S
from .bodies import published_markdown
from .model import Laureate, Site
from .slugs import slugify
from .write import Copied, Output

FOLDER = "donnees/"
CSV_NAME, JSON_NAME, PACKAGE_NAME = "laureats.csv", "laureats.json", "datapackage.json"
SEPARATOR = ";"
# What makes a spreadsheet read a CSV cell as a formula (OWASP, « CSV injection »)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCLUDED_FIELDS = {"draft"}  # always false: only published laureates are exported
URL_KINDS = {"url", "path"}  # a media path is exported as the absolute address of the published file

Value = Callable[[Site, Laureate], Any]


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
                         value=lambda site, laureate: published_markdown(laureate.body).strip()))
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


def exports(site: Site, rows: Rows | None = None) -> dict[str, Callable[[], Output]]:
    """The files of ``/donnees/``, each made on demand; ``rows`` reuses the unchanged rows of the published ones."""
    rows = rows if rows is not None else Rows()
    package = FOLDER + PACKAGE_NAME
    return {FOLDER + CSV_NAME: lambda: rows.output(site, CSV_NAME),
            FOLDER + JSON_NAME: lambda: rows.output(site, JSON_NAME),
            package: lambda: Output(package, _json_bytes(data_package(site)))}


# Published file → where it holds each laureate's row, as the build record keeps it: {"context": key,
# "slugs": [slug, …], "digests": [file digest, …] (in the file's order), "lengths": array("q") of each row's length
# (separator excluded), as bytes}. The two files' lists are the same objects: marshal writes them once.
RowPlaces = dict[str, dict]


@dataclass(frozen=True)
class _Layout:
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


@dataclass(frozen=True)
class _Recorded:
    """The rows of the published file, as the record says it holds them."""

    slugs: list[str]
    digests: list[str]
    lengths: array

    @classmethod
    def of(cls, entry: dict | None, context: str) -> _Recorded | None:
        """The record's entry, if made in ``context`` (else its rows may differ) and well formed."""
        if not isinstance(entry, dict) or entry.get("context") != context:
            return None
        slugs, digests, lengths = entry.get("slugs"), entry.get("digests"), entry.get("lengths")
        if not (isinstance(slugs, list) and isinstance(digests, list) and isinstance(lengths, bytes)
                and len(lengths) == 8 * len(slugs) == 8 * len(digests)):
            return None
        return cls(slugs, digests, array("q", lengths))


# A plan: the new file's rows, in order, as runs copied from the published file, rows already encoded, and rows
# to encode while the file is written (never all held: the files carry every body).
@dataclass(frozen=True)
class _Copy:
    first: int  # the first of the new rows it holds
    lengths: array  # the length of each
    start: int  # the published bytes that hold them (separators between them included)
    end: int


@dataclass(frozen=True)
class _Encoded:
    index: int
    data: bytes


@dataclass(frozen=True)
class _Encode:
    first: int
    stop: int


_Plan = list[_Copy | _Encoded | _Encode]


@dataclass(frozen=True)
class _Unchanged:
    """The file would be the published one again, whose rows have these lengths."""

    lengths: array


class _NotAsRecorded(Exception):
    """The published file does not hold a row where the record says."""


@dataclass(frozen=True)
class _Keys:
    """What each laureate's rows are known by, in the files' order: its slug, and its file's digest."""

    site: Site
    slugs: list[str]
    digests: list[str]

    @classmethod
    def of(cls, site: Site) -> _Keys:
        return cls(site, list(map(operator.attrgetter("slug"), site.laureates)),
                   list(map(operator.attrgetter("source.digest"), site.laureates)))


@dataclass
class Rows:
    """Each laureate's CSV line and JSON object, re-encoded only when its file or what it refers to changed.

    The files hold every body, so they grow with N: an edit re-encodes its rows and the kernel copies the others
    out of the published file (``write.Copied``), where ``places`` (kept in the build's record) says they are. A row
    is copied when its laureate's file and the context (the engine, the settings, the shared files) are those it
    was made from, and the published file is the recorded one (its size and time, checked by ``published``, then a
    row's end on either side of each copied run). When the laureates are those recorded, in the same order (an
    edit), finding the changed rows and updating the places costs no Python step per laureate. Otherwise rows are
    encoded and compared with the published file, so that a file made again the same is not rewritten.
    """

    places: RowPlaces = field(default_factory=dict)  # updated as each file is made
    # A published file, open, and whether it is the one the record describes; None when there is none
    published: Callable[[str], tuple[io.FileIO, bool] | None] = lambda path: None
    engine: str = ""  # the engine's code digest: another version may encode rows otherwise
    _keys: _Keys | None = None  # of the last site asked about: both files (and the build's fingerprint) use them

    def digests(self, site: Site) -> list[str]:
        """The digest of each laureate's file, in the files' order (the build fingerprints the files with them:
        one look at each laureate, not one per use)."""
        return self._keys_of(site).digests

    def output(self, site: Site, name: str) -> Output:
        """``FOLDER + name`` (the CSV or the JSON file): in parts, or ``Output(path)`` when it would be the
        published file again."""
        path, which = FOLDER + name, (0 if name == CSV_NAME else 1)
        layout = _csv_layout() if which == 0 else _JSON_LAYOUT
        context = hashlib.blake2b(f"{self.engine}\0{site.config!r}\0{site.shared_digest}".encode(),
                                  digest_size=16).hexdigest()
        keys = self._keys_of(site)
        published = self.published(path)
        if published is None:
            plan: _Plan = [_Encode(0, len(keys.slugs))]
            return Output(path, parts=self._parts(keys, which, layout, plan, None, path, context))
        file, as_recorded = published
        try:
            old = _Recorded.of(self.places.get(path), context) if as_recorded else None
            made = _plan(keys, which, layout, file.fileno(), old)
        except BaseException:
            file.close()
            raise
        if isinstance(made, _Unchanged):
            file.close()
            self.places[path] = _entry(context, keys, made.lengths.tobytes())
            return Output(path)
        return Output(path, parts=self._parts(keys, which, layout, made, file, path, context))

    def _keys_of(self, site: Site) -> _Keys:
        if self._keys is None or self._keys.site is not site:
            self._keys = _Keys.of(site)
        return self._keys

    def _parts(self, keys: _Keys, which: int, layout: _Layout, plan: _Plan, file: io.FileIO | None, path: str,
               context: str) -> Iterator[bytes | Copied]:
        """The file's bytes as ``plan`` makes them; the places of its rows are kept once it is all made."""
        site = keys.site
        try:
            if not site.laureates:
                yield layout.empty
                self.places[path] = _entry(context, keys, b"")
                return
            lengths, between, cols = array("q", bytes(8 * len(site.laureates))), layout.between, columns()
            yield layout.start
            for step in plan:
                if isinstance(step, _Copy):
                    assert file is not None
                    if step.first and between:
                        yield between
                    yield Copied(file.fileno(), step.start, step.end)
                    lengths[step.first:step.first + len(step.lengths)] = step.lengths
                    continue
                rows = ((step.index, step.data),) if isinstance(step, _Encoded) else (
                    (i, encode_row(site, site.laureates[i], cols, which)) for i in range(step.first, step.stop))
                for i, data in rows:
                    if i and between:
                        yield between
                    yield data
                    lengths[i] = len(data)
            yield layout.end
            self.places[path] = _entry(context, keys, lengths.tobytes())
        finally:
            if file is not None:
                file.close()


def _entry(context: str, keys: _Keys, lengths: bytes) -> dict:
    return {"context": context, "slugs": keys.slugs, "digests": keys.digests, "lengths": lengths}


def _plan(keys: _Keys, which: int, layout: _Layout, fd: int, old: _Recorded | None) -> _Plan | _Unchanged:
    """How to make the file from the published one (open as ``fd``, described by ``old`` when it is the recorded
    one)."""
    if old is not None:
        try:
            if keys.slugs == old.slugs:
                return _spliced(keys, which, layout, fd, old)
            return _reused(layout, fd, old, keys)
        except _NotAsRecorded:
            pass
    return _compared(keys.site, which, layout, fd)


def _spliced(keys: _Keys, which: int, layout: _Layout, fd: int, old: _Recorded) -> _Plan | _Unchanged:
    """The same laureates in the same order: the changed rows encoded, the runs between them copied (a step per
    changed row, none per laureate); unchanged when the changed rows encode as they were."""
    size, gap, cols = _size_as_recorded(fd, layout, old), len(layout.between), columns()
    site, digests = keys.site, keys.digests
    plan: _Plan = []
    same, done, at = True, 0, len(layout.start)  # rows before ``done`` are planned; ``at``: where row ``done`` starts
    for i in itertools.compress(range(len(digests)), map(operator.ne, digests, old.digests)):
        start = at + sum(old.lengths[done:i]) + gap * (i - done)
        length = old.lengths[i]
        _check(fd, layout, i, start, start + length)
        data = encode_row(site, site.laureates[i], cols, which)
        same = same and len(data) == length and os.pread(fd, length, start) == data
        if i > done:
            plan.append(_Copy(done, old.lengths[done:i], at, start - gap))
        plan.append(_Encoded(i, data))
        done, at = i + 1, start + length + gap
    if same:
        return _Unchanged(old.lengths)
    if done < len(digests):
        _check(fd, layout, done, at, size - len(layout.end))
        plan.append(_Copy(done, old.lengths[done:], at, size - len(layout.end)))
    return plan


def _reused(layout: _Layout, fd: int, old: _Recorded, keys: _Keys) -> _Plan:
    """Laureates added, removed or moved: each unchanged row copied from its recorded place (in runs), the others
    encoded."""
    _size_as_recorded(fd, layout, old)
    gap = len(layout.between)
    starts = list(itertools.accumulate(map(operator.add, old.lengths, itertools.repeat(gap)),
                                       initial=len(layout.start)))  # of each recorded row
    index = dict(zip(old.slugs, range(len(old.slugs))))
    plan: _Plan = []
    first = last = -1  # the recorded rows being copied in one run

    def copied(stop: int) -> _Copy:  # recorded rows first..last, as the new rows before ``stop``
        start, end = starts[first], starts[last + 1] - gap
        _check(fd, layout, first, start, end)
        return _Copy(stop - (last - first + 1), old.lengths[first:last + 1], start, end)

    for i, (slug, digest) in enumerate(zip(keys.slugs, keys.digests)):
        j = index.get(slug)
        if j is not None and old.digests[j] == digest:
            if first >= 0 and j != last + 1:
                plan.append(copied(i))
                first = -1
            first, last = (j if first < 0 else first), j
            continue
        if first >= 0:
            plan.append(copied(i))
            first = -1
        if plan and isinstance(plan[-1], _Encode):
            plan[-1] = _Encode(plan[-1].first, i + 1)
        else:
            plan.append(_Encode(i, i + 1))
    if first >= 0:
        plan.append(copied(len(keys.slugs)))
    return plan


def _compared(site: Site, which: int, layout: _Layout, fd: int) -> _Plan | _Unchanged:
    """A published file that is not the recorded one: each row encoded and compared with it, the rows before the
    first difference copied from it; unchanged when there is none (made again the same, it is not rewritten)."""
    count, size = len(site.laureates), os.fstat(fd).st_size
    if not count:
        return _Unchanged(array("q")) if size == len(layout.empty) and os.pread(fd, size, 0) == layout.empty else []
    if os.pread(fd, len(layout.start), 0) != layout.start:
        return [_Encode(0, count)]
    cols, at, lengths = columns(), len(layout.start), array("q")
    for i, laureate in enumerate(site.laureates):
        data = encode_row(site, laureate, cols, which)
        between = layout.between if i else b""
        if os.pread(fd, len(between) + len(data), at) != between + data:
            head: _Plan = [_Copy(0, lengths, len(layout.start), at)] if i else []
            return head + [_Encoded(i, data), _Encode(i + 1, count)]
        at += len(between) + len(data)
        lengths.append(len(data))
    if size == at + len(layout.end) and os.pread(fd, len(layout.end), at) == layout.end:
        return _Unchanged(lengths)
    return [_Copy(0, lengths, len(layout.start), at)]


def _size_as_recorded(fd: int, layout: _Layout, old: _Recorded) -> int:
    size = os.fstat(fd).st_size
    if size != layout.size(old.lengths):
        raise _NotAsRecorded
    return size


def _check(fd: int, layout: _Layout, first: int, start: int, end: int) -> None:
    """Bytes ``start``..``end`` of the published file hold whole rows, the first being row ``first``: a row's end
    (or the file's start) just before them, a row's end at their end. A cheap guard: the file's size and time are
    those recorded already."""
    before = layout.start[-1] if first == 0 else (layout.between or bytes((layout.last,)))[-1]
    if start >= end or os.pread(fd, 1, start - 1) != bytes((before,)) \
            or os.pread(fd, 1, end - 1) != bytes((layout.last,)):
        raise _NotAsRecorded


# One object a line, the whole an array (``indent`` would force json's slow Python encoder).
_JSON_LAYOUT = _Layout(b"[\n", b",\n", b"\n]\n", b"[\n]\n", ord("}"))


def _csv_layout() -> _Layout:
    """Comma-separated, a header then one line per laureate."""
    header = _csv_header()
    return _Layout(header, b"", b"", header, ord("\n"))


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


def _csv_header() -> bytes:
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\r\n").writerow([c.name for c in columns()])
    return header.getvalue().encode("utf-8")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # each value, as a reuser splitting the cell on « ; » finds it
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
