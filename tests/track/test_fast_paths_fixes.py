"""The tracker's fast paths must store and judge exactly what the plain paths do."""

import math
import random

import pytest

from seawarden.geodesy import EARTH_RADIUS_M, haversine_m
from seawarden.track.fixes import Fix, FixTrack
from seawarden.track.grid import PositionGrid

_EDGE_SOG = [None, 0.0, -0.0, 0.05, 102.3, 1022.0, 2999.94, 2999.96, 3000.0, -1.0, math.nan, math.inf]
_EDGE_ANGLE = [None, 0.0, -0.0, 0.05, 180.25, 359.94, 359.96, 359.99999, 360.0, 511.0, -0.04, math.nan]
_EDGE_STATUS = [None, 0, 5, 15, 16, -1, True, 3.0]


def _stored_by_append(fix: Fix) -> tuple[int, ...]:
    track = FixTrack(4, 1e9)
    track.append(fix)  # no precomputed integers: append quantises the fix itself
    return (*track._latlon, *track._small)


@pytest.mark.parametrize("seed", range(3))
def test_make_stored_integers_equal_what_append_computes(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(3000):
        lat = rng.choice([rng.uniform(-90, 90), rng.randint(-54_000_000, 54_000_000) / 600_000, 90.0, -90.0])
        lon = rng.choice([rng.uniform(-180, 180), 180.0, -180.0, -179.99999995])
        sog = rng.choice([*_EDGE_SOG, rng.uniform(0, 3000)])
        cog = rng.choice([*_EDGE_ANGLE, rng.uniform(0, 360)])
        heading = rng.choice([*_EDGE_ANGLE, float(rng.randint(0, 359))])
        status = rng.choice(_EDGE_STATUS)
        fix, stored = Fix.make_stored(rng.uniform(0, 2e9), lat, lon, sog, cog, heading, status)
        assert fix == Fix.make(fix.t, lat, lon, sog, cog, heading, status)
        assert stored == _stored_by_append(fix)


def test_append_with_stored_integers_builds_the_same_track() -> None:
    plain, fast = FixTrack(5, 600.0, 30.0), FixTrack(5, 600.0, 30.0)
    for i in range(40):
        fix, stored = Fix.make_stored(i * 17.0, 55 + i * 1e-4, 12.0, 10.0 + i, 359.97, 90.0, i % 16)
        plain.append(fix)
        fast.append(fix, stored)
        assert list(plain) == list(fast)
        assert (plain._t, plain._latlon, plain._small) == (fast._t, fast._latlon, fast._small)


def test_haversine_matches_the_math_module_formula() -> None:
    rng = random.Random(7)
    for _ in range(5000):
        lat1, lon1 = rng.uniform(-90, 90), rng.uniform(-180, 180)
        elsewhere = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        lat2, lon2 = rng.choice([(lat1, lon1), (-lat1, lon1 + 180.0), elsewhere])
        p1, p2 = math.radians(lat1), math.radians(lat2)
        dl = math.radians(lon2 - lon1)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        expected = 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
        assert haversine_m(lat1, lon1, lat2, lon2) == expected


def test_grid_cell_of_matches_row_and_column() -> None:
    rng = random.Random(11)
    for cell_deg in (0.1, 0.37, 1.0, 10.0):
        grid = PositionGrid(cell_deg)
        for _ in range(2000):
            lat = rng.choice([rng.uniform(-95, 95), 90.0, -90.0])
            lon = rng.choice([rng.uniform(-400, 400), 180.0, -180.0])
            assert grid.cell_of(lat, lon) == grid._row(lat) * grid._cols + grid._col(lon)
