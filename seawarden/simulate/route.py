"""Routes on the WGS84 ellipsoid: waypoints joined by geodesic legs, walked by distance.

Vessel motion is integrated as *distance along a route*, so a speed schedule maps to positions
exactly (no step-size drift), and the same route is reproducible from a seed-free description.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from pyproj import Geod
from shapely.geometry import LineString, MultiLineString
from shapely.ops import linemerge

GEOD = Geod(ellps="WGS84")
METRES_PER_NM = 1852.0


def destination(lat: float, lon: float, bearing_deg: float, distance_m: float) -> tuple[float, float]:
    """Point reached from (lat, lon) along a geodesic with the given initial bearing."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing_deg, distance_m)
    return float(lat2), float(lon2)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres."""
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial geodesic bearing 0..360 from point 1 to point 2."""
    az, _, _ = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(az) % 360.0


def offset_m(lat: float, lon: float, east_m: float, north_m: float) -> tuple[float, float]:
    """Small local offset (GNSS noise, anchor swing); flat-earth is exact enough below ~1 km."""
    from math import cos, radians

    return lat + north_m / 111_320.0, lon + east_m / (111_320.0 * max(cos(radians(lat)), 1e-6))


@dataclass(frozen=True, slots=True)
class Leg:
    lat: float
    lon: float
    azimuth: float
    length_m: float
    start_m: float  # cumulative distance of the leg start along the route


class Route:
    """Waypoints (lat, lon) joined by geodesics; ``at(d)`` gives position and course at distance d."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        cleaned: list[tuple[float, float]] = []
        for lat, lon in points:
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                raise ValueError(f"waypoint out of range: lat={lat}, lon={lon}")
            if cleaned and distance_m(*cleaned[-1], lat, lon) < 1.0:
                continue  # a zero-length leg has no course
            cleaned.append((float(lat), float(lon)))
        if not cleaned:
            raise ValueError("a route needs at least one waypoint")
        self.points: tuple[tuple[float, float], ...] = tuple(cleaned)
        legs: list[Leg] = []
        total = 0.0
        for (lat1, lon1), (lat2, lon2) in itertools.pairwise(cleaned):
            az, _, length = GEOD.inv(lon1, lat1, lon2, lat2)
            legs.append(Leg(lat1, lon1, float(az) % 360.0, float(length), total))
            total += float(length)
        self.legs = tuple(legs)
        self.length_m = total

    def at(self, along_m: float) -> tuple[float, float, float]:
        """(lat, lon, course) at a distance along the route, clamped to its ends."""
        if not self.legs:
            lat, lon = self.points[0]
            return lat, lon, 0.0
        along = min(max(along_m, 0.0), self.length_m)
        leg = self.legs[-1]
        for candidate in self.legs:
            if along <= candidate.start_m + candidate.length_m:
                leg = candidate
                break
        into = along - leg.start_m
        lon2, lat2, back_az = GEOD.fwd(leg.lon, leg.lat, leg.azimuth, into)
        course = (float(back_az) + 180.0) % 360.0 if into > 0 else leg.azimuth
        return float(lat2), float(lon2), course

    def course_at(self, along_m: float) -> float:
        return self.at(along_m)[2]

    def line(self) -> LineString:
        """The waypoints as a lon/lat LineString (for crossing checks)."""
        coords = [(lon, lat) for lat, lon in self.points]
        return LineString(coords if len(coords) > 1 else coords * 2)


def _longest_line(geometry: LineString | MultiLineString) -> LineString:
    if isinstance(geometry, LineString):
        return geometry
    merged = linemerge(geometry)
    if isinstance(merged, LineString):
        return merged
    return max(merged.geoms, key=lambda part: part.length)


def point_on_line(geometry: LineString | MultiLineString, fraction: float) -> tuple[float, float]:
    """(lat, lon) at a fraction 0..1 of a lon/lat line (the longest part of a multi-line).

    The fraction is measured in degree space, which is close enough to pick "where along the
    cable" a scripted track crosses; the crossing itself is exact because the track passes through
    this very point.
    """
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be within 0..1, got {fraction}")
    point = _longest_line(geometry).interpolate(fraction, normalized=True)
    return float(point.y), float(point.x)


def crossing_waypoints(
    geometry: LineString | MultiLineString,
    fraction: float,
    bearing: float,
    before_m: float,
    after_m: float,
) -> list[tuple[float, float]]:
    """Waypoints that make a track cross a line at ``fraction`` on ``bearing``.

    Returns the approach point ``before_m`` back along the reciprocal bearing, the crossing point
    and (if ``after_m`` > 0) a point ``after_m`` beyond it.
    """
    lat, lon = point_on_line(geometry, fraction)
    points = []
    if before_m > 0:
        points.append(destination(lat, lon, (bearing + 180.0) % 360.0, before_m))
    points.append((lat, lon))
    if after_m > 0:
        points.append(destination(lat, lon, bearing, after_m))
    return points


def arc_waypoints(
    lat: float, lon: float, course: float, turn_deg: float, radius_m: float, steps: int = 8
) -> list[tuple[float, float]]:
    """Waypoints of a turn of ``turn_deg`` (positive = starboard) on a circle of ``radius_m``.

    Used for U-turns and conspicuous course changes, so COG changes progressively as on a real
    ship rather than jumping by 180 degrees between two reports.
    """
    if radius_m <= 0 or turn_deg == 0:
        return []
    side = 90.0 if turn_deg > 0 else -90.0
    c_lat, c_lon = destination(lat, lon, course + side, radius_m)
    start_angle = (course + side + 180.0) % 360.0  # bearing from centre to the ship
    points = []
    for i in range(1, steps + 1):
        angle = start_angle + turn_deg * i / steps
        points.append(destination(c_lat, c_lon, angle, radius_m))
    return points
