"""Traffic anomaly: a vessel's recent track is unlikely under the learned model of normal traffic.

Why: the rule detectors look for named behaviours near assets; a learned normalcy model (in the
spirit of TREAD and GeoTrackNet) catches the unnamed ones anywhere: a tanker at 2 kn in a lane
where tankers do 11, a ship heading across a lane, slow zig-zags where ships only transit. See
:mod:`seawarden.model.normalcy` for the model; this detector keeps the last ``window_fixes`` scored
fixes per vessel (one every 30 s at most) and fires when the window's conformal p-value is below
``alpha`` (default 1e-3: about one false window in a thousand on traffic like the calibration
traffic), after at least ``min_fixes`` fixes over ``min_duration_s``.

Score: 0.25 at ``p = alpha`` plus 0.1 per decade below it, at most 0.55: an anomaly says "look",
not "threat", and the risk model weighs it with the vessel's other evidence. One event per
episode; re-emitted when the score rises by ``score_step``; the episode ends when p climbs above
``clear_factor x alpha``.

Only fixes of vessels under way at sea are scored: no port or designated anchorage (``s.port``),
no nav status "at anchor"/"moored" (the anchored detector's subject), speed over ground present.

Blind spots: the default model is trained on the real samples shipped with SeaWarden (a few
minutes of Danish and Norwegian traffic) plus SIMULATED normal Baltic traffic (docs/models.md),
so outside the simulated lanes only the ship type's global speed distribution is known; train a
model on your own history (`seawarden model train`) before trusting it elsewhere. A missing or
corrupt model file logs one error and disables the detector.
"""

from __future__ import annotations

import logging
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import is_tracked_vessel
from seawarden.model.format import ModelFileError
from seawarden.model.normalcy import (
    GROUPS,
    NormalcyModel,
    WindowScorer,
    default_model_path,
    describe_bin,
    group_index,
    scoreable,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState

log = logging.getLogger(__name__)


class TrafficAnomalyConfig(BaseModel):
    """Settings of the learned traffic-anomaly detector (model: docs/models.md)."""

    model_path: str | None = Field(None, description="Normalcy model file; None = the packaged default.")
    alpha: float = Field(
        1e-3,
        gt=0,
        lt=1,
        description="Fire when the window's p-value is below this (false alarms per window).",
    )
    min_fixes: int = Field(
        10, ge=1, description="Scored fixes a vessel needs first (the model's window is the minimum)."
    )
    min_duration_s: float = Field(240.0, ge=0, description="...spanning at least 4 min of track.")
    clear_factor: float = Field(10.0, ge=1, description="The episode ends when p rises above 10 x alpha.")
    base_score: float = Field(0.25, description="Score at p = alpha (weak alone: 'look', not 'threat').")
    decade_bonus: float = Field(0.1, description="Added per decade of p below alpha.")
    max_score: float = 0.55
    score_step: float = Field(0.1, description="Re-emit when the score rises by this much.")


@cache
def _load(path: str) -> NormalcyModel:
    """One loaded model per file per process (pipelines are built often in tests and replays)."""
    return NormalcyModel.load(path)


class _Memory(WindowScorer):
    """The window plus the episode state of one vessel."""

    __slots__ = ("emitted", "in_episode", "n_scored")

    def __init__(self) -> None:
        super().__init__()
        self.emitted = 0.0
        self.in_episode = False
        self.n_scored = 0


class TrafficAnomalyDetector:
    """Conformal p-value of the recent track under the normalcy model (see module docstring)."""

    name: ClassVar[str] = "traffic_anomaly"

    def __init__(self, config: TrafficAnomalyConfig | None = None) -> None:
        self.config = config or TrafficAnomalyConfig()
        path = Path(self.config.model_path) if self.config.model_path else default_model_path()
        self.model: NormalcyModel | None
        self.model_name = path.name
        try:
            self.model = _load(str(path))
        except ModelFileError as e:
            log.error("traffic_anomaly detector disabled: %s", e)
            self.model = None

    def tick(self, state: VesselState, now: float, env: AssessEnv) -> list[Event]:
        return []

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        fix, model = s.fix, self.model
        if fix is None or model is None or not is_tracked_vessel(s.state.mmsi, s.update.message.msg_type):
            return []
        if s.port is not None or not scoreable(fix.sog, fix.nav_status):
            return []
        mem: _Memory | None = s.state.scratch.get(self.name)
        if mem is None:
            mem = s.state.scratch[self.name] = _Memory()
        last_t = mem.last_t
        if fix.t - last_t < model.params.sample_s:
            return []  # push() would skip this fix unscored: same answer without the group lookup
        group = group_index(s.state.identity.ship_type)
        window = mem.push(model, fix.t, fix.lat, fix.lon, fix.sog or 0.0, fix.cog, group)
        if mem.last_t != last_t:  # this fix was scored; a new window (after a gap) restarts the count
            mem.n_scored = 1 if mem.count == 1 else mem.n_scored + 1
        if window is None:
            return []
        cfg = self.config
        p = model.p_value(window)
        if p >= cfg.alpha:
            if mem.in_episode and p > cfg.alpha * cfg.clear_factor:
                mem.in_episode, mem.emitted = False, 0.0
            return []
        if mem.n_scored < cfg.min_fixes or mem.span_s() < cfg.min_duration_s:
            return []
        score = min(cfg.max_score, cfg.base_score + cfg.decade_bonus * math.log10(cfg.alpha / p))
        if mem.in_episode and score < mem.emitted + cfg.score_step - 1e-9:
            return []
        mem.in_episode, mem.emitted = True, score
        return [self._event(s, model, mem, window, p, score, group)]

    def _event(
        self,
        s: Situation,
        model: NormalcyModel,
        mem: _Memory,
        window: float,
        p: float,
        score: float,
        group: int,
    ) -> Event:
        import h3.api.numpy_int as h3

        order = mem.order()
        worst = set(sorted(order, key=lambda i: -mem.surprises[i])[:3])
        unusual: list[dict[str, Any]] = []
        for i in (j for j in order if j in worst):
            row, b = mem.rows[i], mem.bins[i]
            speed, course = describe_bin(b)
            usual = model.expected(row)
            unusual.append(
                {
                    "time_offset_s": round(mem.times[i] - mem.last_t),
                    "surprise": round(float(mem.surprises[i]), 2),
                    "level": model.level_of(row),
                    "cell": _cell_of_row(model, row, h3),
                    "observed_speed": speed,
                    "observed_course": course,
                    "usual": [{"speed": sp, "course": co, "share": round(sh, 3)} for sp, co, sh in usual],
                }
            )
        minutes = mem.span_s() / 60.0
        top = max(unusual, key=lambda u: u["surprise"]) if unusual else None
        where = {"cell": "here", "parent": "in this area", "global": "anywhere in the training data"}
        text = (
            f"Track of the last {minutes:.0f} min is unusual for {GROUPS[group]} vessels "
            f"(p = {p:.1e} < {self.config.alpha:g}, {mem.count} fixes)"
        )
        if top is not None:
            usual = " or ".join(
                f"{u['speed']}, {u['course']} ({100 * u['share']:.0f} %)" for u in top["usual"]
            )
            text += (
                f": {top['observed_speed']}, {top['observed_course']}, where {where[top['level']]} "
                f"the usual is {usual}."
            )
        return Event(
            kind=AlertKind.TRAFFIC_ANOMALY,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat if s.fix else None,
            lon=s.fix.lon if s.fix else None,
            score=round(score, 3),
            area=s.areas[0].id if s.areas else None,
            infrastructure=s.near_assets[0].asset.id if s.near_assets else None,
            detail={
                "p_value": float(f"{p:.3g}"),
                "alpha": self.config.alpha,
                "window_score": round(window, 3),
                "window_fixes": mem.count,
                "window_min": round(minutes, 1),
                "ship_type_group": GROUPS[group],
                "unusual": unusual,
                "model": self.model_name,
            },
            explanation=text,
        )


def _cell_of_row(model: NormalcyModel, row: int, h3: Any) -> str | None:
    """The H3 cell (hex) a dense row belongs to (None for the global rows)."""
    g = len(GROUPS)
    base = row // g
    if base < len(model.cell_ids):
        return str(h3.int_to_str(int(model.cell_ids[base])))
    base -= len(model.cell_ids)
    if base < len(model.parent_ids):
        return str(h3.int_to_str(int(model.parent_ids[base])))
    return None
