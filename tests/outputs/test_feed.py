"""The Atom feed of laureates, read with a real feed parser."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import feedparser
import pytest

from conftest import build_in_process, make_repo

BASE = "https://exemple.test/label/"


def parse(site: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture built once for the read-only tests below."""
    repo = make_repo(tmp_path_factory.mktemp("feed"))
    assert build_in_process(repo).ok
    return repo / "site"


def test_the_feed_is_well_formed_atom_listing_laureates_newest_edition_first(site: Path) -> None:
    feed = parse(site)
    assert feed.version == "atom10"
    assert feed.feed.title == "Les lauréats — Site de test"
    assert feed.feed.language == "fr"
    assert [e.title for e in feed.entries] == ["Emploi des jeunes", "Jardin partagé", "Radio de quartier",
                                               "Atelier code", "Café culture"]
    assert [e.updated_parsed.tm_year for e in feed.entries] == [2022, 2022, 2022, 2021, 2021]
    atelier = feed.entries[3]
    assert atelier.link == BASE + "laureats/atelier-code/"
    assert atelier.id == BASE + "laureats/atelier-code/"
    assert atelier.summary == "Le projet Atelier code, porté par Association Alpha."
    assert atelier.author == "Association Alpha"
    assert [t.label for t in atelier.tags] == ["Numérique"]
    assert feed.feed.updated_parsed.tm_year == 2022


def test_the_feed_does_not_depend_on_the_build_date(repo: Path, tmp_path: Path) -> None:
    assert build_in_process(repo, today=dt.date(2022, 4, 1)).ok
    assert build_in_process(repo, today=dt.date(2031, 12, 31), out=tmp_path / "later").ok
    assert (repo / "site/feed.xml").read_bytes() == (tmp_path / "later/feed.xml").read_bytes()


@pytest.mark.parametrize("page, href", [("index.html", "feed.xml"), ("laureats/atelier-code/index.html", "../../feed.xml"),
                                        ("donnees/index.html", "../feed.xml"), ("404.html", "/label/feed.xml")])
def test_every_page_announces_the_feed(site: Path, page: str, href: str) -> None:
    html = (site / page).read_text("utf-8")
    assert re.search(rf'<link rel="alternate" type="application/atom\+xml" href="{re.escape(href)}" title="[^"]+">', html)


def test_a_control_character_never_reaches_the_feed(repo: Path) -> None:
    # Refused where it is written, with its line (see test_broken_content.py); the feed would strip it anyway.
    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("title: Atelier code", 'title: "Atelier\\vcode"'), "utf-8")
    report = build_in_process(repo)
    assert [(e.path, e.line, e.field) for e in report.errors] == [("content/laureates/atelier-code.md", 2, "title")]
    assert not (repo / "site").exists()


def test_an_edited_summary_reaches_the_feed_and_an_unchanged_site_does_not_remake_it(repo: Path, monkeypatch) -> None:
    assert build_in_process(repo).ok
    import vitrine.outputs.feed

    made = []
    original = vitrine.outputs.feed.atom_feed
    monkeypatch.setattr(vitrine.outputs.feed, "atom_feed", lambda site: made.append(1) or original(site))
    assert build_in_process(repo).written == ()
    assert made == []

    laureate = repo / "content/laureates/atelier-code.md"
    laureate.write_text(laureate.read_text("utf-8").replace("Le projet Atelier code", "Un atelier de code"), "utf-8")
    assert "feed.xml" in build_in_process(repo).written
    assert made == [1]
    assert parse(repo / "site").entries[3].summary == "Un atelier de code, porté par Association Alpha."
