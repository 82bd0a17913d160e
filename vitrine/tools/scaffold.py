"""``new``: a complete content file written from the content contract (``schema.py``).

Every field of the type is present, each under a one-line French comment taken
from its schema description, with a value that validates: the file is a draft
(``draft: true``) the preview shows at once and a published build leaves out,
so the site keeps building while the editor fills it in. A laureate's file
lists, in comments, the quartier and theme identifiers the content really has.
Texts to write say « À compléter »; the example values that let the draft
validate (its edition, a quartier, a theme) carry ``# exemple à remplacer`` on
their line: both are placeholders, which a published file may not keep.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vitrine.content import schema as S
from vitrine.content.placeholders import EXAMPLE_MARK, FILL
from vitrine.content.read import LoadedContent, load_content
from vitrine.site.pages import RESERVED
from vitrine.content.slugs import is_slug, slugify
from vitrine.errors import located

# What ``new`` can create: the type's schema and its folder under content/.
KINDS = {"laureate": (S.LAUREATE, "laureates"), "edition": (S.EDITION, "editions"), "page": (S.PAGE, "pages")}
# Left in a published file, both are placeholders (``content/placeholders.py``): listed by ``check``, refused by
# ``build --deploy``.
PLACEHOLDER = FILL
EXAMPLES = ("edition", "quartiers", "themes")  # fields given an example value, marked ``EXAMPLE_MARK`` on their line
BODIES = {
    "laureate": "À compléter : la description du projet, en Markdown (paragraphes, ## intertitres, listes à tirets).",
    "edition": "À compléter : la présentation de l'édition {name} (calendrier de l'appel à projets, jury, lauréats).",
    "page": "À compléter : le texte de la page, en Markdown.",
}


@dataclass
class ScaffoldError(Exception):
    """Why ``new`` wrote nothing; ``misuse`` (exit 2) for a bad request, else a refusal (exit 1)."""

    message: str
    hint: str
    misuse: bool = True

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}"


@dataclass(frozen=True)
class Choices:
    """What the content already has, to fill and comment a new file."""

    editions: dict[int, Any]  # year → number (as written)
    quartiers: list[tuple[str, str, str]]  # slug, name, commune
    themes: list[tuple[str, str]]  # slug, name


def new_file(root: Path, kind: str, name: str) -> Path:
    """Write ``content/<folder>/<name>.md`` for ``kind``; never overwrite. Returns the path written."""
    folder = KINDS[kind][1]
    check_name(kind, name)
    content = root / "content"
    if not content.is_dir():
        raise ScaffoldError(f"le dossier content/ est introuvable dans {root}",
                            "lancez la commande depuis la racine du dépôt, ou indiquez-la avec --root")
    path = content / folder / f"{name}.md"
    text = scaffold_text(kind, name, choices(load_content(root)))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        f = path.open("x", encoding="utf-8")
    except FileExistsError:
        raise ScaffoldError(f"content/{folder}/{name}.md existe déjà : rien n'a été écrit",
                            "ouvrez ce fichier pour le modifier, ou choisissez un autre nom", misuse=False) from None
    try:
        with f:
            f.write(text)
    except BaseException as exc:  # a full disk, Ctrl-C…: no half-written file for the preview to show as an error
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise located(exc, path) from exc
        raise
    return path


# The longest name ``new`` writes: an address to read and type, far below the file system's 255 bytes.
MAX_NAME = 100


def check_name(kind: str, name: str) -> None:
    """A laureate or page is named by a slug, an edition by its year; suggest the right name."""
    if kind == "edition":
        if not (len(name) == 4 and name.isdigit()):
            raise ScaffoldError(f"« {name} » n'est pas une année", "une édition se nomme par son année, "
                                "par exemple : python build.py new edition 2024")
        if int(name) not in S.EDITION_YEARS:
            raise ScaffoldError(f"l'année {name} est hors des années possibles ({S.EDITION_YEARS[0]} à "
                                f"{S.EDITION_YEARS[-1]})", "par exemple : python build.py new edition 2024")
        return
    if len(name) > MAX_NAME:  # the file system refuses a name over 255 bytes, in English, as an I/O failure
        short = (slugify(name) or "nom")[:MAX_NAME]
        short = short.rsplit("-", 1)[0] if "-" in short else short
        raise ScaffoldError(f"identifiant trop long ({len(name)} caractères, au plus {MAX_NAME}) : il devient "
                            "l'adresse de la page", f"raccourcissez-le, par exemple : python build.py new {kind} {short}")
    if not is_slug(name):
        suggestion = slugify(name)
        hint = (f"essayez : python build.py new {kind} {suggestion}" if suggestion
                else "choisissez un nom fait de lettres et de chiffres")
        raise ScaffoldError(f"« {name} » n'est pas un identifiant valide : minuscules sans accents, chiffres et tirets "
                            "seulement (il devient l'adresse de la page)", hint)
    if kind == "page" and name in RESERVED:
        raise ScaffoldError(f"l'adresse /{name}/ est réservée au site", f"choisissez un autre nom, par exemple {name}-infos")


def choices(loaded: LoadedContent) -> Choices:
    """Editions, quartiers and themes as written in the files (read even when other files have errors)."""
    editions: dict[int, Any] = {}
    quartiers: list[tuple[str, str, str]] = []
    themes: list[tuple[str, str]] = []
    for f in loaded.files:
        data = f.data
        if f.kind == "edition" and f.slug.isdigit():
            editions[int(f.slug)] = data.get("number") if isinstance(data, dict) else None
        elif f.kind == "territory" and isinstance(data, dict):
            for contrat in _dicts(data.get("contrats_de_ville")):
                quartiers += [(str(q["slug"]), str(q.get("name", "")), str(q.get("commune", "")))
                              for q in _dicts(contrat.get("quartiers")) if q.get("slug")]
        elif f.kind == "themes":
            listed = data.get("themes") if isinstance(data, dict) else data  # « themes: », or the former top-level list
            themes += [(str(t["slug"]), str(t.get("name", ""))) for t in _dicts(listed) if t.get("slug")]
    return Choices(editions, quartiers, themes)


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def scaffold_text(kind: str, name: str, found: Choices) -> str:
    """The file's text: every schema field, commented, with a value that validates."""
    schema, _ = KINDS[kind]
    lines = ["---",
             f"# Nouveau fichier ({schema.name}) : remplissez chaque champ ; les lignes qui commencent par # sont des "
             "explications.",
             "# Tant que draft vaut true, la fiche n'est visible que dans la prévisualisation (python build.py serve).",
             "# Guide : docs/guide-redaction.md ; description de chaque champ : docs/content.md"]
    values = _values(kind, name, found)
    for f in schema.fields:
        lines.append(f"# {f.description}{_requirement(f, values.get(f.name))}")
        lines += _choice_comments(f.name, found)
        value = values.get(f.name)
        mark = f"  {EXAMPLE_MARK}" if kind == "laureate" and f.name in EXAMPLES and value not in (None, []) else ""
        lines.append(f"{f.name}: {yaml_value(value)}".rstrip() + mark)
        lines += _item_example(f)
    lines += ["---", BODIES[kind].format(name=name), ""]
    return "\n".join(lines)


def _item_example(f: S.Field) -> list[str]:
    """A list of groups (``documents``) shows one item in comments, indented so that removing each « # » makes
    it valid YAML."""
    if f.kind != "list" or f.schema is None:
        return []
    first, *others = f.schema.fields
    return ([f"#   - {first.name}: {yaml_value(first.example)}"]
            + [f"#     {g.name}: {yaml_value(g.example)}" for g in others])


def _requirement(f: S.Field, value: Any) -> str:
    if f.required:
        return " (obligatoire)"
    return "" if value is not None or "obligatoire" in f.description else " (facultatif : laissez vide si sans objet)"


def _values(kind: str, name: str, found: Choices) -> dict[str, Any]:
    """Values that validate: placeholders for required texts, real identifiers for references."""
    schema, _ = KINDS[kind]
    values: dict[str, Any] = {f.name: PLACEHOLDER for f in schema.fields if f.required and f.kind == "text"}
    values["draft"] = True
    if kind == "laureate":
        values["edition"] = max(found.editions, default=None)
        values["quartiers"] = [found.quartiers[0][0]] if found.quartiers else []
        values["themes"] = [found.themes[0][0]] if found.themes else []
    elif kind == "edition":
        numbers = [n for n in found.editions.values() if isinstance(n, int) and not isinstance(n, bool)]
        values["number"] = max(numbers, default=0) + 1
    return values


def _choice_comments(field: str, found: Choices) -> list[str]:
    """The identifiers an editor may write in a reference field, in comments."""
    if field == "edition" and found.editions:
        return [f"#   éditions existantes : {', '.join(str(y) for y in sorted(found.editions))} (vérifiez l'année, "
                f"puis retirez « {EXAMPLE_MARK} »)"]
    if field == "quartiers" and found.quartiers:
        by_commune: dict[str, list[str]] = {}
        for slug, qname, commune in found.quartiers:
            by_commune.setdefault(commune, []).append(f"{slug} ({qname})")
        return [f"#   quartiers possibles (remplacez l'exemple, puis retirez « {EXAMPLE_MARK} ») :"] + [
            line for commune, items in sorted(by_commune.items())
            for line in _wrapped(f"{commune} : {', '.join(items)}")]
    if field == "themes" and found.themes:
        return [f"#   thématiques possibles (remplacez l'exemple, puis retirez « {EXAMPLE_MARK} ») :"] + _wrapped(
            ", ".join(f"{slug} ({tname})" for slug, tname in found.themes))
    return []


def _wrapped(text: str) -> list[str]:
    return [f"#     {line}" for line in textwrap.wrap(text, 100, break_on_hyphens=False)]


def yaml_value(value: Any) -> str:
    """A value written the way editors write YAML: ``true``, ``2024``, ``"texte"``, ``[a, b]``, empty for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(v) if not is_slug(str(v)) else str(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)
