"""Hand-checked spatial queries on a synthetic context (known answers) and on the bundled data."""

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString, Polygon

from seawarden.geo import Area, Asset, GeoContext, Port

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def synthetic() -> GeoContext:
    meridian = Asset(
        "meridian", "Meridian 20E", "power_cable", None, ("A", "B"), LineString([(20, 55), (20, 56)])
    )
    parallel = Asset(
        "parallel", "Parallel 60N", "telecom_cable", "X", ("C", "D"), LineString([(24, 60), (26, 60)])
    )
    square = Area(
        "square", "Square", ("SE",), ("meridian",), "", Polygon([(19, 55), (21, 55), (21, 56), (19, 56)])
    )
    port = Port("p", "Port", "SE", 55.5, 19.5, 2000.0)
    return GeoContext([square], [meridian, parallel], [port], land_path=None)


def test_point_inside_and_outside_an_area(synthetic: GeoContext) -> None:
    assert [a.id for a in synthetic.areas_at(55.5, 20.5)] == ["square"]
    assert synthetic.areas_at(56.5, 20.5) == []
    assert synthetic.areas_at(55.0001, 19.0001) != []  # just inside the corner


def test_bulk_areas_at_agrees_with_single_queries(geo: GeoContext) -> None:
    lats = [60.0, 57.0, 55.0, 51.0, 54.6]
    lons = [25.5, 19.6, 15.6, 1.5, 11.3]
    bulk = geo.areas_at_many(lats, lons)
    assert [[a.id for a in row] for row in bulk] == [
        [a.id for a in geo.areas_at(la, lo)] for la, lo in zip(lats, lons, strict=True)
    ]
    assert any(bulk)


def test_areas_within_gives_zero_inside_and_geodesic_distance_outside(synthetic: GeoContext) -> None:
    assert synthetic.areas_within(55.5, 20.0, 1000.0)[0][1] == 0.0
    outside = synthetic.areas_within(56.05, 20.0, 10_000.0)
    expected = GEOD.inv(20.0, 56.05, 20.0, 56.0)[2]  # ~5.57 km due north of the edge
    assert outside and math.isclose(outside[0][1], expected, rel_tol=0.01)
    assert synthetic.areas_within(56.05, 20.0, 3000.0) == []


def test_distance_to_a_meridian_cable_is_geodesic_not_planar_degrees(synthetic: GeoContext) -> None:
    hit = synthetic.nearest_asset(55.5, 20.1, 20_000.0)
    assert hit is not None and hit.asset.id == "meridian"
    expected = GEOD.inv(20.1, 55.5, 20.0, 55.5)[2]  # 0.1 deg of longitude at 55.5N: ~6.3 km
    assert math.isclose(hit.distance_m, expected, rel_tol=0.02)
    assert 6000 < hit.distance_m < 6600  # planar degrees (0.1 -> 11 km) would be far off
    assert math.isclose(hit.lat, 55.5, abs_tol=0.01) and math.isclose(hit.lon, 20.0, abs_tol=1e-9)
    assert math.isclose(hit.along_m, GEOD.inv(20, 55, 20, 55.5)[2], rel_tol=0.005)
    assert synthetic.nearest_asset(55.5, 20.1, 5000.0) is None


def test_assets_within_nearest_first(synthetic: GeoContext) -> None:
    hits = synthetic.assets_within(60.01, 24.5, 5000.0)
    assert [h.asset.id for h in hits] == ["parallel"]
    assert math.isclose(hits[0].distance_m, GEOD.inv(24.5, 60.01, 24.5, 60.0)[2], rel_tol=0.01)


def test_crossing_detection_with_point_and_along(synthetic: GeoContext) -> None:
    hits = synthetic.crossings(55.25, 19.9, 55.25, 20.2)
    assert len(hits) == 1
    hit = hits[0]
    assert hit.asset.id == "meridian" and hit.distance_m == 0.0
    assert math.isclose(hit.lon, 20.0, abs_tol=1e-9) and math.isclose(hit.lat, 55.25, abs_tol=1e-6)
    assert math.isclose(hit.along_m, GEOD.inv(20, 55, 20, 55.25)[2], rel_tol=0.005)
    assert synthetic.crossings(55.25, 20.1, 55.25, 20.2) == []  # parallel to it, never touches
    assert synthetic.crossings(55.25, 19.9, 55.25, 19.9) == []  # no movement


def test_along_m_is_monotonic_when_moving_along_the_asset(synthetic: GeoContext) -> None:
    alongs = [synthetic.nearest_asset(55.0 + i * 0.05, 20.02, 5000.0).along_m for i in range(21)]
    assert all(b > a for a, b in itertools.pairwise(alongs))
    assert math.isclose(alongs[-1], GEOD.inv(20, 55, 20, 56)[2], rel_tol=0.005)


def test_near_port(synthetic: GeoContext) -> None:
    assert synthetic.near_port(55.505, 19.505).id == "p"
    assert synthetic.near_port(55.55, 19.5) is None  # ~5.6 km away, radius 2 km


def test_unknown_ids_raise_with_a_helpful_message(synthetic: GeoContext) -> None:
    with pytest.raises(KeyError, match="unknown area id"):
        synthetic.area("nope")
    with pytest.raises(KeyError, match="unknown asset id"):
        synthetic.asset("nope")


def test_bundled_crossing_of_estlink2_in_the_eagle_s_area(geo: GeoContext) -> None:
    hits = geo.crossings(60.0, 25.7, 60.0, 25.3)  # westbound along the Gulf, like Eagle S
    ids = [h.asset.id for h in hits]
    assert "estlink-2" in ids
    hit = hits[ids.index("estlink-2")]
    assert 25.3 < hit.lon < 25.7 and hit.lat == pytest.approx(60.0)
    assert 0 < hit.along_m < 40_000  # near the Finnish end of a ~140 km cable
    lons = [h.lon for h in hits]
    assert lons == sorted(lons, reverse=True)  # travel order


def test_bundled_crossings_east_of_gotland(geo: GeoContext) -> None:
    ids = {h.asset.id for h in geo.crossings(56.5, 18.5, 57.3, 20.8)}
    assert {"c-lion1", "bcs-east-west-interlink"} <= ids or "c-lion1" in ids


def _brute_distance(asset: Asset, lat: float, lon: float) -> float:
    """Geodesic distance to dense samples of the asset's lon/lat-straight pieces (slow, obviously right)."""
    best = math.inf
    for (lon1, lat1), (lon2, lat2) in zip(
        asset.geometry.coords, list(asset.geometry.coords)[1:], strict=False
    ):
        for k in range(401):
            f = k / 400
            best = min(best, GEOD.inv(lon, lat, lon1 + f * (lon2 - lon1), lat1 + f * (lat2 - lat1))[2])
    return best


@settings(max_examples=25, deadline=None)
@given(st.floats(59.5, 60.1), st.floats(24.0, 26.5))
def test_nearest_distance_matches_brute_force_geodesic(lat: float, lon: float) -> None:
    geo = GeoContext.default()
    hit = geo.nearest_asset(lat, lon, 15_000.0)
    if hit is None:
        return
    brute = _brute_distance(hit.asset, lat, lon)
    assert hit.distance_m == pytest.approx(
        brute, rel=0.02, abs=150.0
    )  # 150 m: sampling step of the brute force


@pytest.mark.parametrize(("lat", "lon"), [(math.nan, 20.0), (55.0, math.nan), (91.0, 20.0), (55.0, 181.0)])
def test_bad_positions_match_nothing_and_never_crash(geo: GeoContext, lat: float, lon: float) -> None:
    assert geo.areas_at(lat, lon) == []
    assert geo.areas_within(lat, lon, 1000.0) == []
    assert geo.nearest_asset(lat, lon, 1000.0) is None
    assert geo.assets_within(lat, lon, 1000.0) == []
    assert geo.crossings(lat, lon, 55.0, 20.0) == []
    assert geo.near_port(lat, lon) is None
    assert geo.is_land(lat, lon) is False
