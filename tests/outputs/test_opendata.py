"""Open data: the CSV validates against its Table Schema, derived from the content contract."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import frictionless
import pytest

from conftest import build_in_process, make_repo, write
from vitrine.content.read import load_content
from vitrine.content.validate import validate
from photos import add_image, photo
from vitrine.content import schema
from vitrine.outputs import opendata

BASE = "https://exemple.test/label/"


def read_csv(site: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((site / "donnees/laureats.csv").read_text("utf-8"), newline="")))


def package(site: Path) -> dict:
    return json.loads((site / "donnees/datapackage.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture with a draft laureate and an image, built once for the read-only tests below."""
    repo = make_repo(tmp_path_factory.mktemp("opendata"))
    draft = (repo / "content/laureates/atelier-code.md").read_text("utf-8").replace("title: Atelier code",
                                                                                   "title: Brouillon\ndraft: true")
    write(repo / "content/laureates/brouillon.md", draft)
    add_image(repo, "atelier-code", "atelier.png", photo((500, 300), fmt="PNG"))
    assert build_in_process(repo).ok
    return repo / "site"


def test_the_csv_validates_against_its_table_schema(site: Path) -> None:
    report = frictionless.validate(site / "donnees/datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].name == "laureats" and report.tasks[0].stats["rows"] == 5


def test_the_shipped_content_validates_too(shipped_repo: Path) -> None:
    assert build_in_process(shipped_repo).ok
    report = frictionless.validate(shipped_repo / "site/donnees/datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_columns_types_and_descriptions_come_from_the_content_schema(site: Path) -> None:
    fields = {f["name"]: f for f in package(site)["resources"][0]["schema"]["fields"]}
    for field in schema.LAUREATE.fields:
        if field.name in ("draft", schema.NOTES):  # only published laureates are exported; notes are never published
            assert field.name not in fields
            continue
        assert fields[field.name]["description"].startswith(field.public_description), field.name
        assert fields[field.name]["type"] == field.table_type
        assert fields[field.name].get("constraints", {}).get("required", False) == field.required
    assert fields["edition"]["type"] == "integer"
    assert fields["quartiers"]["description"] == "Quartiers prioritaires concernés (plusieurs valeurs séparées par « ; »)"
    assert fields["slug"]["constraints"] == {"required": True, "unique": True}
    assert list(fields)[:2] == ["slug", "url"] and list(fields)[-1] == "description"
    assert list(fields) == list(read_csv(site)[0])


def test_one_row_per_published_laureate_with_names_resolved_and_lists_joined(site: Path) -> None:
    rows = {row["slug"]: row for row in read_csv(site)}
    assert sorted(rows) == ["atelier-code", "cafe-culture", "emploi-jeunes", "jardin-partage", "radio-quartier"]
    cafe = rows["cafe-culture"]
    assert cafe["url"] == BASE + "laureats/cafe-culture/"
    assert (cafe["quartiers"], cafe["quartier_names"], cafe["quartier_codes"]) == (
        "la-gare;les-tilleuls", "La Gare;Les Tilleuls", ";QP000001")
    assert (cafe["communes"], cafe["contrats_de_ville"]) == ("Villeneuve", "Contrat de ville Nord")
    atelier = rows["atelier-code"]
    assert atelier["partners"] == "Ville de Villeneuve;Médiathèque"
    assert atelier["theme_names"] == "Numérique" and atelier["edition"] == "2021"
    assert atelier["description"].startswith("Le projet **Atelier code** en détail.\n\n## Objectifs")


def test_the_image_column_gives_the_address_of_the_published_stripped_image(site: Path) -> None:
    rows = {row["slug"]: row for row in read_csv(site)}
    assert rows["atelier-code"]["image"] == BASE + "media/atelier.png"
    assert (site / "media/atelier.png").is_file()
    assert rows["cafe-culture"]["image"] == ""


def test_the_json_file_holds_the_same_rows_with_lists(site: Path) -> None:
    rows = json.loads((site / "donnees/laureats.json").read_text("utf-8"))
    assert [r["slug"] for r in rows] == [r["slug"] for r in read_csv(site)]
    cafe = next(r for r in rows if r["slug"] == "cafe-culture")
    assert cafe["quartier_codes"] == [None, "QP000001"] and cafe["edition"] == 2021 and cafe["website"] is None


def test_the_licence_comes_from_site_yaml(repo: Path) -> None:
    settings = repo / "content/site.yaml"
    settings.write_text(settings.read_text("utf-8") + "licence: ODbL 1.0\nlicence_url: https://opendatacommons.org/licenses/odbl/1-0/\n",
                        "utf-8")
    assert build_in_process(repo).ok
    assert package(repo / "site")["licenses"] == [{"title": "ODbL 1.0",
                                                   "path": "https://opendatacommons.org/licenses/odbl/1-0/"}]
    page = (repo / "site/donnees/index.html").read_text("utf-8")
    assert '<a href="https://opendatacommons.org/licenses/odbl/1-0/" rel="license">ODbL 1.0</a>' in page


def test_the_open_data_page_links_every_file_and_the_footer_links_it(site: Path) -> None:
    page = (site / "donnees/index.html").read_text("utf-8")
    for href in ["../donnees/laureats.csv", "../donnees/laureats.json", "../donnees/datapackage.json", "../feed.xml"]:
        assert f'href="{href}"' in page
        assert (site / "donnees" / href).resolve().is_file()
    assert "<code>quartier_names</code>" in page and "Licence Ouverte 2.0" in page
    assert '<a href="donnees/">Données ouvertes</a>' in (site / "index.html").read_text("utf-8")
    assert '<a href="../../donnees/">Données ouvertes</a>' in (site / "laureats/atelier-code/index.html").read_text("utf-8")
    assert BASE + "donnees/" in (site / "sitemap.xml").read_text("utf-8")


@pytest.mark.parametrize("cells", [
    ["plain", "", "a,b", 'il a dit "oui"', "deux\nlignes", "fin\r\nde ligne", "\rseul", '"', ",", " espaces ", "é ’ «»"],
    ["", ""], ["", "x"], ['""', "a\n\nb", "tab\there", "'=HYPERLINK()"],
])
def test_a_csv_line_is_what_the_csv_module_writes(cells: list[str]) -> None:
    expected = io.StringIO(newline="")
    csv.writer(expected, lineterminator="\r\n").writerow(cells)
    assert opendata.csv_line(cells) == expected.getvalue()
    assert next(csv.reader(io.StringIO(opendata.csv_line(cells), newline=""))) == cells


@pytest.mark.parametrize("body", [
    "", "\n", "texte seul", "une, virgule", 'des "guillemets"', "une\nligne\r\nde plus\ttab", "barre \\ oblique",
    "=HYPERLINK()", "-moins, « français » ’ \u2028 😀 \xa0", "contrôle \x1b\x00\x7f fin", "<b>gras</b>, <script>x</script>",
    "  espaces autour \xa0\n",
])
def test_a_row_with_its_body_encoded_as_bytes_is_what_json_and_csv_line_make_of_it(repo: Path, body: str) -> None:
    site = validate(load_content(repo)).site
    laureate = dataclasses.replace(site.laureates[0], body=body)
    cols = opendata.columns()
    values = opendata.row(site, laureate, cols)
    assert opendata.encode_row(site, laureate, cols, True) == json.dumps(values, ensure_ascii=False).encode("utf-8")
    assert opendata.encode_row(site, laureate, cols, False) == opendata.csv_line(
        [opendata._csv_cell(v) for v in values.values()]).encode("utf-8")


@pytest.mark.parametrize("body", ["texte seul", "une, virgule"])
def test_a_row_of_the_body_alone_has_no_separator_before_it(repo: Path, body: str) -> None:
    """A schema whose only column is the body (a variant): its cell starts the line, as ``csv_line`` writes it."""
    site = validate(load_content(repo)).site
    laureate = dataclasses.replace(site.laureates[0], body=body)
    cols = tuple(c for c in opendata.columns() if c.name == "description")
    values = opendata.row(site, laureate, cols)
    assert opendata.encode_row(site, laureate, cols, True) == json.dumps(values, ensure_ascii=False).encode("utf-8")
    assert opendata.encode_row(site, laureate, cols, False) == opendata.csv_line(
        [opendata._csv_cell(v) for v in values.values()]).encode("utf-8")
