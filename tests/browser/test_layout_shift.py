"""Nothing moves once the page is painted (issue 17): the cumulative layout shift of every kind of page is 0, at
360 px and 1280 px, once its scripts have done their work (the filters of the laureates list and the search
form shown, a search's results from its address shown); without JavaScript, the laureates list is the plain paginated list and says the filters need it."""

from __future__ import annotations

from pathlib import Path

import pytest

WIDTHS = (360, 1280)

# Registered before the page's first byte: every 'layout-shift' entry, from the first paint on.
OBSERVE_SHIFTS = """
window.__shifts = [];
window.__shiftObserver = new PerformanceObserver((list) => window.__shifts.push(...list.getEntries()));
window.__shiftObserver.observe({ type: "layout-shift", buffered: true });
"""

# Two frames let the last layout be made and its shifts reported; takeRecords() gives those not yet delivered.
CUMULATIVE_SHIFT = """
() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
  const entries = window.__shifts.concat(window.__shiftObserver.takeRecords());
  done(entries.filter((entry) => !entry.hadRecentInput).map((entry) => ({
    value: entry.value,
    moved: entry.sources.map((source) => source.node ? source.node.nodeName + "." + (source.node.className || "") : "?"),
  })));
})))
"""

# What each page waits for before it is measured: the element its script shows.
SHOWN_BY_SCRIPT = {"laureats/": "form[data-filters]", "recherche/": "form.search-form",
                   "recherche/?q=projet": ".search-results > li"}


def page_of_each_kind(out: Path) -> list[str]:
    first = lambda folder: sorted(p.parent.name for p in (out / folder).glob("*/index.html") if p.parent.name != "page")[0]
    return ["", "laureats/", "laureats/page/2/", f"laureats/{first('laureats')}/", "quartiers/",
            f"quartiers/{first('quartiers')}/", "editions/", f"editions/{first('editions')}/", "thematiques/",
            f"thematiques/{first('thematiques')}/", "recherche/", "recherche/?q=projet", "le-label/", "page-introuvable/"]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_moves_after_its_first_paint(chromium, sites, width: int) -> None:
    site = sites["large"]
    context = chromium.new_context(viewport={"width": width, "height": 800})
    context.add_init_script(OBSERVE_SHIFTS)
    shifted = {}
    try:
        tab = context.new_page()
        for url in page_of_each_kind(site.out):
            tab.goto(site.base_url + url, wait_until="networkidle")
            if url in SHOWN_BY_SCRIPT:
                tab.wait_for_selector(SHOWN_BY_SCRIPT[url], state="visible")
            entries = tab.evaluate(CUMULATIVE_SHIFT)
            if entries:
                shifted[url] = (round(sum(entry["value"] for entry in entries), 4), entries)
    finally:
        context.close()
    assert not shifted, f"layout shifts at {width} px: {shifted}"


def test_without_javascript_the_list_is_the_paginated_list_and_says_filters_need_it(chromium, sites) -> None:
    site = sites["large"]
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(site.base_url + "laureats/")
        assert not tab.is_visible("form[data-filters]")
        assert tab.locator("[data-filters-all] .cards > li").count() == 5
        assert tab.is_visible("nav.pagination")
        assert "Les filtres par quartier, thématique et édition ont besoin de JavaScript" in tab.inner_text("main")
        tab.goto(site.base_url + "recherche/")
        assert not tab.is_visible("form.search-form")
        assert "La recherche a besoin de JavaScript" in tab.inner_text("main")
    finally:
        context.close()


def test_when_the_filters_index_cannot_be_loaded_the_list_says_so_as_without_javascript(chromium, sites) -> None:
    site = sites["large"]
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/filtres.json", lambda route: route.abort())
    try:
        tab = context.new_page()
        tab.goto(site.base_url + "laureats/")
        tab.wait_for_selector("[data-filters-fallback]", state="visible")
        assert not tab.is_visible("form[data-filters]")
        assert tab.locator("[data-filters-all] .cards > li").count() == 5
        tab.goto(site.base_url + "recherche/")  # a text search does without it: it is fetched for a filter
        tab.wait_for_load_state("networkidle")
        assert tab.is_visible("form.search-form") and not tab.is_visible("[data-search-fallback]")
        tab.get_by_label("Quartier", exact=True).select_option(index=1)
        tab.wait_for_selector("[data-search-fallback]", state="visible")
        assert not tab.is_visible("form.search-form")
    finally:
        context.close()
