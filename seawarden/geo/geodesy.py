"""Metric distances on the WGS84 ellipsoid for short ranges, without per-call object churn.

Why not planar degrees: at 60 N a degree of longitude is half a degree of latitude, so a planar
degree distance is wrong by up to 2x. Candidates are ranked in a local equirectangular frame
centred on the query point (exact to well under 1 % for the few-km ranges the detectors use, and
lines are densified to short pieces); reported distances are then computed with ``pyproj.Geod``.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import Geod

WGS84 = Geod(ellps="WGS84")
_A = 6_378_137.0
_E2 = 6.694379990141317e-3
_DEG = math.pi / 180.0


def metres_per_degree(lat: float) -> tuple[float, float]:
    """(metres per degree of longitude, of latitude) at ``lat`` on WGS84."""
    s = math.sin(lat * _DEG)
    w = math.sqrt(1.0 - _E2 * s * s)
    prime_vertical = _A / w
    meridional = _A * (1.0 - _E2) / (w * w * w)
    return prime_vertical * math.cos(lat * _DEG) * _DEG, meridional * _DEG


def degree_radius(lat: float, radius_m: float) -> float:
    """A radius in degrees that is never smaller than ``radius_m`` in any direction near ``lat``."""
    lat_edge = min(abs(lat) + radius_m / 110_000.0, 89.0)
    kx, _ = metres_per_degree(lat_edge)
    return radius_m / max(kx, 1.0)


def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in metres (WGS84)."""
    return float(WGS84.inv(lon1, lat1, lon2, lat2)[2])


def point_segment_distances(
    lat: float, lon: float, lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Distance (m) from (lat, lon) to each segment and the nearest point's fraction t in [0, 1].

    Computed in a local equirectangular frame centred on the query point.
    """
    kx, ky = metres_per_degree(lat)
    ax = (lon1 - lon) * kx
    ay = (lat1 - lat) * ky
    dx = (lon2 - lon) * kx - ax
    dy = (lat2 - lat) * ky - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0.0, -(ax * dx + ay * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(ax + t * dx, ay + t * dy), t


def densify(coords: list[tuple[float, float]], max_step_m: float) -> np.ndarray:
    """(N, 2) lon/lat array with points inserted so that no piece is longer than ``max_step_m``.

    Points are interpolated linearly in lon/lat: GeoJSON (RFC 7946) and shapely treat a line
    between two positions as straight in lon/lat, and area containment and crossings use that
    same line, so distances must too (a geodesic bulges up to ~1 km off a 2-degree parallel at 60 N).
    """
    xy = np.asarray(coords, dtype=float)[:, :2]
    if len(xy) < 2:
        return xy
    lengths = np.asarray(WGS84.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])[2])
    pieces = np.maximum(1, np.ceil(lengths / max_step_m).astype(np.int64))
    starts = np.repeat(xy[:-1], pieces, axis=0)
    deltas = np.repeat(xy[1:] - xy[:-1], pieces, axis=0)
    offsets = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    fractions = (offsets / np.repeat(pieces, pieces))[:, None]
    return np.vstack([starts + fractions * deltas, xy[-1:]])
