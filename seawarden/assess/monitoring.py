"""Per-vessel monitoring state: normal -> assessed -> monitoring -> alerted -> cleared.

Why a state machine: Nordic Warden's public description (anchors.md §3.1) is "assess the risk of each
vessel entering an area; monitor the risky ones closely when approaching key areas; warn at once".
The state tells the watch officer (and the alert layer) how much attention a vessel deserves, and
the transitions, kept in ``state.scratch["monitoring"]["transitions"]`` as ``(time, from, to,
reason)``, say why.

Rules (thresholds in :class:`MonitoringConfig`):

* normal / cleared -> assessed: the vessel is inside an area of interest (entered, or first seen
  inside) and its risk was assessed.
* assessed (or normal / cleared) -> monitoring: risk >= ``risk_threshold``, or watch-listed, while
  in or approaching an area or near infrastructure.
* any -> alerted: an event with score >= ``alert_score`` (set by the Assessor).
* assessed / monitoring / alerted -> cleared: outside every area and away from infrastructure with
  the *behaviour* part of the risk below the threshold (a listing alone never expires),
  continuously for ``clear_after_s``.

While monitoring or alerted, the vessel's track is predicted ahead by dead reckoning (COG at SOG
for ``horizon_min``) and the assets the predicted line crosses are added to its events
("on course to cross estlink-2 in 12 min"): the early warning the 2023-2025 incidents lacked.
"""

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from seawarden.assess.detectors.kinematics import KNOT_MS, dead_reckon, haversine_m
from seawarden.types import Event

if TYPE_CHECKING:
    from seawarden.geo import GeoContext
    from seawarden.track import Fix, VesselState

SCRATCH = "monitoring"


class MonitoringState(StrEnum):
    NORMAL = "normal"
    ASSESSED = "assessed"
    MONITORING = "monitoring"
    ALERTED = "alerted"
    CLEARED = "cleared"


ATTENTION_STATES = frozenset({MonitoringState.MONITORING, MonitoringState.ALERTED})


class MonitoringConfig(BaseModel):
    """Thresholds of the monitoring state machine and of the track prediction."""

    risk_threshold: float = Field(40.0, ge=0, le=100, description="Risk band 'medium' starts at 40.")
    alert_score: float = Field(
        0.7, ge=0, le=1, description="An event this confident puts a vessel in 'alerted'."
    )
    clear_after_s: float = Field(
        2 * 3600, ge=0, description="Calm for 2 h (outside areas, low risk) to clear."
    )
    horizon_min: float = Field(
        45.0, gt=0, le=240, description="Predict 30-60 min ahead: the time a patrol needs to react."
    )
    min_predict_sog_kn: float = Field(
        1.0, ge=0, description="Below this, dead reckoning says nothing useful."
    )
    predict_interval_s: float = Field(60.0, ge=0, description="Re-predict at most once a minute per vessel.")
    max_transitions: int = Field(20, ge=1, description="Transitions kept per vessel (bounded memory).")


def predict_crossings(
    geo: "GeoContext", fix: "Fix", horizon_min: float, min_sog_kn: float = 1.0
) -> list[dict]:
    """Assets the dead-reckoned line from ``fix`` crosses within the horizon, soonest first."""
    if fix.sog is None or fix.cog is None or fix.sog < min_sog_kn:
        return []
    end = dead_reckon(fix.lat, fix.lon, fix.sog, fix.cog, horizon_min * 60.0)
    if end is None:
        return []
    ahead = []
    for hit in geo.crossings(fix.lat, fix.lon, end[0], end[1]):
        eta_min = haversine_m(fix.lat, fix.lon, hit.lat, hit.lon) / (fix.sog * KNOT_MS) / 60.0
        ahead.append({"asset": hit.asset.id, "name": hit.asset.name, "eta_min": round(eta_min, 1)})
    ahead.sort(key=lambda a: a["eta_min"])
    return ahead


_BY_VALUE = {m.value: m for m in MonitoringState}


def state_of(vessel: "VesselState") -> MonitoringState:
    """The vessel's monitoring state (an unknown or empty value reads as normal)."""
    return _BY_VALUE.get(vessel.monitoring, MonitoringState.NORMAL)


class Monitor:
    """Drives the state machine of one vessel at a time; memory in ``scratch["monitoring"]``."""

    def __init__(self, config: MonitoringConfig | None = None) -> None:
        self.config = config or MonitoringConfig()

    def update(
        self,
        vessel: "VesselState",
        now: float,
        *,
        risk: float,
        in_area: bool,
        relevant: bool,
        watch: bool,
        events: list[Event],
        area_label: str = "",
        clear_risk: float | None = None,
    ) -> MonitoringState:
        """Apply the rules after an update or tick; returns the (possibly new) state.

        ``in_area``: inside an area now; ``relevant``: inside/approaching an area or near
        infrastructure; ``watch``: watch-listed. ``clear_risk`` is the risk that must fall below
        the threshold to clear (default ``risk``); the Assessor passes the behaviour part, so a
        watch-listed ship whose listing alone keeps its risk high still clears once it has been
        away from every area, quietly, for ``clear_after_s``.
        """
        cfg = self.config
        current = state_of(vessel)
        memory = self._memory(vessel)
        top = max(events, key=lambda e: e.score, default=None)
        if top is not None and top.score >= cfg.alert_score and current is not MonitoringState.ALERTED:
            self._move(vessel, now, MonitoringState.ALERTED, f"{top.kind} score {top.score:.2f}")
            memory["calm_since"] = None
            return MonitoringState.ALERTED
        if current in (MonitoringState.NORMAL, MonitoringState.CLEARED) and in_area:
            current = self._move(vessel, now, MonitoringState.ASSESSED, f"in area {area_label}".strip())
        concern = risk >= cfg.risk_threshold or watch
        if current not in ATTENTION_STATES and relevant and concern:
            reason = f"risk {risk:.0f}" if risk >= cfg.risk_threshold else "watch-listed"
            near = f" near {area_label}" if area_label else " near area/infrastructure"
            current = self._move(vessel, now, MonitoringState.MONITORING, reason + near)
        if current in (MonitoringState.NORMAL, MonitoringState.CLEARED):
            memory["calm_since"] = None
            return current
        calm = not relevant and (risk if clear_risk is None else clear_risk) < cfg.risk_threshold
        if not calm:
            memory["calm_since"] = None
        elif memory.get("calm_since") is None:
            memory["calm_since"] = now
        elif now - memory["calm_since"] >= cfg.clear_after_s:
            minutes = round((now - memory["calm_since"]) / 60)
            current = self._move(
                vessel, now, MonitoringState.CLEARED, f"away from areas, risk {risk:.0f}, for {minutes} min"
            )
            memory["calm_since"] = None
        return current

    def ahead(self, geo: "GeoContext", vessel: "VesselState", fix: "Fix | None", now: float) -> list[dict]:
        """Predicted asset crossings for a vessel under attention (cached ``predict_interval_s``)."""
        if fix is None or state_of(vessel) not in ATTENTION_STATES:
            return []
        memory = self._memory(vessel)
        cached = memory.get("ahead")
        if cached is not None and now - cached[0] < self.config.predict_interval_s:
            return cached[1]
        result = predict_crossings(geo, fix, self.config.horizon_min, self.config.min_predict_sog_kn)
        memory["ahead"] = (now, result)
        return result

    @staticmethod
    def annotate(events: list[Event], ahead: list[dict]) -> None:
        """Add the predicted crossings to each event's detail and explanation."""
        if not ahead:
            return
        words = ", ".join(f"{a['asset']} in {a['eta_min']:.0f} min" for a in ahead[:3])
        for event in events:
            event.detail["ahead"] = ahead
            sentence = f"On course to cross {words}."
            if sentence not in event.explanation:
                event.explanation = f"{event.explanation} {sentence}".strip()

    @staticmethod
    def transitions(vessel: "VesselState") -> list[tuple[float, str, str, str]]:
        return list(vessel.scratch.get(SCRATCH, {}).get("transitions", []))

    def _memory(self, vessel: "VesselState") -> dict[str, Any]:
        return vessel.scratch.setdefault(SCRATCH, {"transitions": [], "calm_since": None})

    def _move(self, vessel: "VesselState", now: float, new: MonitoringState, reason: str) -> MonitoringState:
        old = state_of(vessel)
        if old is new:
            return new
        vessel.monitoring = new.value
        log = self._memory(vessel)["transitions"]
        log.append((now, old.value, new.value, reason))
        if len(log) > self.config.max_transitions:
            del log[: len(log) - self.config.max_transitions]
        return new
