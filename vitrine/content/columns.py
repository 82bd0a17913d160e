"""What a laureate is as a row of the open data: the columns, derived from the content contract.

The columns derive from the content contract (``schema.LAUREATE``: names, Table
Schema types, French descriptions, required fields), preceded by the laureate's
identifier and page address and followed, where a field holds identifiers, by
what they stand for (quartier names and codes, communes, contrats de ville,
theme names). The « Données ouvertes » page shows them; ``outputs/opendata.py``
encodes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from vitrine.content import schema as S
from vitrine.content.model import Laureate, Site


SEPARATOR = ";"


EXCLUDED_FIELDS = {"draft", S.NOTES}  # draft: always false (only published laureates are exported); notes: never published


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
    "documents": (
        Column("document_titles", "string", "Titre de chaque document de la colonne documents, dans le même ordre",
               multiple=True, value=lambda site, laureate: [d.title for d in laureate.documents]),
    ),
    "themes": (
        Column("theme_names", "string", "Nom de chaque thématique de la colonne themes, dans le même ordre", True, True,
               value=lambda site, laureate: [t.name for t in laureate.themes]),
    ),
}


def columns(schema: S.Schema = S.LAUREATE) -> tuple[Column, ...]:
    """Every exported column, in order (``schema``: the laureates', or a variant of it in a test)."""
    result = [
        Column("slug", "string", "Identifiant du lauréat (le nom de son fichier, la fin de l'adresse de sa page)",
               True, value=lambda site, laureate: laureate.slug),
        Column("url", "string", "Adresse de la page du lauréat", True, format="uri",
               value=lambda site, laureate: page_url(site, laureate)),
    ]
    for f in schema.fields:
        if f.name in EXCLUDED_FIELDS:
            continue
        files = f.schema is S.DOCUMENT  # a list of documents: their addresses, their titles in the next column
        description = f.public_description + (" : adresse du fichier publié" if f.kind == "path" else "") + (
            " : adresse de chaque fichier publié" if files else "")
        result.append(Column(f.name, f.table_type, description, f.required,
                             multiple=f.kind.endswith("_list") or files,
                             format="uri" if f.kind in URL_KINDS or files else "default", value=_field_value(f)))
        result.extend(RESOLVED.get(f.name, ()))
    result.append(Column("description", "string", schema.body_description,
                         value=lambda site, laureate: laureate.body.strip()))
    return tuple(result)


def column(name: str) -> Column:
    return next(c for c in columns() if c.name == name)


def _field_value(f: S.Field) -> Value:
    """The value of field ``f``, its kind looked at once here, not for each of thousands of rows."""
    name = f.name
    if f.schema is S.DOCUMENT:
        return lambda site, laureate: [site.config.base_url + d.file for d in getattr(laureate, name)]
    if f.kind == "path":
        def path(site: Site, laureate: Laureate) -> Any:
            raw = getattr(laureate, name)
            return site.config.base_url + raw if raw else raw
        return path

    def value(site: Site, laureate: Laureate) -> Any:
        raw = getattr(laureate, name)
        if isinstance(raw, tuple):  # quartiers and themes: their identifiers
            return [getattr(item, "slug", item) for item in raw]
        return raw
    return value


def page_url(site: Site, laureate: Laureate) -> str:
    return f"{site.config.base_url}laureats/{laureate.slug}/"
