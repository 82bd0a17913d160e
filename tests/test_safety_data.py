"""Issue 13, the data helper's items: what a hostile or careless file gets, as the editor and the reuser see it.

CSV cells a spreadsheet would run, invisible characters in one-line fields, non-HTML outputs escaped as HTML,
an edition year out of range, messages that give the editor her own value back, the advice for a heavy photo,
and messages that never carry a library's words.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo, write

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
    row = csv_row(site)
    assert row["title"] == "'=HYPERLINK(\"https://evil.test\",\"clic\")"
    assert row["porteur"].startswith("'@SUM(")
    assert row["summary"].startswith("'-2+3")
    assert row["partners"] == "Ville de Villeneuve;'=1+1;'-moins;'+33 1 23 45 67 89"
    assert row["description"] == "'=1+1 en tête du texte."
    assert row["edition"] == "2021"  # numbers untouched
    for name, value in row.items():  # no cell of any column starts a formula
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    data = json_row(site)  # the JSON keeps the exact texts
    assert data["title"] == "=HYPERLINK(\"https://evil.test\",\"clic\")"
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
