"""The peers' benchmark translates the generated corpus into each peer's project, with no peer installed."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path
from types import SimpleNamespace

import jinja2
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


def test_only_the_peers_laureate_layouts_are_marked_for_pagefind_as_vitrine_indexes_laureates_only() -> None:
    for laureate_layout in (peers.HUGO_SINGLE, peers.ELEVENTY_LAUREATE):
        assert laureate_layout.count("data-pagefind-body") == 1
    for listing_layout in (peers.HUGO_LIST, peers.ELEVENTY_LISTING, peers.ELEVENTY_HOME):
        assert "data-pagefind" not in listing_layout


def test_plus_pagefind_contenders_run_the_peers_build_then_pagefind_over_its_output(tmp_path: Path) -> None:
    hugo = peers.Peer("Hugo 0.147.8", peers.hugo_project, lambda project: peers.hugo_command("hugo", project))
    indexed = peers.with_pagefind(hugo, "/opt/pagefind", "1.5.2")
    assert indexed.name == "Hugo 0.147.8 + Pagefind 1.5.2"
    assert (indexed.project, indexed.clean) == (hugo.project, hugo.clean)
    assert indexed.command(tmp_path) == hugo.command(tmp_path)
    assert indexed.index(tmp_path / "output") == ["/opt/pagefind", "--site", str(tmp_path / "output"), "--quiet"]
    assert hugo.index is None


def test_pagefind_over_a_peer_shaped_output_indexes_the_laureate_pages_alone(corpus: Path, tmp_path: Path) -> None:
    """The Eleventy layouts (Nunjucks, read here by Jinja2) rendered by hand, then the real Pagefind CLI over them."""
    from vitrine.outputs.pagefind import pagefind_executable

    output = tmp_path / "output"
    environment = jinja2.Environment(autoescape=True)
    items = []
    for laureate in peers.laureates(corpus):
        page = environment.from_string(peers.ELEVENTY_LAUREATE).render(
            title=laureate.title, porteur=laureate.porteur, summary=laureate.summary, content=f"<p>{laureate.body}</p>",
            edition=laureate.edition, quartiers=laureate.quartiers, themes=laureate.themes)
        (output / "laureats" / laureate.slug).mkdir(parents=True)
        (output / "laureats" / laureate.slug / "index.html").write_text(page, "utf-8")
        items.append({"url": f"/laureats/{laureate.slug}/", "data": {"title": laureate.title, "summary": laureate.summary}})
    listing = peers.ELEVENTY_LISTING.split("---\n", 2)[2]
    (output / "laureats" / "index.html").write_text(environment.from_string(listing).render(
        listing=SimpleNamespace(title="Les lauréats", items=items, number=1, pages=1)), "utf-8")
    with pytest.raises(AssertionError, match="0 pages in the search index"):
        peers.check_index("Eleventy + Pagefind", N, output)

    subprocess.run(peers.pagefind_command(str(pagefind_executable()), output), check=True)

    assert peers.indexed_pages(output) == N
    peers.check_index("Eleventy + Pagefind", N, output)
    with pytest.raises(AssertionError):
        peers.check_index("Eleventy + Pagefind", N + 1, output)


def test_lighthouse_serves_the_site_as_a_host_does_text_gzipped_and_folders_redirected(tmp_path: Path) -> None:
    import gzip
    import http.client

    from benchmarks import lighthouse

    (tmp_path / "laureats").mkdir()
    (tmp_path / "laureats" / "index.html").write_text("<p>Lauréats</p>", "utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG not text")
    with lighthouse.served(tmp_path) as base:
        host, port = base.removeprefix("http://").rstrip("/").split(":")

        def get(path: str) -> http.client.HTTPResponse:
            connection = http.client.HTTPConnection(host, int(port))
            connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
            return connection.getresponse()

        page = get("/laureats/?q=atelier")
        assert page.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(page.read()).decode("utf-8") == "<p>Lauréats</p>"
        assert get("/laureats").status == 301
        image = get("/photo.png")
        assert image.headers["Content-Encoding"] is None and image.read() == b"\x89PNG not text"


def test_vitrine_as_deployed_starts_each_build_without_site_and_with_the_cache_of_a_previous_build(
        corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "deployed"
    shutil.copytree(corpus, root)
    contender = peers.deployed_contender(root)  # a first build, unmeasured, fills .vitrine-cache/
    pdfs = {p.name: p.stat().st_mtime_ns for p in (root / ".vitrine-cache" / "catalogues").glob("*.pdf")}
    assert pdfs and contender.clean == ("site", "site.staging")
    (root / "site" / "left-by-the-last-build.txt").write_text("x", "utf-8")
    contender.build()
    assert (root / "site" / "index.html").is_file() and not (root / "site" / "left-by-the-last-build.txt").exists()
    assert {p.name: p.stat().st_mtime_ns for p in (root / ".vitrine-cache" / "catalogues").glob("*.pdf")} == pdfs
