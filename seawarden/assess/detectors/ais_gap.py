"""AIS gap: a vessel falls silent near infrastructure, and where it reappears.

Why: switching AIS off hides the very behaviour the other detectors look for, and it happened in
the incidents: Eagle S went silent 11:35 -> 13:05 local (90 min) around the Estlink 2 fault and came
back slower; Yi Peng 3 reportedly switched its transponder off briefly (anchors.md §1.1).
MarineTraffic calls a vessel OUT_OF_RANGE after 1 h without a position; Global Fishing Watch's gap
products use 6 h and 12 h (open ocean, satellite AIS). Near cables, with terrestrial coverage, we
can be much quicker:

* **Gap** (``tick``): silence longer than max(``k`` x the vessel's own expected reporting interval,
  a floor of 10 min for class A under way, 30 min for class B or a vessel at anchor/moored/stopped)
  while its last position was inside an area, within 20 km of one, or within 10 km of an asset.
  Reception gaps are told apart by asking the tracker who *else* was heard within 20 km in the last
  5 min: others heard -> the silence is this vessel's (score 0.5, 0.6 near an asset); nobody heard
  -> probably a reception gap (score 0.15, said so in the explanation). One event per gap.
* **Reappearance** (``check``, when the previous fix is older than the threshold): the distance
  from the dead-reckoned position (last SOG/COG) and the implied speed. Reappearing > 5 km and
  > 30 % of the predicted distance away from the prediction (+0.2), having crossed an asset during
  the gap (+0.3, the straight segment previous -> fix, ``s.crossings``) and a gap that others did
  not share (+0.15) raise the base 0.3 (0.2 when it was a reception gap).

Blind spots: a vessel that never reported near an area (nothing to lose sight of); gaps shorter
than the floor; receivers that hear nobody else in sparse waters make every gap look like a
reception gap; dead reckoning is only used for gaps up to 3 h (routes bend).
"""

from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    KNOT_MS,
    dead_reckon,
    haversine_m,
    is_tracked_vessel,
    is_vessel_mmsi,
)
from seawarden.types import AlertKind, Event, iso_utc

if TYPE_CHECKING:
    from seawarden.track import Fix, VesselState

SLOW_STATUSES = frozenset({1, 5})  # at anchor, moored: class A reports every 3 min


class AisGapConfig(BaseModel):
    """Thresholds of the AIS-gap detector (Eagle S 90-min gap; MarineTraffic 1 h; GFW 6/12 h)."""

    interval_factor: float = Field(6.0, description="Silence of k x the vessel's own interval...")
    floor_under_way_s: float = Field(600, description="...but at least 10 min for class A under way...")
    floor_slow_s: float = Field(1800, description="...and 30 min for class B or at anchor/moored/stopped.")
    stopped_kn: float = Field(0.5, description="Below this the vessel is stopped (slow reporting).")
    area_margin_m: float = Field(20_000, description="Watched: inside or within 20 km of an area...")
    asset_margin_m: float = Field(10_000, description="...or within 10 km of an asset.")
    neighbour_radius_m: float = Field(20_000, description="Others heard within 20 km...")
    neighbour_max_age_s: float = Field(300, description="...in the last 5 min mean reception works.")
    max_report_silence_s: float = Field(24 * 3600, description="Older silences are not reported (stale).")
    deliberate_score: float = 0.5
    deliberate_near_asset_bonus: float = 0.1
    reception_gap_score: float = 0.15
    reappear_base_score: float = 0.3
    reappear_reception_score: float = 0.2
    unshared_gap_bonus: float = 0.15
    off_prediction_m: float = Field(5_000, description="Reappearing > 5 km from dead reckoning...")
    off_prediction_share: float = Field(0.3, description="...and > 30 % of the predicted distance.")
    off_prediction_bonus: float = 0.2
    crossing_bonus: float = Field(0.3, description="Crossed an asset while silent.")
    max_dead_reckoning_s: float = Field(3 * 3600, description="Dead reckoning only for gaps up to 3 h.")
    max_score: float = 0.95


class _GapMemo:
    __slots__ = ("area", "asset", "asset_m", "emitted", "heard", "last_t")

    def __init__(self, last_t: float) -> None:
        self.last_t = last_t  # time of the last fix before the silence
        self.heard: int | None = None
        self.area: str | None = None
        self.asset: str | None = None
        self.asset_m: float | None = None
        self.emitted = False


class AisGapDetector:
    """Silence near infrastructure (tick) and the reappearance that ends it (check)."""

    name: ClassVar[str] = "ais_gap"

    def __init__(self, config: AisGapConfig | None = None) -> None:
        self.config = config or AisGapConfig()

    # ------------------------------------------------------------------ thresholds

    def threshold_s(self, state: "VesselState", last_sog: float | None, last_status: int | None) -> float:
        """Silence that counts as a gap for this vessel after a fix with this speed/status."""
        cfg = self.config
        slow = (
            getattr(state, "class_b", False)
            or last_status in SLOW_STATUSES
            or (last_sog is not None and last_sog < cfg.stopped_kn)
        )
        floor = cfg.floor_slow_s if slow else cfg.floor_under_way_s
        expected = float(getattr(state, "expected_interval_s", 0.0) or 0.0)
        return max(cfg.interval_factor * expected, floor)

    # ------------------------------------------------------------------ gap (tick)

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        cfg = self.config
        last = state.last
        if last is None:
            return []
        silence = now - last.t
        if silence < cfg.floor_under_way_s or silence > cfg.max_report_silence_s:
            return []  # the cheap exit for almost every vessel on every tick (before the MMSI test)
        if not is_vessel_mmsi(state.mmsi):
            return []
        memo: _GapMemo | None = state.scratch.get(self.name)
        if memo is not None and memo.last_t == last.t:
            return []  # this silence was already judged
        if silence < self.threshold_s(state, last.sog, last.nav_status):
            return []
        memo = _GapMemo(last.t)
        state.scratch[self.name] = memo
        if not self._locate(memo, state, last.lat, last.lon, env):
            return []
        neighbours = env.tracker.vessels_near(
            last.lat, last.lon, cfg.neighbour_radius_m, now, cfg.neighbour_max_age_s
        )
        memo.heard = sum(1 for v in neighbours if v.mmsi != state.mmsi and is_vessel_mmsi(v.mmsi))
        memo.emitted = True
        near_asset = memo.asset_m is not None and memo.asset_m <= cfg.asset_margin_m / 2
        if memo.heard:
            score = cfg.deliberate_score + (cfg.deliberate_near_asset_bonus if near_asset else 0.0)
            why = (
                f"{memo.heard} other vessel(s) within {cfg.neighbour_radius_m / 1000:.0f} km are still heard"
            )
        else:
            score = cfg.reception_gap_score
            why = "no other vessel nearby is heard either, so this is probably a reception gap"
        where = _where(memo)
        return [
            Event(
                kind=AlertKind.AIS_GAP,
                mmsi=state.mmsi,
                time=now,
                lat=last.lat,
                lon=last.lon,
                score=round(score, 3),
                area=memo.area,
                infrastructure=memo.asset,
                detail={
                    "phase": "silent",
                    "silence_min": round(silence / 60),
                    "last_seen": iso_utc(last.t),
                    "threshold_min": round(self.threshold_s(state, last.sog, last.nav_status) / 60, 1),
                    "expected_interval_s": round(float(getattr(state, "expected_interval_s", 0.0) or 0.0), 1),
                    "neighbours_heard": memo.heard,
                    "neighbour_radius_m": cfg.neighbour_radius_m,
                    "last_sog_kn": last.sog,
                    "last_cog_deg": last.cog,
                    "asset_distance_m": None if memo.asset_m is None else round(memo.asset_m),
                },
                explanation=f"AIS silent for {silence / 60:.0f} min {where}; {why}.",
            )
        ]

    def _locate(self, memo: _GapMemo, state: "VesselState", lat: float, lon: float, env: AssessEnv) -> bool:
        """Fill the memo's area/asset context; False when the position is far from both."""
        cfg = self.config
        hit = env.geo.nearest_asset(lat, lon, cfg.asset_margin_m)
        if hit is not None:
            memo.asset, memo.asset_m = hit.asset.id, hit.distance_m
        areas = sorted(getattr(state, "areas", ()) or ())
        if areas:
            memo.area = areas[0]
        else:
            nearby = env.geo.areas_within(lat, lon, cfg.area_margin_m)
            if nearby:
                memo.area = min(nearby, key=lambda pair: pair[1])[0].id
        return memo.area is not None or memo.asset is not None

    # ------------------------------------------------------------------ reappearance (check)

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        fix, prev = s.fix, s.update.previous
        if fix is None or prev is None:
            return []
        gap = fix.t - prev.t
        if gap < self.config.floor_under_way_s:
            return []  # cheap exit for every ordinary message (before the vessel-category test)
        if not is_tracked_vessel(s.state.mmsi, s.update.message.msg_type):
            return []
        if gap < self.threshold_s(s.state, prev.sog, prev.nav_status):
            return []
        memo: _GapMemo | None = s.state.scratch.pop(self.name, None)
        if memo is None or memo.last_t != prev.t:
            memo = _GapMemo(prev.t)  # no tick saw this gap (e.g. replay without ticks)
            self._locate(memo, s.state, prev.lat, prev.lon, env)
        if memo.area is None and memo.asset is None and not (s.crossings or s.areas or s.near_assets):
            return []  # silent and back far from anything we protect
        return [self._reappearance(s, prev, gap, memo)]

    def _reappearance(self, s: Situation, prev: "Fix", gap: float, memo: _GapMemo) -> Event:
        cfg = self.config
        fix = s.fix
        moved_m = haversine_m(prev.lat, prev.lon, fix.lat, fix.lon)
        implied_kn = moved_m / gap / KNOT_MS
        predicted = (
            dead_reckon(prev.lat, prev.lon, prev.sog, prev.cog, gap)
            if gap <= cfg.max_dead_reckoning_s
            else None
        )
        off_m = None if predicted is None else haversine_m(predicted[0], predicted[1], fix.lat, fix.lon)
        predicted_m = (prev.sog or 0.0) * KNOT_MS * gap
        off_prediction = (
            off_m is not None
            and off_m > cfg.off_prediction_m
            and off_m > cfg.off_prediction_share * predicted_m
        )
        crossed = sorted({h.asset.id for h in s.crossings})
        reasons: list[str] = []
        score = cfg.reappear_reception_score if memo.heard == 0 else cfg.reappear_base_score
        if memo.heard:
            score += cfg.unshared_gap_bonus
            reasons.append(f"{memo.heard} vessel(s) nearby stayed visible")
        elif memo.heard == 0:
            reasons.append("nobody nearby was heard either (likely reception gap)")
        if off_prediction:
            score += cfg.off_prediction_bonus
            reasons.append(f"reappeared {off_m / 1000:.1f} km from where its course and speed predicted")
        if crossed:
            score += cfg.crossing_bonus
            reasons.append(f"crossed {', '.join(crossed)} while silent")
        area = s.areas[0].id if s.areas else memo.area
        asset = crossed[0] if crossed else memo.asset
        if asset is None and s.near_assets:
            asset = min(s.near_assets, key=lambda h: h.distance_m).asset.id
        text = (
            f"AIS back after {gap / 60:.0f} min silent {_where(memo)}, at {implied_kn:.1f} kn implied speed"
        )
        text += ("; " + "; ".join(reasons) + ".") if reasons else "."
        return Event(
            kind=AlertKind.AIS_GAP,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=fix.lat,
            lon=fix.lon,
            score=round(min(cfg.max_score, score), 3),
            area=area,
            infrastructure=asset,
            detail={
                "phase": "reappeared",
                "gap_min": round(gap / 60),
                "gap_start": iso_utc(prev.t),
                "gap_start_lat": round(prev.lat, 6),
                "gap_start_lon": round(prev.lon, 6),
                "moved_km": round(moved_m / 1000, 2),
                "implied_speed_kn": round(implied_kn, 1),
                "last_sog_kn": prev.sog,
                "sog_kn": fix.sog,
                "off_prediction_km": None if off_m is None else round(off_m / 1000, 2),
                "off_prediction_threshold_km": cfg.off_prediction_m / 1000,
                "crossed_while_silent": crossed,
                "neighbours_heard": memo.heard,
            },
            explanation=text,
        )


def _where(memo: _GapMemo) -> str:
    parts = []
    if memo.asset is not None and memo.asset_m is not None:
        parts.append(f"{memo.asset_m / 1000:.1f} km from {memo.asset}")
    if memo.area is not None:
        parts.append(f"in/near area {memo.area}")
    return ("(" + ", ".join(parts) + ")") if parts else ""
