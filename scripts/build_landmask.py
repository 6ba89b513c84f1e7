"""Build ``seawarden/geo/data/land.geojson`` from Natural Earth land polygons (world-atlas TopoJSON).

Why a script: the shipped land mask must be reproducible from a public-domain source. Natural Earth
1:10m land (public domain) is distributed as TopoJSON by the ``world-atlas`` npm package (ISC licence,
Mike Bostock). This script decodes the TopoJSON (delta-encoded quantized arcs) without extra
dependencies, clips it to Europe / the North Atlantic and writes a compact GeoJSON.

Usage::

    cd /tmp && npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    .venv/bin/python scripts/build_landmask.py /tmp/package/land-10m.json

The defaults reproduce the shipped file exactly (same input, same parameters).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "seawarden" / "geo" / "data" / "land.geojson"
# Europe and the North Atlantic approaches: every sea SeaWarden watches, with a wide margin.
DEFAULT_BBOX = (-30.0, 30.0, 45.0, 75.0)
# 0.001 deg is ~60-110 m: well under the 1:10m coastline accuracy (~1 km) and the 500 m land margin.
DEFAULT_SIMPLIFY_DEG = 0.001
DEFAULT_DECIMALS = 4


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Quantized, delta-encoded TopoJSON arcs -> absolute lon/lat coordinates."""
    transform = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        points: list[tuple[float, float]] = []
        x = y = 0
        for position in arc:
            if transform:
                x += position[0]
                y += position[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                points.append((x * sx + tx, y * sy + ty))
            else:
                points.append((float(position[0]), float(position[1])))
        arcs.append(points)
    return arcs


def ring_from_arcs(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Join arcs into one ring; a negative index ``~i`` means arc ``i`` reversed (TopoJSON spec)."""
    ring: list[tuple[float, float]] = []
    for index in indices:
        points = arcs[~index][::-1] if index < 0 else arcs[index]
        ring.extend(points if not ring else points[1:])
    return ring


def topology_polygons(topology: dict[str, Any], object_name: str) -> list[Polygon]:
    """All polygons of one TopoJSON object (a Polygon, MultiPolygon or GeometryCollection of them)."""
    arcs = decode_arcs(topology)
    obj = topology["objects"][object_name]
    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    polygons: list[Polygon] = []
    for geometry in geometries:
        parts = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for rings in parts:
            coords = [ring_from_arcs(ring, arcs) for ring in rings]
            if len(coords[0]) >= 4:
                polygons.append(Polygon(coords[0], [r for r in coords[1:] if len(r) >= 4]))
    return polygons


def build(source: Path, bbox: tuple[float, float, float, float], simplify_deg: float, decimals: int) -> dict:
    """Decode, clip, simplify, round: the land mask as a GeoJSON FeatureCollection."""
    topology = json.loads(source.read_text())
    clip = box(*bbox)
    pieces: list[Polygon] = []
    for polygon in topology_polygons(topology, "land"):
        if not polygon.intersects(clip):
            continue
        polygon = shapely.make_valid(polygon) if not polygon.is_valid else polygon
        clipped = polygon.intersection(clip)
        if simplify_deg:
            clipped = clipped.simplify(simplify_deg, preserve_topology=True)
        clipped = shapely.set_precision(clipped, 10.0**-decimals)
        for part in getattr(clipped, "geoms", [clipped]):
            if isinstance(part, Polygon) and not part.is_empty and part.area > 0:
                pieces.append(part)
    # Rounding can make neighbouring rings touch or cross: repair once so queries see valid polygons.
    merged = shapely.make_valid(shapely.union_all(pieces))
    land = MultiPolygon([g for g in getattr(merged, "geoms", [merged]) if isinstance(g, Polygon)])
    if not land.is_valid:
        land = shapely.make_valid(land)
    return {
        "type": "FeatureCollection",
        "name": "land",
        "attribution": (
            "Made with Natural Earth (public domain), 1:10m land polygons, via the world-atlas npm "
            "package 2.x (ISC, Mike Bostock). Clipped to lon/lat "
            f"{bbox}, simplified {simplify_deg} deg, rounded to {decimals} decimals."
        ),
        "features": [{"type": "Feature", "properties": {"id": "land"}, "geometry": mapping(land)}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas land-10m.json (TopoJSON)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--bbox", type=float, nargs=4, default=DEFAULT_BBOX, metavar=("W", "S", "E", "N"))
    parser.add_argument("--simplify-deg", type=float, default=DEFAULT_SIMPLIFY_DEG)
    parser.add_argument("--decimals", type=int, default=DEFAULT_DECIMALS)
    args = parser.parse_args()
    collection = build(args.source, tuple(args.bbox), args.simplify_deg, args.decimals)
    text = json.dumps(collection, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    polygons = len(collection["features"][0]["geometry"]["coordinates"])
    print(f"wrote {args.out} ({len(text) / 1e6:.2f} MB, {polygons} polygons)")


if __name__ == "__main__":
    main()
