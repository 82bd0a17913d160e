"""Accessibility in the browser: axe-core on every page, the keyboard, small screens and zoom."""

from __future__ import annotations

import pytest

from .conftest import SITES
from .crawler import NOT_FOUND_PROBE, report
from .keyboard import check_keyboard, page_kinds


@pytest.mark.parametrize("site", SITES)
def test_axe_finds_no_wcag_a_or_aa_violation_on_any_page(crawls, site: str) -> None:
    crawl = crawls(site)
    assert crawl.axe == [], report(crawl.axe)


@pytest.mark.parametrize("site", SITES)
def test_the_figures_and_the_catalogues_are_among_the_pages_checked(crawls, site: str) -> None:
    """axe, the small screens and the keyboard (one page of each kind) see them: reached from the footer and the
    editions' pages."""
    kinds = page_kinds(crawls(site).pages)
    assert "chiffres/" in kinds
    assert any(url.startswith("editions/") and url.endswith("/catalogue/") for url in kinds)


@pytest.mark.parametrize("site", SITES)
def test_no_page_scrolls_horizontally_at_360_px_or_200_percent_zoom(crawls, site: str) -> None:
    crawl = crawls(site)
    assert crawl.overflow == [], report(crawl.overflow)


@pytest.mark.parametrize("site", SITES)
def test_keyboard_users_reach_everything_with_a_visible_focus(crawls, chromium, site: str) -> None:
    crawl = crawls(site)
    kinds = page_kinds(crawl.pages) + [NOT_FOUND_PROBE]
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    problems: list[str] = []
    try:
        for url in kinds:
            problems += check_keyboard(page, crawl.base_url + url, url or "(accueil)")
    finally:
        page.close()
    assert problems == [], report(problems)
