"""Spatial indexes behind :class:`~seawarden.geo.GeoContext`.

``SegmentIndex`` holds the lines of many owners (assets, area boundaries, coastline) as short
segments in one shapely 2 STRtree plus flat NumPy arrays, so a query is one tree lookup and one
vectorised distance computation, with no per-owner Python loop over geometry. ``CellIndex`` is a
coarse lat/lon grid (dict lookup, ~0.2 µs) that answers "nothing here" for the open sea before any
geometry is touched; most AIS messages are far from every area and asset.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from seawarden.geo.geodesy import WGS84, degree_radius, densify, metres_per_degree, point_segment_distances


def line_parts(geometry: BaseGeometry) -> list[list[tuple[float, float]]]:
    """Coordinate lists of a (Multi)LineString or of the rings of a (Multi)Polygon."""
    if geometry.geom_type == "LineString":
        return [list(geometry.coords)]
    if geometry.geom_type == "MultiLineString":
        return [list(part.coords) for part in geometry.geoms]
    if geometry.geom_type == "Polygon":
        return [list(geometry.exterior.coords)] + [list(r.coords) for r in geometry.interiors]
    if geometry.geom_type == "MultiPolygon":
        return [coords for poly in geometry.geoms for coords in line_parts(poly)]
    raise TypeError(f"no lines in a {geometry.geom_type}")


_EMPTY = np.zeros(0, dtype=np.int64)
_MISSING = ([], 0)  # sentinel: identity-compared, never returned
# Per segment: (lon1, lat1, lon2, lat2), owner, start along its owner's line (m), length (m).
_Scalars = tuple[list[tuple[float, float, float, float]], list[int], list[float], list[float]]


@dataclass(frozen=True, slots=True)
class SegmentMatch:
    """Nearest point of one owner's lines to a query point."""

    owner: int
    distance_m: float
    along_m: float
    lat: float
    lon: float


class SegmentIndex:
    """Lines of many owners as short geodesic segments with cumulative along-line distances."""

    MAX_GRID_CELLS = 25  # larger queries go to the STRtree

    def __init__(
        self,
        owners_parts: Sequence[list[list[tuple[float, float]]]],
        densify_m: float | None,
        cell_deg: float = 0.1,
    ):
        lon1: list[np.ndarray] = []
        lat1: list[np.ndarray] = []
        lon2: list[np.ndarray] = []
        lat2: list[np.ndarray] = []
        owner: list[np.ndarray] = []
        start: list[np.ndarray] = []
        piece_length: list[np.ndarray] = []
        for index, parts in enumerate(owners_parts):
            along = 0.0
            for part in parts:
                coords = densify(part, densify_m) if densify_m else np.asarray(part, dtype=float)[:, :2]
                xs = coords[:, 0]
                ys = coords[:, 1]
                if len(xs) < 2:
                    continue
                lengths = WGS84.inv(xs[:-1], ys[:-1], xs[1:], ys[1:])[2]
                cumulative = along + np.concatenate(([0.0], np.cumsum(lengths)[:-1]))
                lon1.append(xs[:-1])
                lat1.append(ys[:-1])
                lon2.append(xs[1:])
                lat2.append(ys[1:])
                owner.append(np.full(len(xs) - 1, index, dtype=np.int64))
                start.append(cumulative)
                piece_length.append(np.asarray(lengths, dtype=float))
                along += float(np.sum(lengths))

        def joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype=dtype)

        self.lon1 = joined(lon1, float)
        self.lat1 = joined(lat1, float)
        self.lon2 = joined(lon2, float)
        self.lat2 = joined(lat2, float)
        self.owner = joined(owner, np.int64)
        self.start_m = joined(start, float)
        self.length_m = joined(piece_length, float)
        segments = np.stack(
            [np.column_stack([self.lon1, self.lat1]), np.column_stack([self.lon2, self.lat2])], axis=1
        )
        self.tree = shapely.STRtree(shapely.linestrings(segments) if len(segments) else [])
        self.coords = np.column_stack([self.lon1, self.lat1, self.lon2, self.lat2])
        self.cell_deg = cell_deg
        self.cells = self._grid(cell_deg)
        # Plain-Python copies for the small-candidate path, built on first query (see _scalars).
        self._py: _Scalars | None = None
        self._box_ids: dict[tuple[int, int, int, int], tuple[list[int], int] | None] = {}

    def _grid(self, cell: float) -> dict[tuple[int, int], np.ndarray]:
        """Cell -> indices of the segments whose bounding box touches it (per-message fast path)."""
        i0 = np.floor(np.minimum(self.lat1, self.lat2) / cell).astype(np.int64)
        i1 = np.floor(np.maximum(self.lat1, self.lat2) / cell).astype(np.int64)
        j0 = np.floor(np.minimum(self.lon1, self.lon2) / cell).astype(np.int64)
        j1 = np.floor(np.maximum(self.lon1, self.lon2) / cell).astype(np.int64)
        span_i, span_j = i1 - i0, j1 - j0
        small = (span_i <= 2) & (span_j <= 2)  # nearly all: segments are shorter than a cell or two
        seg: list[np.ndarray] = []
        ci: list[np.ndarray] = []
        cj: list[np.ndarray] = []
        for di in range(3):
            for dj in range(3):
                hit = np.flatnonzero(small & (span_i >= di) & (span_j >= dj))
                seg.append(hit)
                ci.append(i0[hit] + di)
                cj.append(j0[hit] + dj)
        for k in np.flatnonzero(~small).tolist():
            ii, jj = np.meshgrid(np.arange(i0[k], i1[k] + 1), np.arange(j0[k], j1[k] + 1), indexing="ij")
            seg.append(np.full(ii.size, k, dtype=np.int64))
            ci.append(ii.ravel())
            cj.append(jj.ravel())
        segs, cis, cjs = np.concatenate(seg), np.concatenate(ci), np.concatenate(cj)
        order = np.lexsort((segs, cjs, cis))
        segs, cis, cjs = segs[order], cis[order], cjs[order]
        boundaries = np.flatnonzero((np.diff(cis) != 0) | (np.diff(cjs) != 0)) + 1
        firsts = np.concatenate(([0], boundaries)) if len(segs) else np.zeros(0, dtype=np.int64)
        lasts = np.concatenate((boundaries, [len(segs)])) if len(segs) else firsts
        keys = zip(cis[firsts].tolist(), cjs[firsts].tolist(), strict=True)
        return {key: segs[a:b] for key, a, b in zip(keys, firsts.tolist(), lasts.tolist(), strict=True)}

    def cell_key(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg))

    def _from_cells(self, south: float, west: float, north: float, east: float) -> np.ndarray | None:
        """Segments in the grid cells covering a lon/lat box; None when the box is too big for the grid."""
        cell = self.cell_deg
        i0, i1 = math.floor(south / cell), math.floor(north / cell)
        j0, j1 = math.floor(west / cell), math.floor(east / cell)
        if (i1 - i0 + 1) * (j1 - j0 + 1) > self.MAX_GRID_CELLS:
            return None
        found = [
            self.cells[key]
            for i in range(i0, i1 + 1)
            for j in range(j0, j1 + 1)
            if (key := (i, j)) in self.cells
        ]
        if not found:
            return _EMPTY
        return found[0] if len(found) == 1 else np.concatenate(found)  # duplicates are harmless

    def __len__(self) -> int:
        return len(self.owner)

    def candidates(self, lat: float, lon: float, radius_m: float) -> np.ndarray:
        """Segment indices possibly within ``radius_m`` (conservative, from the STRtree)."""
        if not len(self.owner):
            return _EMPTY
        pad = degree_radius(lat, radius_m)
        idx = self._from_cells(lat - pad, lon - pad, lat + pad, lon + pad)
        if idx is None:
            idx = self.tree.query(shapely.Point(lon, lat), predicate="dwithin", distance=pad)
        return idx

    SMALL = 128  # candidate counts up to this are cheaper in plain Python than in NumPy
    LOCAL_EXACT_M = 20_000.0  # below this the local frame is within ~0.3 % of the geodesic

    def nearest_per_owner(self, lat: float, lon: float, radius_m: float) -> list[SegmentMatch]:
        """For every owner with a line within ``radius_m``: its nearest point, nearest first."""
        if not len(self.owner):
            return []
        pad = degree_radius(lat, radius_m)
        cached = self._ids_in_box(lat - pad, lon - pad, lat + pad, lon + pad)
        if cached is None:
            ids = self.tree.query(shapely.Point(lon, lat), predicate="dwithin", distance=pad).tolist()
            count = len(ids)
        else:
            ids, count = cached
        if not ids:
            return []
        # 1 % slack: the local frame ranks candidates, the geodesic decides distances beyond 20 km.
        limit = radius_m * 1.01 + 1.0
        if count <= self.SMALL:
            best = self._best_small(lat, lon, ids, limit)
        else:
            idx = np.asarray(ids, dtype=np.int64)
            best = self._best_vector(lat, lon, self.coords[idx], self.owner[idx], limit)
            best = {owner: (distance, ids[k], frac) for owner, (distance, k, frac) in best.items()}
        rows, _, starts, lengths = self._py or self._scalars()
        matches: list[SegmentMatch] = []
        for owner, (distance, seg, frac) in best.items():
            lon1, lat1, lon2, lat2 = rows[seg]
            plon = lon1 + frac * (lon2 - lon1)
            plat = lat1 + frac * (lat2 - lat1)
            if distance > self.LOCAL_EXACT_M:
                distance = float(WGS84.inv(lon, lat, plon, plat)[2])
            if distance <= radius_m:
                along = starts[seg] + frac * lengths[seg]  # float64 maths, as on the NumPy arrays
                matches.append(SegmentMatch(owner, distance, along, plat, plon))
        if len(matches) > 1:
            matches.sort(key=lambda m: m.distance_m)
        return matches

    _BOX_CACHE_MAX = 65_536  # cached candidate lists per index before the cache starts over

    def _ids_in_box(
        self, south: float, west: float, north: float, east: float
    ) -> tuple[list[int], int] | None:
        """``_from_cells`` as a Python list, cached per cell range.

        Why: vessels re-query the same few cell ranges report after report; a cached list skips the
        per-cell dict look-ups, the concatenation and the NumPy-to-Python conversion of each query.
        Same segments in the same order (the first nearest candidate wins ties), so results are equal.
        Returns (segments, how many the cells list counting repeats: it picks the maths, see SMALL).
        """
        cell = self.cell_deg
        box = (
            math.floor(south / cell),
            math.floor(north / cell),
            math.floor(west / cell),
            math.floor(east / cell),
        )
        ids = self._box_ids.get(box, _MISSING)
        if ids is _MISSING:
            if len(self._box_ids) >= self._BOX_CACHE_MAX:
                self._box_ids.clear()  # bounded memory on a feed that roams everywhere
            found = self._from_cells(south, west, north, east)
            # A repeated segment (it spans several cells) gives the same distance again and never
            # beats its first occurrence, so only first occurrences are kept.
            ids = None if found is None else (list(dict.fromkeys(found.tolist())), len(found))
            self._box_ids[box] = ids
        return ids

    def _scalars(self) -> _Scalars:
        """Per-segment Python floats and ints: scalar maths on them is several times faster than on
        NumPy scalars, and the values (IEEE doubles) are the same. Set in one assignment, so another
        thread never sees half of them."""
        rows = [(x1, y1, x2, y2) for x1, y1, x2, y2 in self.coords.tolist()]
        self._py = (rows, self.owner.tolist(), self.start_m.tolist(), self.length_m.tolist())
        return self._py

    def _best_small(
        self, lat: float, lon: float, ids: list[int], limit: float
    ) -> dict[int, tuple[float, int, float]]:
        """owner -> (distance m, segment, fraction) with scalar maths (few candidates).

        The first candidate at the smallest distance wins, as in :meth:`_best_vector`.
        """
        kx, ky = metres_per_degree(lat)
        rows, owners, _, _ = self._py or self._scalars()
        best: dict[int, tuple[float, int, float]] = {}
        for seg in ids:
            x1, y1, x2, y2 = rows[seg]
            ax = (x1 - lon) * kx
            ay = (y1 - lat) * ky
            dx = (x2 - lon) * kx - ax
            dy = (y2 - lat) * ky - ay
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 <= 0.0 else -(ax * dx + ay * dy) / length2
            # min(1.0, max(0.0, t)) without two calls per candidate (NaN -> 0.0 as there).
            t = t if 0.0 < t < 1.0 else (1.0 if t >= 1.0 else 0.0)
            distance = math.hypot(ax + t * dx, ay + t * dy)
            if distance <= limit:
                owner = owners[seg]
                known = best.get(owner)
                if known is None or distance < known[0]:
                    best[owner] = (distance, seg, t)
        return best

    @staticmethod
    def _best_vector(
        lat: float, lon: float, rows: np.ndarray, owners: np.ndarray, limit: float
    ) -> dict[int, tuple[float, int, float]]:
        """Same as :meth:`_best_small`, vectorised for many candidates (large radii, dense data)."""
        distances, t = point_segment_distances(lat, lon, rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3])
        best: dict[int, tuple[float, int, float]] = {}
        for k in np.flatnonzero(distances <= limit).tolist():
            owner = int(owners[k])
            distance = float(distances[k])
            if owner not in best or distance < best[owner][0]:
                best[owner] = (distance, k, float(t[k]))
        return best

    def crossings(self, lat1: float, lon1: float, lat2: float, lon2: float) -> list[SegmentMatch]:
        """Owners whose lines the segment crosses: the first crossing per owner, in travel order.

        Segment intersection is affine-invariant, so it is solved in lon/lat directly: the local
        equirectangular frame is an affine map of lon/lat.
        """
        if not len(self.owner) or (lat1 == lat2 and lon1 == lon2):
            return []
        idx = self._from_cells(min(lat1, lat2), min(lon1, lon2), max(lat1, lat2), max(lon1, lon2))
        if idx is None:
            idx = self.tree.query(shapely.linestrings([[lon1, lat1], [lon2, lat2]]), predicate="intersects")
        if not len(idx):
            return []
        rx, ry = lon2 - lon1, lat2 - lat1
        eps = 1e-12
        hits: list[tuple[int, float, float]] = []  # (candidate position, s along track, u along asset)
        if len(idx) <= self.SMALL:
            for k, (qx, qy, x2, y2) in enumerate(self.coords[idx].tolist()):
                sx, sy = x2 - qx, y2 - qy
                denominator = rx * sy - ry * sx
                if denominator == 0.0:
                    continue  # parallel or degenerate: touching along a line is not a crossing
                s = ((qx - lon1) * sy - (qy - lat1) * sx) / denominator  # along the track
                u = ((qx - lon1) * ry - (qy - lat1) * rx) / denominator  # along the asset segment
                if -eps <= s <= 1 + eps and -eps <= u <= 1 + eps:
                    hits.append((k, s, u))
        else:
            qx, qy = self.lon1[idx], self.lat1[idx]
            sx, sy = self.lon2[idx] - qx, self.lat2[idx] - qy
            denominator = rx * sy - ry * sx
            with np.errstate(invalid="ignore", divide="ignore"):
                s = ((qx - lon1) * sy - (qy - lat1) * sx) / denominator
                u = ((qx - lon1) * ry - (qy - lat1) * rx) / denominator
            ok = (denominator != 0) & (s >= -eps) & (s <= 1 + eps) & (u >= -eps) & (u <= 1 + eps)
            hits = [(k, float(s[k]), float(u[k])) for k in np.flatnonzero(ok).tolist()]
        best: dict[int, tuple[float, SegmentMatch]] = {}
        for k, s_k, u_k in hits:
            seg = int(idx[k])
            owner = int(self.owner[seg])
            sk = min(1.0, max(0.0, s_k))
            if owner in best and best[owner][0] <= sk:
                continue
            uk = min(1.0, max(0.0, u_k))
            along = float(self.start_m[seg] + uk * self.length_m[seg])
            best[owner] = (sk, SegmentMatch(owner, 0.0, along, lat1 + sk * ry, lon1 + sk * rx))
        return [match for _, match in sorted(best.values(), key=lambda item: item[0])]


class CellIndex:
    """Coarse lat/lon grid: cell -> item indices whose footprint touches the cell."""

    def __init__(self, cell_deg: float):
        self.cell_deg = cell_deg
        self.cells: dict[tuple[int, int], tuple[int, ...]] = {}

    def key(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg))

    def cell_keys(self, bounds: tuple[float, float, float, float], pad: int = 0) -> Iterable[tuple[int, int]]:
        """Keys of the cells covering lon/lat bounds (minx, miny, maxx, maxy), padded by ``pad`` cells."""
        west, south, east, north = bounds
        i0, j0 = self.key(south, west)
        i1, j1 = self.key(north, east)
        for i in range(i0 - pad, i1 + pad + 1):
            for j in range(j0 - pad, j1 + pad + 1):
                yield (i, j)

    def cell_box(self, key: tuple[int, int]) -> BaseGeometry:
        i, j = key
        d = self.cell_deg
        return shapely.box(j * d, i * d, (j + 1) * d, (i + 1) * d)

    def add(self, key: tuple[int, int], item: int) -> None:
        self.cells[key] = (*self.cells.get(key, ()), item)

    def get(self, lat: float, lon: float) -> tuple[int, ...]:
        return self.cells.get((math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg)), ())
