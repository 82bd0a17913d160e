"""The quartiers map on /quartiers/: present only when coordinates or outlines are given, links correct."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from conftest import build_in_process, write
from vitrine.site.map import quartier_map
from vitrine.content.model import Quartier

MAP_LINK = re.compile(r'<a class="(map-link[^"]*)" href="([^"]+)" aria-label="([^"]+)">\s*<title>[^<]*</title>\s*<(path|circle)')


def map_links(root: Path) -> list[tuple[str, str, str, str]]:
    return MAP_LINK.findall((root / "site" / "quartiers" / "index.html").read_text("utf-8"))


def add_to_quartier(root: Path, slug: str, lines: str) -> None:
    territory = root / "content" / "territory.yaml"
    text = territory.read_text("utf-8")
    anchor = f"      - slug: {slug}\n"
    assert anchor in text
    territory.write_text(text.replace(anchor, anchor + lines), "utf-8")


def square(lon: float, lat: float, size: float = 0.01) -> list:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def feature(properties: dict, polygon: list, kind: str = "Polygon") -> dict:
    return {"type": "Feature", "properties": properties, "geometry": {"type": kind, "coordinates": polygon}}


def write_outlines(root: Path, features: list[dict]) -> None:
    write(root / "content" / "media" / "quartiers.geojson",
          json.dumps({"type": "FeatureCollection", "features": features}, indent=1))
    territory = root / "content" / "territory.yaml"
    territory.write_text("outlines: media/quartiers.geojson\n" + territory.read_text("utf-8"), "utf-8")


def test_no_map_without_coordinates_or_outlines(repo: Path) -> None:
    assert build_in_process(repo).ok
    html = (repo / "site" / "quartiers" / "index.html").read_text("utf-8")
    assert "<svg" not in html and 'class="map' not in html


def test_quartiers_with_coordinates_are_labelled_links_on_the_map(repo: Path) -> None:
    add_to_quartier(repo, "les-tilleuls", "        coordinates: [48.71, 2.39]\n")
    add_to_quartier(repo, "le-moulin", "        coordinates: [48.69, 2.41]\n")
    assert build_in_process(repo).ok
    assert map_links(repo) == [
        ("map-link", "../quartiers/le-moulin/", "Le Moulin, Sainte-Rive&nbsp;: 2\u00a0lauréats", "circle"),
        ("map-link", "../quartiers/les-tilleuls/", "Les Tilleuls, Villeneuve&nbsp;: 3\u00a0lauréats", "circle"),
    ]
    html = (repo / "site" / "quartiers" / "index.html").read_text("utf-8")
    assert '<svg class="map-drawing" viewBox="0 0 800.0 ' in html and 'role="group" aria-labelledby="carte-titre"' in html
    assert ">Les Tilleuls</text>" in html and ">La Gare</text>" not in html  # no position, not drawn
    assert '<a href="../quartiers/la-gare/">La Gare</a>' in html  # the list stays the navigation
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # the CSP forbids inline styles


def test_outlines_are_taken_from_the_territory_geojson_by_official_code_or_slug(repo: Path) -> None:
    write_outlines(repo, [
        feature({"code_qp": "QP000001", "nom_qp": "Les Tilleuls"}, square(2.39, 48.71)),
        feature({"SLUG": "le-moulin"}, [square(2.41, 48.69), square(2.43, 48.69)], "MultiPolygon"),
        feature({"code_qp": "QP999999", "nom_qp": "Ailleurs"}, square(5.0, 45.0)),  # another territory
    ])
    report = build_in_process(repo)
    assert report.ok, report.errors
    assert [(href, kind) for _, href, _, kind in map_links(repo)] == [
        ("../quartiers/le-moulin/", "path"), ("../quartiers/les-tilleuls/", "path")]
    html = (repo / "site" / "quartiers" / "index.html").read_text("utf-8")
    moulin = re.search(r'quartiers/le-moulin/".*?<path class="map-area" d="([^"]+)"', html, re.S).group(1)
    assert moulin.count("M") == 2 and moulin.count("Z") == 2
    assert "d'après leurs contours officiels" in html.replace("’", "'")
    assert [str(w) for w in report.warnings] == [
        "content/territory.yaml:14: contrats_de_ville[1].quartiers[2].code: aucun contour de "
        "media/quartiers.geojson n'a la propriété slug « la-gare » : le quartier n'aura pas de contour sur la carte "
        "— ajoutez « code: » (le code officiel du quartier) pour le rattacher à son contour"]


def test_a_broken_outlines_file_is_a_content_error(repo: Path) -> None:
    write_outlines(repo, [
        feature({"code_qp": "QP000001"}, {"type": "Point"}, "Point"),
        feature({"slug": "le-moulin"}, square(652000, 6860000)),  # Lambert-93, not WGS 84
    ])
    report = build_in_process(repo)
    assert [str(e).split(" — ")[0] for e in report.errors] == [
        "content/media/quartiers.geojson:1: features[1].geometry: géométrie « Point » : seuls Polygon et "
        "MultiPolygon sont acceptés",
        "content/media/quartiers.geojson:1: features[2].geometry: coordonnées invalides : chaque point s'écrit "
        "[longitude, latitude]",
    ]
    write(repo / "content" / "media" / "quartiers.geojson", '{"type": "FeatureCollection",\n "features": [,]}')
    assert [str(e).split(" — ")[0] for e in build_in_process(repo).errors] == [
        "content/media/quartiers.geojson:2: json: JSON invalide : valeur attendue, colonne 15"]


def test_outlines_and_coordinates_are_checked_in_territory_yaml(repo: Path) -> None:
    territory = repo / "content" / "territory.yaml"
    territory.write_text("outlines: media/contours.geojson\n" + territory.read_text("utf-8"), "utf-8")
    add_to_quartier(repo, "le-moulin", "        coordinates: [2.41, 248.69]\n")
    errors = [str(e) for e in build_in_process(repo).errors]
    assert errors == [
        "content/territory.yaml:1: outlines: fichier introuvable « media/contours.geojson » "
        "— placez le fichier dans content/media/",
        "content/territory.yaml:22: contrats_de_ville[2].quartiers[1].coordinates: coordonnées hors limites "
        "— écrivez [latitude, longitude] en degrés, par exemple [48.7, 2.39]",
    ]


def quartier(slug: str, coordinates=None, outline=None) -> Quartier:
    return Quartier(slug, slug.title(), "Ville", None, True, coordinates, "c", "Contrat", outline)


def test_the_projection_keeps_north_up_and_east_right_inside_the_drawing() -> None:
    drawn = quartier_map([quartier("nord-ouest", (48.8, 2.3)), quartier("sud-est", (48.7, 2.5)), quartier("sans")], {})
    assert drawn is not None
    nw, se = sorted(drawn.shapes, key=lambda s: s.quartier.slug)
    assert nw.x < se.x and nw.y < se.y
    assert all(0 < s.x < drawn.width and 0 < s.y < drawn.height for s in drawn.shapes)
    assert [s.quartier.slug for s in drawn.shapes] == ["nord-ouest", "sud-est"]
    assert quartier_map([quartier("sans")], {}) is None
    single = quartier_map([quartier("seul", (48.8, 2.3))], {})
    assert single is not None and (single.shapes[0].x, single.shapes[0].y) == (single.width / 2, single.height / 2)


def test_check_counts_the_outlines_file_as_used(repo: Path) -> None:
    from vitrine.pipeline import check  # noqa: PLC0415

    write_outlines(repo, [feature({"code_qp": "QP000001"}, square(2.39, 48.71))])
    report = check(repo, dt.date(2022, 4, 1))
    assert report.errors == ()
    assert not [w for w in report.warnings if "quartiers.geojson" in w.path]
