"""Land mask: open sea and harbours are water; the inland world is land."""

import pytest

from seawarden.geo import GeoConfig, GeoContext


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("mid-Baltic", 57.0, 19.5),
        ("Gulf of Finland", 59.9, 25.3),
        ("North Sea", 56.0, 3.0),
        ("Skagerrak", 58.0, 9.0),
        ("Stockholm harbour", 59.325, 18.08),
        ("Helsinki South Harbour", 60.163, 24.955),
        ("Rotterdam Maasvlakte quays", 51.96, 4.03),
        ("Hamburg port on the Elbe", 53.54, 9.95),
        ("Kiel Canal at Rendsburg", 54.30, 9.67),
        ("outside the mask bounds", 20.0, -60.0),
    ],
)
def test_water(geo: GeoContext, name: str, lat: float, lon: float) -> None:
    assert not geo.is_land(lat, lon), name


@pytest.mark.parametrize(
    ("name", "lat", "lon"),
    [
        ("central Sweden", 62.0, 15.0),
        ("Berlin", 52.52, 13.40),
        ("Moscow", 55.75, 37.62),
        ("inland Gotland", 57.5, 18.5),
        ("Jutland", 56.2, 9.2),
    ],
)
def test_land(geo: GeoContext, name: str, lat: float, lon: float) -> None:
    assert geo.is_land(lat, lon), name


def test_margin_is_configurable() -> None:
    # ~4.5 km inland from the 1:10m coast west of Gdansk: land with a 500 m margin, not with 10 km.
    lat, lon = 54.40, 18.55
    assert GeoContext.default().is_land(lat, lon)
    wide = GeoContext(GeoContext.default().areas, [], [], config=GeoConfig(land_margin_m=10_000.0))
    assert not wide.is_land(lat, lon)
