"""Issue 13, the data helper's items: what a hostile or careless file gets, as the editor and the reuser see it.

CSV cells a spreadsheet would run, invisible characters in one-line fields, non-HTML outputs escaped as HTML,
an edition year out of range, messages that give the editor her own value back, the advice for a heavy photo,
and messages that never carry a library's words.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from conftest import TODAY, build_in_process, write
from vitrine.pipeline import check

LAUREATE = "content/laureates/atelier-code.md"
ENGLISH = re.compile(r"\b(?:found|expected|while|scanning|parsing|exceeded|character|mapping|sequence)\b")


def errors_of(root: Path) -> list[str]:
    report = build_in_process(root)
    assert not report.ok
    return [str(e) for e in report.errors]


def replace_in(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


# --- Messages never carry the YAML library's words (item 7) ---

@pytest.mark.parametrize("brackets", [1_000, 100_000])
def test_deep_brackets_on_one_line_get_vitrines_own_message_at_their_line(repo: Path, brackets: int) -> None:
    """LibYAML reads ahead on a line of « [ » and hits its own limit (PyYAML 6.0.4) before Vitrine's check."""
    replace_in(repo, LAUREATE, "themes: [numerique]", "themes: " + "[" * brackets + "]" * brackets)
    errors = errors_of(repo)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{LAUREATE}:6: yaml: YAML invalide : listes ou groupes imbriqués trop profondément")
    assert "exceeded" not in errors[0]


@pytest.mark.parametrize("text", [
    "[" + "[a], " * 300 + "b]",  # many brackets: the scan runs, then the parser's events
    "'" + "[" * 400 + "'",  # brackets in a quoted text, a comment, a block scalar or a plain text are not collections
    "texte [" + "[" * 400,
], ids=["side-by-side", "quoted", "plain"])
def test_many_brackets_that_are_not_deep_collections_are_not_refused_as_deep(repo: Path, text: str) -> None:
    replace_in(repo, LAUREATE, "summary: Le projet Atelier code, porté par Association Alpha.",
               f"summary: Un résumé.\nimage_alt: {text}\n# {'[' * 300}\nwebsite_note: |\n  {'{' * 300}")
    errors = "\n".join(errors_of(repo))
    assert "imbriqués" not in errors
    assert "image_alt" in errors and "website_note" in errors  # refused for what they are


@pytest.mark.parametrize("line, expected", [
    ('porteur: "Alpha \\q"', "séquence « \\ » inconnue"),
    ("porteur: - Alpha", "tiret « - » inattendu"),
    ("porteur: !<x y> Alpha", "YAML invalide : syntaxe non reconnue"),
])
def test_yaml_problems_are_told_in_french_at_their_line(repo: Path, line: str, expected: str) -> None:
    replace_in(repo, LAUREATE, "porteur: Association Alpha", line)
    errors = errors_of(repo)
    assert len(errors) == 1 and errors[0].startswith(f"{LAUREATE}:3: yaml: "), errors
    assert expected in errors[0]
    assert not ENGLISH.search(errors[0]), errors[0]


@pytest.mark.parametrize("text, expected", [
    ('{"type": "FeatureCollection",\n "features": [,]}', "2: json: JSON invalide : valeur attendue, colonne 15"),
    ('{"type": "FeatureCollection"}\n{}', "2: json: JSON invalide : données en trop après la fin, colonne 1"),
    ('{"type": "FeatureCollection" "features": []}', "1: json: JSON invalide : virgule attendue, colonne 30"),
    ('{type: 1}', "1: json: JSON invalide : nom de propriété entre guillemets doubles attendu, colonne 2"),
    ('{"a": "\\q"}', "1: json: JSON invalide : séquence « \\ » invalide dans un texte, colonne 8"),
])
def test_a_broken_geojson_is_told_in_french(repo: Path, text: str, expected: str) -> None:
    write(repo / "content/media/quartiers.geojson", text)
    replace_in(repo, "content/territory.yaml", "contrats_de_ville:", "outlines: media/quartiers.geojson\ncontrats_de_ville:")
    errors = errors_of(repo)
    assert [e for e in errors if e.startswith("content/media/quartiers.geojson:" + expected)], errors
    assert not re.search(r"Expecting|Extra|Invalid|delimiter", "\n".join(errors))


# --- CSV cells a spreadsheet would run (item 4) ---

HOSTILE = {
    "title": "'=HYPERLINK(\"https://evil.test\",\"clic\")'",
    "porteur": '"@SUM(1+1)*cmd|\' /C calc\'!A0"',
    "summary": '"-2+3+cmd|\' /C calc\'!A0"',
    "partners": '[Ville de Villeneuve, "=1+1", "-moins", "+33 1 23 45 67 89"]',
}


def hostile_laureate(root: Path, names: tuple[str, ...] = tuple(HOSTILE), body: str = "=1+1 en tête du texte.") -> None:
    path = root / LAUREATE
    head, _sep, _body = path.read_text("utf-8").partition("\n---\n")
    for name in (n for n in names if n != "body"):
        if re.search(rf"^{name}: ", head, flags=re.M):
            head = re.sub(rf"^{name}: .*$", lambda m: f"{name}: {HOSTILE[name]}", head, count=1, flags=re.M)
        else:
            head += f"\n{name}: {HOSTILE[name]}"
    path.write_text(head + "\n---\n" + (body if "body" in names or names == tuple(HOSTILE) else _body), "utf-8")


def csv_row(site: Path, slug: str = "atelier-code") -> dict[str, str]:
    rows = csv.DictReader(io.StringIO((site / "donnees/laureats.csv").read_text("utf-8"), newline=""))
    return next(r for r in rows if r["slug"] == slug)


def json_row(site: Path, slug: str = "atelier-code") -> dict:
    return next(r for r in json.loads((site / "donnees/laureats.json").read_text("utf-8")) if r["slug"] == slug)


def assert_neutralised(site: Path) -> None:
    row, data = csv_row(site), json_row(site)
    assert data["title"].startswith("=HYPERLINK(")  # as published on the site (French typography applied)
    assert row["title"] == "'" + data["title"]
    assert row["porteur"].startswith("'@SUM(")
    assert row["summary"].startswith("'-2+3")
    assert row["partners"] == "Ville de Villeneuve;'=1+1;'-moins;'+33 1 23 45 67 89"
    assert row["description"] == "'=1+1 en tête du texte."
    assert row["edition"] == "2021"  # numbers untouched
    for name, value in row.items():  # no cell of any column starts a formula
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    # the JSON keeps the exact texts
    assert data["partners"] == ["Ville de Villeneuve", "=1+1", "-moins", "+33 1 23 45 67 89"]
    assert data["description"] == "=1+1 en tête du texte."


def test_csv_cells_that_would_run_as_formulas_get_a_quote_and_the_json_stays_exact(repo: Path) -> None:
    hostile_laureate(repo)
    assert build_in_process(repo, search=False).ok
    assert_neutralised(repo / "site")
    package = json.loads((repo / "site/donnees/datapackage.json").read_text("utf-8"))
    assert "apostrophe" in package["resources"][0]["description"]
    page = (repo / "site/donnees/index.html").read_text("utf-8")
    assert "apostrophe" in page and "formule" in page


def test_an_edited_laureate_gets_the_same_neutralised_rows_through_the_spliced_rows(repo: Path) -> None:
    """An edit of one laureate's texts that keeps its place takes the fast path (snapshot patch, rows spliced into
    the published file): the title first, then the other texts and the body."""
    hostile_laureate(repo, ("title",))
    assert build_in_process(repo, search=False).ok
    hostile_laureate(repo, ("porteur", "summary", "partners", "body"))
    assert build_in_process(repo, search=False).ok
    assert_neutralised(repo / "site")
    spliced = (repo / "site/donnees/laureats.csv").read_bytes()
    assert build_in_process(repo, search=False, use_cache=False).ok
    assert (repo / "site/donnees/laureats.csv").read_bytes() == spliced


# --- Invisible characters (item 2) ---

@pytest.mark.parametrize("rel, old, new, expected", [
    (LAUREATE, "title: Atelier code", "title: Atelier \u202ecode",
     f"{LAUREATE}:2: title: caractère invisible U+202E (forçage droite-à-gauche) en position 9"),
    (LAUREATE, "porteur: Association Alpha", 'porteur: "Association\\u200bAlpha"',
     f"{LAUREATE}:3: porteur: caractère invisible U+200B (espace sans chasse) en position 12"),
    (LAUREATE, "partners: [Ville de Villeneuve, Médiathèque]", "partners: [Ville de Villeneuve, Média\u2066thèque]",
     f"{LAUREATE}:9: partners: élément 2 : caractère invisible U+2066 (isolat gauche-à-droite) en position 6"),
    ("content/site.yaml", "title: Site de test", "title: Site\ufeff de test",
     "content/site.yaml:1: title: caractère invisible U+FEFF"),
    ("content/themes.yaml", "name: Numérique", "name: Num\u2060érique",
     "content/themes.yaml:3: themes[1].name: caractère invisible U+2060 (gluon de mots) en position 4"),
    ("content/pages/le-label.md", "title: Le label", "title: Le \u200dlabel",
     "content/pages/le-label.md:2: title: caractère invisible U+200D (liant sans chasse) en position 4"),
    (LAUREATE, "Un objectif ;", "Un obj\u202eectif ;",
     f"{LAUREATE}:15: texte: caractère invisible U+202E (forçage droite-à-gauche) en position 9 de la ligne"),
], ids=["title-rlo", "porteur-zwsp-escape", "partner-isolate", "site-bom", "theme-word-joiner", "page-zwj",
        "body-override"])
def test_invisible_characters_are_refused_with_their_code_and_position(repo: Path, rel: str, old: str, new: str,
                                                                      expected: str) -> None:
    replace_in(repo, rel, old, new)
    errors = errors_of(repo)
    assert [e for e in errors if e.startswith(expected)], errors
    assert all("supprimez-le" in e for e in errors if "invisible" in e)


def test_bodies_keep_emoji_and_zero_width_spaces_and_fields_keep_emoji_joiners(repo: Path) -> None:
    replace_in(repo, LAUREATE, "Un objectif ;", "Un objectif 👩\u200d💻 ; une\u200badresse-très-longue ;")
    replace_in(repo, LAUREATE, "partners: [Ville de Villeneuve, Médiathèque]",
               "partners: [Ville de Villeneuve, Médiathèque, Club 👩\u200d💻]")
    assert build_in_process(repo, search=False).ok
    assert json_row(repo / "site")["partners"][-1] == "Club 👩\u200d💻"


def test_an_edit_that_adds_an_override_is_refused_on_the_fast_path_too(repo: Path) -> None:
    assert build_in_process(repo, search=False).ok
    before = (repo / "site/donnees/laureats.json").read_bytes()
    replace_in(repo, LAUREATE, "summary: Le projet", "summary: \u202eLe projet")
    report = build_in_process(repo, search=False)
    assert [str(e) for e in report.errors] == [
        f"{LAUREATE}:7: summary: caractère invisible U+202E (forçage droite-à-gauche) en position 1 — supprimez-le "
        "(il vient souvent d'un copier-coller) : invisible à l'écran, il change l'ordre d'affichage ou la recherche "
        "du texte"]
    assert (repo / "site/donnees/laureats.json").read_bytes() == before


# --- Edition years (smaller item) ---

@pytest.mark.parametrize("year", ["0000", "1999", "2101", "9999"])
def test_an_edition_year_out_of_range_is_refused(repo: Path, year: str, cli) -> None:
    (repo / "content/editions/2021.md").rename(repo / f"content/editions/{year}.md")
    errors = errors_of(repo)
    assert f"content/editions/{year}.md:1: fichier: nom de fichier « {year}.md » : l'année {year} est hors des " \
           "années possibles (2000 à 2100) — renommez le fichier avec l'année de l'édition, par exemple " \
           "editions/2021.md" in errors
    (repo / f"content/editions/{year}.md").rename(repo / "content/editions/2021.md")
    result = cli(repo, "new", "edition", year)
    assert result.returncode == 2 and f"l'année {year} est hors des années possibles" in result.stderr
    assert not (repo / f"content/editions/{year}.md").exists()


# --- Messages that give the editor her own value back (item 5) ---

def test_an_edition_file_named_with_more_than_its_year_is_told_its_own_name(repo: Path) -> None:
    (repo / "content/editions/2021.md").rename(repo / "content/editions/2021-bis.md")
    assert "content/editions/2021-bis.md:1: fichier: nom de fichier « 2021-bis.md » : une édition se nomme par son " \
           "année — renommez-le en 2021.md" in errors_of(repo)


@pytest.mark.parametrize("rel, old, new, expected", [
    (LAUREATE, "title: Atelier code", "title:",
     f"{LAUREATE}:2: title: champ obligatoire vide — écrivez sa valeur après « title: » (par exemple "),
    (LAUREATE, "porteur: Association Alpha", "porteur:   # à remplir",
     f"{LAUREATE}:3: porteur: champ obligatoire vide"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 05/06/2020",
     "content/editions/2022.md:4: call_closes: attendu : une date (AAAA-MM-JJ), trouvé le texte « 05/06/2020 » — "
     "écrivez « call_closes: 2020-06-05 » (année-mois-jour)"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 5/6/2020",
     "content/editions/2022.md:4: call_closes: attendu : une date (AAAA-MM-JJ), trouvé le texte « 5/6/2020 » — "
     "écrivez « call_closes: 2020-06-05 »"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 05-06-2020",
     "— écrivez « call_closes: 2020-06-05 »"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 05.06.2020",
     "— écrivez « call_closes: 2020-06-05 »"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 1er juillet 2022",
     "— écrivez « call_closes: 2022-07-01 »"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 31/06/2022",
     "— cette date n'existe pas : vérifiez le jour et le mois"),
    ("content/editions/2022.md", "call_closes: 2022-06-05", "call_closes: 2022-06-31",
     "content/editions/2022.md:4: call_closes: la date « 2022-06-31 » n'existe pas — vérifiez le jour et le mois"),
    (LAUREATE, "edition: 2021", 'edition: "2021"', f"{LAUREATE}:4: edition: attendu : un nombre entier, trouvé le "
     "texte « 2021 » — écrivez « edition: 2021 » (un nombre s'écrit sans guillemets ni espace)"),
    (LAUREATE, "website: https://alpha.exemple.test/", "website: alpha.exemple.test/projet",
     "— écrivez « website: https://alpha.exemple.test/projet » (une adresse web commence par https://)"),
    ("content/site.yaml", "contact_email: contact@exemple.test", "contact_email: mailto:contact@exemple.test",
     "— écrivez « contact_email: contact@exemple.test »"),
    (LAUREATE, "edition: 2021", "edition: 21",
     f"{LAUREATE}:4: edition: édition 21 inconnue (éditions : 2021, 2022) — écrivez l'année en entier : « edition: 2021 »"),
], ids=["empty-title", "empty-with-comment", "date-slashes", "date-short", "date-dashes", "date-dots", "date-words",
        "date-impossible", "iso-date-impossible", "quoted-number", "website-without-scheme", "mailto", "short-year"])
def test_messages_give_the_editor_her_own_value_corrected(repo: Path, rel: str, old: str, new: str,
                                                          expected: str) -> None:
    replace_in(repo, rel, old, new)
    errors = errors_of(repo)
    assert [e for e in errors if expected in e and e.startswith(rel)], errors


# --- Outputs that are not HTML are escaped for their own format (item 3) ---

def test_robots_txt_is_plain_text_and_the_sitemap_xml_escaped(repo: Path) -> None:
    replace_in(repo, "content/site.yaml", "base_url: https://exemple.test/label/", "base_url: https://exemple.test/a&b/")
    replace_in(repo, LAUREATE, "title: Atelier code", "title: 'Atelier <code> & \"données\"'")
    assert build_in_process(repo, search=False).ok
    site = repo / "site"
    assert "Sitemap: https://exemple.test/a&b/sitemap.xml\n" in (site / "robots.txt").read_text("utf-8")
    locs = [e.text for e in ET.parse(site / "sitemap.xml").getroot().iter() if e.tag.endswith("loc")]
    assert "https://exemple.test/a&b/laureats/atelier-code/" in locs
    filters = json.loads((site / "laureats/filtres.json").read_text("utf-8"))
    assert any("Atelier <code> & " in row and "données" in row for row in map(str, filters["laureats"]))
    feed = ET.parse(site / "feed.xml").getroot()
    assert any(e.text and e.text.startswith("Atelier <code> &") for e in feed.iter() if e.tag.endswith("title"))


# --- The advice for a heavy or narrow photo says what matters (item 6) ---

def test_a_heavy_wide_photo_is_advised_on_the_repository_weight_not_on_what_the_site_resizes(repo: Path) -> None:
    media = repo / "content/media"
    media.mkdir(exist_ok=True)
    noise = random.Random(1).randbytes(3000 * 1000 * 3)  # incompressible: a JPEG of several MB
    Image.frombytes("RGB", (3000, 1000), noise).save(media / "grande.jpg", quality=95)
    replace_in(repo, LAUREATE, "summary:", "image: media/grande.jpg\nimage_alt: Une photo\nimage_credit: © Camille\nsummary:")
    [warning] = [str(w) for w in check(repo, TODAY).warnings]
    assert warning.startswith(f"{LAUREATE}:7: image: image lourde pour le dépôt : ")
    assert "l'original reste pour toujours dans l'historique git du dépôt" in warning
    assert "réduisez-la à 2400 pixels de large, la plus grande taille que le site publie" in warning
