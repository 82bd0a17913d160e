"""The rendered site, as a visitor and a static host see it, built once from the small fixture."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, build_in_process, make_repo, write
from html_scan import html_pages, listing_pages, scan
from vitrine.cli import build_date
from vitrine.content.read import load_content
from vitrine.content.validate import validate

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture built on a date its 2022 call is open; shared, read-only."""
    root = make_repo(tmp_path_factory.mktemp("site"))
    report = build_in_process(root, use_cache=False, catalogues=True)  # with the PDFs its pages link
    assert report.ok, report.errors
    return root


@pytest.fixture(scope="module")
def site(built: Path) -> Path:
    return built / "site"


@pytest.fixture(scope="module")
def model(built: Path):
    return validate(load_content(built)).site


def page_text(site: Path, rel: str) -> str:
    return scan(site, rel).main_text


def test_every_page_type_is_present(site: Path) -> None:
    expected = ["index.html", "laureats/index.html", "laureats/page/2/index.html", "laureats/page/3/index.html",
                "laureats/atelier-code/index.html", "editions/index.html", "editions/2021/index.html",
                "editions/2022/index.html", "quartiers/index.html", "quartiers/les-tilleuls/index.html",
                "thematiques/index.html", "thematiques/culture/index.html", "le-label/index.html",
                "candidater/index.html", "accessibilite/index.html", "mentions-legales/index.html", "404.html",
                "sitemap.xml", "robots.txt", "static/style.css", "static/favicon.svg"]
    assert [p for p in expected if not (site / p).is_file()] == []


def test_every_internal_link_and_resource_resolves_to_a_file_inside_the_site(site: Path) -> None:
    """Resolved from the page's own folder, as a browser does: the site works from any sub-folder."""
    broken = []
    for rel in html_pages(site):
        page = scan(site, rel)
        for url in page.links + page.resources:
            assert not url.startswith("/") or url.startswith(page.root or "//"), \
                f"{rel}: root-relative link {url} breaks in a sub-folder"
            target = page.resolve(url)
            if target is None:
                continue
            if target.startswith("..") or not (site / target).is_file():
                broken.append(f"{rel} → {url}")
                continue
            fragment = url.partition("#")[2]
            if fragment and target.endswith(".html") and fragment not in scan(site, target).ids:
                broken.append(f"{rel} → {url} (no id « {fragment} »)")
    assert broken == []


def test_no_page_fetches_anything_from_another_origin(site: Path) -> None:
    external = [(rel, url) for rel in html_pages(site) for url in scan(site, rel).resources
                if scan(site, rel).resolve(url) is None]
    assert external == []
    assert "https://alpha.exemple.test/" in scan(site, "laureats/atelier-code/index.html").links  # a link, not a fetch


def test_every_page_is_french_with_exactly_one_h1_and_a_title(site: Path) -> None:
    for rel in html_pages(site):
        page = scan(site, rel)
        assert page.lang == "fr", rel
        assert len(page.h1) == 1, (rel, page.h1)
        assert page.title.strip(), rel


def test_headings_never_skip_a_level(site: Path) -> None:
    for rel in html_pages(site):
        levels = [level for level, _ in scan(site, rel).headings]
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert jumps == [], rel


def test_every_page_below_home_has_breadcrumbs_back_to_home(site: Path) -> None:
    for rel in html_pages(site):
        if rel in ("index.html", "404.html"):
            continue
        page = scan(site, rel)
        assert page.breadcrumbs[:1] == ["Accueil"], rel
        assert page.resolve(page.breadcrumb_links[0]) == "index.html", rel
        assert page.breadcrumbs[-1] == page.h1[0] or "page" in page.breadcrumbs[-1], rel
    assert scan(site, "laureats/atelier-code/index.html").breadcrumbs == ["Accueil", "Lauréats", "Atelier code"]
    assert scan(site, "quartiers/les-tilleuls/page/2/index.html").breadcrumbs == [
        "Accueil", "Quartiers", "Les Tilleuls", "Les Tilleuls — page 2 sur 2"]


def linked_laureates(site: Path, first: str) -> set[str]:
    """The laureate pages linked from every page of a listing, following its pagination."""
    found = set()
    for page in listing_pages(site, first):
        for url in page.links:
            target = page.resolve(url) or ""
            match = re.fullmatch(r"laureats/([a-z0-9-]+)/index\.html", target)
            if match and match.group(1) != "page":
                found.add(match.group(1))
    return found


def test_each_laureate_is_reachable_from_its_quartier_theme_and_edition_listings(site: Path, model) -> None:
    assert linked_laureates(site, "laureats/index.html") == {l.slug for l in model.laureates}
    for laureate in model.laureates:
        for q in laureate.quartiers:
            assert laureate.slug in linked_laureates(site, f"quartiers/{q.slug}/index.html"), (laureate.slug, q.slug)
        for t in laureate.themes:
            assert laureate.slug in linked_laureates(site, f"thematiques/{t.slug}/index.html"), (laureate.slug, t.slug)
        assert laureate.slug in linked_laureates(site, f"editions/{laureate.edition}/index.html"), laureate.slug


def test_listings_list_only_their_own_laureates(site: Path) -> None:
    assert linked_laureates(site, "quartiers/le-moulin/index.html") == {"emploi-jeunes", "jardin-partage"}
    assert linked_laureates(site, "thematiques/numerique/index.html") == {"atelier-code", "radio-quartier"}
    assert linked_laureates(site, "editions/2021/index.html") == {"atelier-code", "cafe-culture"}


def test_each_laureate_links_back_to_its_quartiers_themes_and_edition(site: Path, model) -> None:
    for laureate in model.laureates:
        page = scan(site, f"laureats/{laureate.slug}/index.html")
        targets = {page.resolve(url) for url in page.links}
        wanted = {f"quartiers/{q.slug}/index.html" for q in laureate.quartiers}
        wanted |= {f"thematiques/{t.slug}/index.html" for t in laureate.themes}
        wanted.add(f"editions/{laureate.edition}/index.html")
        assert wanted <= targets, laureate.slug


def test_the_laureate_page_shows_everything_about_the_project(site: Path) -> None:
    text = page_text(site, "laureats/cafe-culture/index.html")
    for expected in ["Lauréat de l’édition 2021", "Café culture", "Porté par Association Beta",
                     "Le projet Café culture, porté par Association Beta.", "Le projet Café culture en détail.",
                     "La Gare, Villeneuve (Contrat de ville Nord)", "Les Tilleuls, Villeneuve (Contrat de ville Nord)",
                     "1re édition (2021)", "Culture"]:
        assert expected in text, expected
    text = page_text(site, "laureats/atelier-code/index.html")
    assert "Partenaires Ville de Villeneuve Médiathèque" in text
    assert "Site web https://alpha.exemple.test/" in text
    assert "Dans le même quartier ou sur le même thème" in text


@pytest.mark.parametrize("listing, pages", [("laureats", 3), ("quartiers/les-tilleuls", 2),
                                            ("thematiques/culture", 2), ("editions/2022", 2)])
def test_every_listing_is_paginated_past_the_page_size(site: Path, listing: str, pages: int) -> None:
    followed = listing_pages(site, f"{listing}/index.html")
    assert [p.path for p in followed] == [f"{listing}/index.html"] + [
        f"{listing}/page/{n}/index.html" for n in range(2, pages + 1)]
    for n, page in enumerate(followed, start=1):
        shown = {t for t in map(page.resolve, page.main_links) if t and re.fullmatch(r"laureats/(?!page/)[a-z0-9-]+/index\.html", t)}
        assert 1 <= len(shown) <= 2, page.path  # page_size: 2 in the fixture's site.yaml
        if n > 1:
            assert page.h1 == [f"{followed[0].h1[0]} — page {n} sur {pages}"]
    assert not (Path(site) / listing / "page" / "1").exists()
    assert not (Path(site) / listing / "page" / str(pages + 1)).exists()


def test_an_edition_says_how_many_laureates_it_had_and_how_many_are_shown(site: Path) -> None:
    assert f"5{NBSP}lauréats, dont 2 présentés ici." in page_text(site, "editions/2021/index.html")
    assert f"3{NBSP}lauréats." in page_text(site, "editions/2022/index.html")
    assert (f"Édition 2022 2e édition · 3{NBSP}lauréats distingués Appel à projets ouvert jusqu’au 5{NBSP}juin 2022. "
            f"Édition 2021 1re édition · 5{NBSP}lauréats distingués dont 2 présentés ici") in page_text(site, "editions/index.html")


def test_an_edition_whose_laureates_have_no_page_yet_says_so(repo: Path) -> None:
    for slug in ("atelier-code", "cafe-culture"):
        (repo / f"content/laureates/{slug}.md").unlink()
    assert build_in_process(repo, use_cache=False).ok
    text = page_text(repo / "site", "editions/2021/index.html")
    assert f"5{NBSP}lauréats distingués{NNBSP}; leurs fiches ne sont pas encore publiées ici." in text
    assert "Aucun lauréat" not in text


def test_quartiers_are_grouped_by_contrat_and_commune(site: Path) -> None:
    text = page_text(site, "quartiers/index.html")
    assert re.search("Contrat de ville Nord Villeneuve Les Tilleuls .* La Gare .* Contrat de ville Sud Sainte-Rive "
                     "Le Moulin", text), text
    assert "ancien quartier prioritaire" in text
    assert "ne figure plus dans la liste nationale" in page_text(site, "quartiers/la-gare/index.html")
    assert "Code officiel du quartier\u00a0: QP000001" in page_text(site, "quartiers/les-tilleuls/index.html")


def test_french_typography_is_applied_to_fields_bodies_and_templates(site: Path) -> None:
    edition = page_text(site, "editions/2022/index.html")
    assert f"Deuxième édition{NBSP}: l’appel à projets." in edition  # body: NBSP before « : », apostrophe
    assert f"Appel à projets ouvert jusqu’au 5{NBSP}juin 2022." in edition
    assert f"Un objectif{NNBSP};" in page_text(site, "laureats/atelier-code/index.html")  # narrow NBSP before « ; »
    assert "L’accès à la culture." in page_text(site, "thematiques/culture/index.html")  # a YAML field
    assert "'" not in page_text(site, "index.html")


def test_the_candidater_page_lists_whom_to_contact_in_each_contrat(site: Path) -> None:
    text = page_text(site, "candidater/index.html")
    assert ("Contrat de ville Nord Les Tilleuls (Villeneuve), La Gare (Villeneuve) Cheffe de projet "
            f"Courriel{NBSP}: nord@exemple.test Téléphone{NBSP}: 01 00 00 00 01") in text
    assert f"Contrat de ville Sud Le Moulin (Sainte-Rive) Contact à venir{NBSP}: en attendant, écrivez à contact@exemple.test" in text
    links = scan(site, "candidater/index.html").links
    assert "mailto:nord@exemple.test" in links and "tel:0100000001" in links


def test_home_page_key_strings(site: Path) -> None:
    """Golden-ish: the home page's main text says these things, in this order."""
    text = page_text(site, "index.html")
    expected = ["Site de test", "Un label de test.", "Voir les lauréats", "Découvrir le label",
                "2e édition (2022)", f"Appel à projets ouvert jusqu’au 5{NBSP}juin 2022.", "Candidater", "L’édition 2022",
                "Le label en chiffres", "8 lauréats distingués dont 5 présentés ici", "2 éditions",
                "2 quartiers prioritaires", "2 communes",
                "Explorer les lauréats", "Par quartier", "Les Tilleuls (Villeneuve)", "La Gare (Villeneuve)",
                "Le Moulin (Sainte-Rive)", "Par thématique", "Numérique", "Culture", "Emploi",
                "Par année", "Édition 2022", "Édition 2021",
                "Derniers lauréats", "Emploi des jeunes", "Jardin partagé", "Radio de quartier", "Atelier code",
                "Café culture", "Tous les lauréats"]
    position = 0
    for needle in expected:
        found = text.find(needle, position)
        assert found >= 0, f"« {needle} » missing after « {text[max(0, position - 40):position]} »"
        position = found + len(needle)


def test_the_footer_links_the_accessibility_statement_and_legal_notice(site: Path) -> None:
    html = (site / "laureats/atelier-code/index.html").read_text("utf-8")
    footer = html[html.index("<footer"):]
    assert '<a href="../../accessibilite/">Accessibilité&nbsp;: non conforme</a>' in footer
    assert '<a href="../../mentions-legales/">Mentions légales</a>' in footer


def test_sitemap_robots_and_404_use_the_public_address(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://exemple.test/label/laureats/atelier-code/</loc>" in sitemap
    assert "<loc>https://exemple.test/label/laureats/page/2/</loc>" in sitemap
    assert "404" not in sitemap
    assert "Sitemap: https://exemple.test/label/sitemap.xml" in (site / "robots.txt").read_text("utf-8")
    page = scan(site, "404.html")  # served at any address: its links start from the public path
    assert page.root == "/label/"
    assert [url for url in page.links + page.resources if page.resolve(url) and not url.startswith(("/label/", "#"))] == []


def epoch(day: str) -> str:
    return str(int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp()))


@pytest.mark.parametrize("today, state, apply_link", [
    ("2022-02-28", f"Appel à projets à venir{NBSP}: ouverture le 1er{NBSP}mars 2022.", False),
    ("2022-03-01", f"Appel à projets ouvert jusqu’au 5{NBSP}juin 2022.", True),
    ("2022-06-05", f"Appel à projets ouvert jusqu’au 5{NBSP}juin 2022.", True),
    ("2022-06-06", f"Appel à projets clos depuis le 5{NBSP}juin 2022.", False),
], ids=["upcoming the day before", "open on its first day", "open on its last day", "closed the day after"])
def test_the_call_state_follows_the_build_date(repo: Path, today: str, state: str, apply_link: bool) -> None:
    assert build_in_process(repo, today=dt.date.fromisoformat(today), use_cache=False).ok
    home = scan(repo / "site", "index.html")
    assert state in home.main_text
    assert state in page_text(repo / "site", "editions/2022/index.html")
    assert ("candidater/" in home.main_links) is apply_link


def test_the_build_date_is_pinned_by_date_then_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2022-06-06"))
    assert build_date(None) == dt.date(2022, 6, 6)
    assert build_date("2022-02-28") == dt.date(2022, 2, 28)


def test_a_scheduled_build_flips_the_call_state_from_source_date_epoch(repo: Path) -> None:
    """As a daily CI build would: the command line, the date from the environment only."""
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    command = [sys.executable, str(REPO / "build.py"), "--root", str(repo), "build", "--no-cache"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=repo,
                            env=environment | {"SOURCE_DATE_EPOCH": epoch("2022-06-06")})
    assert result.returncode == 0, result.stderr
    assert f"Appel à projets clos depuis le 5{NBSP}juin 2022." in page_text(repo / "site", "index.html")


def test_drafts_are_not_published(repo: Path) -> None:
    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("title:", "draft: true\ntitle:", 1), "utf-8")
    write(repo / "content/pages/projet.md", "---\ntitle: Projet de page\ndraft: true\n---\nPas encore.\n")
    assert build_in_process(repo, use_cache=False).ok
    site = repo / "site"
    assert not (site / "laureats/atelier-code").exists()
    assert not (site / "projet").exists()
    everything = "".join(p.read_text("utf-8") for p in site.rglob("*") if p.suffix in (".html", ".xml"))
    assert "atelier-code" not in everything and "Projet de page" not in everything
    assert "4 projets lauréats" in page_text(site, "laureats/index.html").replace(NBSP, " ")


def test_markdown_features_editors_may_use(repo: Path) -> None:
    write(repo / "content/pages/le-label.md", "\n".join([
        "---", "title: Le label", "menu: 1", "---",
        "# Un titre de premier niveau", "## Les étapes", "### Détail {: #detail }",
        "Voir l'[édition en cours](/editions/2022/), la [fiche](/laureats/atelier-code/#objectifs) "
        "et le [document](media/guide.pdf).",
        "", "| Quartier | Lauréats |", "|:---|---:|", "| Les Tilleuls | 3 |", "",
        "<script>alert(1)</script><p onclick=\"x()\">Cliquez</p><a href=\"javascript:alert(1)\">lien</a>", ""]))
    write(repo / "content/media/guide.pdf", "%PDF-1.4 pas vraiment")
    assert build_in_process(repo, use_cache=False).ok
    site = repo / "site"
    page = scan(site, "le-label/index.html")
    assert page.headings[:4] == [(1, "Le label"), (2, "Un titre de premier niveau"), (2, "Les étapes"), (3, "Détail")]
    assert {"les-etapes", "detail"} <= page.ids
    html = (site / "le-label/index.html").read_text("utf-8")
    assert 'Voir l’<a href="../editions/2022/">édition en cours</a>' in html
    assert '<a href="../laureats/atelier-code/#objectifs">' in html and '<a href="../media/guide.pdf">' in html
    assert (site / "media/guide.pdf").is_file()
    assert '<th class="align-left">Quartier</th>' in html and '<td class="align-right">3</td>' in html
    assert "<script>alert" not in html and "onclick" not in html and "javascript:" not in html
    assert "Cliquez" in html


def test_the_shipped_content_builds_without_errors_or_warnings(shipped_repo: Path) -> None:
    report = build_in_process(shipped_repo, today=dt.date(2020, 4, 1), use_cache=False)
    assert report.errors == () and report.warnings == ()
    site = shipped_repo / "site"
    home = page_text(site, "index.html")
    assert "27 lauréats distingués dont 2 présentés ici" in home
    assert f"Appel à projets ouvert jusqu’au 5{NBSP}juin 2020." in home
    assert "L’expo bavarde" in page_text(site, "laureats/index.html")
    contacts = page_text(site, "candidater/index.html")
    assert "Qui contacter en premier" in contacts and "Noyer Renard (Athis-Mons)" in contacts
