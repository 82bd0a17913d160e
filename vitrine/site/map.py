"""The quartiers map, drawn at build time: outlines and positions → SVG coordinates.

No tiles and no request to any other origin: the map is an inline SVG of the
quartiers alone, projected with an equirectangular projection corrected for
the latitude (exact enough at the scale of a territory). Outlines come from a
GeoJSON file named in ``territory.yaml`` (``outlines``), positions from each
quartier's ``coordinates``; a quartier with neither is simply not drawn, and
without any the map is absent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from vitrine.content.model import Quartier

WIDTH = 800.0
MAX_HEIGHT = 560.0
MIN_HEIGHT = 240.0
MARGIN = 36.0
POINT_RADIUS = 7


@dataclass(frozen=True)
class MapShape:
    """One quartier on the map: its outline (SVG path data) or its point, and where its label goes."""

    quartier: Quartier
    count: int  # its laureates
    path: str | None  # None: drawn as a point at (x, y)
    x: float
    y: float


@dataclass(frozen=True)
class QuartierMap:
    width: float
    height: float
    shapes: tuple[MapShape, ...]


def quartier_map(quartiers: Sequence[Quartier], counts: Mapping[str, int]) -> QuartierMap | None:
    """The map of the quartiers that have an outline or coordinates; None when none has."""
    drawn = [q for q in quartiers if q.outline or q.coordinates]
    if not drawn:
        return None
    positions = [pos for q in drawn for pos in _positions(q)]
    project, width, height = _projection(positions)
    shapes = []
    for q in sorted(drawn, key=lambda q: (q.outline is None, q.slug)):  # areas first, points drawn over them
        if q.outline:
            rings = [[project(lon, lat) for lon, lat in ring] for ring in q.outline]
            x, y = _label_point(max(rings, key=lambda r: abs(_area(r))))
            shapes.append(MapShape(q, counts.get(q.slug, 0), _path(rings), round(x, 1), round(y, 1)))
        else:
            assert q.coordinates is not None
            lat, lon = q.coordinates
            x, y = project(lon, lat)
            shapes.append(MapShape(q, counts.get(q.slug, 0), None, round(x, 1), round(y, 1)))
    return QuartierMap(width, height, tuple(shapes))


def _positions(q: Quartier) -> Iterable[tuple[float, float]]:
    """(lon, lat) of everything drawn for ``q``."""
    if q.outline:
        for ring in q.outline:
            yield from ring
    elif q.coordinates:
        lat, lon = q.coordinates
        yield lon, lat


def _projection(positions: list[tuple[float, float]]):
    """A (lon, lat) → (x, y) function fitting every position in the drawing, and the drawing's size."""
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    shrink = math.cos(math.radians((south + north) / 2))
    span_x, span_y = (east - west) * shrink, north - south
    if span_x == 0 and span_y == 0:
        scale = 1.0
    elif span_x == 0 or span_y / span_x > (MAX_HEIGHT - 2 * MARGIN) / (WIDTH - 2 * MARGIN):
        scale = (MAX_HEIGHT - 2 * MARGIN) / span_y
    else:
        scale = (WIDTH - 2 * MARGIN) / span_x
    height = max(MIN_HEIGHT, span_y * scale + 2 * MARGIN)
    left = (WIDTH - span_x * scale) / 2
    top = (height - span_y * scale) / 2

    def project(lon: float, lat: float) -> tuple[float, float]:
        return left + (lon - west) * shrink * scale, top + (north - lat) * scale

    return project, WIDTH, round(height, 1)


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """SVG path data, at a tenth of a unit: points closer than that are one (a drawing needs no more)."""
    parts = []
    for ring in rings:
        points: list[str] = []
        for x, y in ring:
            point = f"{x:.1f},{y:.1f}"
            if not points or points[-1] != point:
                points.append(point)
        if len(points) >= 3:
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def _area(ring: Sequence[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])) / 2


def _label_point(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The centroid of a ring (the mean of its points when it has no area)."""
    area = _area(ring)
    if abs(area) < 1e-9:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    pairs = list(zip(ring, ring[1:] + ring[:1]))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in pairs) / (6 * area)
    return cx, cy
