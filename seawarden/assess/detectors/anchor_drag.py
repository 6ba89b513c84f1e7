"""Anchor drag suspected: a ship under way that behaves as if something heavy is holding it back.

The heart of SeaWarden. In every Baltic cable incident the AIS navigational status stayed
"under way using engine" and said nothing (anchors.md §0.1), so the detector learns each vessel's
*own* cruise speed and looks for the signature of a dragging anchor against it:

1. **Sustained relative slowdown.** The recent speed (time-weighted median over 5 min) is at
   least 12 % *and* 0.8 kn below the vessel's baseline for 10 min, while still above 2 kn (a stop
   is anchoring: :mod:`.anchored`). Eagle S went 8.5 -> 6.3 kn (-26 %) in 35 min near Estlink 2.
   A *shorter* dip counts only when it coincides with an asset crossing: Newnew Polar Bear dipped
   ~11 -> 9.5 kn (-14 %) for ~5 min exactly over Balticconnector.
2. **Heading vs COG divergence** (crabbing) 8 deg beyond the vessel's usual offset for 10 min: the
   autopilot compensating the anchor's pull (Vezhen: "starts to slow down and turn, but the
   autopilot compensates"). Compared with the vessel's own usual offset (a 30-min time-EWMA of
   clipped samples), because gyro/heading sensor misalignment and currents give many ships a
   steady offset of a few degrees.
3. **Conspicuous course changes / U-turn** (>= 45 deg within 10 min, >= 150 deg within 20 min):
   Yi Peng 3 "lost speed and made conspicuous course changes" at each crossing.
4. **Asset crossings while anomalous** (``s.crossings``): each crossing escalates (new event);
   repeated crossings and several distinct assets raise the score strongly (Eagle S: 5 cables,
   Newnew Polar Bear: a pipeline and 2 cables, Yi Peng 3 crossed the damage positions repeatedly).
5. **Context**: inside an area of interest, within 20 km of one, or within 5 km of an asset. A
   finding fires only with context, on the *first* sustained anomaly, so it comes far upstream of
   the cable (drags ran 90-330 km: hours of warning). Accidental drags (Vezhen, Fitburg) alert the
   same way: the behaviour is what endangers the cable.

The baseline is the time-weighted median of the last 24 5-min buckets (2 h of continuous
reporting; cleared after 2 h unseen) of SOG > 3 kn while under way, and is
*frozen* while an anomaly is in progress so the drag does not become the new normal (up to 12 h,
then it is relearnt: drags lasted up to ~36 h, so a very long drag at constant speed stops scoring
the slowdown after 12 h; the alert raised earlier stands). Across an AIS gap the anomaly is *held*, not
reset (Eagle S went dark for 90 min mid-drag): an asset crossed while silent escalates as soon as
the ship reappears.

Score (detector confidence, the risk model multiplies by its anchor-drag weight): slowdown 0.40
(+ up to 0.10 for its size) or short dip at a crossing 0.30, divergence 0.20, course change 0.10 /
U-turn 0.20, crossings 0.20 + 0.10 per further crossing + 0.10 for several assets (max 0.45),
context 0.10; times a ship-type factor (cargo/tanker 1.0, unknown/other 0.9, passenger 0.6: a
ferry's slowdown over a cable it crosses daily needs crabbing or several crossings to alert).
It emits from 0.5 (a sustained slowdown in an area is "medium") and re-emits on each new
crossing, each 0.1 score step and at 1/2/4/8 h of duration.

Blind spots (stated, not hidden):
- Vessels with < 30 min of under-way history have no baseline (e.g. just out of port, or just
  come into receiver range): no slowdown signal; crossings + course changes can still fire.
- Drags at constant speed with no course change (Yi Peng 3 "did not slow down when the anchor was
  dropped") show only at crossings, and only when speed or course changes there.
- A drag that starts while the ship is already slowing for other reasons (port approach, pilot)
  is suppressed near ports; class B craft, fishing, tugs, dredgers/cable ships, pilots, SAR, law
  enforcement and military vessels are not assessed at all.
- Status "at anchor"/"moored"/"restricted"/"fishing"/"aground" is not assessed here (anchored
  detector); wind and current can cause crabbing in storms (divergence alone never fires).
"""

import math
from array import array
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    CLASS_B_MSG_TYPES,
    FISHING,
    PLEASURE,
    SERVICE_WORK,
    RollingSeries,
    abs_angle_diff_deg,
    angle_diff_deg,
    ewma,
    haversine_m,
    initial_bearing_deg,
    is_heavy_anchor_type,
    is_tracked_vessel,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState

# Nav status values not assessed: 1 at anchor, 3 restricted manoeuvrability (cable laying,
# dredging, towing), 5 moored, 6 aground, 7 engaged in fishing.
NOT_UNDER_WAY_STATUSES = frozenset({1, 3, 5, 6, 7})
EXCLUDED_SHIP_TYPES = FISHING | SERVICE_WORK | PLEASURE


class AnchorDragConfig(BaseModel):
    """Thresholds of the anchor-drag detector (calibrated on anchors.md §0.1 and §1.1)."""

    cruise_min_kn: float = Field(3.0, description="Only SOG above this feeds the cruise baseline.")
    baseline_window_s: float = Field(2 * 3600, description="Baseline = time-weighted median over 2 h.")
    baseline_bucket_s: float = Field(300, description="Baseline stored as 5-min buckets (24 per vessel).")
    min_baseline_s: float = Field(
        30 * 60, description="Blind spot: no slowdown signal before 30 min of history."
    )
    recent_window_s: float = Field(300, description="Recent speed = time-weighted median of the last 5 min.")
    recent_bucket_s: float = Field(30, description="Recent samples stored as 30-s buckets.")
    min_recent_s: float = Field(120, description="The recent window needs 2 min of samples.")
    drop_pct: float = Field(12.0, description="Relative slowdown (Newnew Polar Bear 11->9.5 kn = 14 %).")
    drop_kn: float = Field(0.8, description="Absolute slowdown, so slow ships' noise is not a drop.")
    min_drag_kn: float = Field(2.0, description="Below this it is a stop (anchored/loitering detectors).")
    sustain_s: float = Field(600, description="A slowdown must last 10 min (Eagle S: 35 min decline).")
    dip_min_s: float = Field(60, description="A shorter dip counts when it coincides with a crossing...")
    crossing_window_s: float = Field(
        900, description="...within 15 min of it (NNPB 5-min dip at the pipeline)."
    )
    previous_speed_tolerance_kn: float = Field(0.5, description="Speeds this close count as 'the same'.")
    previous_speed_share: float = Field(
        0.25, description="A speed held for >= 25 % of the baseline window is a return to a previous speed."
    )
    divergence_deg: float = Field(
        8.0, description="Heading-COG offset beyond the usual one (Vezhen crabbing)."
    )
    divergence_tau_s: float = Field(1800, description="Usual offset learnt as a 30-min time-EWMA...")
    divergence_clip_deg: float = Field(20.0, description="...of samples clipped to +-20 deg.")
    divergence_no_baseline_deg: float = Field(12.0, description="Without an offset baseline: absolute limit.")
    course_change_deg: float = Field(45.0, description="Conspicuous course change within course_change_s.")
    course_change_s: float = Field(600)
    uturn_deg: float = Field(150.0, description="U-turn: course reversed within uturn_s.")
    uturn_s: float = Field(1200)
    recovery_s: float = Field(600, description="An anomaly ends after 10 min without any signal.")
    max_anomaly_s: float = Field(12 * 3600, description="Baseline frozen at most 12 h, then relearnt.")
    eval_interval_s: float = Field(30, description="Evaluate at most every 30 s per vessel (cost)...")
    eval_interval_far_s: float = Field(120, description="...every 2 min away from areas and assets.")
    near_asset_m: float = Field(5_000, description="Context: within 5 km of an asset.")
    area_margin_m: float = Field(20_000, description="Context: within 20 km of an area of interest.")
    port_approach_m: float = Field(10_000, description="Suppress within 10 km of a port (pilot, approach).")
    destination_approach_m: float = Field(
        30_000,
        description="Suppress within 30 km of the port the vessel is bound for (named in its AIS "
        "destination) when that port lies ahead: pilot boarding grounds in the Gulf of Finland "
        "lie 10-20 km out.",
    )
    approach_cone_deg: float = Field(60, description="'Ahead' = bearing to the port within 60 deg of COG.")
    min_score: float = Field(0.5, description="Emit from 0.5: a sustained slowdown in an area is medium.")
    score_step: float = Field(0.1, description="Re-emit when the score rises by this much.")
    milestones_min: tuple[int, ...] = Field((60, 120, 240, 480), description="Re-emit at these durations.")
    w_slowdown: float = 0.40
    w_slowdown_size_max: float = 0.10
    w_dip_at_crossing: float = 0.30
    w_divergence: float = 0.20
    w_course_change: float = 0.10
    w_uturn: float = 0.20
    w_first_crossing: float = 0.20
    w_more_crossings: float = 0.10
    w_several_assets: float = 0.10
    max_crossing_score: float = 0.45
    w_context: float = 0.10
    other_type_factor: float = Field(
        0.9, description="Unknown or non-cargo/tanker types (heavy anchors: 1.0)."
    )
    passenger_factor: float = Field(
        0.6,
        description="Ferries (60-69) change speed routinely on cable-crossing routes: need more evidence.",
    )


class _DragState:
    """Per-vessel memory: slots and typed arrays (measured ~3 KB per vessel with heading, ~2.3 KB without)."""

    __slots__ = (
        "anomaly_since",
        "base_cache",
        "baseline",
        "course_t",
        "course_v",
        "crossings",
        "div_base",
        "div_covered_s",
        "div_last_t",
        "diverge_since",
        "divergence_recent",
        "emitted_assets",
        "emitted_crossings",
        "emitted_milestone",
        "emitted_score",
        "frozen_baseline",
        "frozen_divergence",
        "last_eval",
        "last_signal_t",
        "recent",
        "slow_since",
        "suppressed_until",
    )

    def __init__(self, cfg: AnchorDragConfig) -> None:
        self.baseline = _baseline_series(cfg)
        self.recent = _recent_series(cfg)
        self.divergence_recent: RollingSeries | None = None
        self.base_cache: tuple[int, float | None] = (-1, None)  # (series version, baseline)
        self.div_base: float | None = None  # usual heading-COG offset: clipped time-EWMA
        self.div_covered_s = 0.0
        self.div_last_t: float | None = None
        self.course_t = array("d")  # one course a minute over the last uturn_s
        self.course_v = array("f")
        self.crossings: list[tuple[float, str]] | None = None  # (time, asset id), bounded
        self.anomaly_since: float | None = None
        self.slow_since: float | None = None
        self.diverge_since: float | None = None
        self.last_signal_t: float | None = None
        self.frozen_baseline: float | None = None
        self.frozen_divergence: float | None = None
        self.last_eval = -math.inf
        self.suppressed_until = -math.inf
        self.emitted_score = 0.0
        self.emitted_assets: tuple[str, ...] = ()
        self.emitted_crossings = 0
        self.emitted_milestone = 0

    def end_anomaly(self) -> None:
        self.anomaly_since = self.slow_since = self.diverge_since = self.last_signal_t = None
        self.frozen_baseline = self.frozen_divergence = None
        self.emitted_score = 0.0
        self.emitted_assets = ()
        self.emitted_crossings = 0
        self.emitted_milestone = 0


def _baseline_series(cfg: AnchorDragConfig) -> RollingSeries:
    n = max(1, int(cfg.baseline_window_s / cfg.baseline_bucket_s))
    return RollingSeries(n, cfg.baseline_bucket_s, max_weight_s=cfg.baseline_bucket_s)


def _recent_series(cfg: AnchorDragConfig) -> RollingSeries:
    n = math.ceil(cfg.recent_window_s / cfg.recent_bucket_s) + 2
    return RollingSeries(n, cfg.recent_bucket_s, max_weight_s=cfg.recent_bucket_s * 2)


MAX_CROSSINGS_KEPT = 16


class AnchorDragDetector:
    """Per-vessel cruise baseline + slowdown/crabbing/course/crossing evidence (see module doc)."""

    name: ClassVar[str] = "anchor_drag"

    def __init__(self, config: AnchorDragConfig | None = None) -> None:
        self.config = config or AnchorDragConfig()

    # ------------------------------------------------------------------ protocol

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        """Anchor drag needs positions; absence of messages is the AIS-gap detector's business."""
        return []

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        fix = s.fix
        if fix is None or not self._assessable(s):
            return []
        cfg = self.config
        if s.port is not None or fix.nav_status in NOT_UNDER_WAY_STATUSES:
            # In port or declared at anchor/fishing/restricted: nothing to compare, nothing to learn,
            # and the memory is freed (a ship leaving port learns its new cruise speed afresh).
            s.state.scratch.pop(self.name, None)
            return []
        st = s.state.scratch.get(self.name)
        if st is None:
            if fix.sog is None or fix.sog <= cfg.cruise_min_kn:
                return []  # nothing to learn yet: no memory for stopped vessels
            st = s.state.scratch[self.name] = _DragState(cfg)
        self._record_crossings(st, s)
        self._learn(st, fix.t, fix.sog, fix.cog, fix.heading)
        near = bool(s.areas or s.near_assets or s.crossings)
        interval = cfg.eval_interval_s if near else cfg.eval_interval_far_s
        if fix.t - st.last_eval < interval and not s.crossings:
            return []
        st.last_eval = fix.t
        return self._evaluate(st, s, env)

    # ------------------------------------------------------------------ learning

    def _assessable(self, s: Situation) -> bool:
        msg_type = s.update.message.msg_type
        state = s.state
        if msg_type in CLASS_B_MSG_TYPES or not is_tracked_vessel(state.mmsi, msg_type):
            return False
        return not getattr(state, "class_b", False) and state.identity.ship_type not in EXCLUDED_SHIP_TYPES

    def _record_crossings(self, st: _DragState, s: Situation) -> None:
        if not s.crossings:
            return
        if st.crossings is None:
            st.crossings = []
        st.crossings.extend((s.now, hit.asset.id) for hit in s.crossings)
        del st.crossings[: max(0, len(st.crossings) - MAX_CROSSINGS_KEPT)]

    def _learn(
        self, st: _DragState, t: float, sog: float | None, cog: float | None, heading: float | None
    ) -> None:
        cfg = self.config
        if sog is None:
            return
        st.recent.add(t, sog)
        moving = sog > cfg.min_drag_kn
        divergence = None
        if heading is not None and cog is not None and moving:
            divergence = angle_diff_deg(heading, cog)
            if st.divergence_recent is None:
                st.divergence_recent = _recent_series(cfg)
            st.divergence_recent.add(t, divergence)
        if st.anomaly_since is None and sog > cfg.cruise_min_kn:
            last = st.baseline.last_time
            if last is not None and t - last > cfg.baseline_window_s:
                st.baseline.clear()  # hours unseen: the old cruise speed is stale
                st.div_base, st.div_covered_s = None, 0.0
            st.baseline.add(t, sog)
            if divergence is not None:
                self._learn_divergence(st, t, divergence)
        if cog is not None and moving and (not st.course_t or t - st.course_t[-1] >= 60):
            st.course_t.append(t)
            st.course_v.append(cog)
            while t - st.course_t[0] > cfg.uturn_s:
                del st.course_t[0], st.course_v[0]

    # ------------------------------------------------------------------ evaluation

    def _baseline(self, st: _DragState) -> float | None:
        """Cruise speed: median of the closed buckets (cached until a bucket closes)."""
        if st.frozen_baseline is not None:
            return st.frozen_baseline
        series = st.baseline
        if st.base_cache[0] != series.version:
            enough = series.covered_s(include_open=False) >= self.config.min_baseline_s
            st.base_cache = (series.version, series.median(include_open=False) if enough else None)
        return st.base_cache[1]

    def _learn_divergence(self, st: _DragState, t: float, divergence: float) -> None:
        """Usual offset as a time-EWMA; samples clipped so turns (heading lags COG) barely move it."""
        cfg = self.config
        dt = cfg.baseline_bucket_s if st.div_last_t is None else min(t - st.div_last_t, cfg.baseline_bucket_s)
        st.div_last_t = t
        clipped = max(-cfg.divergence_clip_deg, min(cfg.divergence_clip_deg, divergence))
        st.div_base = ewma(st.div_base, clipped, dt, cfg.divergence_tau_s)
        st.div_covered_s += max(dt, 0.0)

    def _divergence_baseline(self, st: _DragState) -> float | None:
        """The vessel's usual heading-COG offset (sensor misalignment, steady current)."""
        if st.frozen_divergence is not None:
            return st.frozen_divergence
        return st.div_base if st.div_covered_s >= self.config.min_baseline_s else None

    def _course_change(self, st: _DragState, now: float) -> float:
        """Largest course change (deg) within course_change_s; U-turns are judged on uturn_s."""
        if not st.course_v:
            return 0.0
        current = st.course_v[-1]
        cfg = self.config
        course_change_s, uturn_deg, uturn_s = cfg.course_change_s, cfg.uturn_deg, cfg.uturn_s
        best = 0.0
        for t, course in zip(st.course_t, st.course_v, strict=True):
            # abs_angle_diff_deg and max() inlined (same arithmetic): up to 20 courses per evaluation.
            d = (current - course) % 360.0
            change = abs(d - 360.0 if d > 180.0 else d)
            limit_s = course_change_s if change < uturn_deg else uturn_s
            if now - t <= limit_s and change > best:
                best = change
        return best

    def _evaluate(self, st: _DragState, s: Situation, env: AssessEnv) -> list[Event]:
        cfg = self.config
        now = s.now
        recent_since = now - cfg.recent_window_s
        recent = st.recent.median_if_covered(recent_since, cfg.min_recent_s)
        baseline = self._baseline(st)

        # Without 2 min of fresh samples (e.g. just back from an AIS gap) nothing is decided: the
        # state is held, so a drag seen before a gap is still a drag when the ship reappears.
        slow = recent is None and st.slow_since is not None
        drop_kn = drop_pct = 0.0
        if recent is not None and baseline is not None and recent > cfg.min_drag_kn:
            drop_kn = baseline - recent
            drop_pct = 100.0 * drop_kn / baseline if baseline > 0 else 0.0
            slow = drop_pct >= cfg.drop_pct and drop_kn >= cfg.drop_kn
            if slow and st.anomaly_since is None:
                share = st.baseline.fraction_at_or_below(recent + cfg.previous_speed_tolerance_kn)
                slow = share < cfg.previous_speed_share  # else: back to a speed it held before
        st.slow_since = (st.slow_since or now) if slow else None

        div_recent = None
        diverging = False
        div_base = self._divergence_baseline(st)
        div_series = st.divergence_recent
        if div_series is not None:
            div_recent = div_series.median_if_covered(recent_since, cfg.min_recent_s)
        if div_recent is not None:
            if div_base is not None:
                diverging = abs(angle_diff_deg(div_recent, div_base)) >= cfg.divergence_deg
            else:
                diverging = abs(div_recent) >= cfg.divergence_no_baseline_deg
        st.diverge_since = (st.diverge_since or now) if diverging else None

        if slow or diverging:
            if st.anomaly_since is None:
                st.anomaly_since = now
                st.frozen_baseline = baseline
                st.frozen_divergence = div_base
            st.last_signal_t = now
        elif (
            st.anomaly_since is not None
            and recent is not None  # recovery needs fresh evidence of normal speed
            and (st.last_signal_t is None or now - st.last_signal_t >= cfg.recovery_s)
        ):
            st.end_anomaly()
        if st.anomaly_since is not None and now - st.anomaly_since > cfg.max_anomaly_s:
            st.end_anomaly()
            st.baseline.clear()
            st.div_base, st.div_covered_s = None, 0.0

        sustained_slow = st.slow_since is not None and now - st.slow_since >= cfg.sustain_s
        sustained_div = st.diverge_since is not None and now - st.diverge_since >= cfg.sustain_s
        window_start = (st.anomaly_since if st.anomaly_since is not None else now) - cfg.crossing_window_s
        crossings = [(t, a) for t, a in (st.crossings or ()) if t >= window_start]
        dip = (
            not sustained_slow
            and st.slow_since is not None
            and now - st.slow_since >= cfg.dip_min_s
            and any(t >= st.slow_since - cfg.crossing_window_s for t, _ in crossings)
        )
        quiet = not (sustained_slow or dip or sustained_div)
        if quiet:
            # Without a speed/crabbing anomaly only a course change right at a crossing counts.
            crossings = [(t, a) for t, a in crossings if t >= now - cfg.crossing_window_s]
            if not crossings:
                return self._nothing(st)  # no crossing: the course change need not be measured
        course_change = self._course_change(st, now)
        uturn = course_change >= cfg.uturn_deg
        turned = course_change >= cfg.course_change_deg

        signals: list[str] = []
        score = 0.0
        if sustained_slow:
            signals.append("sustained_slowdown")
            excess = max(0.0, drop_pct - cfg.drop_pct) / 100.0
            score += cfg.w_slowdown + min(cfg.w_slowdown_size_max, excess * 0.5)
        elif dip:
            signals.append("slowdown_at_crossing")
            score += cfg.w_dip_at_crossing
        if sustained_div:
            signals.append("heading_cog_divergence")
            score += cfg.w_divergence
        if uturn:
            signals.append("u_turn")
            score += cfg.w_uturn
        elif turned:
            signals.append("course_change")
            score += cfg.w_course_change
        if quiet and not turned:
            return self._nothing(st)
        assets = sorted({a for _, a in crossings})
        if crossings:
            signals.append("asset_crossing")
            c = cfg.w_first_crossing + cfg.w_more_crossings * (len(crossings) - 1)
            if len(assets) >= 2:
                c += cfg.w_several_assets
            score += min(cfg.max_crossing_score, c)
        # Cheap pre-check before any spatial query: can this evidence reach min_score at all?
        factor = self._type_factor(s.state.identity.ship_type)
        if (score + cfg.w_context) * factor < cfg.min_score or now < st.suppressed_until:
            return []
        context = self._context(s, env)
        if context is None:
            return []
        if self._near_port(env, s.fix.lat, s.fix.lon) or self._bound_for_port_ahead(s, env):
            st.suppressed_until = now + cfg.recovery_s
            return []
        area_id, asset_id, asset_m = context
        signals.append("in_area" if s.areas else "near_asset" if asset_id is not None else "near_area")
        score = min(1.0, (score + cfg.w_context) * factor)
        if score < cfg.min_score:
            return []
        duration_min = (now - (st.anomaly_since or now)) / 60.0
        milestone = max((m for m in cfg.milestones_min if duration_min >= m), default=0)
        new_assets = set(assets) - set(st.emitted_assets)
        if st.emitted_score > 0 and not (
            new_assets
            or len(crossings) > st.emitted_crossings
            or score >= st.emitted_score + cfg.score_step
            or milestone > st.emitted_milestone
        ):
            return []
        st.emitted_score = max(st.emitted_score, score)
        st.emitted_assets = tuple(sorted(set(st.emitted_assets) | set(assets)))
        st.emitted_crossings = len(crossings)
        st.emitted_milestone = milestone
        detail = {
            "signals": signals,
            "sog_kn": _r(recent),
            "baseline_kn": _r(baseline),
            "drop_kn": _r(drop_kn) if baseline is not None and recent is not None else None,
            "drop_pct": round(drop_pct) if baseline is not None and recent is not None else None,
            "threshold_pct": cfg.drop_pct,
            "threshold_kn": cfg.drop_kn,
            "duration_min": round(duration_min),
            "heading_cog_divergence_deg": _r(div_recent),
            "usual_divergence_deg": _r(div_base),
            "divergence_threshold_deg": cfg.divergence_deg,
            "course_change_deg": round(course_change),
            "crossings": assets,
            "crossing_count": len(crossings),
            "nearest_asset_m": None if asset_m is None else round(asset_m),
            "ship_type": s.state.identity.ship_type,
            "nav_status": s.fix.nav_status,
        }
        return [
            Event(
                kind=AlertKind.ANCHOR_DRAG_SUSPECTED,
                mmsi=s.state.mmsi,
                time=now,
                lat=s.fix.lat,
                lon=s.fix.lon,
                score=round(score, 3),
                area=area_id,
                infrastructure=crossings[-1][1] if crossings else asset_id,  # the latest crossed
                detail=detail,
                explanation=_explain(signals, recent, baseline, drop_pct, duration_min, assets, div_recent),
            )
        ]

    @staticmethod
    def _nothing(st: _DragState) -> list[Event]:
        """No evidence this evaluation; a turn-at-crossing finding is over: forget what was emitted."""
        if st.anomaly_since is None and st.emitted_score > 0:
            st.end_anomaly()
        return []

    # ------------------------------------------------------------------ context

    def _type_factor(self, ship_type: int | None) -> float:
        if is_heavy_anchor_type(ship_type):
            return 1.0
        if ship_type is not None and 60 <= ship_type <= 69:
            return self.config.passenger_factor
        return self.config.other_type_factor

    def _context(self, s: Situation, env: AssessEnv) -> tuple[str | None, str | None, float | None] | None:
        """(area id, nearest asset id, its distance) when in/near an area or asset, else ``None``."""
        cfg = self.config
        near = [h for h in s.near_assets if h.distance_m <= cfg.near_asset_m]
        nearest = min(near, key=lambda h: h.distance_m) if near else None
        asset_id = nearest.asset.id if nearest else None
        asset_m = nearest.distance_m if nearest else None
        if s.areas:
            return s.areas[0].id, asset_id, asset_m
        if nearest is not None or s.crossings:
            return None, asset_id or s.crossings[0].asset.id, asset_m if nearest else 0.0
        fix = s.fix
        nearby = env.geo.areas_within(fix.lat, fix.lon, cfg.area_margin_m)
        if nearby:
            area, _ = min(nearby, key=lambda pair: pair[1])
            return area.id, None, None
        return None

    def _near_port(self, env: AssessEnv, lat: float, lon: float) -> bool:
        """Within a port's radius plus the approach margin (pilot stations, slowing to berth)."""
        margin = self.config.port_approach_m
        for port in env.geo.ports:
            if abs(port.lat - lat) * 111_000 > port.radius_m + margin:
                continue
            if haversine_m(lat, lon, port.lat, port.lon) <= port.radius_m + margin:
                return True
        return False

    def _bound_for_port_ahead(self, s: Situation, env: AssessEnv) -> bool:
        """Slowing for the port named in the AIS destination, which lies ahead (pilot, approach)."""
        fix = s.fix
        words = _destination_words(s.state.identity.destination)
        if fix is None or not words or fix.cog is None:
            return False
        reach = self.config.destination_approach_m
        for port in env.geo.ports:
            if abs(port.lat - fix.lat) * 111_000 > port.radius_m + reach:
                continue
            if not words & _destination_words(port.name):
                continue
            if haversine_m(fix.lat, fix.lon, port.lat, port.lon) > port.radius_m + reach:
                continue
            bearing = initial_bearing_deg(fix.lat, fix.lon, port.lat, port.lon)
            if abs_angle_diff_deg(bearing, fix.cog) <= self.config.approach_cone_deg:
                return True
        return False


@lru_cache(maxsize=4096)
def _destination_words(text: str | None) -> frozenset[str]:
    """Upper-case words of 4+ letters: 'MUUGA', 'EE MUG > TALLINN' -> {'MUUGA'}, {'TALLINN'}.

    Cached (immutable result): every evaluation near a port re-reads the same port names.
    """
    if not text:
        return frozenset()
    cleaned = "".join(ch if ch.isalpha() else " " for ch in text.upper())
    return frozenset(word for word in cleaned.split() if len(word) >= 4 and word not in _GENERIC_PORT_WORDS)


_GENERIC_PORT_WORDS = frozenset(
    {
        "PORT",
        "HARBOUR",
        "HARBOR",
        "ANCHORAGE",
        "CITY",
        "SOUTH",
        "NORTH",
        "WEST",
        "EAST",
        "OLD",
        "TERMINAL",
        "ROADS",
        "FOR",
        "ORDERS",
        "OIL",
    }
)


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _explain(
    signals: list[str],
    recent: float | None,
    baseline: float | None,
    drop_pct: float,
    duration_min: float,
    assets: list[str],
    divergence: float | None,
) -> str:
    parts: list[str] = []
    if "sustained_slowdown" in signals and recent is not None and baseline is not None:
        parts.append(
            f"slowed from its usual {baseline:.1f} kn to {recent:.1f} kn (-{drop_pct:.0f} %) "
            f"for {duration_min:.0f} min while still under way"
        )
    elif "slowdown_at_crossing" in signals and recent is not None and baseline is not None:
        parts.append(f"dipped from {baseline:.1f} to {recent:.1f} kn while crossing")
    if "heading_cog_divergence" in signals and divergence is not None:
        parts.append(
            f"is crabbing ({divergence:+.0f} deg heading vs course, as an autopilot fighting a drag)"
        )
    if "u_turn" in signals:
        parts.append("made a U-turn")
    elif "course_change" in signals:
        parts.append("made a conspicuous course change")
    if assets:
        parts.append(f"crossed {', '.join(assets)}")
    text = "Vessel " + "; ".join(parts) if parts else "Vessel behaves anomalously"
    return text + ": consistent with a dragging anchor near undersea infrastructure."
