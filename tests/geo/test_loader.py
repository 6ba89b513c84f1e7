"""User GeoJSON: property mapping of common exports and clear per-feature errors."""

import json
from pathlib import Path

import pytest

from seawarden.geo import GeoContext, GeoDataError, load_areas, load_assets
from tests.conftest import TEST_DATA, shared_path

SQUARE = [[[19, 55], [21, 55], [21, 56], [19, 56], [19, 55]]]


def _fc(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _feature(geometry: dict, **props: object) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_osm_style_properties_are_mapped() -> None:
    assets = {a.id: a for a in load_assets(TEST_DATA / "geo" / "osm_style_infrastructure.geojson")}
    assert assets["way/100001"].kind == "power_cable"
    assert assets["way/100001"].name == "Test HVDC link"
    assert assets["way/100001"].operator == "Test Grid AS"
    assert assets["200002"].kind == "gas_pipeline"
    assert assets["200002"].geometry.geom_type == "MultiLineString"
    assert assets["test-oil"].kind == "oil_pipeline"
    assert assets["test-fibre"].kind == "telecom_cable" and assets["test-fibre"].operator == "Test Telecom"


def test_user_files_build_a_working_context(tmp_path: Path) -> None:
    areas = tmp_path / "areas.geojson"
    areas.write_text(
        json.dumps(_fc(_feature({"type": "Polygon", "coordinates": SQUARE}, id="sq", name="Sq")))
    )
    geo = GeoContext.load(
        areas=str(areas), infrastructure=str(TEST_DATA / "geo" / "osm_style_infrastructure.geojson")
    )
    assert [a.id for a in geo.areas_at(55.5, 20.5)] == ["sq"]
    assert geo.nearest_asset(55.5, 20.01, 2000.0).asset.id == "way/100001"


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        (
            _feature(
                {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}, id="bowtie"
            ),
            "invalid polygon",
        ),
        (
            _feature(
                {"type": "Polygon", "coordinates": [[[19, 55], [21, 55], [21, 56], [19, 56]]]}, id="open"
            ),
            "not closed",
        ),
        (
            _feature(
                {"type": "Polygon", "coordinates": [[[55, 190], [56, 190], [56, 191], [55, 190]]]},
                id="swapped",
            ),
            "out of range",
        ),
        (_feature({"type": "Point", "coordinates": [20, 55]}, id="pt"), "not allowed here"),
        (_feature({"type": "Polygon", "coordinates": SQUARE}, name=None), "missing id"),
        ({"type": "Feature", "properties": {"id": "nogeom"}, "geometry": None}, "has no geometry"),
    ],
)
def test_invalid_areas_name_the_feature_and_the_fix(feature: dict, message: str) -> None:
    good = _feature({"type": "Polygon", "coordinates": SQUARE}, id="good")
    with pytest.raises(GeoDataError) as info:
        load_areas(_fc(good, feature))
    problems = info.value.problems
    assert len(problems) == 1 and problems[0].index == 1
    assert message in str(info.value)
    assert "feature #1" in str(info.value)


def test_duplicate_area_ids_are_rejected_but_cable_pieces_merge() -> None:
    square = {"type": "Polygon", "coordinates": SQUARE}
    with pytest.raises(GeoDataError, match="duplicate area id"):
        load_areas(_fc(_feature(square, id="a"), _feature(square, id="a")))
    line1 = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    line2 = {"type": "LineString", "coordinates": [[1, 1], [2, 1]]}
    assets = load_assets(_fc(_feature(line1, id="c"), _feature(line2, id="c")))
    assert len(assets) == 1 and assets[0].geometry.geom_type == "MultiLineString"


def test_unreadable_files_give_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    with pytest.raises(GeoDataError, match="not readable as JSON"):
        load_areas(bad)
    with pytest.raises(GeoDataError, match="file not found"):
        load_areas(tmp_path / "missing.geojson")
    bad.write_text(json.dumps({"type": "Topology"}))
    with pytest.raises(GeoDataError, match="FeatureCollection"):
        load_areas(bad)


@pytest.mark.shared
def test_telegeography_cable_map_loads_as_telecom_cables() -> None:
    path = shared_path("data", "infrastructure", "telegeography", "cable-geo.json")
    assets = {a.id: a for a in load_assets(path)}
    assert len(assets) > 400
    assert assets["c-lion1"].kind == "telecom_cable" and assets["c-lion1"].name == "c-lion1"
    geo = GeoContext.load(infrastructure=path)
    hit = geo.nearest_asset(57.0, 19.6, 60_000.0)
    assert hit is not None
