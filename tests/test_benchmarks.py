"""The peers' benchmark translates the generated corpus into each peer's project, with no peer installed."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from benchmarks import peers
from benchmarks.generate import generate

N = 5


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(N, tmp_path_factory.mktemp("corpus"), words=(40, 90))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def sources(corpus: Path) -> dict[str, str]:
    return {p.name: p.read_text("utf-8") for p in (corpus / "content" / "laureates").iterdir()}


def test_every_peer_gets_one_markdown_file_per_laureate_with_its_body_unchanged(corpus: Path, tmp_path: Path) -> None:
    for project in (peers.pelican_project(corpus, tmp_path / "pelican"), peers.hugo_project(corpus, tmp_path / "hugo"),
                    peers.eleventy_project(corpus, tmp_path / "eleventy")):
        written = {p.name: p.read_text("utf-8") for p in (project / "content" / "laureates").glob("*.md")
                   if p.name != "_index.md"}
        assert written.keys() == sources(corpus).keys()
        for name, text in sources(corpus).items():
            assert written[name].endswith(text.split("\n---\n", 1)[1])


def test_pelican_gets_the_edition_as_category_and_quartiers_and_themes_as_tags(corpus: Path, tmp_path: Path) -> None:
    project = peers.pelican_project(corpus, tmp_path / "pelican")
    laureate = peers.laureates(corpus)[0]
    header = (project / "content" / "laureates" / f"{laureate.slug}.md").read_text("utf-8").split("\n\n", 1)[0]
    assert f"Category: {laureate.edition}" in header
    assert f"Tags: {', '.join(laureate.quartiers + laureate.themes)}" in header
    assert f"Title: {laureate.title}\n" in header
    settings: dict = {}
    exec((project / "pelicanconf.py").read_text("utf-8"), settings)  # noqa: S102 - the file this test just wrote
    assert settings["DEFAULT_PAGINATION"] == peers.PER_PAGE
    assert settings["ARTICLE_SAVE_AS"] == "laureats/{slug}/index.html"


def test_pelican_content_cache_is_switched_on_by_option_inside_the_project(tmp_path: Path) -> None:
    plain = peers.pelican_command("pelican", tmp_path)
    cached = peers.pelican_command("pelican", tmp_path, cache=True)
    assert "-e" not in plain
    assert cached[:len(plain)] == plain
    assert cached[len(plain):] == ["-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true",
                                   f'CACHE_PATH="{tmp_path / "cache"}"']


@pytest.mark.parametrize(("version", "paginate"), [((0, 111), {"paginate": 24}),
                                                   ((0, 147), {"pagination": {"pagerSize": 24}})])
def test_hugo_config_paginates_by_24_the_way_its_version_reads(corpus: Path, tmp_path: Path, version: tuple[int, int],
                                                               paginate: dict) -> None:
    project = peers.hugo_project(corpus, tmp_path / "hugo", version)
    config = tomllib.loads((project / "hugo.toml").read_text("utf-8"))
    assert paginate.items() <= config.items()
    assert config["taxonomies"] == {"edition": "editions", "quartier": "quartiers", "theme": "thematiques"}
    assert (project / "layouts" / "_default" / "single.html").is_file()
    assert (project / "layouts" / "_default" / "list.html").is_file()


def test_hugo_laureates_carry_every_taxonomy_and_their_slug(corpus: Path, tmp_path: Path) -> None:
    project = peers.hugo_project(corpus, tmp_path / "hugo")
    for laureate in peers.laureates(corpus):
        front = front_matter(project / "content" / "laureates" / f"{laureate.slug}.md")
        assert front["slug"] == laureate.slug
        assert front["editions"] == [laureate.edition]
        assert front["quartiers"] == list(laureate.quartiers)
        assert front["thematiques"] == list(laureate.themes)


def test_eleventy_gets_the_laureate_files_as_they_are_and_a_listing_per_page(corpus: Path, tmp_path: Path) -> None:
    project = peers.eleventy_project(corpus, tmp_path / "eleventy")
    content = project / "content"
    assert {p.name: p.read_text("utf-8") for p in (content / "laureates").glob("*.md")} == sources(corpus)
    assert "laureate.njk" in (content / "laureates" / "laureates.11tydata.js").read_text("utf-8")
    assert front_matter(content / "listing.njk")["pagination"] == {"data": "collections.listings", "size": 1,
                                                                   "alias": "listing"}
    assert (content / "_includes" / "laureate.njk").is_file()
    assert "PER_PAGE = 24" in (project / "eleventy.config.cjs").read_text("utf-8")
    assert peers.eleventy_command("eleventy", project)[:3] == ["env", "-C", str(project)]


def test_listing_pages_count_every_listing_of_24_once() -> None:
    def laureate(edition: str, quartiers: tuple[str, ...], themes: tuple[str, ...]) -> peers.Laureate:
        return peers.Laureate("x", "", "", "X", "P", edition, quartiers, themes, "")

    items = [laureate("2017", ("q1",), ("a", "b"))] * 25 + [laureate("2018", ("q1", "q2"), ("a",))]
    # all: 26 → 2 pages; 2017: 25 → 2, 2018: 1 → 1; q1: 26 → 2, q2: 1 → 1; a: 26 → 2, b: 25 → 2
    assert peers.listing_pages(items) == 2 + 2 + 1 + 2 + 1 + 2 + 2


def test_a_peers_site_without_a_page_per_laureate_fails_the_check() -> None:
    peers.check_pages("Peer", 10, 3, 13, 10)
    with pytest.raises(AssertionError, match="9 laureate pages for 10 laureates"):
        peers.check_pages("Peer", 10, 3, 13, 9)
    with pytest.raises(AssertionError, match="12 HTML pages"):
        peers.check_pages("Peer", 10, 3, 12, 10)
