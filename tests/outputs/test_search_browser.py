"""The search page and the laureates filters, in a real browser (Chromium through Playwright).

The site is served over HTTP from a sub-folder, with its Content-Security-Policy: a script refused or a
JavaScript error fails the test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo
from photos import add_image, photo
from web import browser, serve  # noqa: F401 - fixtures

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture built once for the tests that only read it (``serve`` serves a copy of it)."""
    repo = make_repo(tmp_path_factory.mktemp("search-browser"))
    assert build_in_process(repo).ok
    return repo / "site"


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context()
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.problems = problems
    yield tab
    context.close()


@pytest.fixture
def no_script_page(browser):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def cards(page):
    return page.locator("main .cards:visible .card-title")


def test_filtering_by_quartier_narrows_the_list_and_survives_a_reload(small_site: Path, serve, page) -> None:  # noqa: F811
    base = serve(small_site, "/label/")
    page.goto(base + "laureats/")
    expect(cards(page)).to_have_text(["Emploi des jeunes", "Jardin partagé"])  # page 1 of 3 (page_size: 2)

    page.get_by_label("Quartier").select_option("les-tilleuls")
    expect(cards(page)).to_have_text(["Radio de quartier", "Atelier code", "Café culture"])
    expect(page.get_by_role("status")).to_have_text("3 lauréats correspondent à ces critères.")
    expect(page).to_have_url(base + "laureats/?quartier=les-tilleuls")
    expect(page.locator(".pagination")).to_be_hidden()

    page.reload()
    expect(page.get_by_label("Quartier")).to_have_value("les-tilleuls")
    expect(cards(page)).to_have_text(["Radio de quartier", "Atelier code", "Café culture"])

    page.get_by_label("Thématique").select_option("numerique")
    expect(cards(page)).to_have_text(["Radio de quartier", "Atelier code"])
    expect(page).to_have_url(base + "laureats/?quartier=les-tilleuls&theme=numerique")
    page.go_back()
    expect(cards(page)).to_have_text(["Radio de quartier", "Atelier code", "Café culture"])
    expect(page.get_by_label("Thématique")).to_have_value("")
    page.go_back()
    expect(cards(page)).to_have_text(["Emploi des jeunes", "Jardin partagé"])
    expect(page.get_by_role("status")).to_have_text("")

    page.get_by_label("Édition").select_option("2021")
    page.get_by_label("Quartier").select_option("le-moulin")
    expect(cards(page)).to_have_count(0)
    expect(page.get_by_role("status")).to_have_text("Aucun lauréat ne correspond à ces critères.")
    page.get_by_role("button", name="Tout afficher").click()
    expect(cards(page)).to_have_text(["Emploi des jeunes", "Jardin partagé"])
    expect(page).to_have_url(base + "laureats/")

    page.goto(base + "laureats/page/2/?quartier=la-gare")
    page.get_by_role("link", name="Café culture").click()
    expect(page).to_have_url(base + "laureats/cafe-culture/")
    assert page.problems == []


def test_without_javascript_the_laureates_list_is_the_paginated_list(small_site: Path, serve, no_script_page) -> None:  # noqa: F811
    no_script_page.goto(serve(small_site, "/") + "laureats/?quartier=les-tilleuls")
    expect(cards(no_script_page)).to_have_text(["Emploi des jeunes", "Jardin partagé"])
    expect(no_script_page.locator("form[data-filters]")).to_be_hidden()
    expect(no_script_page.locator(".pagination")).to_be_visible()
    expect(no_script_page.get_by_text("Les filtres par quartier, thématique et édition ont besoin de JavaScript")).to_be_visible()


def test_searching_expo_in_the_browser_finds_the_expo_bavarde(shipped_repo: Path, serve, page) -> None:  # noqa: F811
    report = build_in_process(shipped_repo)
    assert report.ok
    base = serve(shipped_repo / "site", "/vitrine/")
    page.goto(base)
    page.get_by_role("link", name="Recherche").click()
    box = page.get_by_label("Rechercher un projet, un porteur, un quartier…")
    box.fill("expo")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator("[data-search-results] > li")
    expect(results.first.locator("h2")).to_have_text("L’expo bavarde\u00a0: l’envers du décor")
    expect(results.first.locator(".card-porteur")).to_have_text("Cultures du Cœur 94")
    expect(results.first.locator(".card-summary")).to_have_text(re.compile("^«\u00a0L’expo bavarde"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+ résultats? pour «\u00a0expo\u00a0»\.$"))
    expect(page).to_have_url(base + "recherche/?q=expo")
    expect(page.locator("[data-search-fallback]")).to_be_hidden()

    page.get_by_label("Thématique").select_option("numerique")
    expect(page.get_by_role("status")).to_have_text("Aucun résultat pour «\u00a0expo\u00a0».")
    box.fill("")
    page.get_by_role("button", name="Rechercher").click()
    expect(results.locator("h2")).to_have_text([l.title for l in report.site.by_theme["numerique"]])
    expect(page).to_have_url(base + "recherche/?theme=numerique")
    page.get_by_label("Thématique").select_option("")
    page.get_by_label("Commune").select_option("athis-mons")
    expect(results.locator("h2")).to_have_text([l.title for l in report.site.laureates])

    page.goto(base + "recherche/?q=expo&quartier=noyer-renard")
    results.first.locator("a").click()
    expect(page).to_have_url(base + "laureats/l-expo-bavarde/")
    assert page.problems == []


def test_a_search_fetches_one_index_and_shows_cards_from_its_results(repo: Path, serve, page) -> None:  # noqa: F811
    """The first search fetches one Pagefind index and the fragments of the results shown, whose cards are the
    listings' (photo credit, quartiers); the laureates' list is fetched only once a filter is chosen."""
    report = build_in_process(repo)
    assert report.ok
    base = serve(repo / "site", "/label/")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.removeprefix(base)))
    page.goto(base + "recherche/?q=culture")
    card = page.locator("[data-search-results] > li").first.locator("article")
    expect(card.locator("h2")).to_have_text("Café culture")
    [laureate] = [laureate for laureate in report.site.laureates if laureate.slug == "cafe-culture"]
    places = ", ".join(f"{q.name} ({q.commune})" for q in laureate.quartiers)
    expect(card.locator(".card-meta")).to_have_text(f"Édition {laureate.edition} · {places}")
    expect(card.locator(".card-porteur")).to_have_text(laureate.porteur)
    expect(card.locator("h2 a")).to_have_attribute("href", "../laureats/cafe-culture/")
    assert sum(url.endswith(".pf_meta") for url in fetched) == 1
    assert not [url for url in fetched if url.endswith(("filtres.json", "vitrine-pages.json"))]
    page.get_by_label("Quartier", exact=True).select_option("les-tilleuls")
    expect(page.get_by_role("status")).to_have_text(re.compile("pour «\u00a0culture\u00a0»"))
    assert [url for url in fetched if url.endswith("filtres.json")]
    assert page.problems == []


def test_a_result_with_a_photo_shows_the_card_the_filters_show(repo: Path, serve, page) -> None:  # noqa: F811
    """A laureate's card built from its search result is the one built from laureats/filtres.json (photo, its
    alternative text, sizes and credit included), apostrophes as written."""
    add_image(repo, "cafe-culture", "cafe.jpg", photo((1300, 650)), alt="L’équipe du café")
    assert build_in_process(repo).ok
    base = serve(repo / "site", "/label/")
    page.goto(base + "recherche/?q=culture")
    from_search = page.locator("[data-search-results] > li", has_text="Café culture").locator("article")
    expect(from_search.locator("img")).to_have_attribute("alt", "L’équipe du café")
    searched = from_search.inner_html()
    page.goto(base + "recherche/?q=culture&quartier=les-tilleuls")
    from_list = page.locator("[data-search-results] > li", has_text="Café culture").locator("article")
    expect(from_list.locator(".image-credit")).to_have_text("© Camille Martin")
    assert from_list.inner_html() == searched
    assert page.problems == []


def test_search_results_for_other_pages_show_where_the_words_are(small_site: Path, serve, page) -> None:  # noqa: F811
    page.goto(serve(small_site, "/") + "recherche/?q=accessibilit%C3%A9")
    first = page.locator("[data-search-results] > li").first
    expect(first.locator("h2 a")).to_have_attribute("href", "/accessibilite/")
    expect(first.locator("mark").first).to_be_visible()
    page.get_by_label("Quartier", exact=True).select_option("les-tilleuls")  # pages have no quartier: only laureates stay
    expect(page.get_by_role("status")).to_have_text("Aucun résultat pour «\u00a0accessibilité\u00a0».")
    assert page.problems == []


def test_without_javascript_the_search_page_points_to_the_browsing_pages(small_site: Path, serve, no_script_page) -> None:  # noqa: F811
    no_script_page.goto(serve(small_site, "/") + "recherche/")
    expect(no_script_page.locator("form[role=search]")).to_be_hidden()
    expect(no_script_page.get_by_text("La recherche a besoin de JavaScript")).to_be_visible()
    expect(no_script_page.get_by_role("link", name="les lauréats par quartier")).to_be_visible()


def test_what_a_visitor_types_or_chooses_before_the_scripts_are_ready_is_kept(small_site: Path, serve, page) -> None:  # noqa: F811
    """The forms are in the page from its first paint (no layout shift): a visitor may use them before the
    scripts run, and the scripts must not wipe that out."""
    base = serve(small_site, "/")
    held = []
    page.route("**/static/search.js", lambda route: held.append(route))  # the search script arrives late
    page.goto(base + "recherche/", wait_until="commit")
    page.get_by_label("Rechercher un projet, un porteur, un quartier…").fill("jardin")
    held[0].continue_()
    expect(page.locator("[data-search-results] > li").first.locator("h2")).to_have_text("Jardin partagé")
    expect(page).to_have_url(base + "recherche/?q=jardin")

    page.route("**/laureats/filtres.json", lambda route: held.append(route))  # the filters' list arrives late
    page.goto(base + "laureats/")
    page.get_by_label("Quartier").select_option("les-tilleuls")
    held[1].continue_()
    expect(cards(page)).to_have_text(["Radio de quartier", "Atelier code", "Café culture"])
    expect(page).to_have_url(base + "laureats/?quartier=les-tilleuls")
    assert page.problems == []
