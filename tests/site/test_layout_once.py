"""The header and footer are made once per page depth and menu position (``once_per_depth``): each page still
shows its own place in the menu and links that work from its own folder."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import build_in_process, make_repo


def _menu(page: Path) -> list[str]:
    """The main menu's links, each with its mark: « href [current|active] »."""
    header = page.read_text("utf-8").split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    return [f"{href} {'current' if current else 'active' if active else ''}".strip()
            for href, current, active in re.findall(r'<a href="([^"]*)"( aria-current="page")?( class="active")?',
                                                    header)]


def test_each_page_marks_its_own_place_in_the_menu(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root, use_cache=False).ok
    site = root / "site"
    # Two pages at the same depth, under two sections: the same links, marked differently
    laureate = _menu(next((site / "laureats").glob("*/index.html")))
    quartier = _menu(next(p for p in (site / "quartiers").glob("*/index.html")))
    assert "../../laureats/ active" in laureate and "../../quartiers/" in laureate
    assert "../../quartiers/ active" in quartier and "../../laureats/" in quartier
    # A section's own page is « current », its links one folder up
    assert "../laureats/ current" in _menu(site / "laureats" / "index.html")
    assert "../editions/ current" in _menu(site / "editions" / "index.html")
    # The home page marks nothing; the 404 page links from the site's root path, at any address
    assert not any(" " in link for link in _menu(site / "index.html"))
    assert all(link.startswith("/") for link in _menu(site / "404.html"))
    footer = (site / "404.html").read_text("utf-8").split('<footer class="site-footer">', 1)[1]
    assert 'href="/label/donnees/"' in footer  # the fixture's base_url is https://exemple.test/label/
    assert 'href="../../donnees/"' in next((site / "laureats").glob("*/index.html")).read_text("utf-8")
