"""identity_change detector: field changes, MMSI change, cloned identity, false flag, invalid ids."""

import pytest

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.identity import IdentityConfig, IdentityDetector
from seawarden.assess.risk import DRAUGHT_SCRATCH
from seawarden.geo import GeoContext
from seawarden.track import Tracker
from seawarden.types import AlertKind, Message
from seawarden.watchlist import Watchlist, WatchlistEntry

T0 = 1_735_120_000.0
HOUR = 3600.0
GEO = GeoContext([], [], [], land_path=None)


class Feed:
    """A real Tracker + the identity detector, as the Assessor would call it."""

    def __init__(self, config: IdentityConfig | None = None, watchlist: Watchlist | None = None) -> None:
        self.tracker = Tracker()
        self.env = AssessEnv(geo=GEO, tracker=self.tracker)
        self.detector = IdentityDetector(config)
        self.watchlist = watchlist

    def send(self, msg: Message) -> list:
        update = self.tracker.update(msg)
        state = update.state
        watch = None
        if self.watchlist is not None:
            watch = self.watchlist.match(imos=[state.identity.imo or 0], mmsi=state.mmsi)
        s = Situation(update, state, update.fix, msg.timestamp, watch=watch)
        return self.detector.check(s, self.env)

    def static(self, mmsi: int, t: float, **fields) -> list:
        return self.send(Message(msg_type=5, mmsi=mmsi, timestamp=t, **fields))

    def position(self, mmsi: int, t: float, lat: float = 59.6, lon: float = 24.0) -> list:
        return self.send(Message(msg_type=1, mmsi=mmsi, timestamp=t, lat=lat, lon=lon, sog=8.0, cog=90.0))


def test_imo_change_is_strong_and_name_change_moderate_without_any_position() -> None:
    feed = Feed()
    assert feed.static(518998865, T0, name="EAGLE S", imo=9329760, callsign="E5U1") == []
    events = feed.static(518998865, T0 + 360, name="EAGLE", imo=9321483, callsign="E5U1")
    by_change = {e.detail["change"]: e for e in events}
    assert set(by_change) == {"imo", "name"}
    assert by_change["imo"].score == pytest.approx(0.8)
    assert by_change["name"].score == pytest.approx(0.5)
    assert by_change["imo"].detail["old"] == 9329760 and by_change["imo"].detail["new"] == 9321483
    assert all(e.kind is AlertKind.IDENTITY_CHANGE and e.lat is None for e in events)
    assert "IMO number from 9329760 to 9321483" in by_change["imo"].explanation


def test_destination_change_is_not_identity_and_draught_change_after_a_gap_is_noted() -> None:
    feed = Feed()
    feed.static(518998865, T0, name="EAGLE S", imo=9329760, destination="RU ULU", draught=7.0)
    feed.position(518998865, T0 + 60)
    feed.position(518998865, T0 + 120, lon=24.001)
    assert (
        feed.static(518998865, T0 + 400, name="EAGLE S", imo=9329760, destination="PORT SAID", draught=7.0)
        == []
    )
    assert feed.tracker.get(518998865).scratch.get(DRAUGHT_SCRATCH) is None
    feed.position(518998865, T0 + 3 * HOUR, lon=24.3)  # back after ~3 h dark
    assert feed.static(518998865, T0 + 3 * HOUR + 300, name="EAGLE S", imo=9329760, draught=11.5) == []
    noted = feed.tracker.get(518998865).scratch[DRAUGHT_SCRATCH]
    assert noted["old"] == 7.0 and noted["new"] == 11.5
    assert noted["gap_s"] >= 2 * HOUR


def test_new_mmsi_broadcasting_a_recent_imo_is_an_mmsi_change() -> None:
    feed = Feed()
    feed.static(518998865, T0, name="EAGLE S", imo=9329760)
    (event,) = feed.static(626123456, T0 + 5 * HOUR, name="EAGLE S", imo=9329760)
    assert event.detail["change"] == "mmsi_change"
    assert event.detail["other_mmsi"] == 518998865
    assert event.score == pytest.approx(IdentityConfig().mmsi_change_score)
    assert "changed its MMSI" in event.explanation
    assert feed.static(626123456, T0 + 5 * HOUR + 360, name="EAGLE S", imo=9329760, draught=8.0) == []


def test_same_name_and_imo_on_two_mmsis_at_once_is_a_cloned_identity() -> None:
    feed = Feed()
    feed.static(518998865, T0, name="EAGLE S", imo=9329760)
    feed.position(518998865, T0 + 100)
    (event,) = feed.static(626123456, T0 + 200, name="EAGLE  S", imo=9329760)
    assert event.detail["change"] == "duplicate_identity"
    assert event.detail["same_name"] is True
    assert event.score == pytest.approx(0.75)
    # Both keep broadcasting: reported once per pair, not on every static report.
    feed.position(518998865, T0 + 300)
    assert feed.static(626123456, T0 + 700, name="EAGLE S", imo=9329760, destination="X") == []


def test_old_imo_sighting_is_not_an_mmsi_change() -> None:
    feed = Feed(IdentityConfig(mmsi_change_window_s=24 * HOUR))
    feed.static(518998865, T0, name="EAGLE S", imo=9329760)
    assert feed.static(626123456, T0 + 48 * HOUR, name="EAGLE S", imo=9329760) == []


def valid_imo(first6: int) -> int:
    digits = [int(d) for d in f"{first6:06d}"]
    return first6 * 10 + sum(d * w for d, w in zip(digits, range(7, 1, -1), strict=True)) % 10


def test_imo_index_is_bounded() -> None:
    feed = Feed(IdentityConfig(imo_index_size=100))
    for i in range(300):
        feed.static(230000000 + i, T0 + i, name=f"SHIP {i}", imo=valid_imo(900000 + i))
    assert len(feed.detector._imo_index) == 100


def test_flag_of_the_mmsi_contradicting_the_watch_list_is_a_possible_false_flag() -> None:
    listed = Watchlist([WatchlistEntry(id="imo:9562233", imo=9562233, names=["PETREL 8"], flag="Comoros")])
    feed = Feed(watchlist=listed)
    # MID 518 is the Cook Islands; the list says Comoros.
    events = feed.static(518123456, T0, name="PETREL 8", imo=9562233)
    (event,) = [e for e in events if e.detail["change"] == "flag_mismatch"]
    assert event.detail["mid_flag"] == "Cook Islands"
    assert event.detail["listed_flag"] == "Comoros"
    assert "possible false flag" in event.explanation
    assert feed.position(518123456, T0 + 60) == []  # checked once per entry


def test_flag_agreeing_with_the_watch_list_is_quiet() -> None:
    listed = Watchlist([WatchlistEntry(id="imo:9562233", imo=9562233, names=["PETREL 8"], flag="Comoros")])
    feed = Feed(watchlist=listed)
    assert feed.static(620233000, T0, name="PETREL 8", imo=9562233) == []  # MID 620: Comoros


def test_invalid_imo_is_reported_once() -> None:
    feed = Feed()
    (event,) = feed.static(273111111, T0, name="ALFA", imo=1234568)
    assert event.detail["change"] == "invalid_imo"
    assert event.score == pytest.approx(0.3)
    assert feed.static(273111111, T0 + 400, name="ALFA", imo=1234568, destination="X") == []


def test_invalid_mmsi_is_reported() -> None:
    feed = Feed()
    events = feed.position(799999999, T0)  # MID 799 is not allocated
    assert [e.detail["change"] for e in events] == ["invalid_mmsi"]
