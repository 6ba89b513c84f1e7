"""Fine grid cells (areas, land mask) are a cache: they answer exactly what the point tests answer.

Points are drawn where the fine cells matter: next to area boundaries and coastlines, where the
coarse cells are only partly inside (or near the coast) and a point test used to run every time.
"""

import random

import numpy as np
import shapely

from seawarden.geo import GeoContext
from seawarden.geo.land import LandMask


def _near_boundary(geom: shapely.Geometry, rng: random.Random, count: int, spread_deg: float) -> list:
    """Points scattered around ``count`` random points of ``geom``'s boundary."""
    boundary = geom.boundary
    length = boundary.length
    points = []
    for _ in range(count):
        p = boundary.interpolate(rng.uniform(0.0, length))
        dlat, dlon = rng.uniform(-spread_deg, spread_deg), rng.uniform(-spread_deg, spread_deg)
        points.append((p.y + dlat, p.x + dlon))
    return points


def test_areas_at_equals_a_point_in_polygon_test_for_every_area(geo: GeoContext) -> None:
    rng = random.Random(7)
    points = [pt for area in geo.areas for pt in _near_boundary(area.geometry, rng, 60, 0.03)]
    for lat, lon in points:
        expected = [a.id for a in geo.areas if shapely.contains_xy(a.geometry, lon, lat)]
        assert [a.id for a in geo.areas_at(lat, lon)] == expected, (lat, lon)
    assert geo._area_fine, "points next to boundaries must have gone through the fine cells"


def _exact_land(mask: LandMask, lat: float, lon: float) -> bool:
    """The land test without any grid: inside the polygons and beyond the margin from the coast."""
    if not shapely.contains_xy(mask.land, lon, lat):
        return False
    return not mask.coast.nearest_per_owner(lat, lon, mask.margin_m)


def test_land_mask_fine_cells_agree_with_the_exact_test_near_coasts(geo: GeoContext) -> None:
    mask = geo.land
    assert mask is not None
    rng = random.Random(3)
    coast = shapely.get_parts(mask.land)
    big = sorted(coast, key=lambda g: -g.area)[:40]  # the Baltic and North Sea coasts
    points = [pt for part in big for pt in _near_boundary(part, rng, 25, 0.05)]
    west, south, east, north = mask.bounds
    points = [(lat, lon) for lat, lon in points if south <= lat <= north and west <= lon <= east]
    answers = np.array([mask.is_land(lat, lon) for lat, lon in points])
    expected = np.array([_exact_land(mask, lat, lon) for lat, lon in points])
    assert answers.any() and not answers.all(), "the sample must hold both land and water"
    wrong = [p for p, a, e in zip(points, answers, expected, strict=True) if a != e]
    assert not wrong
    assert any(state != 2 for state in mask._fine_cells.values()), "some near-coast fine cells are decided"
