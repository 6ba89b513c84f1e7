"""Position spoofing: reported positions that a real ship cannot have made.

Why: GNSS jamming and spoofing in the Baltic is now officially attributed to Russia (14-nation
statement, 26 Jan 2026; anchors.md §0.8), and a ship whose positions are fake can sit on a cable
while its AIS shows it elsewhere. Users of AIS tools keep asking for "impossible position" and
jump filters (OpenCPN #1186, aisstream #92). Evidence, each an *anomaly* with a time:

* the tracker's quality flags raised by this update (``update.new_flags``): JUMP (impossible
  speed between fixes), ON_LAND, SHARED_MMSI (two transmitters on one MMSI);
* **circle spoofing**: the recent track lies on a circle (near-constant distance from a fitted
  centre, bearing from the centre rotating >= 300 deg) while the gyro heading (or, without it, the
  reported COG) stays nearly constant. A ship really turning in circles turns its heading with
  it; the Baltic "spoofing circles" rotate the position only;
* **co-located MMSIs**: two or more other vessels reported within 50 m at nearly the same time
  outside a port (spoofers push many ships to one fake point; an STS pair alongside is only two);
* **SOG vs implied speed**: the reported SOG disagrees with the speed between positions
  (> 3 kn and > 50 %) over 5 consecutive pairs spanning >= 5 min.

Debounce (avnav #614 "grace period to suppress single bad fixes"): a one-off bad fix never fires.
An event needs ``min_anomalies`` (3) within ``window_s`` (30 min), score 0.4, growing with the
count (0.55 at 6, 0.7 at 12); a circle pattern or a co-location cluster is strong by itself
(0.7 / 0.6). Re-emitted only when a new kind of evidence appears or the score rises a step.
The explanation says the vessel may be a *victim* of area-wide interference.

Blind spots: consistent spoofing along a plausible fake route (only independent RF positioning,
e.g. Spire's position validation, sees it); circles smaller than ``min_circle_radius_m`` or slower
than the track's history covers; co-location is checked at most every 5 min per vessel.
"""

import itertools
import math
from collections import deque
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    KNOT_MS,
    abs_angle_diff_deg,
    angle_diff_deg,
    cumulative_turn_deg,
    haversine_m,
    is_tracked_vessel,
    is_vessel_mmsi,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import Fix, FixTrack, VesselState

FLAG_ANOMALIES = ("jump", "on_land", "shared_mmsi")
_FLAG_SET = frozenset(FLAG_ANOMALIES)
_NO_FLAGS: frozenset[str] = frozenset()


class SpoofingConfig(BaseModel):
    """Thresholds of the spoofing detector (Baltic GNSS interference, anchors.md §0.8, §5)."""

    window_s: float = Field(30 * 60, description="Anomalies count within 30 min.")
    min_anomalies: int = Field(3, description="Debounce: 3 anomalies before any event (no one-off fires).")
    score_min: float = 0.4
    score_6: float = 0.55
    score_12: float = 0.7
    max_anomalies_kept: int = Field(16, description="Bounded memory per vessel.")
    circle_min_fixes: int = Field(10, description="Circle fit needs 10 track points...")
    circle_max_rmse_share: float = Field(0.1, description="...within 10 % of the radius...")
    circle_min_rotation_deg: float = Field(300.0, description="...rotating nearly a full turn...")
    circle_min_same_way: float = Field(0.8, description="...steadily: 80 % of steps turn the same way...")
    circle_max_heading_turn_deg: float = Field(60.0, description="...while heading/COG turns less than this.")
    min_circle_radius_m: float = Field(100.0, description="Smaller circles are GPS jitter.")
    max_circle_radius_m: float = Field(30_000.0)
    circle_score: float = 0.7
    circle_eval_interval_s: float = Field(300, description="Fit a circle at most every 5 min per vessel.")
    colocated_m: float = Field(50.0, description="Other MMSIs within 50 m...")
    colocated_max_age_s: float = Field(60.0, description="...at nearly the same time (60 s).")
    colocated_min_others: int = Field(2, description="Two others (3 ships at one point) is not an STS pair.")
    colocated_score: float = 0.6
    colocated_min_sog_kn: float = Field(
        3.0,
        description="Only ships under way count: moored fishing boats rafted together in a harbour report "
        "one point legitimately (seen in the real DMA log at Skagen, Hvide Sande and Helsingor).",
    )
    colocated_eval_interval_s: float = Field(300, description="Checked at most every 5 min per vessel.")
    sog_min_pair_s: float = Field(30.0, description="Pairs of fixes at least 30 s apart...")
    sog_mismatch_kn: float = Field(3.0, description="...disagreeing by > 3 kn...")
    sog_mismatch_share: float = Field(0.5, description="...and > 50 % of the larger speed...")
    sog_mismatch_run: int = Field(5, description="...5 pairs in a row...")
    sog_mismatch_min_s: float = Field(300, description="...spanning 5 min.")
    score_step: float = 0.1


class _SpoofMemo:
    __slots__ = (
        "anomalies",
        "emitted_kinds",
        "emitted_score",
        "last_circle_eval",
        "last_coloc_eval",
        "maxlen",
        "mismatch_run",
        "mismatch_since",
        "pair_anchor",
    )

    def __init__(self, maxlen: int) -> None:
        self.maxlen = maxlen
        self.anomalies: deque[tuple[float, str]] | None = None  # created on the first anomaly
        self.emitted_kinds: tuple[str, ...] = ()
        self.emitted_score = 0.0
        self.last_circle_eval = -math.inf
        self.last_coloc_eval = -math.inf
        self.mismatch_run = 0
        self.mismatch_since: float | None = None
        self.pair_anchor: tuple[float, float, float, float | None] | None = None  # t, lat, lon, sog

    def note(self, t: float, kind: str) -> None:
        if self.anomalies is None:
            self.anomalies = deque(maxlen=self.maxlen)
        self.anomalies.append((t, kind))


class SpoofingDetector:
    """Debounced evidence that a vessel's reported positions are not real (see module doc)."""

    name: ClassVar[str] = "spoofing"
    needs_fix: ClassVar[bool] = False  # JUMP-flagged updates carry no accepted fix but are evidence

    def __init__(self, config: SpoofingConfig | None = None) -> None:
        self.config = config or SpoofingConfig()

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        return []

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        cfg = self.config
        msg = s.update.message
        if not is_tracked_vessel(s.state.mmsi, msg.msg_type):
            return []
        new_flags = s.update.new_flags
        # Most updates raise no flag: skip building the sets then.
        flags = {str(f) for f in new_flags} & _FLAG_SET if new_flags else _NO_FLAGS
        memo: _SpoofMemo | None = s.state.scratch.get(self.name)
        if memo is None:
            if not flags and s.fix is None:
                return []
            memo = s.state.scratch[self.name] = _SpoofMemo(cfg.max_anomalies_kept)
        now = s.now
        if flags:
            for flag in sorted(flags):
                memo.note(now, flag)
        strong: dict[str, dict] = {}
        fix = s.fix
        if fix is not None:
            if self._sog_mismatch(memo, fix):
                memo.note(now, "sog_mismatch")
            if now - memo.last_circle_eval >= cfg.circle_eval_interval_s:
                memo.last_circle_eval = now
                circle = self._circle(s.state.track)
                if circle is not None:
                    memo.note(now, "circle")
                    strong["circle"] = circle
            if (
                s.port is None
                and (s.fix.sog or 0.0) >= cfg.colocated_min_sog_kn
                and now - memo.last_coloc_eval >= cfg.colocated_eval_interval_s
            ):
                memo.last_coloc_eval = now
                others = self._colocated(s, env)
                if len(others) >= cfg.colocated_min_others:
                    memo.note(now, "colocated")
                    strong["colocated"] = {"colocated_mmsis": others, "colocated_radius_m": cfg.colocated_m}
        if memo.anomalies is None or (not flags and not strong and memo.anomalies[-1][0] != now):
            return []  # nothing new this message: nothing to (re-)emit
        recent = [(t, k) for t, k in memo.anomalies if t >= now - cfg.window_s]
        if len(recent) < cfg.min_anomalies and not strong:
            return []
        score = cfg.score_min if len(recent) >= cfg.min_anomalies else 0.0
        if len(recent) >= 12:
            score = cfg.score_12
        elif len(recent) >= 6:
            score = cfg.score_6
        if "circle" in strong:
            score = max(score, cfg.circle_score)
        if "colocated" in strong:
            score = max(score, cfg.colocated_score)
        kinds = sorted({k for _, k in recent})
        new_kind = set(kinds) - set(memo.emitted_kinds)
        if memo.emitted_score > 0 and not new_kind and score < memo.emitted_score + cfg.score_step - 1e-9:
            return []
        memo.emitted_kinds = tuple(sorted(set(memo.emitted_kinds) | set(kinds)))
        memo.emitted_score = max(memo.emitted_score, score)
        # Locate the event at the last *accepted* position; a rejected one is only evidence.
        where = fix if fix is not None else s.state.last
        lat = where.lat if where is not None else msg.lat
        lon = where.lon if where is not None else msg.lon
        detail: dict = {
            "anomalies": len(recent),
            "anomaly_kinds": kinds,
            "window_min": round(cfg.window_s / 60),
            "min_anomalies": cfg.min_anomalies,
        }
        if fix is None and msg.lat is not None and msg.lon is not None:
            detail["reported_lat"], detail["reported_lon"] = round(msg.lat, 6), round(msg.lon, 6)
        for extra in strong.values():
            detail.update(extra)
        return [
            Event(
                kind=AlertKind.POSITION_SPOOFING,
                mmsi=s.state.mmsi,
                time=now,
                lat=lat,
                lon=lon,
                score=round(score, 3),
                area=s.areas[0].id if s.areas else None,
                infrastructure=None,
                detail=detail,
                explanation=_explain(kinds, len(recent), cfg.window_s),
            )
        ]

    # ------------------------------------------------------------------ evidence

    def _sog_mismatch(self, memo: _SpoofMemo, fix: "Fix") -> bool:
        """True once when reported SOG disagrees with implied speed over a sustained run of pairs."""
        cfg = self.config
        anchor = memo.pair_anchor
        if anchor is None or fix.t - anchor[0] > 10 * cfg.sog_min_pair_s:
            memo.pair_anchor = (fix.t, fix.lat, fix.lon, fix.sog)
            memo.mismatch_run, memo.mismatch_since = 0, None
            return False
        dt = fix.t - anchor[0]
        if dt < cfg.sog_min_pair_s:
            return False
        memo.pair_anchor = (fix.t, fix.lat, fix.lon, fix.sog)
        sogs = [v for v in (anchor[3], fix.sog) if v is not None]
        if not sogs:
            return False
        reported = sum(sogs) / len(sogs)
        implied = haversine_m(anchor[1], anchor[2], fix.lat, fix.lon) / dt / KNOT_MS
        diff = abs(implied - reported)
        if diff > cfg.sog_mismatch_kn and diff > cfg.sog_mismatch_share * max(implied, reported):
            memo.mismatch_run += 1
            memo.mismatch_since = memo.mismatch_since or anchor[0]
        else:
            memo.mismatch_run, memo.mismatch_since = 0, None
            return False
        if (
            memo.mismatch_run >= cfg.sog_mismatch_run
            and fix.t - memo.mismatch_since >= cfg.sog_mismatch_min_s
        ):
            memo.mismatch_run, memo.mismatch_since = 0, None  # counted; the next run counts again
            return True
        return False

    def _circle(self, track: "FixTrack | None") -> dict | None:
        """Circle-spoofing test on the tracker's recent fixes (no extra memory)."""
        cfg = self.config
        if track is None or len(track) < cfg.circle_min_fixes:
            return None
        n = min(len(track), 48)
        # Cheap gate before any fitting (7 fixes, not 48): a (nearly) straight track is no circle.
        probe = [track[k] for k in range(-n, 0, max(1, n // 6))] + [track[-1]]
        path = sum(haversine_m(a.lat, a.lon, b.lat, b.lon) for a, b in itertools.pairwise(probe))
        if path <= 0 or haversine_m(probe[0].lat, probe[0].lon, probe[-1].lat, probe[-1].lon) > 0.9 * path:
            return None
        fixes = track[-n:]
        lat0 = fixes[-1].lat
        kx = 111_320.0 * math.cos(math.radians(lat0))
        x = np.array([f.lon for f in fixes]) * kx
        y = np.array([f.lat for f in fixes]) * 110_574.0
        x0, y0 = x.mean(), y.mean()
        xs, ys = x - x0, y - y0
        # Kasa algebraic fit: x^2 + y^2 = 2ax + 2by + c
        a_mat = np.column_stack([2 * xs, 2 * ys, np.ones_like(xs)])
        rhs = xs**2 + ys**2
        try:
            (a, b, c), *_ = np.linalg.lstsq(a_mat, rhs, rcond=None)
        except np.linalg.LinAlgError:
            return None
        r2 = c + a * a + b * b
        if not r2 > 0:
            return None
        radius = math.sqrt(r2)
        if not cfg.min_circle_radius_m <= radius <= cfg.max_circle_radius_m:
            return None
        dist = np.hypot(xs - a, ys - b)
        rmse = float(np.sqrt(np.mean((dist - radius) ** 2)))
        if rmse > cfg.circle_max_rmse_share * radius:
            return None
        angles = [float(v) for v in np.degrees(np.arctan2(ys - b, xs - a))]
        rotation = cumulative_turn_deg(angles)
        steps = [angle_diff_deg(cur, prev) for prev, cur in itertools.pairwise(angles)]
        same_way = sum(1 for d in steps if d * rotation > 0) / max(1, len(steps))
        rotation = abs(rotation)
        if rotation < cfg.circle_min_rotation_deg or same_way < cfg.circle_min_same_way:
            return None  # jitter scatters around a point; a spoofed circle rotates one way
        headings = [f.heading for f in fixes if f.heading is not None]
        source = "heading"
        if len(headings) < len(fixes) // 2:
            headings = [f.cog for f in fixes if f.cog is not None]
            source = "cog"
        if len(headings) < len(fixes) // 2:
            return None  # no independent direction to compare: cannot tell from real circling
        spread = max(abs_angle_diff_deg(h, headings[0]) for h in headings)
        turn = abs(cumulative_turn_deg(headings))
        if max(turn, spread) > cfg.circle_max_heading_turn_deg:
            return None  # the ship really turns: genuine circling (loitering's business)
        return {
            "circle_radius_m": round(radius),
            "circle_rotation_deg": round(rotation),
            "circle_fit_rmse_m": round(rmse, 1),
            f"{source}_turn_deg": round(max(turn, spread)),
        }

    def _colocated(self, s: Situation, env: AssessEnv) -> list[int]:
        cfg = self.config
        fix = s.fix
        near = env.tracker.vessels_near(fix.lat, fix.lon, cfg.colocated_m, s.now, cfg.colocated_max_age_s)
        return sorted(
            v.mmsi
            for v in near
            if v.mmsi != s.state.mmsi
            and is_vessel_mmsi(v.mmsi)
            and v.last is not None
            and (v.last.sog or 0.0) >= cfg.colocated_min_sog_kn
            and haversine_m(fix.lat, fix.lon, v.last.lat, v.last.lon) <= cfg.colocated_m
        )


WORDS = {
    "jump": "impossible jumps",
    "on_land": "positions on land",
    "shared_mmsi": "two transmitters on one MMSI",
    "sog_mismatch": "speed over ground that contradicts its positions",
    "circle": "positions rotating on a circle while the heading stays steady",
    "colocated": "several other vessels reported at the very same point",
}


def _explain(kinds: list[str], count: int, window_s: float) -> str:
    what = ", ".join(WORDS.get(k, k) for k in kinds)
    return (
        f"{count} position anomalies in {window_s / 60:.0f} min ({what}): the reported positions are "
        "probably not real, from GNSS interference in the area or manipulation on board."
    )
