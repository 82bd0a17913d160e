"""Sharing metadata: what a chat, a social network or a search engine reads in each page's head."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo
from photos import add_image, photo

BASE = "https://exemple.test/label/"
DEFAULT_IMAGE = BASE + "static/og-default.png"


class Head(HTMLParser):
    """The ``<meta>`` tags (by property or name), the canonical link and the JSON-LD blocks of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.json_ld: list = []
        self._in_json = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a["content"]
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        self._in_json = tag == "script" and a.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_json:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag: str) -> None:
        self._in_json = False


def head(site: Path, page: str) -> Head:
    return Head((site / page).read_text("utf-8"))


def graph(h: Head, kind: str) -> dict:
    return next(node for block in h.json_ld for node in block["@graph"] if node["@type"] == kind)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture, one laureate with a photo, built once for the read-only tests below."""
    repo = make_repo(tmp_path_factory.mktemp("sharing"))
    add_image(repo, "atelier-code", "atelier.jpg", photo((1300, 650)), alt="Des enfants devant des écrans")
    assert build_in_process(repo).ok
    return repo / "site"


PAGES = {"index.html": "", "laureats/index.html": "laureats/", "laureats/page/2/index.html": "laureats/page/2/",
         "laureats/cafe-culture/index.html": "laureats/cafe-culture/", "editions/index.html": "editions/",
         "editions/2021/index.html": "editions/2021/", "quartiers/les-tilleuls/index.html": "quartiers/les-tilleuls/",
         "thematiques/culture/index.html": "thematiques/culture/", "le-label/index.html": "le-label/",
         "donnees/index.html": "donnees/", "404.html": "404.html"}


@pytest.mark.parametrize("page, url", PAGES.items())
def test_every_page_type_has_its_sharing_tags(site: Path, page: str, url: str) -> None:
    h = head(site, page)
    assert h.canonical == h.meta["og:url"] == BASE + url
    assert h.meta["description"] == h.meta["og:description"] == h.meta["twitter:description"] != ""
    assert h.meta["og:title"] == h.meta["twitter:title"] != ""
    assert h.meta["og:locale"] == "fr_FR" and h.meta["og:site_name"] == "Site de test"
    assert h.meta["og:type"] == ("article" if page.startswith("laureats/cafe") else "website")
    # A page without its own photo shares the site's logo (the fixture has one), as a thumbnail card
    assert h.meta["twitter:card"] == "summary"
    assert re.fullmatch(re.escape(BASE) + r"media/logo-240\.[0-9a-f]{8}\.png", h.meta["og:image"])
    assert h.meta["og:image"] == h.meta["twitter:image"]
    assert (h.meta["og:image:width"], h.meta["og:image:height"], h.meta["og:image:alt"]) == ("240", "80", "EPT de test")


def test_without_a_logo_a_page_shares_the_themes_default_image(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    config = repo / "content/site.yaml"
    config.write_text(config.read_text("utf-8").replace("logo: media/logo.png\nlogo_alt: EPT de test\n", ""), "utf-8")
    assert build_in_process(repo).ok
    for page in ("index.html", "laureats/cafe-culture/index.html"):
        h = head(repo / "site", page)
        assert h.meta["twitter:card"] == "summary_large_image"
        assert h.meta["og:image"] == h.meta["twitter:image"] == DEFAULT_IMAGE
        assert (h.meta["og:image:width"], h.meta["og:image:height"], h.meta["og:image:alt"]) == (
            "1200", "630", "Site de test")


def test_a_laureate_page_shares_its_title_summary_and_photo(site: Path) -> None:
    h = head(site, "laureats/atelier-code/index.html")
    assert h.meta["og:title"] == "Atelier code"
    assert h.meta["og:description"] == "Le projet Atelier code, porté par Association Alpha."
    image = h.meta["og:image"]
    assert re.fullmatch(re.escape(BASE) + r"media/atelier-1200\.[0-9a-f]{8}\.jpg", image)
    assert (site / image.removeprefix(BASE)).is_file()
    assert (h.meta["og:image:width"], h.meta["og:image:height"]) == ("1200", "600")
    assert h.meta["og:image:type"] == "image/jpeg"
    assert h.meta["og:image:alt"] == h.meta["twitter:image:alt"] == "Des enfants devant des écrans"
    assert h.meta["twitter:card"] == "summary_large_image"


def test_the_default_image_is_a_1200_by_630_png(site: Path) -> None:
    data = (site / "static/og-default.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (1200, 630)


def test_a_laureate_page_describes_the_project_its_organisation_and_quartiers(site: Path) -> None:
    h = head(site, "laureats/cafe-culture/index.html")
    project = graph(h, "Project")
    assert project["name"] == "Café culture"
    assert project["description"] == "Le projet Café culture, porté par Association Beta."
    assert project["url"] == BASE + "laureats/cafe-culture/"
    assert project["parentOrganization"] == {"@type": "Organization", "name": "Association Beta"}
    assert [(p["name"], p["address"]["addressLocality"], p.get("identifier")) for p in project["areaServed"]] == [
        ("La Gare", "Villeneuve", None), ("Les Tilleuls", "Villeneuve", "QP000001")]
    assert graph(h, "WebPage")["mainEntity"] == {"@id": project["@id"]}
    assert graph(head(site, "laureats/atelier-code/index.html"), "Project")["image"]["url"] == \
        head(site, "laureats/atelier-code/index.html").meta["og:image"]


def test_the_home_page_describes_the_site_and_its_publisher(site: Path) -> None:
    h = head(site, "index.html")
    website, organisation = graph(h, "WebSite"), graph(h, "GovernmentOrganization")
    assert (website["name"], website["url"], website["inLanguage"]) == ("Site de test", BASE, "fr-FR")
    assert website["publisher"] == {"@id": organisation["@id"]}
    assert (organisation["name"], organisation["email"]) == ("EPT de test", "contact@exemple.test")
    assert head(site, "laureats/index.html").json_ld == []


def test_content_cannot_close_the_json_ld_script(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    laureate = repo / "content/laureates/atelier-code.md"
    hostile = "Fin</script><script>alert(1)</script> & <!-- suite"
    laureate.write_text(laureate.read_text("utf-8").replace("summary: Le projet Atelier code, porté par Association Alpha.",
                                                           f'summary: "{hostile}"'), "utf-8")
    assert build_in_process(repo).ok
    html = (repo / "site/laureats/atelier-code/index.html").read_text("utf-8")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script
    assert json.loads(script)["@graph"][1]["description"] == hostile
    assert "<script>alert(1)" not in html
