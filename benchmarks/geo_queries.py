"""Throughput of GeoContext queries against a brute-force shapely loop, in the same run.

Why: the assessor asks areas_at / nearest_asset / crossings for every position message
(thousands per second on a national feed), so the indexed path must beat the obvious loop.
Points are drawn over the Baltic and North Sea box (mostly open sea, as real traffic is), with a
share placed near the bundled assets.

    .venv/bin/python benchmarks/geo_queries.py [--n 20000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import shapely
from pyproj import Geod

from seawarden.geo import GeoContext

GEOD = Geod(ellps="WGS84")


def sample_points(geo: GeoContext, n: int, seed: int = 7) -> np.ndarray:
    """(lat, lon) rows: 70 % uniform over 51-61N, 0-30E, 30 % within ~10 km of an asset."""
    rng = np.random.default_rng(seed)
    uniform = np.column_stack([rng.uniform(51, 61, n), rng.uniform(0, 30, n)])
    near = int(n * 0.3)
    parts = [g for a in geo.assets for g in getattr(a.geometry, "geoms", [a.geometry])]
    coords = np.vstack([np.asarray(g.coords)[:, :2] for g in parts])
    coords = coords[(coords[:, 0] > 0) & (coords[:, 0] < 30) & (coords[:, 1] > 51) & (coords[:, 1] < 61)]
    pick = coords[rng.integers(0, len(coords), near)]
    uniform[:near] = np.column_stack([pick[:, 1], pick[:, 0]]) + rng.normal(0, 0.05, (near, 2))
    return uniform


def rate(label: str, fn, items) -> float:
    start = time.perf_counter()
    for item in items:
        fn(*item)
    elapsed = time.perf_counter() - start
    ops = len(items) / elapsed
    print(f"{label:<44} {ops:>12,.0f} ops/s  ({elapsed * 1e6 / len(items):7.1f} us/op)")
    return ops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--infrastructure", help="another assets GeoJSON, e.g. the TeleGeography cable map")
    args = parser.parse_args()
    start = time.perf_counter()
    geo = GeoContext.load(infrastructure=args.infrastructure) if args.infrastructure else GeoContext.default()
    print(f"context build: {time.perf_counter() - start:.2f} s  {geo!r}")
    pts = [tuple(p) for p in sample_points(geo, args.n)]
    step = np.random.default_rng(3).normal(0, 0.01, (len(pts), 2))
    segs = [(lat, lon, lat + d[0], lon + d[1]) for (lat, lon), d in zip(pts, step, strict=True)]
    radius = 5_000.0

    areas = [(a, a.geometry) for a in geo.areas]

    def brute_areas_at(lat: float, lon: float) -> list:
        p = shapely.Point(lon, lat)
        return [a for a, g in areas if g.contains(p)]

    def brute_nearest(lat: float, lon: float, max_m: float):
        p = shapely.Point(lon, lat)
        best = None
        for asset in geo.assets:
            q = shapely.shortest_line(p, asset.geometry).coords[-1]
            d = GEOD.inv(lon, lat, q[0], q[1])[2]
            if d <= max_m and (best is None or d < best[1]):
                best = (asset, d)
        return best

    def brute_crossings(lat1: float, lon1: float, lat2: float, lon2: float) -> list:
        track = shapely.LineString([(lon1, lat1), (lon2, lat2)])
        return [a for a in geo.assets if track.intersects(a.geometry)]

    print(f"{len(pts)} points, radius {radius:.0f} m")
    land = pts[: min(len(pts), 5000)]
    geo.is_land(*land[0])
    fast = rate("areas_at (grid + prepared)", geo.areas_at, pts)
    slow = rate("areas_at brute force (22 polygons)", brute_areas_at, pts)
    print(f"  speed-up x{fast / slow:.1f}")
    fast = rate(
        "nearest_asset (grid + STRtree + numpy)", lambda la, lo: geo.nearest_asset(la, lo, radius), pts
    )
    few = pts[: max(1, len(pts) // 10)]
    slow = rate(
        "nearest_asset brute force (shortest_line+Geod)", lambda la, lo: brute_nearest(la, lo, radius), few
    )
    print(f"  speed-up x{fast / slow:.1f}")
    fast = rate("crossings (STRtree + numpy)", geo.crossings, segs)
    slow = rate("crossings brute force (intersects loop)", brute_crossings, segs)
    print(f"  speed-up x{fast / slow:.1f}")
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    start = time.perf_counter()
    geo.areas_at_many(lats, lons)
    print(
        f"{'areas_at_many (STRtree bulk query)':<44} {len(pts) / (time.perf_counter() - start):>12,.0f} ops/s"
    )
    rate("assets_within 5 km", lambda la, lo: geo.assets_within(la, lo, radius), pts)
    rate("areas_within 10 km", lambda la, lo: geo.areas_within(la, lo, 10_000.0), pts)
    rate("near_port", geo.near_port, pts)
    rate("is_land (first pass, cells classified lazily)", geo.is_land, land)
    rate("is_land (warm)", geo.is_land, land)


if __name__ == "__main__":
    main()
