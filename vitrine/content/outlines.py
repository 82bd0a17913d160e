"""The quartiers' outlines: ``territory.yaml``'s GeoJSON file (``outlines:``), read into rings of (lon, lat)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from vitrine.content.fields import Collector, Media, check_media, field_of
from vitrine.content.read import SourceFile
from vitrine.errors import ContentError


def outlines_of(value: str, geojson: dict[str, SourceFile], media: Media, out: Collector,
              errors: list[ContentError]) -> dict[tuple[str, str], tuple] | None:
    """The outlines of ``territory.yaml``'s GeoJSON file, by ("code", code_qp) and ("slug", slug)."""
    known = len(out.errors)
    name = check_media(value, media, ("outlines",), "outlines", out)
    if len(out.errors) > known:
        return None
    source = geojson.get("content/" + name)
    if source is None and PurePosixPath(name).suffix.lower() == ".geojson":
        return None  # present, but unreadable: its own errors say why
    if source is None:
        out.add(("outlines",), "outlines", f"« {value} » n'est pas un fichier GeoJSON",
                "donnez un fichier .geojson (contours des quartiers en WGS 84)")
        return None
    problems = Collector(source)
    found = read_outlines(source.data, problems)
    errors.extend(problems.errors)
    return None if problems.errors else found


def read_outlines(data: Any, out: Collector) -> dict[tuple[str, str], tuple]:
    """A GeoJSON FeatureCollection of Polygons and MultiPolygons → rings of (lon, lat) by code and slug."""
    hint = "le fichier doit être une FeatureCollection GeoJSON de polygones, en longitude et latitude (WGS 84)"
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list):
        out.add((), "type", "attendu : une FeatureCollection GeoJSON", hint)
        return {}
    found: dict[tuple[str, str], tuple] = {}
    for i, feature in enumerate(data["features"]):
        label = f"features[{i + 1}]"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(properties, dict) or not isinstance(geometry, dict):
            out.add((), label, "entité sans « properties » ou sans « geometry »", hint)
            continue
        keys = {str(k).lower(): v for k, v in properties.items()}
        if not any(isinstance(keys.get(k), str) for k in ("code_qp", "slug")):
            continue  # not a quartier we could name: ignored, like every quartier of other territories
        rings = _rings(geometry, label, out, hint)
        for key in ("code_qp", "slug"):
            if rings and isinstance(keys.get(key), str):
                at = (key.replace("code_qp", "code"), keys[key].strip())
                found[at] = found.get(at, ()) + rings  # a quartier drawn in several features
    return found


def _rings(geometry: dict, label: str, out: Collector, hint: str) -> tuple | None:
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    polygons = [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else None
    if not isinstance(polygons, list):
        out.add((), f"{label}.geometry", f"géométrie « {kind} » : seuls Polygon et MultiPolygon sont acceptés", hint)
        return None
    rings = []
    for polygon in polygons:
        for ring in polygon if isinstance(polygon, list) else [None]:
            points = [p for p in ring if _is_position(p)] if isinstance(ring, list) else []
            if not isinstance(ring, list) or len(points) != len(ring) or len(points) < 3:
                out.add((), f"{label}.geometry", "coordonnées invalides : chaque point s'écrit [longitude, latitude]", hint)
                return None
            rings.append(tuple((float(p[0]), float(p[1])) for p in points))
    return tuple(rings)


def _is_position(p: Any) -> bool:
    return (isinstance(p, list) and len(p) >= 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in p[:2])
            and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def missing_outline(out: Collector, keys: tuple, q: dict, file: str) -> ContentError:
    where = f"code_qp « {q['code']} »" if q["code"] else f"slug « {q['slug']} »"
    hint = ("vérifiez le code officiel du quartier" if q["code"]
            else "ajoutez « code: » (le code officiel du quartier) pour le rattacher à son contour")
    return ContentError(out.source.path, out.source.line(*keys), field_of(keys, "code"),
                        f"aucun contour de {file} n'a la propriété {where} : le quartier n'aura pas de contour sur la carte",
                        hint, True)
