"""Area entry / exit / dwell detector on hand-built situations."""

import pytest
from shapely.geometry import LineString, Point, box

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.areas import AreaConfig, AreaDetector
from seawarden.assess.risk import RiskModel
from seawarden.geo import Area, Asset, GeoContext, Port
from seawarden.track import Tracker
from seawarden.types import AlertKind, Message

T0 = 1_735_120_000.0
HOUR = 3600.0
AREA = Area("gof-test", "Test Gulf", ("FI",), ("estlink-2",), "test", box(24.3, 59.4, 25.0, 59.8))
PORT = Port("fi-test", "Test harbour", "FI", 59.7, 24.9, 3000.0)
GEO = GeoContext(
    [AREA],
    [Asset("estlink-2", "Estlink 2", "power_cable", None, (), LineString([(24.5, 59.3), (24.5, 59.9)]))],
    [PORT],
    land_path=None,
)


class Feed:
    """Feeds positions through a real Tracker and builds the Situation the Assessor would."""

    def __init__(self, mmsi: int = 518998865, ship_type: int | None = 80) -> None:
        self.tracker = Tracker()
        self.env = AssessEnv(geo=GEO, tracker=self.tracker)
        self.mmsi = mmsi
        if ship_type is not None:
            self.tracker.update(
                Message(msg_type=5, mmsi=mmsi, timestamp=T0 - 10, name="TEST", ship_type=ship_type)
            )

    def situation(self, t: float, lat: float, lon: float, sog: float = 10.0, *, port: Port | None = None):
        update = self.tracker.update(
            Message(msg_type=1, mmsi=self.mmsi, timestamp=t, lat=lat, lon=lon, sog=sog, cog=90.0)
        )
        state = update.state
        areas = [AREA] if AREA.geometry.contains(_point(lon, lat)) else []
        ids = {a.id for a in areas}
        entered = [a for a in areas if a.id not in state.areas]
        exited = [AREA] if AREA.id in state.areas and AREA.id not in ids else []
        state.areas = ids
        return Situation(update, state, update.fix, t, areas=areas, entered=entered, exited=exited, port=port)

    @property
    def state(self):
        return self.tracker.get(self.mmsi)


def _point(lon: float, lat: float) -> Point:
    return Point(lon, lat)


def test_entry_of_an_ordinary_vessel_is_info_with_its_risk_in_detail() -> None:
    feed = Feed()
    detector = AreaDetector()
    assert detector.check(feed.situation(T0, 59.6, 24.2), feed.env) == []
    RiskModel().update(feed.state, T0 + 1800)
    (entry,) = detector.check(feed.situation(T0 + 1800, 59.6, 24.31), feed.env)
    assert entry.kind is AlertKind.AREA_ENTRY
    assert entry.area == "gof-test"
    assert entry.score == pytest.approx(AreaConfig().entry_info_score)
    assert entry.detail["risk"] == pytest.approx(feed.state.risk, abs=0.1)
    assert entry.detail["reasons"][0]["factor"] in {"flag", "ship_type"}
    assert "entered Test Gulf" in entry.explanation


def test_entry_of_a_risky_vessel_scores_its_risk() -> None:
    feed = Feed()
    detector = AreaDetector()
    detector.check(feed.situation(T0, 59.6, 24.2), feed.env)
    feed.state.scratch["risk_evidence"] = {"ais_gap": (95.0, T0, "")}
    RiskModel().update(feed.state, T0 + 1800)
    (entry,) = detector.check(feed.situation(T0 + 1800, 59.6, 24.31), feed.env)
    assert feed.state.risk > 90
    assert entry.score == pytest.approx(feed.state.risk / 100)
    assert "risk" in entry.explanation and "ais_gap" in entry.explanation


def test_exit_reports_time_spent_inside() -> None:
    feed = Feed()
    detector = AreaDetector()
    detector.check(feed.situation(T0, 59.6, 24.31), feed.env)  # first seen inside: entry
    events = detector.check(feed.situation(T0 + 1800, 59.6, 24.31 + 0.28), feed.env)
    assert events == []
    (exit_event,) = detector.check(feed.situation(T0 + 3600, 59.85, 24.9), feed.env)
    assert exit_event.kind is AlertKind.AREA_EXIT
    assert exit_event.detail["duration_min"] == 60
    assert feed.state.scratch["areas"]["in"] == {}


def test_first_fix_inside_is_an_entry_marked_first_seen() -> None:
    feed = Feed()
    (entry,) = AreaDetector().check(feed.situation(T0, 59.6, 24.4), feed.env)
    assert entry.detail["first_seen_inside"] is True


def _dwell_events(feed: Feed, hours: float, step_s: float = 600.0, **kw) -> list:
    detector = AreaDetector()
    out = []
    steps = int(hours * HOUR / step_s) + 1
    for i in range(steps):  # drifting slowly: 0.5 kn east
        s = feed.situation(T0 + i * step_s, 59.6, 24.6 + i * 0.0027, sog=0.5, **kw)
        out += detector.check(s, feed.env)
    return [e for e in out if e.kind is AlertKind.AREA_DWELL]


def test_dwell_fires_at_three_hours_then_only_at_milestones() -> None:
    events = _dwell_events(Feed(), hours=7)
    assert [e.detail["duration_h"] for e in events] == [3.0, 6.0]
    assert events[0].score == pytest.approx(0.35)
    assert events[1].score == pytest.approx(0.45)
    assert "3.0 h" in events[0].explanation


def test_no_dwell_inside_a_port_or_anchorage() -> None:
    assert _dwell_events(Feed(), hours=7, port=PORT) == []


def test_dwell_of_a_fishing_vessel_or_cable_ship_is_scored_low() -> None:
    fishing = _dwell_events(Feed(ship_type=30), hours=4)
    cable_ship = _dwell_events(Feed(ship_type=33), hours=4)
    assert fishing[0].score == pytest.approx(0.35 * 0.3)
    assert cable_ship[0].detail["routine_work_type"] is True


def test_short_stay_gives_no_dwell() -> None:
    assert _dwell_events(Feed(), hours=2.5) == []
