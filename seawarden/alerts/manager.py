"""From detector events to alert records a watch officer can act on.

Why a separate layer: detectors speak in findings ("speed 26 % below cruise for 35 min"), people
need one alert per vessel and incident that grows with evidence and escalates, without a flood of
near-duplicates at 3 a.m. Rules (documented in the README):

* one open alert per (vessel, kind) for behaviour findings; evidence of the same kind within
  ``incident_window_s`` of the last evidence joins it, later evidence opens a new incident;
* the presence kinds (area entry/dwell/exit, watch-listed approach/in area) fold into one
  ``presence`` alert per vessel and incident whose kind is the strongest seen; it is sent only for
  vessels assessed at least ``presence_min_severity`` and never above ``presence_max_severity``:
  high and critical are for behaviour, not for being somewhere;
* while a vessel has an open alert at ``fold_into_severity`` or above (its *primary* incident), its
  other findings (an AIS gap mid-drag, entering the next area) join that alert as evidence instead
  of opening alerts of their own: one incident, one timeline, one thing to acknowledge;
* alert risk = max(vessel risk, kind ceiling x event score); severity follows risk bands
  (:meth:`Severity.from_risk`), and never goes down within an incident;
* an alert is emitted when it opens (at or above ``min_severity``), at once when its severity rises,
  its kind strengthens, or a new asset/area appears in its evidence, otherwise at most every
  ``update_interval_s``; one record per alert per batch of events, never two;
* alert ids are deterministic (vessel, kind or family, first evidence time) so replays, restarts
  and distributed runs produce the same ids, and ``version`` tells updates from duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from seawarden.alerts.config import PRESENCE_KINDS, AlertConfig
from seawarden.types import Alert, AlertKind, Event, Severity

if TYPE_CHECKING:
    from seawarden.track import VesselState

#: Family name (and id prefix) of the alerts that fold the presence kinds together.
PRESENCE_FAMILY = "presence"


def alert_id(family: AlertKind | str, mmsi: int, first_time: float) -> str:
    """Deterministic, readable id: ``<kind or family>-<mmsi>-<UTC yyyymmddThhmmssZ>``."""
    stamp = datetime.fromtimestamp(first_time, tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{family}-{mmsi}-{stamp}"


def family_of(kind: AlertKind) -> str:
    return PRESENCE_FAMILY if kind in PRESENCE_KINDS else str(kind)


@dataclass(slots=True)
class _Incident:
    """Book-keeping of one open alert (not part of the record)."""

    alert: Alert
    last_evidence: float
    last_emitted: float
    emitted: bool = False
    places: set[str] = field(default_factory=set)  # assets and areas seen in the evidence
    pending: bool = False  # evidence added since the last emission


def risk_breakdown(state: VesselState | None) -> list[dict[str, Any]]:
    """The vessel's latest risk contributions as plain dicts (empty when not assessed)."""
    if state is None:
        return []
    assessment = state.scratch.get("risk")
    contributions = getattr(assessment, "contributions", None)
    if contributions is None and isinstance(assessment, dict):
        contributions = assessment.get("contributions")
    out: list[dict[str, Any]] = []
    for item in contributions or ():
        if isinstance(item, dict):
            out.append(dict(item))
            continue
        points = round(float(getattr(item, "points", 0.0)), 1)
        entry: dict[str, Any] = {"factor": getattr(item, "factor", "?"), "points": points}
        detail = getattr(item, "detail", None)
        if detail:
            entry["detail"] = detail
        out.append(entry)
    return out


class AlertManager:
    """Aggregates events into alerts; pure and deterministic (event time only, no wall clock)."""

    def __init__(self, config: AlertConfig | None = None) -> None:
        self.config = config or AlertConfig()
        self._open: dict[int, dict[str, _Incident]] = {}  # mmsi -> family -> open incident

    def __len__(self) -> int:
        return sum(len(v) for v in self._open.values())

    def ingest(self, events: Iterable[Event], state: VesselState | None) -> list[Alert]:
        """Fold one vessel's new events into its alerts; return the records to emit (new or updated)."""
        due: dict[str, _Incident] = {}
        for event in events:
            inc = self._fold(event, state)
            if inc is not None:
                due[inc.alert.id] = inc
        return [self._emit(inc, inc.last_evidence) for inc in due.values()]

    def open_alerts(self) -> list[Alert]:
        return [inc.alert for incs in self._open.values() for inc in incs.values() if inc.emitted]

    def flush(self) -> list[Alert]:
        """End of input: emit alerts whose last evidence is still pending (rate-limited updates)."""
        return [
            self._emit(inc, inc.last_evidence)
            for incs in self._open.values()
            for inc in incs.values()
            if inc.pending and inc.emitted
        ]

    def expire(self, now: float) -> int:
        """Forget incidents quiet for longer than the incident window (bounded memory); returns how many.

        A later finding for the same vessel and kind then opens a new incident with a new id.
        """
        window = self.config.incident_window_s
        dropped = 0
        for mmsi in list(self._open):
            incs = self._open[mmsi]
            for family in [f for f, inc in incs.items() if now - inc.last_evidence > window]:
                del incs[family]
                dropped += 1
            if not incs:
                del self._open[mmsi]
        return dropped

    # -- internals -------------------------------------------------------------------------------

    def _fold(self, event: Event, state: VesselState | None) -> _Incident | None:
        """Add one event to its incident; return the incident when a record is due."""
        cfg = self.config
        kind = AlertKind(event.kind)
        presence = kind in PRESENCE_KINDS
        family = family_of(kind)
        incs = self._open.setdefault(event.mmsi, {})
        for fam in [f for f, inc in incs.items() if event.time - inc.last_evidence > cfg.incident_window_s]:
            del incs[fam]
        inc = incs.get(family)
        primary = self._primary(incs)
        if primary is not None and (inc is None or inc.alert.severity < primary.alert.severity):
            inc = primary  # the vessel is in a high incident: one timeline, not a second alert
        if inc is None and kind is AlertKind.AREA_EXIT:
            return None  # leaving an area nobody was alerted about is not news

        vessel_risk = float(state.risk) if state is not None else 0.0
        event_risk = cfg.kind_ceiling.get(str(kind), 50.0) * max(0.0, min(1.0, event.score))
        risk = max(vessel_risk, event_risk)
        severity = Severity.from_risk(risk)
        floor = cfg.min_severity
        if presence:
            severity = min(severity, cfg.presence_max_severity)
            floor = max(floor, cfg.presence_min_severity)

        if inc is None:
            alert = Alert(
                id=alert_id(family, event.mmsi, event.time),
                kind=kind,
                severity=severity,
                risk=risk,
                mmsi=event.mmsi,
                time=event.time,
                lat=event.lat,
                lon=event.lon,
                area=event.area,
                infrastructure=event.infrastructure,
                first_time=event.time,
                releasability=list(cfg.releasability),
            )
            inc = _Incident(alert=alert, last_evidence=event.time, last_emitted=event.time)
            incs[family] = inc
            self._absorb(inc, event, state, risk, severity)
            return inc if severity >= floor else None

        own = family_of(inc.alert.kind) == family
        previous_severity = inc.alert.severity
        new_place = self._absorb(inc, event, state, risk, severity, primary_kind=not own)
        upgraded = own and presence and PRESENCE_KINDS.index(kind) < PRESENCE_KINDS.index(inc.alert.kind)
        if upgraded:
            inc.alert.kind = kind  # e.g. approaching -> in the area: sent at once
        if own and inc.alert.severity < floor:
            return None
        if not inc.emitted:
            return inc
        if kind is AlertKind.AREA_EXIT:
            return None  # kept as evidence, sent with the next update
        escalated = inc.alert.severity > previous_severity
        due = event.time - inc.last_emitted >= cfg.update_interval_s
        return inc if (escalated or upgraded or new_place or due) else None

    def _primary(self, incs: dict[str, _Incident]) -> _Incident | None:
        """The vessel's open, emitted alert at or above ``fold_into_severity``, most severe first."""
        best = None
        for inc in incs.values():
            severe = inc.emitted and inc.alert.severity >= self.config.fold_into_severity
            if severe and (best is None or inc.alert.severity > best.alert.severity):
                best = inc
        return best

    def _absorb(
        self,
        inc: _Incident,
        event: Event,
        state: VesselState | None,
        risk: float,
        severity: Severity,
        *,
        primary_kind: bool = False,
    ) -> bool:
        """Add the event's evidence to the alert; True when it names a new asset or area.

        ``primary_kind``: the event is of another kind folded into a primary incident; it adds
        evidence and can raise the alert's risk, but does not move its asset/area fields.
        """
        alert = inc.alert
        places = {p for p in (event.infrastructure, event.area) if p}
        new_place = bool(places - inc.places) and bool(inc.places)
        inc.places |= places
        alert.evidence.append(event.evidence())
        limit = self.config.max_evidence
        if len(alert.evidence) > limit:
            # keep the first item (the onset) and the newest ones
            alert.evidence = [alert.evidence[0], *alert.evidence[-(limit - 1) :]]
        alert.time = event.time
        if not primary_kind:
            if event.lat is not None and event.lon is not None:
                alert.lat, alert.lon = event.lat, event.lon
            alert.infrastructure = event.infrastructure or alert.infrastructure
            alert.area = event.area or alert.area
        alert.risk = max(alert.risk, risk)
        alert.severity = max(alert.severity, severity)
        self._fill_identity(alert, state)
        alert.risk_breakdown = risk_breakdown(state)
        alert.explanation = self._explain(alert, event)
        inc.last_evidence = event.time
        inc.pending = True
        return new_place

    @staticmethod
    def _fill_identity(alert: Alert, state: VesselState | None) -> None:
        if state is None:
            return
        ident = state.identity
        alert.imo = ident.imo or alert.imo
        alert.name = ident.name or alert.name
        alert.flag = ident.flag or alert.flag

    @staticmethod
    def _explain(alert: Alert, event: Event) -> str:
        who = alert.name or f"MMSI {alert.mmsi}"
        kind = str(alert.kind)  # once, not per evidence item
        lead = next((e.get("explanation") for e in reversed(alert.evidence) if e.get("kind") == kind), None)
        head = f"{who}: {lead or event.explanation or str(event.kind).replace('_', ' ')}"
        if event.kind != alert.kind and event.explanation:
            head += f" Latest: {event.explanation}"
        # In learned mode the breakdown lists the learned shares, then the rules' for transparency;
        # the headline names what drove the risk shown, so the rules' items are left out of it.
        driving = [c for c in alert.risk_breakdown if c.get("model") != "rules"]
        top = sorted(driving, key=lambda c: -float(c.get("points", 0.0)))[:3]
        if top:
            parts = ", ".join(f"{c.get('factor')} +{float(c.get('points', 0.0)):.0f}" for c in top)
            head += f" Risk {alert.risk:.0f}/100 ({parts})."
        else:
            head += f" Risk {alert.risk:.0f}/100."
        if len(alert.evidence) > 1:
            head += f" {len(alert.evidence)} evidence items since {alert.evidence[0].get('time')}."
        return head

    def _emit(self, inc: _Incident, now: float) -> Alert:
        alert = inc.alert
        if inc.emitted:
            alert.version += 1
            alert.status = "updated"
        inc.emitted = True
        inc.pending = False
        inc.last_emitted = now
        # A copy safe to hand out: later evidence must not change what was already emitted.
        return replace(
            alert,
            evidence=list(alert.evidence),
            releasability=list(alert.releasability),
            risk_breakdown=list(alert.risk_breakdown),
        )
