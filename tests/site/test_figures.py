"""Issue 16, /chiffres/: the label in figures. Each chart's numbers are the model's (counted here independently of
``site/figures.py``), its data table says the same, drafts are never counted, amounts are written the French way,
and an unknown support says « non communiqué »."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from conftest import build_in_process

from vitrine.content.read import load_content
from vitrine.content.validate import validate
from vitrine.site.figures import label_figures
from vitrine.site.french_formats import euros

NNBSP, NBSP = "\u202f", "\u00a0"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _site(root: Path):
    return validate(load_content(root)).site


def _charts(root: Path) -> dict[str, dict[str, str]]:
    """Each chart of the model: its slug → {label: value as shown}."""
    site = _site(root)
    charts = label_figures(site.editions, site.laureates, tuple(site.themes.values()), site.contrats, euros=euros)
    return {chart.slug: {bar.label: bar.text for bar in chart.bars} for chart in charts}


def _tables(root: Path) -> dict[str, dict[str, str]]:
    """Each data table of the built /chiffres/ page: its section's id → {row header: cell text}."""
    html = (root / "site" / "chiffres" / "index.html").read_text("utf-8")
    tables = {}
    for slug, section in re.findall(r'<section class="chart" id="graphique-([^"]+)".*?>(.*?)</section>', html, re.S):
        rows = re.findall(r'<tr><th scope="row">(.*?)</th><td class="number">(.*?)</td></tr>', section)
        tables[slug] = {unescape(label): re.sub(r"<[^>]+>", "", unescape(value)) for label, value in rows}
    return tables


def test_each_chart_counts_what_the_model_holds(repo: Path) -> None:
    site = _site(repo)
    published = [l for l in site.laureates if not l.draft]
    expected = {
        "editions": {str(e.year): str(sum(l.edition == e.year for l in published)) for e in site.editions},
        "thematiques": {t.name: str(sum(t in l.themes for l in published)) for t in site.themes.values()},
        "contrats": {c.name: str(sum(any(q in c.quartiers for q in l.quartiers) for l in published))
                     for c in site.contrats},
        "communes": {commune: str(sum(commune in l.communes for l in published))
                     for commune in {q.commune for c in site.contrats for q in c.quartiers}},
    }
    charts = _charts(repo)
    for slug, values in expected.items():
        assert charts[slug] == values, slug
    # The small fixture, by hand: 2 + 3 laureates; Café culture (La Gare and Les Tilleuls, both in Villeneuve and
    # the Nord contrat) counts once in each
    assert charts["editions"] == {"2022": "3", "2021": "2"}
    assert charts["communes"] == {"Villeneuve": "3", "Sainte-Rive": "2"}
    assert list(charts["thematiques"]) == ["Culture", "Emploi", "Numérique"]  # largest first, then by name


def test_the_page_tables_give_the_charts_numbers_and_the_bars_their_lengths(repo: Path) -> None:
    assert build_in_process(repo, search=False).ok
    tables = _tables(repo)
    charts = _charts(repo)
    assert {slug: {label: value.split(" (")[0] for label, value in rows.items()} for slug, rows in tables.items()} \
        == charts
    assert tables["editions"]["2021"] == "2 (5 distingués, dont 2 présentés ici)"  # laureates_announced: 5
    html = (repo / "site" / "chiffres" / "index.html").read_text("utf-8")
    # One image per chart for assistive technologies, named by its title; the bars' lengths follow the values
    assert html.count('role="img"') == 5 and 'aria-labelledby="graphique-editions-image"' in html
    assert re.findall(r'<rect class="bar" x="0" y="\d+" width="([\d.]+)%"', html)[:2] == ["100.00", "66.67"]
    assert 'href="chiffres/"' in (repo / "site" / "index.html").read_text("utf-8")  # from the home's figures


def test_support_per_edition_sums_the_known_amounts_or_says_it_is_not_given(repo: Path) -> None:
    edit(repo, "content/laureates/jardin-partage.md", "edition: 2022", "edition: 2022\nsupport: 12500")
    edit(repo, "content/laureates/radio-quartier.md", "edition: 2022", "edition: 2022\nsupport: 1000000")
    assert build_in_process(repo, search=False).ok
    support = _tables(repo)["soutien"]
    assert support == {"2022": f"1{NNBSP}012{NNBSP}500{NBSP}€ (montant connu pour 2 lauréats sur 3)",
                       "2021": "non communiqué"}
    edit(repo, "content/editions/2021.md", "laureates_announced: 5", "laureates_announced: 5\nsupport_total: 40000")
    assert build_in_process(repo, search=False).ok
    assert _tables(repo)["soutien"]["2021"] == f"40{NNBSP}000{NBSP}€"  # the edition's own total


def test_an_edited_support_reaches_the_figures_on_the_edit_fast_path(repo: Path) -> None:
    assert build_in_process(repo, search=False).ok
    edit(repo, "content/laureates/jardin-partage.md", "edition: 2022", "edition: 2022\nsupport: 3000")
    report = build_in_process(repo)
    assert "chiffres/index.html" in report.rendered_paths
    assert _tables(repo)["soutien"]["2022"] == f"3{NNBSP}000{NBSP}€ (montant connu pour 1 lauréat sur 3)"


def test_drafts_are_not_counted_even_in_the_preview(repo: Path) -> None:
    edit(repo, "content/laureates/radio-quartier.md", "edition: 2022", "edition: 2022\ndraft: true")
    assert build_in_process(repo, drafts=True, search=False).ok
    assert _tables(repo)["editions"]["2022"] == "2"
