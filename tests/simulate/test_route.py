import math

import pytest
from shapely.geometry import LineString

from seawarden.simulate.route import (
    Route,
    arc_waypoints,
    bearing_deg,
    crossing_waypoints,
    destination,
    distance_m,
    point_on_line,
)


def test_destination_and_distance_agree():
    lat, lon = destination(59.5, 24.0, 250.0, 12_345.0)
    assert distance_m(59.5, 24.0, lat, lon) == pytest.approx(12_345.0, abs=0.01)
    assert bearing_deg(59.5, 24.0, lat, lon) == pytest.approx(250.0, abs=1e-6)


def test_route_walks_exact_distances_and_clamps():
    route = Route([(59.5, 24.0), (59.5, 25.0), (60.0, 25.0)])
    assert route.length_m == pytest.approx(
        distance_m(59.5, 24.0, 59.5, 25.0) + distance_m(59.5, 25.0, 60.0, 25.0)
    )
    lat, lon, course = route.at(10_000.0)
    assert distance_m(59.5, 24.0, lat, lon) == pytest.approx(10_000.0, abs=0.01)
    assert 85 < course < 95  # eastbound along a geodesic at 59.5 N
    assert route.at(-5)[:2] == pytest.approx((59.5, 24.0))
    end = route.at(route.length_m + 1e6)
    assert end[:2] == pytest.approx((60.0, 25.0))
    assert end[2] == pytest.approx(0.0, abs=0.01)  # last leg is northbound


def test_route_rejects_bad_waypoints():
    with pytest.raises(ValueError, match="out of range"):
        Route([(95.0, 0.0)])
    with pytest.raises(ValueError):
        Route([])


def test_crossing_waypoints_cross_the_line_at_the_fraction():
    cable = LineString([(25.0, 59.4), (25.0, 60.0)])
    points = crossing_waypoints(cable, 0.25, 300.0, 4000.0, 2000.0)
    assert len(points) == 3
    assert points[1] == pytest.approx((59.55, 25.0))
    track = LineString([(lon, lat) for lat, lon in points])
    assert track.crosses(cable)
    assert distance_m(*points[0], *points[1]) == pytest.approx(4000.0, abs=0.01)
    assert bearing_deg(*points[1], *points[2]) == pytest.approx(300.0, abs=0.01)


def test_point_on_line_rejects_bad_fraction():
    with pytest.raises(ValueError, match="fraction"):
        point_on_line(LineString([(0, 0), (1, 1)]), 1.5)


def test_u_turn_reverses_course_on_the_given_radius():
    lat, lon = 59.8, 25.0
    arc = arc_waypoints(lat, lon, 90.0, 180.0, 800.0, steps=12)
    end_lat, end_lon = arc[-1]
    assert distance_m(lat, lon, end_lat, end_lon) == pytest.approx(1600.0, rel=0.01)  # the diameter
    last_course = bearing_deg(*arc[-2], *arc[-1])
    assert abs(((last_course - 270.0 + 180) % 360) - 180) < 180 / 12 + 1
    assert bearing_deg(lat, lon, end_lat, end_lon) == pytest.approx(180.0, abs=1)  # starboard turn
    assert not math.isnan(end_lat)
