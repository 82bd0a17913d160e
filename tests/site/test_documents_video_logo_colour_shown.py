"""Issue 16: what visitors and machines receive of documents, videos, the logo and the colour.

Download links say their format and size in French, from the published file (« (PDF, 340 Ko) »), and follow a
replaced file on a rebuild with the speed layer as without it; a video is a link naming its host, never a player; the
logo is in the header with the site's title as text; the colour is a stylesheet over the theme's custom properties;
the open data, the feed and the JSON-LD carry the new fields.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import build_in_process, make_repo
from photos import add_image, photo
from test_sharing import graph, head

BASE = "https://exemple.test/label/"
RADIO = "content/laureates/radio-quartier.md"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} is not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def page(root: Path, name: str) -> str:
    return (root / "site" / name).read_text("utf-8")


def downloads(html: str) -> list[tuple[str, str, str]]:
    """(href, type, text) of each download link, the text without its markup."""
    lists = "".join(re.findall(r'<ul class="downloads">(.*?)</ul>', html, re.S))
    return [(href, kind, re.sub(r"<[^>]+>", "", text)) for href, kind, text in
            re.findall(r'<li><a href="([^"]+)" type="([^"]+)">(.*?)</a></li>', lists)]


def pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (size - 9)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small fixture (logo, colour, a laureate's and an edition's document, a video), with a 340 Ko PDF."""
    root = make_repo(tmp_path_factory.mktemp("shown"))
    (root / "content/media/reglement-2022.pdf").write_bytes(pdf(340 * 1024))
    assert build_in_process(root).ok
    return root


def test_download_links_say_format_and_size_in_french(built: Path) -> None:
    assert downloads(page(built, "editions/2022/index.html")) == [
        ("../../media/reglement-2022.pdf", "application/pdf",
         "Règlement de l’appel à projets 2022 (PDF, 340\u00a0Ko)")]
    assert downloads(page(built, "laureats/radio-quartier/index.html")) == [
        ("../../media/bilan-radio.pdf", "application/pdf", "Bilan de la première saison (PDF, 1\u00a0Ko)")]
    assert (built / "site/media/reglement-2022.pdf").stat().st_size == 340 * 1024
    assert "Document à télécharger" in page(built, "editions/2022/index.html")
    assert "télécharger" not in page(built, "editions/2021/index.html")  # no documents, no heading


@pytest.mark.parametrize("size, shown", [(1, "1\u00a0Ko"), (1536, "2\u00a0Ko"), (999 * 1024, "999\u00a0Ko"),
                                         (1024 * 1024, "1\u00a0Mo"), (int(2.45 * 1024 * 1024), "2,4\u00a0Mo"),
                                         (30 * 1024 * 1024, "30\u00a0Mo")])
def test_sizes_are_written_the_french_way(size: int, shown: str) -> None:
    from vitrine.site.french_formats import file_size

    assert file_size(size) == shown


def test_a_video_is_a_link_naming_its_host_never_an_embedded_player(built: Path) -> None:
    html = page(built, "laureats/radio-quartier/index.html")
    assert ('<a href="https://www.youtube.com/watch?v=radio-quartier" rel="external">Voir la vidéo sur youtube.com</a>'
            in html)
    assert not re.search(r"<(iframe|video|embed|object)\b", html)


def test_the_logo_is_the_home_links_image_with_the_title_as_text(built: Path) -> None:
    html = page(built, "laureats/index.html")
    brand = re.search(r'<a class="brand" href="../">(.*?)</a>', html, re.S).group(1)
    assert re.search(r'<img src="../media/logo-240\.[0-9a-f]{8}\.png" [^>]*alt="EPT de test">', brand)
    assert '<span class="brand-title">Site de test</span>' in brand
    assert "brand-org" not in brand  # the logo writes the organisation's name: not said twice
    logo = re.search(r'src="\.\./(media/logo-240\.[0-9a-f]{8}\.png)"', brand).group(1)
    assert (built / "site" / logo).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_colour_is_a_stylesheet_over_the_themes_custom_properties(built: Path) -> None:
    css = page(built, "couleurs.css")
    assert "--brand: #1f5fa8;" in css and "--focus: #1f5fa8;" in css
    assert re.search(r"--brand-dark: #[0-9a-f]{6};", css)
    html = page(built, "editions/2022/index.html")
    assert html.index('href="../../static/style.css"') < html.index('href="../../couleurs.css"')


def test_without_a_colour_there_is_no_colour_stylesheet(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    edit(root, "content/site.yaml", 'colour: "#1f5fa8"\n', "")
    assert build_in_process(root).ok
    assert not (root / "site/couleurs.css").exists() and "couleurs.css" not in page(root, "index.html")


def test_the_home_figures_give_the_total_support_when_known(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    assert "soutien financier" not in page(root, "index.html")  # no amount known: no figure
    edit(root, RADIO, "summary:", "support: 12000\nsummary:")
    edit(root, "content/editions/2021.md", "laureates_announced: 5", "laureates_announced: 5\nsupport_total: 50000")
    assert build_in_process(root).ok
    figure = re.search(r"<li><strong>([^<]+)</strong> de soutien financier(.*?)</li>", page(root, "index.html"))
    assert figure.group(1) == "62\u202f000\u00a0€"
    assert "somme des montants connus" in figure.group(2)  # a 2022 laureate has no amount


def test_the_open_data_carry_documents_titles_and_video(built: Path) -> None:
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(page(built, "donnees/laureats.csv")))}
    radio = rows["radio-quartier"]
    assert radio["video"] == "https://www.youtube.com/watch?v=radio-quartier"
    assert radio["documents"] == BASE + "media/bilan-radio.pdf"
    assert radio["document_titles"] == "Bilan de la première saison"
    assert rows["atelier-code"]["documents"] == "" and rows["atelier-code"]["video"] == ""
    data = {r["slug"]: r for r in json.loads(page(built, "donnees/laureats.json"))}
    assert data["radio-quartier"]["documents"] == [BASE + "media/bilan-radio.pdf"]
    assert data["atelier-code"]["documents"] == [] and data["atelier-code"]["video"] is None
    fields = {f["name"]: f for f in json.loads(page(built, "donnees/datapackage.json"))["resources"][0]["schema"]["fields"]}
    assert fields["documents"]["format"] == fields["video"]["format"] == "uri"
    assert fields["documents"]["description"].startswith("Documents à télécharger : adresse de chaque fichier publié")


def test_the_json_ld_gives_the_support_as_a_grant_and_documents_and_video_as_works_about_the_project(
        tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    edit(root, RADIO, "summary:", "support: 12000\nsummary:")
    assert build_in_process(root).ok
    h = head(root / "site", "laureats/radio-quartier/index.html")
    project = graph(h, "Project")
    assert project["funding"] == {
        "@type": "MonetaryGrant", "name": "Soutien du label Site de test, édition 2022",
        "amount": {"@type": "MonetaryAmount", "value": 12000, "currency": "EUR"},
        "funder": {"@type": "GovernmentOrganization", "@id": BASE + "#organisation", "name": "EPT de test"}}
    assert project["subjectOf"] == [
        {"@type": "DigitalDocument", "name": "Bilan de la première saison", "url": BASE + "media/bilan-radio.pdf",
         "encodingFormat": "application/pdf", "contentSize": "1\u00a0Ko"},
        {"@type": "VideoObject", "name": "Vidéo\u00a0: Radio de quartier", "url": "https://www.youtube.com/watch?v=radio-quartier"}]
    assert "funding" not in graph(head(root / "site", "laureats/cafe-culture/index.html"), "Project")
    organisation = graph(head(root / "site", "index.html"), "GovernmentOrganization")
    assert organisation["logo"]["caption"] == "EPT de test"
    assert re.fullmatch(re.escape(BASE) + r"media/logo-240\.[0-9a-f]{8}\.png", organisation["logo"]["url"])


def test_the_feed_gives_support_credit_documents_and_video(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    edit(root, RADIO, "summary:", "support: 12000\nsummary:")
    add_image(root, "radio-quartier", "studio.jpg", photo((900, 600)))
    assert build_in_process(root).ok
    feed = page(root, "feed.xml")
    entry = feed.split("<title>Radio de quartier</title>", 1)[1].split("</entry>", 1)[0]
    assert "<summary>Le projet Radio de quartier, porté par Association Delta. Soutien du label\u00a0: 12\u202f000\u00a0€." \
           "</summary>" in entry
    assert f'<link rel="enclosure" href="{BASE}media/studio.jpg" type="image/jpeg" title="© Camille Martin" />' in entry
    assert (f'<link rel="enclosure" href="{BASE}media/bilan-radio.pdf" type="application/pdf" '
            'title="Bilan de la première saison" />') in entry
    assert ('<link rel="related" href="https://www.youtube.com/watch?v=radio-quartier" type="text/html" '
            'title="Vidéo" />') in entry


# --- The speed layer: a replaced document or an edited list gives what a cold build gives ---

def test_a_replaced_document_changes_the_size_shown_as_a_cold_build_would(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    (root / "content/media/bilan-radio.pdf").write_bytes(pdf(int(1.5 * 1024 * 1024)))
    (root / "content/media/reglement-2022.pdf").write_bytes(pdf(80 * 1024))
    report = build_in_process(root)
    assert report.ok and "laureats/radio-quartier/index.html" in report.rendered_paths
    assert downloads(page(root, "laureats/radio-quartier/index.html"))[0][2].endswith("(PDF, 1,5\u00a0Mo)")
    assert downloads(page(root, "editions/2022/index.html"))[0][2].endswith("(PDF, 80\u00a0Ko)")
    assert "1,5\u00a0Mo" in graph(head(root / "site", "laureats/radio-quartier/index.html"),
                                  "Project")["subjectOf"][0]["contentSize"]
    cold = build_in_process(root, out=tmp_path / "cold", speed=False)
    assert cold.ok
    for name in ("laureats/radio-quartier/index.html", "editions/2022/index.html"):
        assert page(root, name) == (tmp_path / "cold" / name).read_text("utf-8")


def test_an_edited_laureates_documents_and_video_on_the_fast_path_as_a_cold_build_would(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    assert build_in_process(root).ok
    edit(root, RADIO, "    title: Bilan de la première saison\n",
         "    title: Bilan de la première saison\n  - file: media/reglement-2022.pdf\n    title: Le règlement\n")
    edit(root, RADIO, "watch?v=radio-quartier", "watch?v=autre")
    report = build_in_process(root)
    assert report.ok and report.reads == 1  # the edit fast path: the edited file alone was read
    html = page(root, "laureats/radio-quartier/index.html")
    assert [text for _, _, text in downloads(html)] == ["Bilan de la première saison (PDF, 1\u00a0Ko)",
                                                         "Le règlement (PDF, 1\u00a0Ko)"]
    assert "watch?v=autre" in html
    cold = build_in_process(root, out=tmp_path / "cold", speed=False)
    assert cold.ok
    for name in ("laureats/radio-quartier/index.html", "donnees/laureats.json", "donnees/laureats.csv", "feed.xml"):
        assert page(root, name) == (tmp_path / "cold" / name).read_text("utf-8"), name
