"""Monitoring state machine and the dead-reckoned look-ahead at assets."""

import pytest
from shapely.geometry import LineString, box

from seawarden.assess.monitoring import Monitor, MonitoringConfig, MonitoringState, predict_crossings
from seawarden.geo import Area, Asset, GeoContext
from seawarden.track import Fix, Tracker
from seawarden.types import AlertKind, Event, Message

T0 = 1_735_120_000.0
HOUR = 3600.0


def geo() -> GeoContext:
    """One area (24.3-25.0 E, 59.4-59.8 N) and a north-south cable at 24.5 E."""
    area = Area("gof-test", "Test Gulf", ("FI", "EE"), ("estlink-2",), "test", box(24.3, 59.4, 25.0, 59.8))
    cable = Asset("estlink-2", "Estlink 2", "power_cable", None, (), LineString([(24.5, 59.3), (24.5, 59.9)]))
    return GeoContext([area], [cable], [], land_path=None)


def vessel():
    tracker = Tracker()
    tracker.update(Message(msg_type=1, mmsi=518998865, timestamp=T0, lat=59.6, lon=24.2, sog=10.0, cog=90.0))
    return tracker.get(518998865)


def drag(score: float) -> Event:
    return Event(kind=AlertKind.ANCHOR_DRAG_SUSPECTED, mmsi=518998865, time=T0, score=score)


def test_full_lifecycle_normal_assessed_monitoring_alerted_cleared() -> None:
    state = vessel()
    monitor = Monitor(MonitoringConfig(risk_threshold=40, alert_score=0.7, clear_after_s=2 * HOUR))
    assert state.monitoring == "normal"

    got = monitor.update(
        state, T0, risk=10, in_area=True, relevant=True, watch=False, events=[], area_label="a"
    )
    assert got is MonitoringState.ASSESSED

    got = monitor.update(state, T0 + 60, risk=45, in_area=True, relevant=True, watch=False, events=[])
    assert got is MonitoringState.MONITORING

    got = monitor.update(
        state, T0 + 120, risk=45, in_area=True, relevant=True, watch=False, events=[drag(0.8)]
    )
    assert got is MonitoringState.ALERTED
    assert state.monitoring == "alerted"

    # Left the area, risk decayed below the threshold: calm must last 2 h before clearing.
    assert monitor.update(
        state, T0 + HOUR, risk=30, in_area=False, relevant=False, watch=False, events=[]
    ) == (MonitoringState.ALERTED)
    assert monitor.update(
        state, T0 + 2 * HOUR, risk=30, in_area=False, relevant=False, watch=False, events=[]
    ) == (MonitoringState.ALERTED)
    got = monitor.update(state, T0 + 3 * HOUR, risk=25, in_area=False, relevant=False, watch=False, events=[])
    assert got is MonitoringState.CLEARED

    log = Monitor.transitions(state)
    assert [(frm, to) for _, frm, to, _ in log] == [
        ("normal", "assessed"),
        ("assessed", "monitoring"),
        ("monitoring", "alerted"),
        ("alerted", "cleared"),
    ]
    assert "anchor_drag_suspected" in log[2][3]
    assert log[3][0] == T0 + 3 * HOUR


def test_calm_is_reset_when_the_vessel_returns() -> None:
    state = vessel()
    monitor = Monitor(MonitoringConfig(clear_after_s=HOUR))
    monitor.update(state, T0, risk=50, in_area=True, relevant=True, watch=False, events=[])
    assert state.monitoring == "monitoring"
    monitor.update(state, T0 + 1000, risk=10, in_area=False, relevant=False, watch=False, events=[])
    monitor.update(state, T0 + 2000, risk=10, in_area=True, relevant=True, watch=False, events=[])  # back
    monitor.update(state, T0 + 3000, risk=10, in_area=False, relevant=False, watch=False, events=[])
    assert monitor.update(
        state, T0 + 4700, risk=10, in_area=False, relevant=False, watch=False, events=[]
    ) == (MonitoringState.MONITORING)
    assert monitor.update(
        state, T0 + 6700, risk=10, in_area=False, relevant=False, watch=False, events=[]
    ) == (MonitoringState.CLEARED)


def test_watch_listed_vessel_approaching_is_monitored_even_at_low_risk() -> None:
    state = vessel()
    got = Monitor().update(state, T0, risk=5, in_area=False, relevant=True, watch=True, events=[])
    assert got is MonitoringState.MONITORING
    assert "watch-listed" in Monitor.transitions(state)[0][3]


def test_risky_vessel_far_from_areas_and_assets_stays_normal() -> None:
    state = vessel()
    got = Monitor().update(state, T0, risk=80, in_area=False, relevant=False, watch=True, events=[])
    assert got is MonitoringState.NORMAL
    assert Monitor.transitions(state) == []


def test_transition_log_is_bounded() -> None:
    state = vessel()
    monitor = Monitor(MonitoringConfig(max_transitions=3, clear_after_s=0))
    for i in range(10):
        t = T0 + i * 100
        monitor.update(state, t, risk=50, in_area=True, relevant=True, watch=False, events=[])
        monitor.update(state, t + 10, risk=0, in_area=False, relevant=False, watch=False, events=[])
        monitor.update(state, t + 20, risk=0, in_area=False, relevant=False, watch=False, events=[])
    assert len(Monitor.transitions(state)) == 3


def test_predicted_crossing_gives_asset_and_eta() -> None:
    # 10 kn due east, 0.1 deg of longitude (5.63 km at 59.6 N) west of the cable: ~18 min.
    fix = Fix(t=T0, lat=59.6, lon=24.4, sog=10.0, cog=90.0)
    ahead = predict_crossings(geo(), fix, horizon_min=45)
    assert [a["asset"] for a in ahead] == ["estlink-2"]
    assert ahead[0]["eta_min"] == pytest.approx(18.2, abs=0.5)


@pytest.mark.parametrize(
    "fix",
    [
        Fix(t=T0, lat=59.6, lon=24.4, sog=10.0, cog=270.0),  # heading away
        Fix(t=T0, lat=59.6, lon=24.4, sog=0.3, cog=90.0),  # drifting
        Fix(t=T0, lat=59.6, lon=24.4, sog=None, cog=90.0),  # no speed
        Fix(t=T0, lat=59.6, lon=23.0, sog=10.0, cog=90.0),  # too far for the horizon
    ],
)
def test_no_predicted_crossing(fix: Fix) -> None:
    assert predict_crossings(geo(), fix, horizon_min=45) == []


def test_ahead_only_for_vessels_under_attention_and_cached() -> None:
    state = vessel()
    g = geo()
    monitor = Monitor(MonitoringConfig(predict_interval_s=60))
    fix = Fix(t=T0, lat=59.6, lon=24.4, sog=10.0, cog=90.0)
    assert monitor.ahead(g, state, fix, T0) == []  # normal: no prediction
    monitor.update(state, T0, risk=60, in_area=True, relevant=True, watch=False, events=[])
    first = monitor.ahead(g, state, fix, T0)
    assert first[0]["asset"] == "estlink-2"
    turned = Fix(t=T0 + 30, lat=59.6, lon=24.4, sog=10.0, cog=270.0)
    assert monitor.ahead(g, state, turned, T0 + 30) is first  # within the interval: cached
    assert monitor.ahead(g, state, turned, T0 + 90) == []


def test_annotate_adds_detail_and_a_sentence_once() -> None:
    event = Event(kind=AlertKind.AIS_GAP, mmsi=1, time=T0, explanation="Went dark.")
    ahead = [{"asset": "estlink-2", "name": "Estlink 2", "eta_min": 12.4}]
    Monitor.annotate([event], ahead)
    Monitor.annotate([event], ahead)
    assert event.detail["ahead"] == ahead
    assert event.explanation == "Went dark. On course to cross estlink-2 in 12 min."


def test_a_listed_ship_clears_on_quiet_behaviour_although_its_listing_keeps_risk_high() -> None:
    state = vessel()
    monitor = Monitor(MonitoringConfig(clear_after_s=HOUR))
    monitor.update(state, T0, risk=60, in_area=True, relevant=True, watch=True, events=[])
    assert state.monitoring == "monitoring"
    for t in (T0 + 600, T0 + 600 + HOUR):
        monitor.update(state, t, risk=60, in_area=False, relevant=False, watch=True, events=[], clear_risk=5)
    assert state.monitoring == "cleared"
    # Coming back near an area: monitored again at once.
    monitor.update(state, T0 + 3 * HOUR, risk=60, in_area=False, relevant=True, watch=True, events=[])
    assert state.monitoring == "monitoring"
