"""Great-circle distance: the only geometry the tracker needs (no geo-stage dependency)."""

import math

EARTH_RADIUS_M = 6_371_008.8  # IUGG mean radius
METRES_PER_DEG_LAT = EARTH_RADIUS_M * math.pi / 180.0
KNOT_MS = 1852.0 / 3600.0  # metres per second in one knot


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in metres on a sphere; error < 0.5 % against WGS84, ample for plausibility checks."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def implied_speed_kn(distance_m: float, dt_s: float) -> float:
    """Speed in knots needed to cover ``distance_m`` in ``dt_s`` seconds (dt must be > 0)."""
    return distance_m / dt_s / KNOT_MS
