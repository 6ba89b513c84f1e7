"""Rendezvous: two vessels slow and side by side at sea for hours (ship-to-ship transfer).

Why: STS transfers are one of the seven deceptive shipping practices of the US May-2020 advisory
and the shadow fleet's way to move sanctioned oil (anchors.md §2.1); Global Fishing Watch's
published encounter parameters are the reference: within 500 m, for >= 2 h, median speed < 2 kn,
>= 10 km from an anchorage (``encounters_pipeline``). We use the same numbers.

On each slow fix (SOG < 2 kn, outside a port) the vessel asks the tracker for vessels within
500 m heard in the last 5 min (at most every 2 min per vessel: cost), and keeps a small, bounded
pair memory in its own scratch (at most ``max_pairs`` partners, each a handful of scalars and a
16-sample speed ring). A pair breaks when not seen together for 30 min. When a pair has been
together >= 2 h with the median of both vessels' speeds < 2 kn, and the place is >= 10 km from
every port/anchorage, an event is emitted for *both* vessels (each with the other's MMSI), and
again at 4 h and 8 h. Score 0.4; +0.2 when both are tankers (oil STS), +0.1 in an area of interest
or within 2 km of an asset, +0.1 beyond 4 h.

Not STS: tugs, pilots, SAR, port tenders, law enforcement and military vessels alongside (their
work; pair ignored), two vessels both fishing (pair trawling; not this product's concern).
Blind spots: "dark" STS with one side's AIS off (AIS-gap detector), encounters shorter than 2 h or
wider than 500 m, and pairs where neither vessel sends a fix while slow.
"""

import math
from statistics import median
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    FISHING,
    MILITARY,
    PILOT_SAR_TENDER_LAW,
    TUG_TOWING,
    haversine_m,
    is_tracked_vessel,
    is_vessel_mmsi,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState

NOT_STS_TYPES = TUG_TOWING | PILOT_SAR_TENDER_LAW | MILITARY


class RendezvousConfig(BaseModel):
    """GFW encounter parameters: <= 500 m, >= 2 h, median < 2 kn, >= 10 km from anchorage."""

    distance_m: float = Field(500, description="Within 500 m of each other (GFW).")
    min_duration_s: float = Field(2 * 3600, description="Together for >= 2 h (GFW).")
    slow_kn: float = Field(2.0, description="Median speed of both below 2 kn (GFW).")
    min_port_distance_m: float = Field(10_000, description=">= 10 km from any port/anchorage (GFW).")
    neighbour_max_age_s: float = Field(300, description="The other vessel heard in the last 5 min.")
    query_interval_s: float = Field(120, description="Ask the tracker at most every 2 min per vessel.")
    max_pair_gap_s: float = Field(30 * 60, description="Not seen together for 30 min breaks the pair.")
    max_pairs: int = Field(8, description="Bounded pair memory per vessel.")
    speed_samples: int = Field(16, description="Speed ring per pair for the median.")
    milestones_h: tuple[float, ...] = (2.0, 4.0, 8.0)
    base_score: float = 0.4
    tanker_bonus: float = 0.2
    context_bonus: float = 0.1
    long_bonus: float = 0.1
    asset_context_m: float = 2_000


class _Pair:
    __slots__ = ("emitted_milestone", "first_t", "last_t", "lat", "lon", "min_m", "speeds")

    def __init__(self, t: float, lat: float, lon: float, distance_m: float) -> None:
        self.first_t = self.last_t = t
        self.lat, self.lon = lat, lon
        self.min_m = distance_m
        self.speeds: list[float] = []
        self.emitted_milestone = 0


class _Memo:
    __slots__ = ("last_query", "pairs")

    def __init__(self) -> None:
        self.last_query = -math.inf
        self.pairs: dict[int, _Pair] = {}


class RendezvousDetector:
    """Pairs of slow vessels within 500 m for 2+ h away from ports (see module docstring)."""

    name: ClassVar[str] = "rendezvous"

    def __init__(self, config: RendezvousConfig | None = None) -> None:
        self.config = config or RendezvousConfig()

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        return []

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        cfg = self.config
        fix = s.fix
        if fix is None or fix.sog is None or fix.sog >= cfg.slow_kn or s.port is not None:
            return []
        if not is_tracked_vessel(s.state.mmsi, s.update.message.msg_type):
            return []
        own_type = s.state.identity.ship_type
        if own_type in NOT_STS_TYPES:
            return []
        memo: _Memo | None = s.state.scratch.get(self.name)
        if memo is None:
            memo = s.state.scratch[self.name] = _Memo()
        if s.now - memo.last_query < cfg.query_interval_s:
            return []
        memo.last_query = s.now
        for mmsi in [m for m, p in memo.pairs.items() if s.now - p.last_t > cfg.max_pair_gap_s]:
            del memo.pairs[mmsi]
        events: list[Event] = []
        near = env.tracker.vessels_near(fix.lat, fix.lon, cfg.distance_m, s.now, cfg.neighbour_max_age_s)
        for other in near:
            if other.mmsi == s.state.mmsi or not is_vessel_mmsi(other.mmsi) or other.last is None:
                continue
            other_type = other.identity.ship_type
            if other_type in NOT_STS_TYPES or (own_type in FISHING and other_type in FISHING):
                continue
            olast = other.last
            if olast.sog is None or olast.sog >= cfg.slow_kn:
                continue
            distance = haversine_m(fix.lat, fix.lon, olast.lat, olast.lon)
            if distance > cfg.distance_m:
                continue
            pair = memo.pairs.get(other.mmsi)
            if pair is None:
                if len(memo.pairs) >= cfg.max_pairs:
                    oldest = min(memo.pairs, key=lambda m: memo.pairs[m].last_t)
                    del memo.pairs[oldest]
                pair = memo.pairs[other.mmsi] = _Pair(s.now, fix.lat, fix.lon, distance)
            pair.last_t = s.now
            pair.lat, pair.lon = fix.lat, fix.lon
            pair.min_m = min(pair.min_m, distance)
            pair.speeds.extend((fix.sog, olast.sog))
            del pair.speeds[: max(0, len(pair.speeds) - cfg.speed_samples)]
            events.extend(self._judge(s, env, other, pair))
        return events

    def _judge(self, s: Situation, env: AssessEnv, other: "VesselState", pair: _Pair) -> list[Event]:
        cfg = self.config
        duration_s = pair.last_t - pair.first_t
        milestone = sum(1 for h in cfg.milestones_h if duration_s >= h * 3600)
        if milestone == 0 or milestone <= pair.emitted_milestone:
            return []
        median_kn = median(pair.speeds) if pair.speeds else 0.0
        if median_kn >= cfg.slow_kn:
            return []
        mirror = self._mirror(other, s.state.mmsi, pair)
        if mirror is not None and mirror.emitted_milestone >= milestone:
            pair.emitted_milestone = milestone  # the partner already reported this milestone for both
            return []
        port_m = self._port_distance(env, pair.lat, pair.lon)
        pair.emitted_milestone = milestone
        if mirror is not None:
            mirror.emitted_milestone = milestone
        if port_m is not None and port_m < cfg.min_port_distance_m:
            return []  # near a port/anchorage: lighterage and bunkering are routine there
        own_type, other_type = s.state.identity.ship_type, other.identity.ship_type
        score = cfg.base_score
        both_tankers = all(t is not None and 80 <= t <= 89 for t in (own_type, other_type))
        if both_tankers:
            score += cfg.tanker_bonus
        near_asset = any(h.distance_m <= cfg.asset_context_m for h in s.near_assets)
        if s.areas or near_asset:
            score += cfg.context_bonus
        if duration_s >= 4 * 3600:
            score += cfg.long_bonus
        hours = duration_s / 3600.0
        detail = {
            "duration_h": round(hours, 1),
            "min_distance_m": round(pair.min_m),
            "median_sog_kn": round(median_kn, 1),
            "port_distance_km": None if port_m is None else round(port_m / 1000, 1),
            "threshold_distance_m": cfg.distance_m,
            "threshold_duration_h": cfg.min_duration_s / 3600,
            "threshold_sog_kn": cfg.slow_kn,
            "both_tankers": both_tankers,
        }
        area = s.areas[0].id if s.areas else None
        asset = min(s.near_assets, key=lambda h: h.distance_m).asset.id if s.near_assets else None
        events = []
        for mmsi, partner, partner_type in (
            (s.state.mmsi, other.mmsi, other_type),
            (other.mmsi, s.state.mmsi, own_type),
        ):
            events.append(
                Event(
                    kind=AlertKind.RENDEZVOUS,
                    mmsi=mmsi,
                    time=s.now,
                    lat=pair.lat,
                    lon=pair.lon,
                    score=round(min(1.0, score), 3),
                    area=area,
                    infrastructure=asset,
                    detail={**detail, "other_mmsi": partner, "other_ship_type": partner_type},
                    explanation=(
                        f"Alongside vessel {partner} (closest {pair.min_m:.0f} m) for {hours:.1f} h at a "
                        f"median {median_kn:.1f} kn, away from ports: possible ship-to-ship transfer."
                    ),
                )
            )
        return events

    def _mirror(self, other: "VesselState", own_mmsi: int, pair: _Pair) -> _Pair | None:
        """The partner's view of this pair, created if missing so it does not report it again."""
        scratch = getattr(other, "scratch", None)
        if scratch is None:
            return None
        memo = scratch.get(self.name)
        if not isinstance(memo, _Memo):
            memo = scratch[self.name] = _Memo()
        mirror = memo.pairs.get(own_mmsi)
        if mirror is None and len(memo.pairs) < self.config.max_pairs:
            mirror = memo.pairs[own_mmsi] = _Pair(pair.first_t, pair.lat, pair.lon, pair.min_m)
            mirror.last_t = pair.last_t
        return mirror

    def _port_distance(self, env: AssessEnv, lat: float, lon: float) -> float | None:
        """Distance to the nearest port/anchorage edge (only computed when a pair is judged)."""
        best: float | None = None
        for port in env.geo.ports:
            d = max(0.0, haversine_m(lat, lon, port.lat, port.lon) - port.radius_m)
            if best is None or d < best:
                best = d
        return best
