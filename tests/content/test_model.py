"""The typed model: what validation hands to the page planner, its order and its indexes, and the URL map."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from conftest import write
from vitrine.content.read import load_content
from vitrine.content.model import Site, sort_key
from vitrine.site.call import call_state
from vitrine.site.pages import plan_pages, related_laureates
from vitrine.site.french_formats import date_fr, ordinal, plural
from vitrine.content.validate import validate


def site_of(root: Path, include_drafts: bool = False) -> Site:
    validated = validate(load_content(root), include_drafts=include_drafts)
    assert validated.errors == (), validated.errors
    return validated.site


@pytest.fixture
def site(repo: Path) -> Site:
    return site_of(repo)


def slugs(laureates) -> list[str]:
    return [l.slug for l in laureates]


def test_laureates_are_ordered_newest_edition_first_then_by_title(site: Site) -> None:
    assert slugs(site.laureates) == ["emploi-jeunes", "jardin-partage", "radio-quartier", "atelier-code", "cafe-culture"]


def test_titles_sort_without_regard_to_accents_or_case(repo: Path) -> None:
    write(repo / "content/laureates/ecole.md", "---\ntitle: École ouverte\nporteur: X\nedition: 2022\n"
                                             "quartiers: [le-moulin]\nthemes: [emploi]\nsummary: Une école.\n---\n")
    assert slugs(site_of(repo).by_edition[2022]) == ["ecole", "emploi-jeunes", "jardin-partage", "radio-quartier"]
    assert sorted(["Zèbre", "orange", "Œuvre", "Égalité", "arbre"], key=sort_key) == [
        "arbre", "Égalité", "Œuvre", "orange", "Zèbre"]


def test_indexes_list_each_laureate_under_each_of_its_quartiers_themes_and_edition(site: Site) -> None:
    assert {k: slugs(v) for k, v in site.by_quartier.items()} == {
        "les-tilleuls": ["radio-quartier", "atelier-code", "cafe-culture"],
        "la-gare": ["cafe-culture"],
        "le-moulin": ["emploi-jeunes", "jardin-partage"],
    }
    assert {k: slugs(v) for k, v in site.by_theme.items()} == {
        "numerique": ["radio-quartier", "atelier-code"],
        "culture": ["jardin-partage", "radio-quartier", "cafe-culture"],
        "emploi": ["emploi-jeunes", "jardin-partage"],
    }
    assert {k: slugs(v) for k, v in site.by_edition.items()} == {
        2022: ["emploi-jeunes", "jardin-partage", "radio-quartier"], 2021: ["atelier-code", "cafe-culture"]}


def test_a_theme_or_quartier_without_laureates_has_an_empty_index(repo: Path) -> None:
    write(repo / "content/themes.yaml", (repo / "content/themes.yaml").read_text("utf-8")
          + "  - slug: sante\n    name: Santé\n    description: La santé.\n")
    assert site_of(repo).by_theme["sante"] == ()


def test_quartiers_know_their_commune_and_contrat(site: Site) -> None:
    gare = site.quartiers["la-gare"]
    assert (gare.name, gare.commune, gare.contrat_slug, gare.contrat_name, gare.current, gare.code) == (
        "La Gare", "Villeneuve", "nord", "Contrat de ville Nord", False, None)
    assert site.quartiers["les-tilleuls"].current is True and site.quartiers["les-tilleuls"].code == "QP000001"
    cafe = next(l for l in site.laureates if l.slug == "cafe-culture")
    assert cafe.communes == ("Villeneuve",)


def test_editions_are_newest_first_and_count_what_they_awarded(site: Site) -> None:
    assert [e.year for e in site.editions] == [2022, 2021]
    assert [site.awarded(e) for e in site.editions] == [3, 5]  # 2021 announced 5, two have a page
    assert site.awarded_total == 8


def test_free_pages_follow_their_menu_order_then_the_others(site: Site) -> None:
    assert [(p.slug, p.menu) for p in site.pages] == [
        ("le-label", 1), ("candidater", 2), ("accessibilite", None), ("mentions-legales", None)]


def test_contacts_and_defaults_are_filled_in(site: Site) -> None:
    nord, sud = site.contrats
    assert (nord.contact.role, nord.contact.email, nord.contact.phone) == (
        "Cheffe de projet", "nord@exemple.test", "01 00 00 00 01")
    assert sud.contact is None
    assert site.config.page_size == 2 and site.config.licence == "Licence Ouverte 2.0"
    assert site.config.base_url == "https://exemple.test/label/"


def test_prose_fields_get_french_typography_and_identifiers_do_not(repo: Path) -> None:
    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("title: Atelier code", "title: \"L'atelier : code !\""))
    atelier = next(l for l in site_of(repo).laureates if l.slug == "atelier-code")
    assert atelier.title == "L’atelier\u00a0: code\u202f!"
    assert atelier.website == "https://alpha.exemple.test/"


def test_drafts_are_in_the_preview_model_only(repo: Path) -> None:
    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("title:", "draft: true\ntitle:", 1))
    assert "atelier-code" not in slugs(site_of(repo).laureates)
    preview = site_of(repo, include_drafts=True)
    assert "atelier-code" in slugs(preview.laureates) and "atelier-code" in slugs(preview.by_quartier["les-tilleuls"])


def test_related_laureates_come_from_the_same_quartiers_then_themes(site: Site) -> None:
    by_slug = {l.slug: l for l in site.laureates}
    assert slugs(related_laureates(site, by_slug["atelier-code"])) == ["radio-quartier", "cafe-culture"]
    assert slugs(related_laureates(site, by_slug["emploi-jeunes"])) == ["jardin-partage"]
    assert slugs(related_laureates(site, by_slug["jardin-partage"])) == ["emploi-jeunes", "radio-quartier", "cafe-culture"]


def edition(opens: str | None, closes: str | None):
    from vitrine.content.model import Edition, Source
    date = lambda d: dt.date.fromisoformat(d) if d else None  # noqa: E731
    return Edition(2022, 2, date(opens), date(closes), None, False, "", Source("content/editions/2022.md", 1, ""))


@pytest.mark.parametrize("opens, closes, today, status", [
    ("2022-03-01", "2022-06-05", "2022-02-28", "upcoming"),
    ("2022-03-01", "2022-06-05", "2022-03-01", "open"),
    ("2022-03-01", "2022-06-05", "2022-06-05", "open"),
    ("2022-03-01", "2022-06-05", "2022-06-06", "closed"),
    (None, "2022-06-05", "2020-01-01", "open"),  # only a deadline: open until it
    (None, "2022-06-05", "2022-06-06", "closed"),
    ("2022-03-01", None, "2030-01-01", "open"),  # no deadline yet: open once opened
    (None, None, "2022-04-01", "unknown"),
])
def test_call_state_from_the_edition_dates_and_the_build_date(opens, closes, today, status) -> None:
    assert call_state(edition(opens, closes), dt.date.fromisoformat(today)).status == status


def test_the_url_map_has_every_page_once(site: Site) -> None:
    plan = plan_pages(site, dt.date(2022, 4, 1))
    urls = [p.url for p in plan.pages]
    assert plan.errors == ()
    assert len(urls) == len(set(urls))
    assert urls[:4] == ["", "laureats/", "laureats/page/2/", "laureats/page/3/"]
    assert {"laureats/cafe-culture/", "editions/2021/", "quartiers/la-gare/", "thematiques/emploi/", "candidater/",
            "404.html", "sitemap.xml", "robots.txt"} <= set(urls)
    assert [p.output for p in plan.pages if p.url in ("", "laureats/", "404.html")] == [
        "index.html", "laureats/index.html", "404.html"]


def test_a_free_page_may_not_take_an_address_of_the_site(repo: Path) -> None:
    write(repo / "content/pages/laureats.md", "---\ntitle: Nos lauréats\n---\nTexte.\n")
    plan = plan_pages(site_of(repo), dt.date(2022, 4, 1))
    assert [str(e) for e in plan.errors] == [
        "content/pages/laureats.md:1: fichier: l'adresse /laureats/ est réservée au site "
        "— renommez le fichier (par exemple laureats-infos.md)"]


def test_two_sources_of_one_address_are_both_named(site: Site) -> None:
    clash = dataclasses.replace(site, pages=site.pages + (dataclasses.replace(site.pages[0]),))
    plan = plan_pages(clash, dt.date(2022, 4, 1))
    assert [str(e) for e in plan.errors] == [
        "content/pages/le-label.md:1: fichier: l'adresse /le-label/ est déjà produite par content/pages/le-label.md "
        "— renommez l'un des deux fichiers"]


@pytest.mark.parametrize("value, expected", [
    (dt.date(2022, 3, 1), "1er\u00a0mars 2022"), (dt.date(2020, 6, 5), "5\u00a0juin 2020"),
    (dt.date(2021, 8, 15), "15\u00a0août 2021"), (dt.date(2021, 12, 31), "31\u00a0décembre 2021")])
def test_dates_are_written_the_french_way_whatever_the_locale(value: dt.date, expected: str) -> None:
    assert date_fr(value) == expected


def test_counts_and_ordinals_read_as_french() -> None:
    assert [plural(n, "lauréat") for n in (0, 1, 2)] == ["0\u00a0lauréat", "1\u00a0lauréat", "2\u00a0lauréats"]
    assert plural(3, "quartier prioritaire", "quartiers prioritaires") == "3\u00a0quartiers prioritaires"
    assert [str(ordinal(n)) for n in (1, 2, 3)] == ["1<sup>re</sup>", "2<sup>e</sup>", "3<sup>e</sup>"]


def test_a_pickled_laureate_keeps_its_body_encoded_until_asked_and_equals_the_original(site: Site) -> None:
    import pickle  # noqa: PLC0415 - this test only

    original = site.laureates[0]
    loaded = pickle.loads(pickle.dumps(original))
    again = pickle.loads(pickle.dumps(loaded))  # pickled again before its body was read: still encoded
    assert "body" not in vars(loaded) and "body" not in vars(again)
    assert again.body == original.body and again == original and again.communes == original.communes
    assert dataclasses.replace(loaded, title="Autre").body == original.body
    with pytest.raises(AttributeError):
        loaded.no_such_field  # noqa: B018 - a missing attribute is still missing
