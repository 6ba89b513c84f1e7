"""The bundled areas, infrastructure and ports: complete, consistent and placed where incidents were."""

import shapely

from seawarden.geo import ASSET_KINDS, GeoContext


def test_twenty_two_areas_with_unique_ids_and_indicative_descriptions(geo: GeoContext) -> None:
    assert len(geo.areas) == 22
    assert len({a.id for a in geo.areas}) == 22
    for area in geo.areas:
        assert area.geometry.is_valid and area.geometry.geom_type in ("Polygon", "MultiPolygon")
        assert "INDICATIVE" in area.description
        assert area.countries and area.assets and area.name


def test_assets_cover_the_named_infrastructure(geo: GeoContext) -> None:
    ids = {a.id for a in geo.assets}
    assert 30 <= len(ids) <= 45
    for required in (
        "estlink-1", "estlink-2", "balticconnector", "c-lion1", "bcs-east-west-interlink", "nordbalt",
        "nord-stream-1", "baltic-pipe", "swepol", "baltic-cable", "kontek", "skagerrak-hvdc", "norned",
        "north-sea-link", "langeled", "europipe-1", "norpipe-gas", "britned", "viking-link", "ifa", "ifa2",
        "eleclink", "lvrtc-ventspils-gotland", "elisa-fi-ee", "citic-fi-ee",
    ):  # fmt: skip
        assert required in ids, required
    for asset in geo.assets:
        assert asset.kind in ASSET_KINDS
        assert len(asset.landing_points) == 2
        assert "INDICATIVE" in asset.description


def test_every_area_lists_exactly_the_assets_running_through_it(geo: GeoContext) -> None:
    for area in geo.areas:
        crossing = {a.id for a in geo.assets if a.geometry.intersection(area.geometry).length > 0.01}
        assert set(area.assets) == crossing, area.id


def test_no_asset_waypoint_lies_inland(geo: GeoContext) -> None:
    for asset in geo.assets:
        coords = list(asset.geometry.coords)
        for lon, lat in coords[1:-1]:  # landing points are on the coast by definition
            assert not geo.is_land(lat, lon), (asset.id, lat, lon)


def _crosses_box(
    geo: GeoContext, asset_id: str, west: float, south: float, east: float, north: float
) -> bool:
    return geo.asset(asset_id).geometry.intersects(shapely.box(west, south, east, north))


def test_incident_sites_are_on_the_right_assets(geo: GeoContext) -> None:
    # Eagle S, 25 Dec 2024: Estlink 2 and the Helsinki-Tallinn telecom cables, 59.9-60.1N 24.9-25.6E.
    for asset_id in ("estlink-2", "elisa-fi-ee", "citic-fi-ee", "c-lion1"):
        assert _crosses_box(geo, asset_id, 24.9, 59.9, 25.6, 60.1), asset_id
    # Yi Peng 3, 17-18 Nov 2024: C-Lion1 and BCS east of Gotland / south of Oland, 56-57.5N 18-21E.
    for asset_id in ("c-lion1", "bcs-east-west-interlink"):
        assert _crosses_box(geo, asset_id, 18.0, 56.0, 21.0, 57.5), asset_id
    # Balticconnector runs Inkoo (FI) - Paldiski (EE).
    start, end = (
        geo.asset("balticconnector").geometry.coords[0],
        geo.asset("balticconnector").geometry.coords[-1],
    )
    assert abs(start[0] - 24.0) < 0.2 and abs(start[1] - 60.03) < 0.1
    assert abs(end[0] - 24.06) < 0.2 and abs(end[1] - 59.36) < 0.1
    eagle = [a.id for a in geo.areas_at(60.0, 25.5)]
    assert "gof-estlink2" in eagle


def test_ports_include_the_region_and_the_kattegat_anchorage(geo: GeoContext) -> None:
    ids = {p.id for p in geo.ports}
    for required in (
        "helsinki-south",
        "vuosaari",
        "ust-luga",
        "primorsk",
        "tallinn-old-city",
        "muuga",
        "skagen-anchorage",
        "kattegat-anchorage",
        "rotterdam-maasvlakte",
        "felixstowe",
    ):
        assert required in ids
    assert geo.near_port(56.42, 11.65).id == "kattegat-anchorage"
    assert geo.near_port(57.0, 19.5) is None
