"""Interaction groups: which vessels must share one pipeline for its results to equal one replay.

Why: the pipeline's grid clock makes a vessel's alerts independent of unrelated vessels
(``seawarden/pipeline.py``), but four checks read *other* vessels' state. Spark may split the
vessels into any partitions as long as every vessel that one of these checks could read is in the
same pipeline as the vessel reading it:

* rendezvous: the other's last fix within ``distance_m`` and ``neighbour_max_age_s``, both slow;
* spoofing (co-location): the other's last fix within ``colocated_m`` and ``colocated_max_age_s``,
  both under way;
* AIS gap (coverage): vessels heard within ``neighbour_radius_m`` of a silent vessel's last fix, in
  the ``neighbour_max_age_s`` before a clock mark of the silence;
* identity: the same IMO on another MMSI (the detector's IMO index).

Each rule here is a *superset* of the reads the detector can make (coarser cells, longer windows,
speed bounds widened for the tracker's 0.1 kn rounding; a late message can read fixes as new as the
replay clock at that point, so the window reaches that far): a group that is too large costs only
parallelism, a group that is too small would change alerts. Vessels linked by any rule, directly or
through others, form one group (connected components). Dense waters therefore form large groups:
that is the price of exact cross-vessel results (docs/scale-out.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from seawarden.assess.detectors.kinematics import is_vessel_mmsi
from seawarden.config import Settings
from seawarden.geo import GeoContext
from seawarden.geodesy import EARTH_RADIUS_M
from seawarden.pipeline import HOUSEKEEPING_INTERVAL_S
from seawarden.track import Tracker

#: Slack on speed thresholds: the tracker stores SOG rounded to 0.1 kn.
SOG_SLACK_KN = 0.1
#: Earth radius of the 3-D cell grid: the geodesy module's (chord distance <= great-circle distance).
EARTH_R_M = EARTH_RADIUS_M


@dataclass(frozen=True, slots=True)
class ProximityRule:
    """Vessels whose positions come within ``radius_m`` and ``window_s`` may read each other.

    ``cell_m`` and ``bucket_s`` size the grid the engine joins on; ``min_sog``/``max_sog`` bound
    the speeds (knots, from the message) both positions must have for the detector to look.
    """

    name: str
    radius_m: float
    window_s: float
    cell_m: float
    bucket_s: float
    min_sog: float | None = None
    max_sog: float | None = None


@dataclass(frozen=True, slots=True)
class GapRule:
    """The AIS-gap coverage read: positions near a silent vessel's last fix during its silence."""

    radius_m: float
    max_age_s: float
    min_silence_s: float
    max_silence_s: float
    area_margin_m: float
    asset_margin_m: float
    cell_m: float
    bucket_s: float


@dataclass(frozen=True, slots=True)
class GroupRules:
    proximity: tuple[ProximityRule, ...]
    gap: GapRule | None
    imo: bool


def rules_from(settings: Settings) -> GroupRules:
    """The cross-vessel reads the enabled detectors can make, from their configuration."""
    assess = settings.assess
    enabled = set(assess.enabled)
    proximity: list[ProximityRule] = []
    if "rendezvous" in enabled:
        r = assess.rendezvous
        proximity.append(
            ProximityRule(
                "rendezvous",
                radius_m=r.distance_m,
                window_s=r.neighbour_max_age_s,
                cell_m=max(r.distance_m / 2, 25.0),
                bucket_s=max(r.neighbour_max_age_s, 60.0),
                max_sog=r.slow_kn + SOG_SLACK_KN,
            )
        )
    if "spoofing" in enabled:
        s = assess.spoofing
        proximity.append(
            ProximityRule(
                "spoofing",
                radius_m=s.colocated_m,
                window_s=s.colocated_max_age_s,
                cell_m=max(s.colocated_m / 2, 25.0),
                bucket_s=max(s.colocated_max_age_s, 60.0),
                min_sog=s.colocated_min_sog_kn - SOG_SLACK_KN,
            )
        )
    gap = None
    if "ais_gap" in enabled:
        g = assess.ais_gap
        gap = GapRule(
            radius_m=g.neighbour_radius_m,
            max_age_s=g.neighbour_max_age_s,
            min_silence_s=min(g.floor_under_way_s, g.floor_slow_s),
            max_silence_s=g.max_report_silence_s,
            area_margin_m=g.area_margin_m,
            asset_margin_m=g.asset_margin_m,
            cell_m=max(g.neighbour_radius_m / 10, 100.0),
            bucket_s=1800.0,
        )
    return GroupRules(tuple(proximity), gap, "identity" in enabled)


# ------------------------------------------------------------------------------------------ geometry


def ecef(lat: float, lon: float) -> tuple[float, float, float]:
    """Point on a sphere in metres: the straight-line (chord) distance never exceeds the arc."""
    phi, lam = math.radians(lat), math.radians(lon)
    return (
        EARTH_R_M * math.cos(phi) * math.cos(lam),
        EARTH_R_M * math.cos(phi) * math.sin(lam),
        EARTH_R_M * math.sin(phi),
    )


def coarse_factor(radius_m: float, cell_m: float) -> int:
    """Fine cells per coarse cell so a coarse cell spans >= twice the radius plus the cell slack.

    A query box (radius + fine-cell diagonal around a fine-cell centre) then meets at most two coarse
    cells per axis, eight in all.
    """
    slack = math.sqrt(3.0) * cell_m
    return max(1, math.ceil(2 * (radius_m + slack) / cell_m))


# ------------------------------------------------------------------------------------------ AIS gaps


def vessel_silences(
    rows: Iterable[dict[str, Any]],
    settings: Settings,
    geo: GeoContext,
    rule: GapRule,
    end: float,
) -> Iterator[dict[str, Any]]:
    """Silences of one vessel that the AIS-gap tick could judge, as coverage queries.

    ``rows`` are one vessel's message rows in input order, each with ``clock`` (the event time of
    the whole job when the message is processed). A bare :class:`Tracker` (the tracker depends only
    on the vessel's own messages, and housekeeping runs on the same clock marks) tells which fixes
    were accepted, so a rejected fix never hides a silence. Yields ``{mmsi, lat, lon, t_lo, t_hi}``:
    the silent vessel's last fix and the window in which a neighbour's fix could be counted.
    """
    from seawarden.scale.rows import row_to_message

    tracker = Tracker(settings.track, is_land=geo.is_land)
    last_clock: float | None = None
    span: tuple[float, float, float] | None = None  # (t, lat, lon) of the current last fix
    mmsi = None
    for row in rows:
        msg = row_to_message(row)
        mmsi = msg.mmsi
        clock = float(row["clock"])
        if last_clock is not None and math.floor(clock / HOUSEKEEPING_INTERVAL_S) > math.floor(
            last_clock / HOUSEKEEPING_INTERVAL_S
        ):
            tracker.expire(math.floor(clock / HOUSEKEEPING_INTERVAL_S) * HOUSEKEEPING_INTERVAL_S)
        last_clock = clock if last_clock is None else max(last_clock, clock)
        tracker.update(msg)
        state = tracker.get(msg.mmsi)
        last = None if state is None else state.last
        current = None if last is None else (last.t, last.lat, last.lon)
        if current != span:
            if span is not None:
                yield from _silence(mmsi, span, clock, geo, rule)
            span = current
    if span is not None and mmsi is not None:
        yield from _silence(mmsi, span, end, geo, rule)


def _silence(
    mmsi: int, span: tuple[float, float, float], until: float, geo: GeoContext, rule: GapRule
) -> Iterator[dict[str, Any]]:
    t, lat, lon = span
    if not is_vessel_mmsi(mmsi) or until - t < rule.min_silence_s:
        return
    watched = bool(geo.areas_within(lat, lon, rule.area_margin_m)) or (
        geo.nearest_asset(lat, lon, rule.asset_margin_m) is not None
    )
    if not watched:
        return  # the detector only judges silences near what we protect
    t_hi = min(until, t + rule.max_silence_s)
    yield {
        "mmsi": mmsi,
        "lat": lat,
        "lon": lon,
        "t_lo": t + rule.min_silence_s - rule.max_age_s,
        "t_hi": t_hi,
    }


# ------------------------------------------------------------------------------------------ components


class UnionFind:
    """Connected components over hashable nodes (path halving, union by size)."""

    def __init__(self) -> None:
        self._parent: dict[Any, Any] = {}
        self._size: dict[Any, int] = {}

    def find(self, node: Any) -> Any:
        parent = self._parent
        if node not in parent:
            parent[node] = node
            self._size[node] = 1
            return node
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]

    def nodes(self) -> Iterator[Any]:
        return iter(list(self._parent))


def assign_groups(edges: Iterable[tuple[int, int]], imo_pairs: Iterable[tuple[int, int]]) -> dict[int, int]:
    """MMSI -> group id (the smallest MMSI of its component) for every vessel with a link.

    ``edges`` link two MMSIs; ``imo_pairs`` link an MMSI to an IMO (an IMO node joins every MMSI
    that broadcast it). Vessels without links are left out: their group is their own MMSI.
    """
    uf = UnionFind()
    for a, b in edges:
        uf.union(("m", int(a)), ("m", int(b)))
    for mmsi, imo in imo_pairs:
        uf.union(("m", int(mmsi)), ("i", int(imo)))
    smallest: dict[Any, int] = {}
    for node in uf.nodes():
        if node[0] == "m":
            root = uf.find(node)
            smallest[root] = min(smallest.get(root, node[1]), node[1])
    out: dict[int, int] = {}
    for node in uf.nodes():
        if node[0] == "m":
            out[node[1]] = smallest[uf.find(node)]
    return out
