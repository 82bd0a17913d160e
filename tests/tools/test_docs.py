"""docs/content.md: its field tables come from the schema and never go stale."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from vitrine.tools import docs
from vitrine.content import kinds
from vitrine.content import schema as S
from vitrine.tools.docs import SCHEMAS, documented, field_table, main, update_doc, yaml_value

DOC = REPO / "docs" / "content.md"


def test_the_field_tables_of_docs_content_md_are_up_to_date() -> None:
    text = DOC.read_text("utf-8")
    assert update_doc(text) == text, "docs/content.md is stale: run python -m vitrine.tools.docs"


def test_every_content_type_has_its_field_table_in_the_docs() -> None:
    assert documented(DOC.read_text("utf-8")) == set(SCHEMAS)


def test_a_field_added_to_the_schema_appears_in_its_table() -> None:
    extra = S.Field("video", "url", "Vidéo de présentation du projet", example="https://video.exemple.fr/projet")
    table = field_table(dataclasses.replace(S.LAUREATE, fields=S.LAUREATE.fields + (extra,)))
    assert ("| `video` | une adresse web (http:// ou https://) | non | — | Vidéo de présentation du projet "
            "| `video: https://video.exemple.fr/projet` |") in table


def test_a_table_row_gives_kind_requirement_default_description_and_example() -> None:
    table = field_table(S.LAUREATE)
    assert table.startswith("Un projet lauréat ; le nom du fichier donne l'adresse de sa page. "
                            "Emplacement : `content/laureates/<slug>.md`.\n")
    assert ("| `title` | un texte | oui | — | Nom du projet | `title: \"L'expo bavarde : l'envers du décor\"` |"
            in table)
    assert "| `draft` | true ou false | non | `false` |" in table
    assert "| `quartiers` | une liste d'identifiants (slugs) | oui | — |" in table


ALL_FIELDS = [(s, f) for s in S.ALL_SCHEMAS for f in s.fields if f.example is not None]


@pytest.mark.parametrize("schema, field", ALL_FIELDS, ids=[f"{s.name}.{f.name}" for s, f in ALL_FIELDS])
def test_every_documented_example_is_valid_yaml_for_its_field(schema: S.Schema, field: S.Field) -> None:
    """An editor who copies an example gets a value validation accepts."""
    value = yaml.safe_load(f"{field.name}: {yaml_value(field.example, field)}")[field.name]
    clean, problem = kinds.check_kind(field, value)
    assert problem == ""
    if field.kind != "date":
        assert value == field.example


def test_the_command_rewrites_stale_tables_and_check_fails_on_them(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    doc = tmp_path / "content.md"
    doc.write_text(DOC.read_text("utf-8").replace("| `porteur` |", "| `porteuse` |"), "utf-8")
    assert main(["--check", str(doc)]) == 1
    assert "stale" in capsys.readouterr().err
    assert main([str(doc)]) == 0
    assert doc.read_text("utf-8") == DOC.read_text("utf-8")


def test_an_unknown_table_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    doc = tmp_path / "content.md"
    doc.write_text("<!-- champs:laureats -->\n<!-- /champs -->\n", "utf-8")
    assert main([str(doc)]) == 2
    assert "unknown field table « laureats »" in capsys.readouterr().err
    assert docs.DOC == DOC
