"""The alert layer: aggregation per vessel and incident, escalation, rate limit, deterministic ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seawarden.alerts import AlertConfig, AlertManager, alert_id
from seawarden.types import AlertKind, Event, Severity

T0 = 1_735_120_000.0  # 2024-12-25T09:46:40Z


@dataclass
class _Identity:
    name: str | None = "EAGLE S"
    imo: int | None = 9329760
    flag: str | None = "Cook Islands"


@dataclass
class _State:
    """The attributes of VesselState the alert layer reads."""

    risk: float = 10.0
    identity: _Identity = field(default_factory=_Identity)
    scratch: dict[str, Any] = field(default_factory=dict)


def drag(t: float, score: float, asset: str | None = "estlink-2") -> Event:
    return Event(
        kind=AlertKind.ANCHOR_DRAG_SUSPECTED,
        mmsi=518998865,
        time=t,
        lat=59.9,
        lon=25.1,
        score=score,
        infrastructure=asset,
        detail={"sog_kn": 6.3},
        explanation="speed 26% below cruise.",
    )


def test_first_event_opens_alert_with_contract_fields() -> None:
    mgr = AlertManager()
    state = _State(scratch={"risk": {"contributions": [{"factor": "watch-list (imo)", "points": 45.0}]}})
    [alert] = mgr.ingest([drag(T0, 0.5)], state)
    record = alert.to_dict()
    for key in (
        "id",
        "kind",
        "severity",
        "risk",
        "mmsi",
        "imo",
        "name",
        "flag",
        "time",
        "lat",
        "lon",
        "area",
        "infrastructure",
        "evidence",
        "explanation",
    ):
        assert key in record
    assert record["kind"] == "anchor_drag_suspected"
    assert record["id"] == alert_id(AlertKind.ANCHOR_DRAG_SUSPECTED, 518998865, T0)
    assert record["time"] == "2024-12-25T09:46:40Z"
    assert record["severity"] == "medium"  # 95 * 0.5 = 47.5 -> medium
    assert record["imo"] == 9329760 and record["name"] == "EAGLE S"
    assert record["evidence"][0]["kind"] == "anchor_drag_suspected"
    assert "watch-list (imo) +45" in record["explanation"]


def test_same_incident_is_aggregated_and_rate_limited() -> None:
    mgr = AlertManager(AlertConfig(update_interval_s=900))
    state = _State()
    first = mgr.ingest([drag(T0, 0.5)], state)
    again = mgr.ingest([drag(T0 + 60, 0.5)], state)  # same severity, same asset, too soon
    later = mgr.ingest([drag(T0 + 1000, 0.5)], state)  # past the update interval
    assert len(first) == 1 and again == [] and len(later) == 1
    assert later[0].id == first[0].id
    assert later[0].version == 2 and later[0].status == "updated"
    assert len(later[0].evidence) == 3


def test_escalation_and_new_asset_are_sent_at_once() -> None:
    mgr = AlertManager()
    state = _State()
    mgr.ingest([drag(T0, 0.5)], state)
    [escalated] = mgr.ingest([drag(T0 + 30, 0.9)], state)
    assert escalated.severity == Severity.CRITICAL
    [new_asset] = mgr.ingest([drag(T0 + 60, 0.5, asset="c-lion1")], state)
    assert new_asset.severity == Severity.CRITICAL  # never goes down within an incident
    assert new_asset.infrastructure == "c-lion1"


def test_below_min_severity_is_not_emitted_until_it_rises() -> None:
    mgr = AlertManager(AlertConfig(min_severity=Severity.MEDIUM))
    state = _State(risk=5)
    assert mgr.ingest([drag(T0, 0.3)], state) == []  # 28.5 -> low
    [alert] = mgr.ingest([drag(T0 + 10, 0.6)], state)
    assert alert.version == 1 and alert.status == "new"
    assert alert.first_time == T0 and len(alert.evidence) == 2


def test_vessel_risk_lifts_a_weak_finding() -> None:
    mgr = AlertManager()
    gap = Event(kind=AlertKind.AIS_GAP, mmsi=1, time=T0, score=0.2)  # 12 points on its own: info
    [alert] = mgr.ingest([gap], _State(risk=70))
    assert alert.severity == Severity.HIGH and alert.risk == 70
    assert mgr.ingest([Event(kind=AlertKind.AIS_GAP, mmsi=2, time=T0, score=0.2)], _State(risk=5)) == []


def entry(kind: AlertKind, t: float, area: str = "gof-estlink2", score: float = 0.2) -> Event:
    return Event(kind=kind, mmsi=518998865, time=t, lat=59.9, lon=25.0, score=score, area=area)


def test_presence_kinds_fold_into_one_medium_alert_for_risky_vessels_only() -> None:
    mgr = AlertManager()
    ordinary, listed = _State(risk=25), _State(risk=80)
    assert mgr.ingest([entry(AlertKind.AREA_ENTRY, T0)], ordinary) == []  # low: assessed, not alerted
    mgr = AlertManager()
    [first] = mgr.ingest([entry(AlertKind.WATCHLIST_APPROACHING, T0, score=0.6)], listed)
    assert first.kind is AlertKind.WATCHLIST_APPROACHING and first.severity == Severity.MEDIUM
    assert first.id.startswith("presence-518998865-")
    both = mgr.ingest(
        [entry(AlertKind.AREA_ENTRY, T0 + 600), entry(AlertKind.WATCHLIST_IN_AREA, T0 + 600, score=0.9)],
        listed,
    )
    assert len(both) == 1  # one alert, upgraded, not two
    [upgraded] = both
    assert upgraded.id == first.id and upgraded.kind is AlertKind.WATCHLIST_IN_AREA
    assert upgraded.severity == Severity.MEDIUM  # never high for being somewhere
    assert mgr.ingest([entry(AlertKind.AREA_EXIT, T0 + 700)], listed) == []  # exit: evidence only
    [moved] = mgr.ingest([entry(AlertKind.AREA_ENTRY, T0 + 800, area="gof-helsinki-tallinn")], listed)
    assert moved.area == "gof-helsinki-tallinn" and moved.kind is AlertKind.WATCHLIST_IN_AREA
    assert [e["kind"] for e in moved.evidence][-2:] == ["area_exit", "area_entry"]


def test_exit_alone_opens_nothing_and_behaviour_stays_separate() -> None:
    mgr = AlertManager()
    assert mgr.ingest([entry(AlertKind.AREA_EXIT, T0)], _State(risk=80)) == []
    alerts = mgr.ingest([entry(AlertKind.AREA_ENTRY, T0 + 1), drag(T0 + 1, 0.9)], _State(risk=80))
    assert sorted(a.kind for a in alerts) == [AlertKind.ANCHOR_DRAG_SUSPECTED, AlertKind.AREA_ENTRY]
    assert {a.severity for a in alerts} == {Severity.MEDIUM, Severity.CRITICAL}


def test_quiet_incident_expires_and_a_new_one_gets_a_new_id() -> None:
    cfg = AlertConfig(incident_window_s=3600)
    mgr = AlertManager(cfg)
    [a] = mgr.ingest([drag(T0, 0.6)], _State())
    assert mgr.expire(T0 + 1800) == 0
    assert mgr.expire(T0 + 7200) == 1
    [b] = mgr.ingest([drag(T0 + 7300, 0.6)], _State())
    assert b.id != a.id and b.version == 1


def test_emitted_snapshots_do_not_change_afterwards() -> None:
    mgr = AlertManager()
    [a] = mgr.ingest([drag(T0, 0.6)], _State())
    mgr.ingest([drag(T0 + 5000, 0.95)], _State())
    assert a.version == 1 and len(a.evidence) == 1


def test_flush_sends_pending_updates() -> None:
    mgr = AlertManager()
    mgr.ingest([drag(T0, 0.6)], _State())
    assert mgr.ingest([drag(T0 + 10, 0.6)], _State()) == []
    [pending] = mgr.flush()
    assert pending.version == 2 and len(pending.evidence) == 2
    assert mgr.flush() == []


def test_evidence_is_bounded_keeping_onset() -> None:
    mgr = AlertManager(AlertConfig(max_evidence=5))
    for i in range(20):
        mgr.ingest([drag(T0 + i, 0.6)], _State())
    [alert] = mgr.flush()
    assert len(alert.evidence) == 5
    assert alert.evidence[0]["time"] == "2024-12-25T09:46:40Z"


def test_other_findings_join_the_vessels_high_incident() -> None:
    mgr = AlertManager()
    state = _State(risk=30)
    [primary] = mgr.ingest([drag(T0, 0.9)], state)
    assert primary.severity == Severity.CRITICAL
    gap = Event(kind=AlertKind.AIS_GAP, mmsi=518998865, time=T0 + 1200, score=0.15, explanation="AIS silent.")
    [update] = mgr.ingest([gap], state)  # due: past the update interval
    assert update.id == primary.id and update.kind is AlertKind.ANCHOR_DRAG_SUSPECTED
    assert [e["kind"] for e in update.evidence] == ["anchor_drag_suspected", "ais_gap"]
    assert update.infrastructure == "estlink-2"  # a folded finding does not move the incident
    assert "Latest: AIS silent." in update.explanation
    assert len(mgr) == 1  # no separate ais_gap alert
    # a vessel without a high incident gets its own alerts
    other = AlertManager()
    assert other.ingest([Event(kind=AlertKind.AIS_GAP, mmsi=7, time=T0, score=0.5)], _State(risk=30))[
        0
    ].kind == (AlertKind.AIS_GAP)


def test_one_record_per_alert_per_batch() -> None:
    mgr = AlertManager()
    listed = _State(risk=80)
    batch = [entry(AlertKind.AREA_ENTRY, T0), entry(AlertKind.WATCHLIST_IN_AREA, T0, score=0.9)]
    [record] = mgr.ingest(batch, listed)
    assert record.version == 1 and record.kind is AlertKind.WATCHLIST_IN_AREA and len(record.evidence) == 2
