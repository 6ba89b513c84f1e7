"""Read and validate user GeoJSON: areas, infrastructure lines and ports.

Users bring their own files (hand-drawn areas, OpenStreetMap / EMODnet exports, the TeleGeography
cable map), so every problem is reported per feature, with its index and id and what to do, and
all problems of a file are reported at once rather than the first one only.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiLineString, shape
from shapely.geometry.base import BaseGeometry

from seawarden.geo.model import ASSET_KINDS, Area, Asset, Port

log = logging.getLogger(__name__)

AREA_TYPES = ("Polygon", "MultiPolygon")
LINE_TYPES = ("LineString", "MultiLineString")
ID_KEYS = ("id", "@id", "osm_id", "slug", "ref", "gid", "fid", "objectid", "OBJECTID")
NAME_KEYS = ("name", "Name", "NAME", "title", "slug")
OPERATOR_KEYS = ("operator", "owner", "owners", "Owner", "OWNER", "company")
SUBSTANCE_KEYS = ("substance", "medium", "product", "Product", "MEDIUM")


@dataclass(frozen=True)
class FeatureProblem:
    """One thing wrong with one feature."""

    index: int
    feature_id: str | None
    message: str

    def __str__(self) -> str:
        if self.index < 0:  # the file as a whole
            return self.message
        who = f"feature #{self.index}" + (f" (id {self.feature_id!r})" if self.feature_id else "")
        return f"{who}: {self.message}"


class GeoDataError(ValueError):
    """A GeoJSON file (or object) that cannot be used; ``problems`` lists every bad feature."""

    def __init__(self, source: str, problems: list[FeatureProblem]):
        self.source = source
        self.problems = problems
        shown = "\n  ".join(str(p) for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{source}: {len(problems)} problem(s):\n  {shown}{more}")


@dataclass
class ParseResult:
    """What a file holds after validation."""

    areas: list[Area] = field(default_factory=list)
    assets: list[Asset] = field(default_factory=list)
    ports: list[Port] = field(default_factory=list)
    problems: list[FeatureProblem] = field(default_factory=list)
    merged: int = 0  # line features joined into an asset with the same id


def read_geojson(source: str | Path | dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """(display name, features) of a FeatureCollection, Feature, or file holding one (``-`` = stdin)."""
    if isinstance(source, dict):
        name, data = "<geojson>", source
    elif str(source) == "-":
        name = "<stdin>"
        try:
            data = json.loads(sys.stdin.read())
        except json.JSONDecodeError as exc:
            raise GeoDataError(name, [FeatureProblem(-1, None, f"not readable as JSON ({exc})")]) from None
    else:
        name = str(source)
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise GeoDataError(name, [FeatureProblem(-1, None, "file not found")]) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = FeatureProblem(-1, None, f"not readable as JSON ({exc}); export the layer as GeoJSON")
            raise GeoDataError(name, [problem]) from None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
        if isinstance(features, list):
            return name, features
    if isinstance(data, dict) and data.get("type") == "Feature":
        return name, [data]
    problem = FeatureProblem(-1, None, "not a GeoJSON FeatureCollection or Feature (top-level 'type')")
    raise GeoDataError(name, [problem])


def _first(props: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        value = props.get(key)
        if value not in (None, ""):
            return value
    return None


def _text_tuple(value: Any) -> tuple[str, ...]:
    """A list or a comma/semicolon separated string -> tuple of stripped strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def feature_id(feature: dict[str, Any]) -> str | None:
    """A feature's id: properties id/@id/osm_id/slug/ref..., else the GeoJSON feature-level id."""
    props = feature.get("properties") or {}
    value = _first(props, ID_KEYS) if isinstance(props, dict) else None
    if value is None:
        value = feature.get("id")
    return None if value is None else str(value)


def _coordinate_problem(coords: Any, depth: int) -> str | None:
    """Check nesting, numbers and lon/lat ranges of raw GeoJSON coordinates."""
    if depth == 0:
        if not isinstance(coords, list | tuple) or len(coords) < 2:
            return "a position is not [lon, lat]"
        lon, lat = coords[0], coords[1]
        if not isinstance(lon, int | float) or not isinstance(lat, int | float):
            return "a position holds non-numbers"
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            return (
                f"coordinate [{lon}, {lat}] out of range: GeoJSON is [longitude, latitude] in WGS84 degrees; "
                "re-export in EPSG:4326 and check the axis order"
            )
        return None
    if not isinstance(coords, list | tuple) or not coords:
        return "empty or malformed 'coordinates'"
    for item in coords:
        problem = _coordinate_problem(item, depth - 1)
        if problem:
            return problem
    return None


_DEPTH = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _geometry(feature: dict[str, Any], allowed: tuple[str, ...]) -> tuple[BaseGeometry | None, str | None]:
    """Validated shapely geometry of a feature, or the reason it is unusable."""
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        return None, "has no geometry"
    kind = geometry.get("type")
    if kind not in allowed:
        return None, f"geometry type {kind!r} not allowed here; expected {' or '.join(allowed)}"
    coords = geometry.get("coordinates")
    problem = _coordinate_problem(coords, _DEPTH[kind])
    if problem:
        return None, problem
    rings = (
        coords
        if kind == "Polygon"
        else [r for poly in coords for r in poly]
        if kind == "MultiPolygon"
        else []
    )
    for ring in rings:
        if len(ring) < 4 or list(ring[0][:2]) != list(ring[-1][:2]):
            return (
                None,
                "polygon ring is not closed (first and last position must be equal, at least 4 positions)",
            )
    lines = [coords] if kind == "LineString" else coords if kind == "MultiLineString" else []
    for line in lines:
        if len(line) < 2:
            return None, "a line needs at least 2 positions"
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError) as exc:
        return None, f"geometry not readable ({exc})"
    if kind in AREA_TYPES and not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        return None, (
            f"invalid polygon ({reason}); fix it, e.g. QGIS 'Fix geometries' or shapely.make_valid, "
            "and make sure rings do not cross themselves"
        )
    if geom.is_empty:
        return None, "geometry is empty"
    return geom, None


def parse_area(index: int, feature: dict[str, Any]) -> tuple[Area | None, FeatureProblem | None]:
    """One area feature -> Area, or the problem with it."""
    fid = feature_id(feature)
    props = feature.get("properties") or {}
    if fid is None:
        return None, FeatureProblem(index, None, "missing id: add a short unique 'id' property")
    geom, problem = _geometry(feature, AREA_TYPES)
    if problem:
        return None, FeatureProblem(index, fid, problem)
    area = Area(
        id=fid,
        name=str(_first(props, NAME_KEYS) or fid),
        countries=_text_tuple(props.get("countries") or props.get("country")),
        assets=_text_tuple(props.get("assets")),
        description=str(props.get("description") or ""),
        geometry=geom,
    )
    return area, None


def asset_kind(props: dict[str, Any], default: str) -> str:
    """Map SeaWarden, OpenStreetMap and EMODnet-style properties to an asset kind."""
    kind = str(props.get("kind") or "").strip().lower()
    if kind in ASSET_KINDS:
        return kind
    substance = str(_first(props, SUBSTANCE_KEYS) or props.get("type") or "").lower()
    if (
        props.get("man_made") == "pipeline"
        or "pipeline" in kind
        or "pipe" in str(props.get("type", "")).lower()
    ):
        if "gas" in substance:
            return "gas_pipeline"
        if "oil" in substance or "crude" in substance or "condensate" in substance:
            return "oil_pipeline"
        return "other"
    if props.get("power") in ("cable", "line") or "power" in kind or "power" in substance:
        return "power_cable"
    if props.get("communication") or props.get("telecom") or "telecom" in kind or "fibre" in substance:
        return "telecom_cable"
    return default


def _default_asset_kind(features: list[dict[str, Any]]) -> str:
    """TeleGeography's cable map has only ``slug`` and ``color``: every feature is a telecom cable."""
    for feature in features[:5]:
        props = feature.get("properties") or {}
        if isinstance(props, dict) and set(props) == {"slug", "color"}:
            return "telecom_cable"
    return "other"


def parse_asset(
    index: int, feature: dict[str, Any], default_kind: str
) -> tuple[Asset | None, FeatureProblem | None]:
    """One line feature -> Asset, or the problem with it."""
    fid = feature_id(feature)
    props = feature.get("properties") or {}
    if fid is None:
        return None, FeatureProblem(index, None, "missing id: add an 'id' (or 'name'/'slug') property")
    geom, problem = _geometry(feature, LINE_TYPES)
    if problem:
        return None, FeatureProblem(index, fid, problem)
    operator = _first(props, OPERATOR_KEYS)
    asset = Asset(
        id=fid,
        name=str(_first(props, NAME_KEYS) or fid),
        kind=asset_kind(props, default_kind),
        operator=None if operator is None else ", ".join(_text_tuple(operator)),
        landing_points=_text_tuple(props.get("landing_points")),
        geometry=geom,
        description=str(props.get("description") or ""),
    )
    return asset, None


def parse_port(index: int, feature: dict[str, Any]) -> tuple[Port | None, FeatureProblem | None]:
    """One point feature with ``radius_m`` -> Port, or the problem with it."""
    fid = feature_id(feature)
    props = feature.get("properties") or {}
    if fid is None:
        return None, FeatureProblem(index, None, "missing id: add an 'id' property")
    geom, problem = _geometry(feature, ("Point",))
    if problem:
        return None, FeatureProblem(index, fid, problem)
    try:
        radius = float(props.get("radius_m"))
    except (TypeError, ValueError):
        return None, FeatureProblem(index, fid, "needs a numeric 'radius_m' property (metres)")
    if not 0 < radius <= 50_000:
        return None, FeatureProblem(index, fid, f"radius_m {radius} must be in (0, 50000]")
    port = Port(
        fid, str(_first(props, NAME_KEYS) or fid), str(props.get("country") or ""), geom.y, geom.x, radius
    )
    return port, None


def _duplicates(items: list[Any], indices: list[int], problems: list[FeatureProblem], what: str) -> list[Any]:
    seen: set[str] = set()
    kept = []
    for item, index in zip(items, indices, strict=True):
        if item.id in seen:
            problems.append(FeatureProblem(index, item.id, f"duplicate {what} id; ids must be unique"))
            continue
        seen.add(item.id)
        kept.append(item)
    return kept


def _merge_assets(assets: list[Asset]) -> tuple[list[Asset], int]:
    """Join line features that share an id into one MultiLineString asset.

    Cable maps (TeleGeography, OSM exports) split one cable into several features with the same
    id; they are one asset to an operator, so they are merged rather than rejected.
    """
    by_id: dict[str, list[Asset]] = {}
    for asset in assets:
        by_id.setdefault(asset.id, []).append(asset)
    merged: list[Asset] = []
    for group in by_id.values():
        if len(group) == 1:
            merged.append(group[0])
            continue
        lines = [line for a in group for line in getattr(a.geometry, "geoms", [a.geometry])]
        merged.append(replace(group[0], geometry=MultiLineString(lines)))
    return merged, len(assets) - len(merged)


def parse_features(features: list[dict[str, Any]], expect: str | None = None) -> ParseResult:
    """Validate features; ``expect`` = "areas" | "assets" | "ports" or None (decided by geometry type)."""
    result = ParseResult()
    default_kind = _default_asset_kind(features)
    area_idx: list[int] = []
    port_idx: list[int] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            result.problems.append(FeatureProblem(index, None, "not a GeoJSON Feature object"))
            continue
        gtype = (
            (feature.get("geometry") or {}).get("type") if isinstance(feature.get("geometry"), dict) else None
        )
        target = expect or (
            "areas"
            if gtype in AREA_TYPES
            else "assets"
            if gtype in LINE_TYPES
            else "ports"
            if gtype == "Point"
            else None
        )
        if target == "areas":
            area, problem = parse_area(index, feature)
            if area:
                result.areas.append(area)
                area_idx.append(index)
        elif target == "assets":
            asset, problem = parse_asset(index, feature, default_kind)
            if asset:
                result.assets.append(asset)
        elif target == "ports":
            port, problem = parse_port(index, feature)
            if port:
                result.ports.append(port)
                port_idx.append(index)
        else:
            problem = FeatureProblem(
                index,
                feature_id(feature),
                f"geometry type {gtype!r} is not an area (Polygon), asset (LineString) or port (Point)",
            )
        if problem:
            result.problems.append(problem)
    result.areas = _duplicates(result.areas, area_idx, result.problems, "area")
    result.assets, result.merged = _merge_assets(result.assets)
    result.ports = _duplicates(result.ports, port_idx, result.problems, "port")
    result.problems.sort(key=lambda p: p.index)
    return result


def load_areas(source: str | Path | dict[str, Any]) -> list[Area]:
    """Areas of a GeoJSON file; raises :class:`GeoDataError` listing every bad feature."""
    name, features = read_geojson(source)
    result = parse_features(features, "areas")
    if result.problems:
        raise GeoDataError(name, result.problems)
    if not result.areas:
        raise GeoDataError(name, [FeatureProblem(-1, None, "no area features (Polygon/MultiPolygon)")])
    return result.areas


def load_assets(source: str | Path | dict[str, Any]) -> list[Asset]:
    """Infrastructure lines of a GeoJSON file; raises :class:`GeoDataError` listing every bad feature."""
    name, features = read_geojson(source)
    result = parse_features(features, "assets")
    if result.problems:
        raise GeoDataError(name, result.problems)
    return result.assets


def load_ports(source: str | Path | dict[str, Any]) -> list[Port]:
    """Ports and anchorages (Point features with ``radius_m``)."""
    name, features = read_geojson(source)
    result = parse_features(features, "ports")
    if result.problems:
        raise GeoDataError(name, result.problems)
    return result.ports
