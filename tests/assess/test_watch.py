"""Watch-listed vessels inside or approaching an area."""

import pytest
from shapely.geometry import LineString, Point, box

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.watch import WatchlistConfig, WatchlistDetector
from seawarden.geo import Area, Asset, GeoContext
from seawarden.track import Tracker
from seawarden.types import AlertKind, Message
from seawarden.watchlist import Watchlist, WatchlistEntry

T0 = 1_735_120_000.0
AREA = Area("gof-test", "Test Gulf", ("FI",), (), "test", box(24.3, 59.4, 25.0, 59.8))
GEO = GeoContext(
    [AREA],
    [Asset("estlink-2", "Estlink 2", "power_cable", None, (), LineString([(24.5, 59.3), (24.5, 59.9)]))],
    [],
    land_path=None,
)
LISTED = Watchlist(
    [WatchlistEntry(id="imo:9329760", imo=9329760, names=["EAGLE S"], reason="EU Annex XLII", sources=["EU"])]
)
MATCH = LISTED.match(imos=[9329760])


class Feed:
    def __init__(self, watched: bool = True) -> None:
        self.tracker = Tracker()
        self.env = AssessEnv(geo=GEO, tracker=self.tracker)
        self.watch = MATCH if watched else None

    def situation(self, t: float, lat: float, lon: float, sog: float = 10.0, cog: float = 90.0) -> Situation:
        update = self.tracker.update(
            Message(msg_type=1, mmsi=518998865, timestamp=t, lat=lat, lon=lon, sog=sog, cog=cog)
        )
        areas = [AREA] if AREA.geometry.contains(Point(lon, lat)) else []
        return Situation(update, update.state, update.fix, t, areas=areas, watch=self.watch)


def test_match_fixture_is_an_imo_match() -> None:
    assert MATCH is not None and MATCH.method == "imo"


def test_in_area_fires_once_per_visit() -> None:
    feed = Feed()
    detector = WatchlistDetector()
    (event,) = detector.check(feed.situation(T0, 59.6, 24.35), feed.env)
    assert event.kind is AlertKind.WATCHLIST_IN_AREA
    assert event.area == "gof-test"
    assert event.score == pytest.approx(0.9 * MATCH.confidence)
    assert event.detail["watchlist_id"] == "imo:9329760"
    assert event.detail["match_method"] == "imo"
    assert "EU Annex XLII" in event.explanation
    assert detector.check(feed.situation(T0 + 60, 59.6, 24.36), feed.env) == []
    detector.check(feed.situation(T0 + 1800, 59.85, 24.36, cog=0.0), feed.env)  # left (north)
    again = detector.check(feed.situation(T0 + 3600, 59.7, 24.36, cog=180.0), feed.env)
    assert [e.kind for e in again] == [AlertKind.WATCHLIST_IN_AREA]


def test_not_watch_listed_gives_nothing() -> None:
    feed = Feed(watched=False)
    assert WatchlistDetector().check(feed.situation(T0, 59.6, 24.35), feed.env) == []


def test_approaching_predicts_eta_then_upgrades_once_when_imminent() -> None:
    feed = Feed()
    detector = WatchlistDetector(WatchlistConfig(horizon_min=60, step_min=1, recheck_s=120, imminent_min=15))
    # 10 kn due east, 0.2 deg (11.3 km) west of the area: ~36.5 min.
    (event,) = detector.check(feed.situation(T0, 59.6, 24.1), feed.env)
    assert event.kind is AlertKind.WATCHLIST_APPROACHING
    assert event.area == "gof-test"
    assert event.detail["eta_min"] == pytest.approx(37, abs=1)
    assert event.score == pytest.approx(0.6 * MATCH.confidence)
    assert "in about 37 min" in event.explanation
    # Re-checked every 2 min; no repeat while the ETA only shrinks ...
    t, lon = T0, 24.1
    later = []
    for _ in range(12):
        t += 120
        lon += 0.2 * 120 / (36.5 * 60)
        later += detector.check(feed.situation(t, 59.6, lon), feed.env)
    # ... except one upgrade when the entry becomes imminent (<= 15 min).
    assert [e.detail["eta_min"] <= 15 for e in later] == [True]
    assert later[0].score == pytest.approx(0.75 * MATCH.confidence)


@pytest.mark.parametrize(
    ("lon", "sog", "cog"),
    [
        (24.1, 10.0, 270.0),  # heading away
        (24.1, 1.0, 90.0),  # too slow to be approaching
        (22.0, 10.0, 90.0),  # area beyond an hour's steaming
        (24.1, 10.0, 0.0),  # passing north, never entering
    ],
)
def test_not_approaching(lon: float, sog: float, cog: float) -> None:
    feed = Feed()
    assert WatchlistDetector().check(feed.situation(T0, 59.6, lon, sog=sog, cog=cog), feed.env) == []


def test_rechecks_are_throttled() -> None:
    feed = Feed()
    detector = WatchlistDetector(WatchlistConfig(recheck_s=300))
    assert detector.check(feed.situation(T0, 59.6, 24.1, cog=270.0), feed.env) == []
    # Turns toward the area 1 min later: not re-predicted until 5 min have passed.
    assert detector.check(feed.situation(T0 + 60, 59.6, 24.097, cog=90.0), feed.env) == []
    assert len(detector.check(feed.situation(T0 + 300, 59.6, 24.1, cog=90.0), feed.env)) == 1
