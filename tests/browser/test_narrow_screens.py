"""At 360 px, nothing an editor writes makes the page wider than the screen (issue 13): a title of one long word
(the breadcrumb repeats it) and a long line in a code block."""

from __future__ import annotations

from pathlib import Path

from conftest import TODAY, make_repo, run_cli

from .server import SiteServer

LONG_WORD = "Anticonstitutionnellementdéveloppéparlesassociationsduquartierprioritairedesportes"
LONG_LINE = "x = " + "un_identifiant_tres_long_" * 40


def test_a_long_word_and_a_long_line_of_code_stay_within_a_360_px_screen(chromium, tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    page = root / "content/laureates/atelier-code.md"
    text = page.read_text("utf-8").replace("title: Atelier code", f"title: {LONG_WORD}")
    page.write_text(text + f"\n```python\n{LONG_LINE}\n```\n\nUne adresse : {LONG_WORD}{LONG_WORD}.\n", "utf-8")
    server = SiteServer(root / "site")
    result = run_cli(root, "build", "--no-search", "--base-url", server.base_url, "--date", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    server.start()
    context = chromium.new_context(viewport={"width": 360, "height": 740})
    try:
        tab = context.new_page()
        tab.goto(server.base_url + "laureats/atelier-code/")
        assert LONG_WORD in tab.inner_text("nav.breadcrumbs") and LONG_LINE in tab.inner_text("pre")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
        # the code block scrolls instead, and a keyboard can reach it to scroll it
        block = tab.locator("pre")
        assert block.evaluate("b => b.scrollWidth > b.clientWidth")
        assert block.get_attribute("tabindex") == "0"
        tab.goto(server.base_url + "laureats/")  # the card shows the title too
        assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
        server.close()
