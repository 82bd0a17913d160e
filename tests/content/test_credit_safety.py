"""Issue 16, content contract: a laureate's photo credit (``image_credit``), a legal duty in France.

Required with ``image``, refused without it or without a name; shown with the photo on the laureate's page, on
its cards (the template's and the filters' script's, from ``laureats/filtres.json``), in the open data and in
the page's JSON-LD.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo, write
from photos import add_image, photo
from test_validate import edit, problems

ATELIER = "content/laureates/atelier-code.md"
HINT = "— écrivez qui a pris la photo, par exemple « image_credit: © Nom de l'auteur »"


@pytest.fixture
def pictured_repo(repo: Path) -> Path:
    write(repo / "content/media/atelier.jpg", "not really a picture: validation does not open it")
    return repo


def test_a_photo_without_its_credit_is_refused_at_its_line(pictured_repo: Path) -> None:
    edit(pictured_repo, ATELIER, "partners:", "image: media/atelier.jpg\nimage_alt: Des enfants\npartners:")
    assert problems(pictured_repo) == [
        f"content/laureates/atelier-code.md:9: image_credit: crédit photo manquant pour l'image "
        f"(une obligation légale) {HINT}"]


@pytest.mark.parametrize("credit, shown", [
    ("©", "©"), ('"(c)"', "(c)"), ('"Photo :"', "Photo\u00a0:"), ('"Crédit photo : ©"', "Crédit photo\u00a0: ©")])
def test_a_credit_that_names_nobody_is_refused(pictured_repo: Path, credit: str, shown: str) -> None:
    edit(pictured_repo, ATELIER, "partners:",
         f"image: media/atelier.jpg\nimage_alt: Des enfants\nimage_credit: {credit}\npartners:")
    assert problems(pictured_repo) == [
        f"content/laureates/atelier-code.md:11: image_credit: crédit photo sans nom : « {shown} » {HINT}"]


def test_an_empty_credit_is_refused_as_a_missing_one(pictured_repo: Path) -> None:
    edit(pictured_repo, ATELIER, "partners:", 'image: media/atelier.jpg\nimage_alt: Des enfants\nimage_credit: ""\n'
         "partners:")
    [found] = problems(pictured_repo)
    assert found.startswith("content/laureates/atelier-code.md:11: image_credit: ")


def test_a_credit_without_a_photo_is_refused(repo: Path) -> None:
    edit(repo, ATELIER, "partners:", "image_credit: © Camille Martin\npartners:")
    assert problems(repo) == ["content/laureates/atelier-code.md:9: image_credit: crédit photo sans image "
                              "— ajoutez « image: » ou retirez ce champ"]


@pytest.mark.parametrize("credit", ["© Camille Martin", '"Photo : Camille Martin / Ville de Villeneuve"', "© 2024 ACME"])
def test_a_credit_that_names_its_author_is_accepted(pictured_repo: Path, credit: str) -> None:
    edit(pictured_repo, ATELIER, "partners:",
         f"image: media/atelier.jpg\nimage_alt: Des enfants\nimage_credit: {credit}\npartners:")
    assert problems(pictured_repo) == []


def test_the_new_laureate_scaffold_offers_the_credit(cli, repo: Path) -> None:
    assert cli(repo, "new", "laureate", "projet-photo").returncode == 0
    text = (repo / "content/laureates/projet-photo.md").read_text("utf-8")
    assert re.search(r"^# Crédit de la photo.*\nimage_credit:$", text, re.M), text


@pytest.fixture(scope="module")
def credited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("credited"))
    add_image(root, "jardin-partage", "potager.jpg", photo((800, 600)))
    assert build_in_process(root).ok
    return root


def _figure(html: str, css_class: str) -> str:
    return re.search(rf'<figure class="{css_class}">.*?</figure>', html, re.S).group()


def test_the_credit_is_shown_under_the_photo_on_its_page(credited: Path) -> None:
    html = (credited / "site/laureats/jardin-partage/index.html").read_text("utf-8")
    figure = _figure(html, "laureate-image")
    assert "<img" in figure
    assert '<figcaption class="image-credit">© Camille Martin</figcaption>' in figure


def test_the_credit_is_shown_on_every_card_of_the_photo(credited: Path) -> None:
    for page in ("laureats/index.html", "quartiers/le-moulin/index.html"):
        html = (credited / "site" / page).read_text("utf-8")
        figure = _figure(html, "card-image")
        assert "<img" in figure and '<figcaption class="image-credit">© Camille Martin</figcaption>' in figure
    without = (credited / "site/laureats/atelier-code/index.html").read_text("utf-8")
    assert "image-credit" not in without.split("</header>", 1)[1].split('class="related', 1)[0]


def test_the_filters_index_gives_the_scripts_card_its_credit(credited: Path) -> None:
    index = json.loads((credited / "site/laureats/filtres.json").read_text("utf-8"))
    images = {row[0]: row[index["fields"].index("image")] for row in index["laureats"]}
    assert images["jardin-partage"]["credit"] == "© Camille Martin"
    assert images["atelier-code"] is None
    script = (credited / "site/static/laureates.js").read_text("utf-8")
    assert '"figcaption", "image-credit", laureate.image.credit' in script


def test_the_open_data_has_a_credit_column(credited: Path) -> None:
    folder = credited / "site/donnees"
    text = (folder / "laureats.csv").read_text("utf-8-sig")
    rows = {r["slug"]: r for r in csv.DictReader(text.splitlines())}
    assert rows["jardin-partage"]["image_credit"] == "© Camille Martin"
    assert rows["atelier-code"]["image_credit"] == ""
    rows = {r["slug"]: r for r in json.loads((folder / "laureats.json").read_text("utf-8"))}
    assert rows["jardin-partage"]["image_credit"] == "© Camille Martin"
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    [field] = [f for f in package["resources"][0]["schema"]["fields"] if f["name"] == "image_credit"]
    assert field["type"] == "string" and field["description"].startswith("Crédit de la photo")


def test_the_json_ld_image_carries_its_credit(credited: Path) -> None:
    html = (credited / "site/laureats/jardin-partage/index.html").read_text("utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    [project] = [node for node in data["@graph"] if node["@type"] == "Project"]
    assert project["image"]["@type"] == "ImageObject"
    assert project["image"]["creditText"] == "© Camille Martin"
    assert project["image"]["url"].endswith(".jpg")


def test_an_edited_credit_reaches_every_card_on_a_rebuild(repo: Path) -> None:
    # An edit of one laureate takes the fast path (the snapshot's pages, patched): its cards must follow.
    add_image(repo, "jardin-partage", "potager.jpg", photo((800, 600)))
    assert build_in_process(repo).ok
    path = repo / "content/laureates/jardin-partage.md"
    path.write_text(path.read_text("utf-8").replace("© Camille Martin", "© Lou Bernard"), "utf-8")
    assert build_in_process(repo).ok
    for page in ("laureats/index.html", "laureats/jardin-partage/index.html", "laureats/filtres.json"):
        text = (repo / "site" / page).read_text("utf-8")
        assert "Lou Bernard" in text and "Camille Martin" not in text, page
