"""Anchored near infrastructure: at anchor, moored or stationary within ~2 km of a cable/pipeline.

Why: anchoring is prohibited in cable protection zones because an anchor (and its chain sweeping
round as the ship swings) is exactly what cuts cables; the Baltic incident ships carried 6-11 t
anchors on ~300 m of chain (anchors.md §1.1: Newnew Polar Bear 6 t, Eagle S 11 t, Vezhen 300 m
chain), so an anchored ship within 1.5-2 km is a direct threat, and more so the nearer it is.

Fires after ``min_duration_s`` (15 min) when, within ``radius_m`` of an asset and outside a port or
designated anchorage (``s.port``), the vessel

* declares nav status 1 (at anchor) or 5 (moored) — it may swing on its chain, so only a move of
  more than ``max_swing_m`` from where the episode began ends it; or
* is stationary: SOG < 0.5 kn (MarineTraffic STOPPED) and within ``stationary_radius_m`` (100 m)
  of where it stopped (GPS jitter of a few tens of metres stays inside).

Score: 0.45 at 2 km rising linearly to 0.85 on top of the asset; +0.05 at 1 h and 3 h; class B
craft (small anchors) x 0.5. Re-emitted when it moves materially nearer or passes a milestone.
Tugs, pilots, SAR, law enforcement and military vessels are not assessed (their work); type 33
(cable layers/repair ships, which anchor on purpose over cables) get one info note.

Blind spots: a vessel that anchors with AIS off (AIS-gap detector), or anchors just outside
``radius_m``; anchoring inside a designated anchorage that overlaps a cable is not reported
(the geo layer's port/anchorage polygons decide); a stationary vessel with no SOG and
jittering > 100 m is not seen as stationary.
"""

from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    CLASS_B_MSG_TYPES,
    SERVICE_WORK,
    UNDERWATER_OPS,
    haversine_m,
    is_tracked_vessel,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState

AT_ANCHOR_STATUSES = frozenset({1, 5})
STATUS_WORDS = {1: "at anchor", 5: "moored"}


class AnchoredConfig(BaseModel):
    """Thresholds of anchored-near-infrastructure (cable protection zones, anchors.md §1.1)."""

    radius_m: float = Field(2_000, description="Within 2 km of an asset (300 m chain + swing + margin).")
    min_duration_s: float = Field(15 * 60, description="Anchored/stationary for 15 min.")
    stationary_kn: float = Field(0.5, description="SOG below 0.5 kn is stationary (MarineTraffic STOPPED).")
    stationary_radius_m: float = Field(100, description="...and within 100 m of where it stopped.")
    max_swing_m: float = Field(500, description="At anchor: a move beyond 500 m ends the episode.")
    far_score: float = Field(0.45, description="Score at radius_m.")
    near_score: float = Field(0.85, description="Score on top of the asset.")
    milestone_bonus: float = Field(0.05, description="Added at each milestone (1 h, 3 h).")
    milestones_min: tuple[int, ...] = (60, 180)
    nearer_step_m: float = Field(300, description="Re-emit when it is this much nearer than last reported.")
    class_b_factor: float = 0.5
    work_note_score: float = Field(0.05, description="Info note for cable layers (type 33).")


class _Stay:
    __slots__ = ("asset", "emitted_m", "emitted_milestone", "lat", "lon", "min_m", "start", "status")

    def __init__(
        self, t: float, lat: float, lon: float, status: int | None, asset: str, distance_m: float
    ) -> None:
        self.start = t
        self.lat, self.lon = lat, lon
        self.status = status
        self.asset = asset
        self.min_m = distance_m
        self.emitted_m: float | None = None
        self.emitted_milestone = -1


class AnchoredDetector:
    """At anchor / moored / stationary within 2 km of an asset for 15+ min (see module doc)."""

    name: ClassVar[str] = "anchored"

    def __init__(self, config: AnchoredConfig | None = None) -> None:
        self.config = config or AnchoredConfig()

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        return []

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        fix = s.fix
        if fix is None:
            return []
        stay: _Stay | None = s.state.scratch.get(self.name)
        if stay is None and not s.near_assets:
            return []  # the common case: no stay to end, no asset to start one near
        cfg = self.config
        if not is_tracked_vessel(s.state.mmsi, s.update.message.msg_type):
            return []
        ship_type = s.state.identity.ship_type
        if ship_type in SERVICE_WORK and ship_type not in UNDERWATER_OPS:
            return []
        hits = [h for h in s.near_assets if h.distance_m <= cfg.radius_m]
        if s.port is not None or not hits:
            if stay is not None:
                del s.state.scratch[self.name]
            return []
        declared = fix.nav_status in AT_ANCHOR_STATUSES
        stopped = fix.sog is not None and fix.sog < cfg.stationary_kn
        if not (declared or stopped) and (
            stay is None or haversine_m(stay.lat, stay.lon, fix.lat, fix.lon) > cfg.stationary_radius_m
        ):
            s.state.scratch.pop(self.name, None)  # under way (one noisy SOG in place is tolerated)
            return []
        nearest = min(hits, key=lambda h: h.distance_m)
        if stay is not None:
            moved = haversine_m(stay.lat, stay.lon, fix.lat, fix.lon)
            limit = cfg.max_swing_m if declared else cfg.stationary_radius_m
            if moved > limit:
                stay = None
        if stay is None:
            stay = _Stay(fix.t, fix.lat, fix.lon, fix.nav_status, nearest.asset.id, nearest.distance_m)
            s.state.scratch[self.name] = stay
            return []
        if nearest.distance_m < stay.min_m:
            stay.min_m, stay.asset = nearest.distance_m, nearest.asset.id
        if declared:
            stay.status = fix.nav_status
        duration_min = (fix.t - stay.start) / 60.0
        if duration_min * 60 < cfg.min_duration_s:
            return []
        milestone = sum(1 for m in cfg.milestones_min if duration_min >= m)
        if stay.emitted_m is not None:
            if ship_type in UNDERWATER_OPS:
                return []
            nearer = stay.min_m <= stay.emitted_m - cfg.nearer_step_m
            if not (nearer or milestone > stay.emitted_milestone):
                return []
        stay.emitted_m, stay.emitted_milestone = stay.min_m, milestone
        return [self._event(s, stay, duration_min, milestone, ship_type, declared)]

    def _event(
        self,
        s: Situation,
        stay: _Stay,
        duration_min: float,
        milestone: int,
        ship_type: int | None,
        declared: bool,
    ) -> Event:
        cfg = self.config
        closeness = max(0.0, 1.0 - stay.min_m / cfg.radius_m)
        how = STATUS_WORDS.get(stay.status, "stationary") if declared else "stationary"
        if ship_type in UNDERWATER_OPS:
            score = cfg.work_note_score
            text = (
                f"Dredging/underwater-operations vessel {how} {stay.min_m:.0f} m from {stay.asset} "
                "(normal work for cable ships; noted for the operator)."
            )
        else:
            score = (
                cfg.far_score + (cfg.near_score - cfg.far_score) * closeness + cfg.milestone_bonus * milestone
            )
            if s.update.message.msg_type in CLASS_B_MSG_TYPES or getattr(s.state, "class_b", False):
                score *= cfg.class_b_factor
            text = (
                f"Vessel {how} {stay.min_m:.0f} m from {stay.asset} for {duration_min:.0f} min, "
                "outside any port or designated anchorage: an anchor here can hit the asset."
            )
        return Event(
            kind=AlertKind.ANCHORED_NEAR_INFRASTRUCTURE,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat,
            lon=s.fix.lon,
            score=round(min(1.0, score), 3),
            area=s.areas[0].id if s.areas else None,
            infrastructure=stay.asset,
            detail={
                "state": how,
                "nav_status": s.fix.nav_status,
                "sog_kn": s.fix.sog,
                "distance_m": round(stay.min_m),
                "radius_m": cfg.radius_m,
                "duration_min": round(duration_min),
                "min_duration_min": round(cfg.min_duration_s / 60),
                "ship_type": ship_type,
            },
            explanation=text,
        )
