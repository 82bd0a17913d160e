"""The field tables of ``docs/content.md``, generated from the content contract (``schema.py``).

The prose of the document is written by hand; each table sits between
``<!-- champs:NAME -->`` and ``<!-- /champs -->``, NAME being the slug of a
schema's name (``laureat``, ``quartier``…). ``python -m vitrine.tools.docs``
rewrites those regions; ``--check`` only says whether the file is stale
(the test suite does the same), so a field added to the schema cannot be
forgotten in the editors' documentation.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any, Sequence

import yaml

from vitrine.content.schema import ALL_SCHEMAS, Field, Schema
from vitrine.content.slugs import slugify

DOC = Path(__file__).resolve().parents[2] / "docs" / "content.md"
REGION = re.compile(r"(<!-- champs:([^ ]+) -->\n)(.*?)(<!-- /champs -->)", re.S)
COLUMNS = ("Champ", "Type", "Obligatoire", "Par défaut", "Description", "Exemple")


def region_name(schema: Schema) -> str:
    return slugify(schema.name)


SCHEMAS = {region_name(s): s for s in ALL_SCHEMAS}


def field_table(schema: Schema) -> str:
    """One schema as a Markdown table, with the line that says where it lives."""
    path, _, where = schema.location.partition(", ")
    rows = [f"{schema.description}. Emplacement : `{path}`" + (f", {where}." if where else "."), "",
            "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for f in schema.fields:
        cells = (f"`{f.name}`", _kind(f), "oui" if f.required else "non",
                 f"`{yaml_value(f.default, f)}`" if f.default is not None else "—",
                 _description(f), f"`{f.name}: {yaml_value(f.example, f)}`" if f.example is not None else "—")
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if schema.has_body and schema.body_description:
        rows += ["", f"Sous les champs : {schema.body_description}."]
    return "\n".join(rows) + "\n"


def _kind(f: Field) -> str:
    if f.schema is not None:
        what = "une liste de groupes" if f.kind == "list" else "un groupe de champs"
        return f"{what} « {f.schema.name} » (tableau plus bas)"
    return f.kind_label


def _description(f: Field) -> str:
    text = f.description
    if f.max_length and str(f.max_length) not in text:
        text += f" ({f.max_length} caractères au plus)"
    return text


def yaml_value(value: Any, f: Field) -> str:
    """``value`` as an editor would type it after « name: », quoted only where YAML needs it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v, "[{}]", [v]) if isinstance(v, str) else yaml_value(v, f) for v in value) + "]"
    if f.kind == "date":
        return str(value)
    return _scalar(str(value), "{}", str(value))


def _scalar(text: str, context: str, expected: Any) -> str:
    try:
        if yaml.safe_load("k: " + context.format(text)) == {"k": expected}:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def update_doc(text: str) -> str:
    """``text`` with every field table regenerated; an unknown table name is an error."""
    def replace(match: re.Match) -> str:
        name = match.group(2)
        if name not in SCHEMAS:
            raise ValueError(f"unknown field table « {name} » (known: {', '.join(SCHEMAS)})")
        return match.group(1) + "\n" + field_table(SCHEMAS[name]) + "\n" + match.group(4)
    return REGION.sub(replace, text)


def documented(text: str) -> set[str]:
    return {match.group(2) for match in REGION.finditer(text)}


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m vitrine.tools.docs",
                                description="Regenerate the field tables of docs/content.md from vitrine/content/schema.py.")
    p.add_argument("path", nargs="?", type=Path, default=DOC, help="the document (default: docs/content.md)")
    p.add_argument("--check", action="store_true", help="only say whether the tables are stale (exit 1 if so)")
    args = p.parse_args(argv)
    text = args.path.read_text("utf-8")
    try:
        new = update_doc(text)
    except ValueError as exc:
        print(f"{args.path}: {exc}", file=sys.stderr)
        return 2
    missing = sorted(set(SCHEMAS) - documented(text))
    if missing:
        print(f"{args.path}: no field table for {', '.join(missing)} "
              f"(add <!-- champs:NAME --> <!-- /champs --> where it belongs)", file=sys.stderr)
    if new == text:
        print(f"{args.path}: field tables up to date.")
        return 1 if missing else 0
    if args.check:
        print(f"{args.path}: field tables are stale: run python -m vitrine.tools.docs", file=sys.stderr)
        return 1
    args.path.write_text(new, "utf-8")
    print(f"{args.path}: field tables rewritten.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
