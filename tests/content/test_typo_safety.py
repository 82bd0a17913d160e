"""Issue 16, « Fix first »: the search shows each page's own image, the filters' cards are the template's.

(The French typography cases are in ``tests/site/test_typography_safety.py``.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo
from photos import add_image, photo
from web import browser, search_index, serve  # noqa: F401 - fixtures

POTAGER_ALT = "Des poireaux dans un bac"
CARD_SIZES = "(min-width: 72rem) 22rem, (min-width: 64rem) 30vw, (min-width: 40rem) 46vw, calc(100vw - 2rem)"
CAFE_ALT = "Une tasse sur un comptoir"


def _add_sentence(root: Path, slug: str, sentence: str) -> None:
    path = root / "content" / "laureates" / f"{slug}.md"
    path.write_text(path.read_text("utf-8") + f"\n{sentence}\n", "utf-8")


@pytest.fixture(scope="module")
def pictured(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture where two laureates have a photo (jardin-partage, cafe-culture) and three have none,
    each of those three showing jardin-partage's card among its related laureates (same quartier or theme)."""
    root = make_repo(tmp_path_factory.mktemp("pictured"))
    add_image(root, "jardin-partage", "potager.jpg", photo((1600, 900)), alt=POTAGER_ALT)
    add_image(root, "cafe-culture", "tasse.jpg", photo((1000, 800)), alt=CAFE_ALT)
    _add_sentence(root, "jardin-partage", "Le potager du quartier.")
    assert build_in_process(root).ok
    return root


def test_a_search_finds_only_the_page_whose_own_text_matches(pictured: Path) -> None:
    # The related cards' words (jardin-partage's title, its photo's alternative text) are not the pages'.
    answers = search_index(pictured / "site", "potager", "poireaux", "jardin")
    assert [[r["url"] for r in a["results"]] for a in answers] == [["/laureats/jardin-partage/"]] * 3


def test_each_search_result_shows_its_own_image_or_none(pictured: Path) -> None:
    [found] = search_index(pictured / "site", "projet")
    images = {r["url"]: (r["meta"].get("image"), r["meta"].get("image_alt")) for r in found["results"]}
    assert len(images) == 5
    potager_src, potager_alt = images.pop("/laureats/jardin-partage/")
    assert potager_src.startswith("../../media/potager-") and potager_alt == POTAGER_ALT
    cafe_src, cafe_alt = images.pop("/laureats/cafe-culture/")
    assert cafe_src.startswith("../../media/tasse-") and cafe_alt == CAFE_ALT
    assert images == {url: (None, None) for url in images}, "a laureate without a photo has no image"


def test_a_laureate_page_marks_its_own_image_for_the_search(pictured: Path) -> None:
    html = (pictured / "site" / "laureats" / "jardin-partage" / "index.html").read_text("utf-8")
    assert html.count("data-pagefind-meta=\"image[src], image_alt[alt]\"") == 1
    own = html[html.index('<figure class="laureate-image">'):html.index("</figure>")]
    assert 'data-pagefind-meta="image[src], image_alt[alt]"' in own
    related = (pictured / "site" / "laureats" / "emploi-jeunes" / "index.html").read_text("utf-8")
    assert '<section class="related" aria-labelledby="voisins-titre" data-pagefind-ignore="all">' in related
    assert "image[src]" not in related


# The filters' and the search page's cards (static/laureates.js) against the template's (partials/card.html).

# An element as a tree of [tag, sorted attributes, text or children], whitespace-only text left out.
DOM_TREE = """element => {
  const tree = (node) => [node.tagName.toLowerCase(),
    Array.from(node.attributes, (a) => [a.name, a.value]).sort(),
    node.children.length ? Array.from(node.children, tree) : node.textContent.trim()];
  return tree(element);
}"""


def _card(page, scope: str, title: str):
    return page.locator(f"{scope} article.card").filter(has=page.get_by_role("link", name=title, exact=True))


def test_a_filtered_card_is_the_listed_card_with_its_photo(pictured: Path, serve, browser) -> None:  # noqa: F811
    base = serve(pictured / "site", "/label/")
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(base + "laureats/")
        listed = _card(page, "[data-filters-all]", "Jardin partagé").evaluate(DOM_TREE)
        assert ["figure", [["class", "card-image"]]] == listed[2][1][:2], "the listed card has its photo"
        assert ["figcaption", [["class", "image-credit"]], "© Camille Martin"] in listed[2][1][2], "and its credit"

        page.get_by_label("Quartier").select_option("le-moulin")
        filtered = _card(page, "[data-filters-results]", "Jardin partagé")
        filtered.locator("img").scroll_into_view_if_needed()
        assert filtered.evaluate(DOM_TREE) == listed
        assert filtered.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        assert filtered.locator("img").get_attribute("alt") == POTAGER_ALT
        without = _card(page, "[data-filters-results]", "Emploi des jeunes")
        assert without.locator("picture").count() == 0

        # The search page's card too (a page at the same depth), its photo a thumbnail: only ``sizes`` differ.
        page.goto(base + "recherche/?q=potager")
        found = _card(page, "[data-search-results]", "Jardin partagé")
        found.locator("img").scroll_into_view_if_needed()
        thumbnail = "(min-width: 40rem) 12rem, calc(100vw - 2rem)"
        assert found.evaluate(DOM_TREE) == json.loads(json.dumps(listed).replace(CARD_SIZES, thumbnail))
        assert found.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
        page.set_viewport_size({"width": 1280, "height": 900})
        assert found.locator("img").bounding_box()["width"] < 250, "a thumbnail beside the text"
        assert problems == []
    finally:
        page.close()


def test_an_edited_alternative_text_reaches_the_filters_cards_on_a_rebuild(repo: Path) -> None:
    # An edit of one laureate takes the fast path (the snapshot's pages, patched): its card in
    # laureats/filtres.json must follow as its card in the static list does.
    add_image(repo, "jardin-partage", "potager.jpg", photo((800, 600)), alt=POTAGER_ALT)
    assert build_in_process(repo).ok
    path = repo / "content" / "laureates" / "jardin-partage.md"
    path.write_text(path.read_text("utf-8").replace(POTAGER_ALT, "Des salades au soleil"), "utf-8")
    assert build_in_process(repo).ok
    index = json.loads((repo / "site" / "laureats" / "filtres.json").read_text("utf-8"))
    row = next(r for r in index["laureats"] if r[0] == "jardin-partage")
    image = row[index["fields"].index("image")]
    assert image["img"][3] == "Des salades au soleil"
    assert image["img"][0].startswith("media/potager-") and [w for _, w in image["fallback"]] == [480, 800]
    listed = (repo / "site" / "laureats" / "index.html").read_text("utf-8")
    assert 'alt="Des salades au soleil"' in listed
