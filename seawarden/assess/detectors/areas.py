"""area_entry / area_exit / area_dwell: who comes into the areas of interest, and who stays.

Why: Nordic Warden's one public rule is "calculate the risk posed by each vessel entering areas of
interest" (22 areas, anchors.md §0.6 and §3.1). Entry of an ordinary vessel is context, not an alarm
(info score; the alert layer drops info by default); entry of a risky vessel is scored by its risk
so a watch officer sees it. Staying long in an area outside a port is the "drifting above cables"
pattern: Windward counted drifting in the Baltic +153 % in a year and one tug sailed slowly over the
Eastern Light cable for 4 days (anchors.md §2.1). Vessels whose normal work keeps them in an area
(fishing, tugs, dredgers / cable ships, military, pilots, SAR) get a reduced dwell score.
"""

from bisect import bisect_right
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import FISHING, SERVICE_WORK
from seawarden.assess.risk import RISK_SCRATCH
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.geo import Area
    from seawarden.track import VesselState


class AreaConfig(BaseModel):
    """Thresholds for area entry, exit and dwell events."""

    entry_info_score: float = Field(
        0.1, ge=0, le=1, description="Score of an ordinary vessel's entry (info)."
    )
    risky_entry_risk: float = Field(
        40.0, ge=0, le=100, description="From this risk (band 'medium') an entry is scored risk/100."
    )
    exit_score: float = Field(0.05, ge=0, le=1, description="Exits are context for the alert history.")
    dwell_milestones_h: list[float] = Field(
        default_factory=lambda: [3.0, 6.0, 12.0, 24.0],
        description="Dwell events at 3 h (a slow transit of the largest area takes < 3 h) then as it grows.",
    )
    dwell_base_score: float = Field(0.35, ge=0, le=1)
    dwell_step_score: float = Field(0.1, ge=0, le=1, description="Score added per further milestone.")
    dwell_max_score: float = Field(0.65, ge=0, le=1)
    service_work_factor: float = Field(
        0.3, ge=0, le=1, description="Dwell score multiplier for fishing, tugs, cable ships, military, SAR."
    )
    reasons_in_detail: int = Field(3, ge=0, description="Top risk reasons copied into an entry event.")


class AreaDetector:
    """Entry, exit and dwell per area; memory: entry time and dwell milestone per current area."""

    name: ClassVar[str] = "areas"

    def __init__(self, config: AreaConfig | None = None) -> None:
        self.config = config or AreaConfig()
        self._milestones_s = sorted(h * 3600.0 for h in self.config.dwell_milestones_h)

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        if s.fix is None or not (s.areas or s.entered or s.exited):
            return []
        memory = s.state.scratch.get(self.name)
        if memory is None:  # get first: setdefault would build the default dicts on every message
            memory = s.state.scratch[self.name] = {"in": {}, "step": {}}
        inside: dict[str, float] = memory.setdefault("in", {})
        steps: dict[str, int] = memory.setdefault("step", {})
        events: list[Event] = []
        for area in s.exited:
            events.append(self._exit(s, area, inside.pop(area.id, None)))
            steps.pop(area.id, None)
        for area in s.entered:
            inside[area.id] = s.now
            steps[area.id] = 0
            events.append(self._entry(s, area))
        if s.port is None:
            for area in s.areas:
                since = inside.setdefault(area.id, s.now)
                event = self._dwell(s, area, s.now - since, steps)
                if event is not None:
                    events.append(event)
        return events

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        # Dwell is measured on position evidence, which only arrives with messages.
        return []

    # -- events ----------------------------------------------------------------------------------
    def _entry(self, s: Situation, area: "Area") -> Event:
        cfg = self.config
        assessment = s.state.scratch.get(RISK_SCRATCH)
        risk = float(s.state.risk or 0.0)
        reasons = assessment.to_list()[: cfg.reasons_in_detail] if assessment is not None else []
        risky = risk >= cfg.risky_entry_risk
        score = min(1.0, risk / 100.0) if risky else cfg.entry_info_score
        detail: dict[str, Any] = {
            "area_name": area.name,
            "risk": round(risk, 1),
            "reasons": reasons,
            "sog_kn": s.fix.sog,
            "cog": s.fix.cog,
            "ship_type": s.state.identity.ship_type,
        }
        if s.update.previous is None:
            detail["first_seen_inside"] = True
        why = f" (risk {risk:.0f}: {', '.join(r['factor'] for r in reasons)})" if risky and reasons else ""
        return Event(
            kind=AlertKind.AREA_ENTRY,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat,
            lon=s.fix.lon,
            score=score,
            area=area.id,
            detail=detail,
            explanation=f"{_label(s.state)} entered {area.name}{why}.",
        )

    def _exit(self, s: Situation, area: "Area", since: float | None) -> Event:
        detail: dict[str, Any] = {"area_name": area.name}
        if since is not None:
            detail["duration_min"] = round((s.now - since) / 60.0)
        return Event(
            kind=AlertKind.AREA_EXIT,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat,
            lon=s.fix.lon,
            score=self.config.exit_score,
            area=area.id,
            detail=detail,
            explanation=f"{_label(s.state)} left {area.name}.",
        )

    def _dwell(self, s: Situation, area: "Area", duration_s: float, steps: dict[str, int]) -> Event | None:
        cfg = self.config
        milestones = self._milestones_s
        if not milestones or not duration_s >= milestones[0]:
            return None  # no milestone reached yet (the common case); also rules out NaN for bisect
        reached = bisect_right(milestones, duration_s)  # sorted: how many milestones are <= duration
        if reached <= steps.get(area.id, 0):
            return None
        steps[area.id] = reached
        score = min(cfg.dwell_max_score, cfg.dwell_base_score + cfg.dwell_step_score * (reached - 1))
        ship_type = s.state.identity.ship_type
        routine = ship_type in FISHING or ship_type in SERVICE_WORK
        if routine:
            score *= cfg.service_work_factor
        hours = duration_s / 3600.0
        return Event(
            kind=AlertKind.AREA_DWELL,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat,
            lon=s.fix.lon,
            score=score,
            area=area.id,
            detail={
                "area_name": area.name,
                "duration_h": round(hours, 1),
                "threshold_h": self._milestones_s[0] / 3600.0,
                "sog_kn": s.fix.sog,
                "routine_work_type": routine,
            },
            explanation=f"{_label(s.state)} has stayed in {area.name} for {hours:.1f} h outside any port.",
        )


def _label(state: "VesselState") -> str:
    name = state.identity.name
    return f"{name} (MMSI {state.mmsi})" if name else f"MMSI {state.mmsi}"
