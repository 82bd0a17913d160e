"""Every page reachable from the home page, in a real browser: no broken link, no third party, no error."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import EDITOR, SITES
from .crawler import NOT_FOUND_PROBE, report


@pytest.mark.parametrize("site", SITES)
def test_every_link_image_stylesheet_script_and_feed_answers_200(crawls, site: str) -> None:
    crawl = crawls(site)
    assert crawl.broken == [], report(crawl.broken)


@pytest.mark.parametrize("site", SITES)
def test_nothing_is_requested_from_another_origin_or_outside_the_sub_folder(crawls, site: str) -> None:
    crawl = crawls(site)
    assert crawl.outside == [], report(crawl.outside)


@pytest.mark.parametrize("site", SITES)
def test_no_page_logs_a_console_error(crawls, site: str) -> None:
    crawl = crawls(site)
    assert crawl.console == [], report(crawl.console)


@pytest.mark.parametrize("site", SITES)
def test_the_crawl_reaches_every_built_page(crawls, sites, site: str) -> None:
    out: Path = sites[site].out
    built = {p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("*.html")}
    built.discard("404.html")  # served for unknown addresses: see below
    built = {page for page in built if not page.startswith(EDITOR)}  # the editor: nothing links to it
    assert len(built) > 10
    unreached = built - set(crawls(site).pages)
    assert unreached == set(), f"pages that no link leads to: {sorted(unreached)}"


@pytest.mark.parametrize("site", SITES)
def test_an_unknown_address_gets_the_styled_404_page_with_working_links(crawls, chromium, sites, site: str) -> None:
    base_url = sites[site].base_url
    assert crawls(site).visits[NOT_FOUND_PROBE].status == 404  # and its links were checked by the crawl
    page = chromium.new_page()
    try:
        response = page.goto(base_url + "une/adresse/qui/n-existe-pas")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Page introuvable"
        assert page.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
        assert page.get_by_role("link", name="Retour à l’accueil").evaluate("a => a.href") == base_url
    finally:
        page.close()
