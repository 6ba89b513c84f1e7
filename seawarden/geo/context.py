"""``GeoContext``: every geographic question the pipeline asks, answered from cached indexes.

One context is built per data set and shared; each query is a grid lookup, at most one STRtree
query and a small vectorised distance computation, so the assessor can ask for every message.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely

from seawarden.geo.config import GeoConfig
from seawarden.geo.geodesy import WGS84, degree_radius
from seawarden.geo.index import CellIndex, SegmentIndex, line_parts
from seawarden.geo.land import LandMask
from seawarden.geo.loader import load_areas, load_assets, load_ports, read_geojson
from seawarden.geo.model import Area, Asset, AssetHit, Port
from seawarden.geo.paths import (
    BUNDLED_AREAS,
    BUNDLED_INFRASTRUCTURE,
    BUNDLED_LAND,
    BUNDLED_PORTS,
    BUNDLED_WATERWAYS,
    installed_areas_path,
)

log = logging.getLogger(__name__)

_FINE_SPLIT = 10  # cells partly inside an area are classified again on a grid this many times finer
_FINE_CACHE_MAX = 1_000_000  # classified (area, fine cell) pairs kept before the cache starts over
_OUTSIDE, _INSIDE, _EDGE = 0, 1, 2
_UNSETTLED = object()  # a grid cell whose is_land verdict is not known yet


def _valid(lat: float, lon: float) -> bool:
    """Finite WGS84 lat/lon (NaN fails every comparison). Bad positions match nothing, never crash."""
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0


@functools.lru_cache(maxsize=4)
def _land_mask(path: Path, margin_m: float, cell_deg: float) -> LandMask:
    """Shared across contexts: the land mask is the same whatever areas a user loads."""
    return LandMask(path, margin_m, cell_deg)


@functools.cache
def _waterways(cell_deg: float) -> tuple[SegmentIndex, tuple[float, ...], frozenset[tuple[int, int]]]:
    """Navigable rivers and canals that the 1:10m land polygons fill in (Elbe, Kiel Canal, ...).

    Returns the lines, their half-widths and the grid cells they may reach (half-widths are well
    under one cell, so the cells touched plus one ring cover every position that can match).
    """
    _, features = read_geojson(BUNDLED_WATERWAYS)
    parts = [line_parts(shapely.geometry.shape(f["geometry"])) for f in features]
    widths = tuple(float(f["properties"]["half_width_m"]) for f in features)
    index = SegmentIndex(parts, densify_m=2_000.0, cell_deg=cell_deg)
    cells = {(i + di, j + dj) for (i, j) in index.cells for di in (-1, 0, 1) for dj in (-1, 0, 1)}
    return index, widths, frozenset(cells)


class GeoContext:
    """Areas of interest, infrastructure, ports and the land mask, with fast metric queries."""

    def __init__(
        self,
        areas: list[Area],
        assets: list[Asset],
        ports: list[Port],
        *,
        config: GeoConfig | None = None,
        land_path: Path | None = BUNDLED_LAND,
    ):
        self.config = config or GeoConfig()
        self.areas = list(areas)
        self.assets = list(assets)
        self.ports = list(ports)
        self._area_by_id = {a.id: a for a in self.areas}
        self._asset_by_id = {a.id: a for a in self.assets}
        self._land_path = land_path
        self._land: LandMask | None = None
        self._land_cells: dict[tuple[int, int], bool | None] = {}  # grid cell -> is_land verdict
        self._build_area_index()
        self._build_asset_index()
        self._build_port_index()

    # ----------------------------------------------------------------- construction
    @classmethod
    @functools.cache
    def default(cls) -> GeoContext:
        """Bundled 22 areas, indicative infrastructure, ports and land mask (built once, cached)."""
        return cls.load()

    @classmethod
    def load(
        cls,
        areas: str | Path | None = None,
        infrastructure: str | Path | None = None,
        *,
        ports: str | Path | None = None,
        config: GeoConfig | None = None,
    ) -> GeoContext:
        """Context from user GeoJSON files (None = bundled); raises GeoDataError on bad files."""
        return cls(
            load_areas(areas or BUNDLED_AREAS),
            load_assets(infrastructure or BUNDLED_INFRASTRUCTURE),
            load_ports(ports or BUNDLED_PORTS),
            config=config,
        )

    @classmethod
    def installed(cls, infrastructure: str | Path | None = None) -> GeoContext:
        """The user's imported areas (``seawarden areas import``) if any, else the bundled ones."""
        user = installed_areas_path()
        if user is None and infrastructure is None:
            return cls.default()
        return cls.load(areas=user, infrastructure=infrastructure)

    def _build_area_index(self) -> None:
        self._area_geoms = [a.geometry for a in self.areas]
        for geom in self._area_geoms:
            shapely.prepare(geom)
        # Cell -> areas fully covering it (answer at once) / partly covering it (test the point).
        self._area_full = CellIndex(self.config.grid_deg)
        self._area_partial = CellIndex(self.config.grid_deg)
        for index, geom in enumerate(self._area_geoms):
            for key in self._area_full.cell_keys(geom.bounds):
                cell = self._area_full.cell_box(key)
                if shapely.contains(geom, cell):
                    self._area_full.add(key, index)
                elif shapely.intersects(geom, cell):
                    self._area_partial.add(key, index)
        # One look-up per message: cell -> (areas fully covering it, their indices, partly covering ones).
        self._area_cells: dict[tuple[int, int], tuple[tuple[Area, ...], tuple[int, ...], tuple[int, ...]]] = {
            key: (
                tuple(self.areas[i] for i in self._area_full.cells.get(key, ())),
                self._area_full.cells.get(key, ()),
                self._area_partial.cells.get(key, ()),
            )
            for key in self._area_full.cells.keys() | self._area_partial.cells.keys()
        }
        # Partly covered cells are split again, lazily: (area, fine cell) -> inside / outside / edge.
        self._area_fine_deg = self.config.grid_deg / _FINE_SPLIT
        self._area_fine: dict[tuple[int, tuple[int, int]], int] = {}
        self._area_tree = shapely.STRtree(self._area_geoms)
        self._area_edges = SegmentIndex(
            [line_parts(g) for g in self._area_geoms], self.config.densify_m, self.config.grid_deg
        )

    def _build_asset_index(self) -> None:
        self._asset_lines = SegmentIndex(
            [line_parts(a.geometry) for a in self.assets], self.config.densify_m, self.config.grid_deg
        )

    def _build_port_index(self) -> None:
        self._port_grid = CellIndex(self.config.grid_deg)
        self._port_lat = np.asarray([p.lat for p in self.ports], dtype=float)
        self._port_lon = np.asarray([p.lon for p in self.ports], dtype=float)
        for index, port in enumerate(self.ports):
            pad = degree_radius(port.lat, port.radius_m)
            bounds = (port.lon - pad, port.lat - pad, port.lon + pad, port.lat + pad)
            for key in self._port_grid.cell_keys(bounds):
                self._port_grid.add(key, index)

    # ----------------------------------------------------------------- lookups
    def area(self, area_id: str) -> Area:
        try:
            return self._area_by_id[area_id]
        except KeyError:
            raise KeyError(
                f"unknown area id {area_id!r}; known: {', '.join(sorted(self._area_by_id))}"
            ) from None

    def asset(self, asset_id: str) -> Asset:
        try:
            return self._asset_by_id[asset_id]
        except KeyError:
            raise KeyError(f"unknown asset id {asset_id!r} ({len(self.assets)} assets loaded)") from None

    # ----------------------------------------------------------------- areas
    def areas_at(self, lat: float, lon: float) -> list[Area]:
        """Areas containing the point (in file order)."""
        if not _valid(lat, lon):
            return []
        grid = self._area_full.cell_deg
        cell = self._area_cells.get((math.floor(lat / grid), math.floor(lon / grid)))
        if cell is None:  # open sea: most messages
            return []
        full_areas, full, partial = cell
        if not partial:
            return list(full_areas)
        hits = set(full)
        fine = self._area_fine_deg
        fine_key = (math.floor(lat / fine), math.floor(lon / fine))
        states = self._area_fine
        for i in partial:
            state = states.get((i, fine_key))
            if state is None:
                state = self._classify_fine(i, fine_key)
            if state == _INSIDE or (state == _EDGE and shapely.contains_xy(self._area_geoms[i], lon, lat)):
                hits.add(i)
        return [self.areas[i] for i in sorted(hits)]

    def _classify_fine(self, index: int, key: tuple[int, int]) -> int:
        """Inside, outside or on the edge of area ``index``: one cell of the fine grid (cached).

        Why: a point-in-polygon test costs ~10 us and releases the GIL (in the live service the
        pipeline thread may then wait milliseconds to get it back); with fine cells only points within
        about a kilometre of an area's boundary need one.
        """
        if len(self._area_fine) >= _FINE_CACHE_MAX:
            self._area_fine.clear()  # bounded memory on a feed that wanders along every boundary
        i, j = key
        d = self._area_fine_deg
        cell = shapely.box(j * d, i * d, (j + 1) * d, (i + 1) * d)
        geom = self._area_geoms[index]
        if shapely.contains(geom, cell):
            state = _INSIDE
        elif shapely.intersects(geom, cell):
            state = _EDGE
        else:
            state = _OUTSIDE
        self._area_fine[(index, key)] = state
        return state

    def areas_at_many(self, lats: Sequence[float], lons: Sequence[float]) -> list[list[Area]]:
        """``areas_at`` for many points in one STRtree bulk query (replay, batch scoring)."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_idx, area_idx = self._area_tree.query(points, predicate="intersects")
        out: list[list[Area]] = [[] for _ in range(len(points))]
        for p, a in sorted(zip(point_idx.tolist(), area_idx.tolist(), strict=True)):
            out[p].append(self.areas[a])
        return out

    def areas_within(self, lat: float, lon: float, radius_m: float) -> list[tuple[Area, float]]:
        """(area, distance in metres to its boundary; 0 if inside), nearest first."""
        if not _valid(lat, lon):
            return []
        inside = {id(a) for a in self.areas_at(lat, lon)}
        out: list[tuple[Area, float]] = [(a, 0.0) for a in self.areas if id(a) in inside]
        for match in self._area_edges.nearest_per_owner(lat, lon, radius_m):
            area = self.areas[match.owner]
            if id(area) not in inside:
                out.append((area, match.distance_m))
        out.sort(key=lambda item: item[1])
        return out

    # ----------------------------------------------------------------- assets
    def _hit(self, match) -> AssetHit:
        return AssetHit(self.assets[match.owner], match.distance_m, match.along_m, match.lat, match.lon)

    def nearest_asset(self, lat: float, lon: float, max_distance_m: float) -> AssetHit | None:
        """Nearest asset within ``max_distance_m`` (geodesic metres), or None."""
        if not _valid(lat, lon):
            return None
        matches = self._asset_lines.nearest_per_owner(lat, lon, max_distance_m)
        return self._hit(matches[0]) if matches else None

    def assets_within(self, lat: float, lon: float, radius_m: float) -> list[AssetHit]:
        """Every asset within ``radius_m``, nearest first (one hit per asset)."""
        if not _valid(lat, lon):
            return []
        return [self._hit(m) for m in self._asset_lines.nearest_per_owner(lat, lon, radius_m)]

    def crossings(self, lat1: float, lon1: float, lat2: float, lon2: float) -> list[AssetHit]:
        """Assets the segment (lat1, lon1) -> (lat2, lon2) crosses, in travel order, at the crossing point."""
        if not (_valid(lat1, lon1) and _valid(lat2, lon2)):
            return []
        return [self._hit(m) for m in self._asset_lines.crossings(lat1, lon1, lat2, lon2)]

    # ----------------------------------------------------------------- land, ports
    @property
    def land(self) -> LandMask | None:
        """The land mask, loaded on first use (CLI commands that never ask do not pay for it)."""
        if self._land_path is None:
            return None
        mask = self._land
        if mask is None:  # kept on the context: is_land runs for every accepted fix
            mask = self._land = _land_mask(self._land_path, self.config.land_margin_m, self.config.grid_deg)
        return mask

    def is_land(self, lat: float, lon: float) -> bool:
        """Inland by more than ``config.land_margin_m``; harbours and coastal waters are not land.

        Ports/anchorages and bundled navigable waterways (rivers and canals the 1:10m coastline
        fills in: Elbe to Hamburg, Scheldt to Antwerp, Kiel Canal, ...) are never land.
        """
        mask = self._land if self._land is not None else self.land
        if mask is None or not _valid(lat, lon):
            return False
        grid = mask.grid.cell_deg
        key = (math.floor(lat / grid), math.floor(lon / grid))
        verdict = self._land_cells.get(key, _UNSETTLED)
        if verdict is _UNSETTLED:
            verdict = self._land_cells[key] = self._land_cell_verdict(mask, key)
        if verdict is not None:  # the whole cell has one answer: most fixes, once per cell
            return verdict
        return self._is_land_at(mask, lat, lon)

    def _land_cell_verdict(self, mask: LandMask, key: tuple[int, int]) -> bool | None:
        """``is_land`` anywhere in grid cell ``key`` of the mask, or None when it depends on the point.

        All water: never land. All land (beyond the margin) with no port radius and no waterway
        reaching the cell: always land. The port and waterway grids must be the mask's grid.
        """
        waterways, _, waterway_cells = _waterways(self.config.grid_deg)
        if not mask.grid.cell_deg == self._port_grid.cell_deg == waterways.cell_deg:
            return None
        state = mask.cell_state(key)
        if state is None or (state and (key in self._port_grid.cells or key in waterway_cells)):
            return None
        return state

    def _is_land_at(self, mask: LandMask, lat: float, lon: float) -> bool:
        """``is_land`` for one valid point, tested in full."""
        if not mask.is_land(lat, lon):
            return False
        if self.near_port(lat, lon) is not None:
            return False
        waterways, half_widths, cells = _waterways(self.config.grid_deg)
        if waterways.cell_key(lat, lon) not in cells:
            return True
        for match in waterways.nearest_per_owner(lat, lon, max(half_widths)):
            if match.distance_m <= half_widths[match.owner]:
                return False
        return True

    def near_port(self, lat: float, lon: float) -> Port | None:
        """The nearest port or anchorage whose radius contains the point."""
        if not _valid(lat, lon):
            return None
        candidates = self._port_grid.get(lat, lon)
        if not candidates:
            return None
        best: Port | None = None
        best_d = float("inf")
        for index in candidates:
            port = self.ports[index]
            distance = float(WGS84.inv(lon, lat, port.lon, port.lat)[2])
            if distance <= port.radius_m and distance < best_d:
                best, best_d = port, distance
        return best

    def __repr__(self) -> str:
        return f"GeoContext({len(self.areas)} areas, {len(self.assets)} assets, {len(self.ports)} ports)"
