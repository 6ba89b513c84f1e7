"""A coarse lat/lon grid of vessels' last positions, for "who is near here?" queries.

Why a plain grid: the question is asked on every message (AIS-gap context, rendezvous, spoofing),
updates are far more frequent than queries, and a dict of cell -> set of MMSI costs one hash
update per accepted fix. Exact distances are then checked with haversine on the few candidates.
"""

import math

from seawarden.geodesy import METRES_PER_DEG_LAT


class PositionGrid:
    """Maps grid cells to the MMSIs whose last accepted fix lies in them."""

    __slots__ = ("_cells", "_cols", "_rows", "cell_deg")

    def __init__(self, cell_deg: float) -> None:
        self.cell_deg = cell_deg
        self._cols = math.ceil(360.0 / cell_deg)
        self._rows = math.ceil(180.0 / cell_deg)
        self._cells: dict[int, set[int]] = {}

    def _row(self, lat: float) -> int:
        return min(self._rows - 1, max(0, int((lat + 90.0) / self.cell_deg)))

    def _col(self, lon: float) -> int:
        return int(((lon + 180.0) % 360.0) / self.cell_deg) % self._cols

    def cell_of(self, lat: float, lon: float) -> int:
        # Runs on every accepted fix: _row and _col inlined, the min/max clamp as comparisons.
        cell_deg, cols = self.cell_deg, self._cols
        row = int((lat + 90.0) / cell_deg)
        if row < 0:
            row = 0
        if row > self._rows - 1:
            row = self._rows - 1
        return row * cols + int(((lon + 180.0) % 360.0) / cell_deg) % cols

    def move(self, mmsi: int, old_cell: int | None, lat: float, lon: float) -> int:
        """Record ``mmsi`` at (lat, lon); returns its new cell id (keep it for the next move)."""
        cell = self.cell_of(lat, lon)
        if cell != old_cell:
            if old_cell is not None:
                self.remove(mmsi, old_cell)
            self._cells.setdefault(cell, set()).add(mmsi)
        return cell

    def remove(self, mmsi: int, cell: int) -> None:
        members = self._cells.get(cell)
        if members is not None:
            members.discard(mmsi)
            if not members:
                del self._cells[cell]

    def candidates(self, lat: float, lon: float, radius_m: float) -> set[int]:
        """MMSIs in all cells that may hold points within ``radius_m`` (a superset)."""
        dlat = radius_m / METRES_PER_DEG_LAT
        row_lo, row_hi = self._row(lat - dlat), self._row(lat + dlat)
        widest_lat = min(89.999, abs(lat) + dlat)
        cos_lat = math.cos(math.radians(widest_lat))
        dlon = 360.0 if cos_lat <= 0 else dlat / cos_lat
        if dlon >= 180.0 or abs(lat) + dlat >= 90.0:
            col_span = list(range(self._cols))
        else:
            first = self._col(lon - dlon)
            count = min(self._cols, int(2 * dlon / self.cell_deg) + 2)
            col_span = [(first + k) % self._cols for k in range(count)]
        found: set[int] = set()
        n_cells = (row_hi - row_lo + 1) * len(col_span)
        if n_cells > len(self._cells):  # huge radius: scan the occupied cells instead
            rows = range(row_lo, row_hi + 1)
            cols = set(col_span)
            for cell, members in self._cells.items():
                if cell // self._cols in rows and cell % self._cols in cols:
                    found |= members
            return found
        for row in range(row_lo, row_hi + 1):
            base = row * self._cols
            for col in col_span:
                members = self._cells.get(base + col)
                if members:
                    found |= members
        return found

    def __len__(self) -> int:
        return sum(len(m) for m in self._cells.values())
