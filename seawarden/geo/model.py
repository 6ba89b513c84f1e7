"""Geographic value types handed to the rest of the pipeline (contract: docs/architecture.md "geo").

They are frozen so one instance can be shared by every vessel and detector without copying.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

ASSET_KINDS = ("power_cable", "telecom_cable", "gas_pipeline", "oil_pipeline", "other")


@dataclass(frozen=True)
class Area:
    """An area of interest: vessels inside it are watched more closely."""

    id: str
    name: str
    countries: tuple[str, ...]
    assets: tuple[str, ...]
    description: str
    geometry: BaseGeometry = field(repr=False, compare=False)  # Polygon | MultiPolygon, lon/lat WGS84


@dataclass(frozen=True)
class Asset:
    """A piece of undersea infrastructure (cable or pipeline) as a line."""

    id: str
    name: str
    kind: str  # one of ASSET_KINDS
    operator: str | None
    landing_points: tuple[str, ...]
    geometry: BaseGeometry = field(repr=False, compare=False)  # LineString | MultiLineString, lon/lat
    description: str = ""


@dataclass(frozen=True)
class AssetHit:
    """Where a position meets an asset: the nearest point on the asset (or the crossing point)."""

    asset: Asset
    distance_m: float
    along_m: float  # from the asset's first vertex along its line to (lat, lon)
    lat: float
    lon: float


@dataclass(frozen=True)
class Port:
    """A port or designated anchorage: stopping here is normal, not an alarm."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    radius_m: float
