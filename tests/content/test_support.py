"""Issue 16, content contract: the label's financial support, in euros.

A laureate's ``support`` and an edition's ``support_total`` are optional positive integers; a written amount
(« 10 000 € ») is refused with the plain number to type. Shown on the laureate's page and, summed (or the edition's
own total), on the edition's page; in the open data as an integer column. An edited support reaches the edition's
sum on the edit fast path too.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo
from test_validate import edit, problems

ATELIER = "content/laureates/atelier-code.md"
CAFE = "content/laureates/cafe-culture.md"
EXPECTED = "attendu : un montant en euros (un nombre entier positif, sans espace ni « € »)"


@pytest.mark.parametrize("typed, found, hint", [
    ('"10 000 €"', "le texte « 10\u202f000\u00a0€ »" , "écrivez « support: 10000 » (un montant s'écrit sans espace ni « € »)"),
    ("10 000 euros", "le texte « 10\u202f000 euros »", "écrivez « support: 10000 » (un montant s'écrit sans espace ni « € »)"),
    ("1500.5", "le nombre 1500.5", "arrondissez à l'euro, sans point ni virgule : « support: 1500 »"),
    ("dix mille", "le texte « dix mille »", "par exemple « support: 10000 »"),
])
def test_an_amount_that_is_not_a_plain_number_is_refused_at_its_line(repo: Path, typed: str, found: str,
                                                                     hint: str) -> None:
    edit(repo, ATELIER, "partners:", f"support: {typed}\npartners:")
    [message] = problems(repo)
    assert message.startswith(f"content/laureates/atelier-code.md:9: support: {EXPECTED}, trouvé ")
    assert message.endswith(f" — {hint}")


@pytest.mark.parametrize("amount", ["0", "-5000"])
def test_a_support_of_zero_or_less_is_refused(repo: Path, amount: str) -> None:
    edit(repo, ATELIER, "partners:", f"support: {amount}\npartners:")
    assert problems(repo) == [
        f"content/laureates/atelier-code.md:9: support: montant refusé : {amount} (un montant en euros est positif) "
        "— un soutien est un montant positif : retirez la ligne s'il n'est pas connu"]


def test_an_edition_total_is_checked_the_same_way(repo: Path) -> None:
    edit(repo, "content/editions/2021.md", "laureates_announced: 5", 'laureates_announced: 5\nsupport_total: "50 000"')
    assert problems(repo) == [
        f"content/editions/2021.md:4: support_total: {EXPECTED}, trouvé le texte « 50 000 » "
        "— écrivez « support_total: 50000 » (un montant s'écrit sans espace ni « € »)"]


def _page(root: Path, page: str) -> str:
    return (root / "site" / page).read_text("utf-8")


def _edition_support(root: Path, year: int) -> str | None:
    found = re.search(r'<p class="support">(.*?)</p>', _page(root, f"editions/{year}/index.html"), re.S)
    return found.group(1) if found else None


@pytest.fixture(scope="module")
def supported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("supported"))
    edit(root, ATELIER, "partners:", "support: 10000\npartners:")
    edit(root, "content/laureates/emploi-jeunes.md", "summary:", "support: 1500\nsummary:")
    edit(root, "content/laureates/jardin-partage.md", "summary:", "support: 2500\nsummary:")
    edit(root, "content/laureates/radio-quartier.md", "summary:", "support: 1234567\nsummary:")
    assert build_in_process(root).ok
    return root


def test_the_support_is_shown_on_the_laureates_page(supported: Path) -> None:
    html = _page(supported, "laureats/atelier-code/index.html")
    assert '<dt>Soutien du label</dt><dd class="support">10\u202f000\u00a0€</dd>' in html
    assert "Soutien du label" not in _page(supported, "laureats/cafe-culture/index.html")
    assert '<dd class="support">1\u202f234\u202f567\u00a0€</dd>' in _page(supported, "laureats/radio-quartier/index.html")


def test_the_edition_page_sums_the_known_supports(supported: Path) -> None:
    # 2022: every laureate's support is known; 2021: one of two
    assert _edition_support(supported, 2022) == "Soutien du label à cette édition&nbsp;: 1\u202f238\u202f567\u00a0€."
    assert _edition_support(supported, 2021) == (
        "Soutien du label à cette édition&nbsp;: 10\u202f000\u00a0€, montant connu pour 1 lauréat sur 2.")


def test_the_editions_total_is_shown_when_given(repo: Path) -> None:
    edit(repo, ATELIER, "partners:", "support: 10000\npartners:")
    edit(repo, "content/editions/2021.md", "laureates_announced: 5", "laureates_announced: 5\nsupport_total: 60000")
    assert build_in_process(repo).ok
    assert _edition_support(repo, 2021) == "Soutien du label à cette édition&nbsp;: 60\u202f000\u00a0€."
    assert _edition_support(repo, 2022) is None  # nothing known: nothing said


def test_the_open_data_has_an_integer_support_column(supported: Path) -> None:
    folder = supported / "site/donnees"
    rows = {r["slug"]: r for r in csv.DictReader((folder / "laureats.csv").read_text("utf-8-sig").splitlines())}
    assert rows["atelier-code"]["support"] == "10000" and rows["cafe-culture"]["support"] == ""
    rows = {r["slug"]: r for r in json.loads((folder / "laureats.json").read_text("utf-8"))}
    assert rows["atelier-code"]["support"] == 10000 and rows["cafe-culture"]["support"] is None
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    [field] = [f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "support"]
    assert field["type"] == "integer" and field["description"].startswith("Soutien financier du label en euros")


def test_the_new_laureate_scaffold_offers_the_support(cli, repo: Path) -> None:
    assert cli(repo, "new", "laureate", "projet-soutenu").returncode == 0
    text = (repo / "content/laureates/projet-soutenu.md").read_text("utf-8")
    assert re.search(r"^# Soutien financier du label.*\nsupport:$", text, re.M), text


def test_an_edited_support_changes_the_editions_sum_on_a_rebuild(repo: Path) -> None:
    # Editing one laureate takes the fast path (the snapshot's pages, patched): the edition's sum must follow.
    edit(repo, ATELIER, "partners:", "support: 10000\npartners:")
    assert build_in_process(repo).ok
    assert _edition_support(repo, 2021).startswith("Soutien du label à cette édition&nbsp;: 10\u202f000\u00a0€")
    edit(repo, ATELIER, "support: 10000", "support: 12000")
    edit(repo, CAFE, "summary:", "support: 3000\nsummary:")
    assert build_in_process(repo).ok
    assert _edition_support(repo, 2021) == "Soutien du label à cette édition&nbsp;: 15\u202f000\u00a0€."
    assert "12\u202f000\u00a0€" in _page(repo, "laureats/atelier-code/index.html")
    rows = {r["slug"]: r for r in json.loads(_page(repo, "donnees/laureats.json"))}  # the spliced rows follow too
    assert rows["atelier-code"]["support"] == 12000 and rows["cafe-culture"]["support"] == 3000
