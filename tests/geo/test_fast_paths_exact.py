"""The per-message shortcuts of the geo queries, the assessor and watch-list matching give exactly the
answers of the full computations they skip (the speed work must never change a result)."""

import math
import random

import pytest
import shapely

from seawarden.assess.assessor import _surely_closer
from seawarden.geo import GeoContext
from seawarden.geo.index import SegmentIndex
from seawarden.geodesy import haversine_m
from seawarden.watchlist import Watchlist, WatchlistEntry


@pytest.fixture(scope="module")
def geo() -> GeoContext:
    return GeoContext.default()


def _baltic_points(n: int, seed: int) -> list[tuple[float, float]]:
    rng = random.Random(seed)
    return [(rng.uniform(53.5, 66.0), rng.uniform(9.0, 30.5)) for _ in range(n)]


def test_is_land_cell_verdicts_agree_with_the_full_test(geo: GeoContext) -> None:
    mask = geo.land
    assert mask is not None
    for lat, lon in [*_baltic_points(3000, 1), (53.55, 9.95), (54.33, 10.14), (51.23, 4.4)]:
        assert geo.is_land(lat, lon) == geo._is_land_at(mask, lat, lon), (lat, lon)
        assert geo.is_land(lat, lon) == geo._is_land_at(mask, lat, lon), (lat, lon)  # cached verdict


@pytest.mark.parametrize("radius_m", [500.0, 5_000.0, 10_000.0, 60_000.0])
def test_cached_candidates_give_the_same_matches_as_a_fresh_index(geo: GeoContext, radius_m: float) -> None:
    parts = [[list(a.geometry.coords)] for a in geo.assets]
    for lat, lon in _baltic_points(400, 2):
        fresh = SegmentIndex(parts, geo.config.densify_m, geo.config.grid_deg)
        first = fresh.nearest_per_owner(lat, lon, radius_m)
        assert fresh.nearest_per_owner(lat, lon, radius_m) == first  # from the cached cell range
        assert geo._asset_lines.nearest_per_owner(lat, lon, radius_m) == first


def test_areas_at_agrees_with_point_in_polygon(geo: GeoContext) -> None:
    for lat, lon in _baltic_points(2000, 3):
        expected = [a for a in geo.areas if a.geometry.covers(shapely.Point(lon, lat))]
        found = geo.areas_at(lat, lon)
        # Points exactly on a boundary are the only ones the two may disagree on; random ones are not.
        assert [a.id for a in found] == [a.id for a in expected]


def test_surely_closer_only_when_the_haversine_agrees() -> None:
    rng = random.Random(4)
    for _ in range(20_000):
        lat, lon = rng.uniform(-80, 80), rng.uniform(-179, 179)
        scale = 10 ** rng.uniform(-9, 0)
        lat2, lon2 = lat + rng.uniform(-1, 1) * scale, lon + rng.uniform(-1, 1) * scale
        limit = haversine_m(lat, lon, lat2, lon2) * rng.uniform(0.5, 3.0)
        if _surely_closer(lat, lon, lat2, lon2, limit):
            assert haversine_m(lat, lon, lat2, lon2) < limit
    assert _surely_closer(55.0, 20.0, 55.0, 20.0, 1.0)
    assert not _surely_closer(55.0, 20.0, 55.0, 20.0, 0.0)
    assert not _surely_closer(math.nan, 20.0, 55.0, 20.0, 1e9)


def test_watch_match_shortcuts_return_what_the_full_match_returns() -> None:
    listed = WatchlistEntry(
        id="imo:9329760", imo=9329760, mmsis=[518998865], names=["Eagle S"], sources=["t"]
    )
    index = Watchlist([listed])._matcher()
    asks = [
        ([], 518998865, []),  # MMSI only
        ([], 230000001, []),
        ([9329760], 230000001, []),
        ([], 230000001, ["EAGLE S"]),
        ([], 230000002, ["NOT LISTED"]),
        ([], 230000002, ["NOT LISTED"]),  # the same miss again
        ([9999999], 230000002, ["NOT LISTED"]),
        ([], 230000002, ["NOT LISTED"]),
    ]
    for imos, mmsi, names in asks:
        assert index.match(imos, mmsi, names) == index._match(imos, mmsi, names)
        assert index.match(tuple(imos), mmsi, iter(names)) == index._match(imos, mmsi, names)
