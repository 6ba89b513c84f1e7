"""Infrastructure loitering: slow, circling or stopped within ~2 km of a cable or pipeline.

Why: surveying or preparing to damage an asset means spending time on top of it; Windward and
Global Fishing Watch publish "loitering" as slow hourly speed (GFW ``pipe-loitering``:
``slow_threshold`` 2 kn average), and the Baltic incidents showed vessels staying near damage sites
(anchors.md §1.1, §3.1). An episode starts when the vessel comes within ``radius_m`` of an asset
(``s.near_assets``) and fires after ``min_duration_s`` if, over the episode, the vessel was

* **slow**: time-weighted mean SOG < 3 kn, unless it was a straight slow transit (>= 2 kn with a
  path nearly as long as its displacement: a slow crossing is not loitering), or
* **circling**: cumulative signed course change beyond 360 deg (a full turn), or
* **stopped**: mean SOG < 0.5 kn while not declaring "at anchor"/"moored" (those are the anchored
  detector's finding).

Loitering alone is weak evidence: the research vessel SGV Flot loitered at 1.1 kn near
Balticconnector when Newnew Polar Bear (the real culprit) had already passed (anchors.md §1.1,
pledgetimes source). So it starts "low" (0.30 at 40 min) and grows with time (0.45 at 2 h, 0.55 at
4 h), closeness (< 500 m: +0.10) and circling (+0.10); the risk model combines it with identity.

Vessel types: tugs, pilots, SAR, law enforcement and military patrols loiter by trade (Baltic
Sentry patrols *guard* cables): no event. Fishing vessels trawl slowly by trade: no event (blind
spot: bottom trawling is a classic cause of cable faults; area dwell still reports them). Dredgers /
underwater-operations vessels (type 33: cable layers, repair ships) get one **info** note per
episode (score 0.05): operators want to know who works on their cable, it is not a threat.
Class B craft (yachts) get half the score.

Blind spots: loitering with AIS off (the AIS-gap detector), beyond ``radius_m``, or shorter than
``min_duration_s``; within ports/anchorages nothing is assessed.
"""

from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    CLASS_B_MSG_TYPES,
    FISHING,
    KNOT_MS,
    SERVICE_WORK,
    UNDERWATER_OPS,
    angle_diff_deg,
    haversine_m,
    initial_bearing_deg,
    is_tracked_vessel,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState

ANCHORED_STATUSES = frozenset({1, 5})  # at anchor, moored: reported by the anchored detector


class LoiteringConfig(BaseModel):
    """Thresholds of infrastructure loitering (GFW pipe-loitering, SGV Flot false positive)."""

    radius_m: float = Field(2_000, description="Within 2 km of an asset (anchor chain reach + margin).")
    min_duration_s: float = Field(40 * 60, description="Loitering for 40 min (the brief's 30-45 min).")
    max_excursion_s: float = Field(10 * 60, description="Leaving the radius for < 10 min keeps the episode.")
    slow_mean_kn: float = Field(3.0, description="Mean speed below 3 kn is slow (GFW uses 2 kn hourly).")
    stopped_mean_kn: float = Field(
        0.5, description="Mean speed below 0.5 kn is stopped (MarineTraffic STOPPED)."
    )
    transit_min_kn: float = Field(2.0, description="Slow straight transits above 2 kn are not loitering...")
    transit_straightness: float = Field(0.8, description="...when displacement / path length exceeds 0.8.")
    circling_deg: float = Field(360.0, description="Cumulative course change of a full circle.")
    max_step_turn_deg: float = Field(
        120.0, description="Larger course steps between two fixes are ambiguous."
    )
    close_m: float = Field(500, description="Closer than 500 m raises the score.")
    base_score: float = Field(0.30, description="Weak alone (SGV Flot false positive).")
    score_at_2h: float = 0.45
    score_at_4h: float = 0.55
    close_bonus: float = 0.10
    circling_bonus: float = 0.10
    max_score: float = 0.8
    class_b_factor: float = Field(0.5, description="Yachts and small craft: half the score.")
    work_note_score: float = Field(0.05, description="Info note for type 33 (cable layers) at an asset.")
    score_step: float = Field(0.1, description="Re-emit when the score rises by this much.")


class _Episode:
    """Running sums of one stay near an asset (a few scalars per vessel)."""

    __slots__ = (
        "asset",
        "circling",
        "emitted_score",
        "first_lat",
        "first_lon",
        "last_cog",
        "last_in",
        "last_lat",
        "last_lon",
        "last_t",
        "min_m",
        "noted",
        "path_m",
        "speed_s",
        "speed_sum",
        "start",
        "turn_deg",
    )

    def __init__(self, t: float, lat: float, lon: float, asset: str, distance_m: float) -> None:
        self.start = self.last_t = self.last_in = t
        self.first_lat = self.last_lat = lat
        self.first_lon = self.last_lon = lon
        self.asset = asset
        self.min_m = distance_m
        self.path_m = 0.0
        self.speed_sum = 0.0  # sum of sog x dt
        self.speed_s = 0.0
        self.turn_deg = 0.0
        self.last_cog: float | None = None
        self.circling = False
        self.emitted_score = 0.0
        self.noted = False


class LoiteringDetector:
    """Slow/circling/stopped presence near an asset for 40+ min (see module docstring)."""

    name: ClassVar[str] = "loitering"

    def __init__(self, config: LoiteringConfig | None = None) -> None:
        self.config = config or LoiteringConfig()

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        return []

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        fix = s.fix
        if fix is None:
            return []
        ep: _Episode | None = s.state.scratch.get(self.name)
        if ep is None and not s.near_assets:
            return []  # the common case: no episode to advance or end, no asset to start one
        cfg = self.config
        if not is_tracked_vessel(s.state.mmsi, s.update.message.msg_type):
            return []
        ship_type = s.state.identity.ship_type
        if (ship_type in SERVICE_WORK and ship_type not in UNDERWATER_OPS) or ship_type in FISHING:
            return []
        hits = [h for h in s.near_assets if h.distance_m <= cfg.radius_m]
        if s.port is not None or fix.nav_status in ANCHORED_STATUSES:
            s.state.scratch.pop(self.name, None)
            return []
        if not hits:
            if ep is not None and fix.t - ep.last_in > cfg.max_excursion_s:
                del s.state.scratch[self.name]
            elif ep is not None:
                self._advance(ep, fix.t, fix.lat, fix.lon, fix.sog, fix.cog)
            return []
        nearest = min(hits, key=lambda h: h.distance_m)
        if ep is None or fix.t - ep.last_in > cfg.max_excursion_s:
            ep = _Episode(fix.t, fix.lat, fix.lon, nearest.asset.id, nearest.distance_m)
            s.state.scratch[self.name] = ep
            return []
        self._advance(ep, fix.t, fix.lat, fix.lon, fix.sog, fix.cog)
        ep.last_in = fix.t
        if nearest.distance_m < ep.min_m:
            ep.min_m = nearest.distance_m
            ep.asset = nearest.asset.id
        if fix.t - ep.start < cfg.min_duration_s:
            return []
        return self._judge(ep, s, ship_type)

    def _advance(
        self, ep: _Episode, t: float, lat: float, lon: float, sog: float | None, cog: float | None
    ) -> None:
        dt = t - ep.last_t
        if dt <= 0:
            return
        step_m = haversine_m(ep.last_lat, ep.last_lon, lat, lon)
        speed = sog if sog is not None else step_m / dt / KNOT_MS
        ep.speed_sum += speed * dt
        ep.speed_s += dt
        ep.path_m += step_m
        course = cog if (cog is not None and speed >= self.config.stopped_mean_kn) else None
        if course is None and step_m > 50:
            course = initial_bearing_deg(ep.last_lat, ep.last_lon, lat, lon)
        if course is not None:
            if ep.last_cog is not None:
                step = angle_diff_deg(course, ep.last_cog)
                if abs(step) <= self.config.max_step_turn_deg:  # a reversal between fixes has no sense
                    ep.turn_deg += step
            ep.last_cog = course
        ep.last_t, ep.last_lat, ep.last_lon = t, lat, lon

    def _judge(self, ep: _Episode, s: Situation, ship_type: int | None) -> list[Event]:
        cfg = self.config
        now = s.now
        duration_s = now - ep.start
        mean_kn = ep.speed_sum / ep.speed_s if ep.speed_s > 0 else 0.0
        displacement = haversine_m(ep.first_lat, ep.first_lon, ep.last_lat, ep.last_lon)
        straightness = displacement / ep.path_m if ep.path_m > 0 else 0.0
        circling = abs(ep.turn_deg) >= cfg.circling_deg
        stopped = mean_kn < cfg.stopped_mean_kn
        straight_transit = mean_kn >= cfg.transit_min_kn and straightness > cfg.transit_straightness
        slow = mean_kn < cfg.slow_mean_kn and not straight_transit
        if not (slow or circling or stopped):
            return []
        pattern = "circling" if circling else "stopped" if stopped else "slow"
        if ship_type in UNDERWATER_OPS:
            if ep.noted:
                return []
            ep.noted = True
            score = cfg.work_note_score
        else:
            score = cfg.base_score
            if duration_s >= 4 * 3600:
                score = cfg.score_at_4h
            elif duration_s >= 2 * 3600:
                score = cfg.score_at_2h
            if ep.min_m <= cfg.close_m:
                score += cfg.close_bonus
            if circling:
                score += cfg.circling_bonus
            score = min(cfg.max_score, score)
            if s.update.message.msg_type in CLASS_B_MSG_TYPES or getattr(s.state, "class_b", False):
                score *= cfg.class_b_factor
            if ep.emitted_score > 0 and score < ep.emitted_score + cfg.score_step - 1e-9:
                return []
            ep.emitted_score = score
        minutes = duration_s / 60.0
        detail = {
            "pattern": pattern,
            "duration_min": round(minutes),
            "mean_sog_kn": round(mean_kn, 1),
            "min_distance_m": round(ep.min_m),
            "cumulative_turn_deg": round(ep.turn_deg),
            "straightness": round(straightness, 2),
            "radius_m": cfg.radius_m,
            "threshold_kn": cfg.slow_mean_kn,
            "min_duration_min": round(cfg.min_duration_s / 60),
            "ship_type": ship_type,
        }
        if ship_type in UNDERWATER_OPS:
            text = (
                f"Dredging/underwater-operations vessel working {ep.min_m:.0f} m from {ep.asset} for "
                f"{minutes:.0f} min (normal work for cable ships; noted for the operator)."
            )
        else:
            how = {
                "circling": f"circling ({abs(ep.turn_deg):.0f} deg of turns)",
                "stopped": "stopped",
                "slow": f"moving slowly (mean {mean_kn:.1f} kn)",
            }[pattern]
            text = (
                f"Vessel has been {how} within {ep.min_m:.0f} m of {ep.asset} for {minutes:.0f} min, "
                "outside any port."
            )
        return [
            Event(
                kind=AlertKind.INFRASTRUCTURE_LOITERING,
                mmsi=s.state.mmsi,
                time=now,
                lat=s.fix.lat,
                lon=s.fix.lon,
                score=round(score, 3),
                area=s.areas[0].id if s.areas else None,
                infrastructure=ep.asset,
                detail=detail,
                explanation=text,
            )
        ]
