"""Screenshots for a reviewer: five kinds of page, at 360 px and 1280 px, for both sites, and the first page of an
edition's catalogue PDF (rendered by PDFium, from the pypdfium2 wheel: nothing downloaded at run time).

They go to ``$VITRINE_SCREENSHOTS``, else ``test-artifacts/screenshots/`` at the repository's root
(git-ignored). Pixels are not compared: a person looks at them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO

from .conftest import SITES

WIDTHS = (360, 1280)


def screenshot_dir() -> Path:
    return Path(os.environ.get("VITRINE_SCREENSHOTS") or REPO / "test-artifacts" / "screenshots")


def pages_to_show(out: Path) -> dict[str, str]:
    """Home, the first laureate, the first quartier, the laureates' listing (its page 2 if it has one) and the label
    in figures."""
    first = lambda folder: sorted(p.parent.name for p in (out / folder).glob("*/index.html") if p.parent.name != "page")[0]
    listing = "laureats/page/2/" if (out / "laureats" / "page" / "2").is_dir() else "laureats/"
    return {"accueil": "", "laureat": f"laureats/{first('laureats')}/", "quartier": f"quartiers/{first('quartiers')}/",
            "liste": listing, "chiffres": "chiffres/"}


@pytest.mark.parametrize("site", SITES)
def test_screenshots_of_five_kinds_of_page_at_two_widths(chromium, sites, site: str) -> None:
    folder = screenshot_dir()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for width in WIDTHS:
        page = chromium.new_page(viewport={"width": width, "height": 800})
        try:
            for name, url in pages_to_show(sites[site].out).items():
                response = page.goto(sites[site].base_url + url)
                assert response.status == 200, url
                path = folder / f"{site}-{name}-{width}.png"
                page.screenshot(path=path, full_page=True)
                written.append(path)
        finally:
            page.close()
    assert all(path.stat().st_size > 1000 for path in written)


@pytest.mark.parametrize("site", SITES)
def test_screenshot_of_the_first_page_of_the_newest_catalogue_pdf(sites, site: str) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    pdfs = sorted(sites[site].out.glob("editions/*/catalogue.pdf"))
    assert pdfs, "no catalogue PDF was built"
    path = screenshot_dir() / f"{site}-catalogue-pdf-page-1.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    pdfium.PdfDocument(pdfs[-1])[0].render(scale=150 / 72).to_pil().save(path)  # 150 dpi
    assert path.stat().st_size > 1000
