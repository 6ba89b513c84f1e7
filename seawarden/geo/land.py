"""Land mask from Natural Earth 1:10m land polygons (public domain), with a coastline margin.

A position is land only when it is inside the land polygons *and* farther than ``margin_m`` from
the coastline: the 1:10m coast is ~1 km accurate and has no quays, so moored vessels would
otherwise look "on land". Cells of a coarse grid are classified lazily (all water / all land /
near the coast); near-coast cells are split the same way into cells ten times finer, and only
positions in fine cells that still touch the coast pay for a point-in-polygon and a coastline distance
(most ships in a coastal cell are well clear of the coast, so this keeps ``is_land`` a dict lookup
for them).
"""

from __future__ import annotations

import math
from pathlib import Path

import shapely

from seawarden.geo.geodesy import metres_per_degree
from seawarden.geo.index import CellIndex, SegmentIndex, line_parts
from seawarden.geo.loader import read_geojson

_WATER, _LAND, _COAST = 0, 1, 2
_FINE_SPLIT = 10  # near-coast cells are classified again on a grid this many times finer


class LandMask:
    """``is_land(lat, lon)`` over a clipped land polygon set; positions outside its bounds are water."""

    def __init__(self, path: Path, margin_m: float = 500.0, cell_deg: float = 0.1):
        _, features = read_geojson(path)
        polygons = [shapely.geometry.shape(f["geometry"]) for f in features if f.get("geometry")]
        self.land = shapely.union_all(polygons) if len(polygons) > 1 else polygons[0]
        shapely.prepare(self.land)
        self.margin_m = margin_m
        self.bounds = self.land.bounds
        parts = line_parts(self.land)
        # Coastline segments, no densifying: the 1:10m vertices are ~0.3-2 km apart already and the
        # margin check only needs distances of a few hundred metres.
        self.coast = SegmentIndex([[part] for part in parts], densify_m=None, cell_deg=cell_deg)
        self.grid = CellIndex(cell_deg)
        self.fine = CellIndex(cell_deg / _FINE_SPLIT)
        self._cells: dict[tuple[int, int], int] = {}
        self._fine_cells: dict[tuple[int, int], int] = {}

    def _classify(self, grid: CellIndex, cells: dict[tuple[int, int], int], key: tuple[int, int]) -> int:
        """All water, all land (by more than the margin) or near the coast: one cell of ``grid``,
        remembered in ``cells``."""
        cell = grid.cell_box(key)
        south, north = cell.bounds[1], cell.bounds[3]
        kx, ky = metres_per_degree(max(abs(south), abs(north)))
        pad = max(self.margin_m / kx, self.margin_m / ky) * 1.05
        near_coast = self.coast.tree.query(cell.buffer(pad, join_style="mitre"), predicate="intersects")
        if len(near_coast):
            state = _COAST
        else:
            centre = cell.centroid
            state = _LAND if shapely.contains_xy(self.land, centre.x, centre.y) else _WATER
        cells[key] = state
        return state

    def cell_state(self, key: tuple[int, int]) -> bool | None:
        """Cell ``key`` of the coarse grid: all land beyond the margin (True), all water (False) or
        near the coast (None: the answer depends on the point)."""
        state = self._state(self.grid, self._cells, key)
        return None if state == _COAST else state == _LAND

    def is_land(self, lat: float, lon: float) -> bool:
        """True when (lat, lon) is inland by more than the margin."""
        if math.isnan(lat) or math.isnan(lon):
            return False
        west, south, east, north = self.bounds
        if not (west <= lon <= east and south <= lat <= north):
            return False
        state = self._state(self.grid, self._cells, self.grid.key(lat, lon))
        if state == _COAST:  # the coarse cell touches the coast: ask its fine cell
            state = self._state(self.fine, self._fine_cells, self.fine.key(lat, lon))
        if state != _COAST:
            return state == _LAND
        if not shapely.contains_xy(self.land, lon, lat):
            return False
        return not self.coast.nearest_per_owner(lat, lon, self.margin_m)

    def _state(self, grid: CellIndex, cells: dict[tuple[int, int], int], key: tuple[int, int]) -> int:
        """State of cell ``key`` of ``grid`` (a dict look-up once classified)."""
        state = cells.get(key)
        return self._classify(grid, cells, key) if state is None else state
