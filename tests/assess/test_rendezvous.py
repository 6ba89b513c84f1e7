"""Rendezvous (STS) on synthetic pairs: GFW encounter parameters (<= 500 m, >= 2 h, < 2 kn, >= 10 km)."""

import random

import pytest

from seawarden.assess.detectors.kinematics import destination
from seawarden.assess.detectors.rendezvous import RendezvousConfig, RendezvousDetector
from seawarden.track import Tracker
from seawarden.types import AlertKind
from tests.assess.test_kinematics import MINUTE, PORT, T0, Feed, Report

OPEN_SEA = (59.55, 24.1)  # in the test area, ~70 km from the only port


def _pair(
    minutes: int,
    *,
    types: tuple[int | None, int | None] = (80, 80),
    where: tuple[float, float] = OPEN_SEA,
    apart_m: float = 120.0,
    sog_b: float = 0.6,
) -> tuple[Feed, Feed]:
    """Two vessels drifting side by side, each reporting every 60 s (interleaved in time)."""
    tracker = Tracker()
    detector = RendezvousDetector()
    a = Feed(detector, mmsi=273_000_001, ship_type=types[0], tracker=tracker)
    b = Feed(detector, mmsi=636_000_002, ship_type=types[1], tracker=tracker)
    rng = random.Random(4)
    for i in range(minutes):
        t = T0 + i * MINUTE
        drift = destination(*where, 45.0, 5.0 * i)
        a.send(Report(t, *drift, round(rng.uniform(0.2, 0.9), 1), 45.0, 200.0, 0))
        other = destination(*drift, 110.0, apart_m + rng.uniform(-20, 20))
        b.send(Report(t + 20, *other, sog_b, 45.0, 20.0, 0))
    return a, b


def test_two_tankers_alongside_for_two_hours_fire_once_for_both() -> None:
    a, b = _pair(150)
    events = a.events + b.events
    assert len(events) == 2, "one event per vessel, not one per vessel per side"
    assert {e.mmsi for e in events} == {273_000_001, 636_000_002}
    assert all(e.kind is AlertKind.RENDEZVOUS for e in events)
    by_mmsi = {e.mmsi: e for e in events}
    assert by_mmsi[273_000_001].detail["other_mmsi"] == 636_000_002
    assert by_mmsi[636_000_002].detail["other_mmsi"] == 273_000_001
    first = events[0]
    assert (first.time - T0) / 3600 == pytest.approx(2.0, abs=0.1)
    assert first.detail["both_tankers"] and first.detail["median_sog_kn"] < 2
    assert first.detail["min_distance_m"] <= 500 and first.detail["port_distance_km"] >= 10
    assert first.score == pytest.approx(0.7)  # base + tankers + in area
    assert "ship-to-ship" in first.explanation


def test_the_encounter_is_reported_again_at_four_hours() -> None:
    a, b = _pair(250)
    events = sorted(a.events + b.events, key=lambda e: e.time)
    assert len(events) == 4
    assert events[-1].detail["duration_h"] >= 4 and events[-1].score > events[0].score


def test_short_wide_fast_or_near_port_encounters_do_not_fire() -> None:
    a, b = _pair(100)  # 1 h 40 min
    assert a.events + b.events == []
    a, b = _pair(150, apart_m=800)
    assert a.events + b.events == []
    a, b = _pair(150, sog_b=6.0)  # one of them is under way
    assert a.events + b.events == []
    near_port = destination(PORT.lat, PORT.lon, 200.0, 8_000.0)
    a, b = _pair(150, where=near_port)
    assert a.events + b.events == []


def test_tugs_pilots_and_law_enforcement_alongside_are_not_sts() -> None:
    for service in (52, 50, 55):
        a, b = _pair(150, types=(80, service))
        assert a.events + b.events == []


def test_pair_memory_is_bounded_and_missing_values_are_safe() -> None:
    cfg = RendezvousConfig(max_pairs=2)
    tracker = Tracker()
    hub = Feed(RendezvousDetector(cfg), mmsi=273_000_009, ship_type=80, tracker=tracker)
    others = [
        Feed(RendezvousDetector(cfg), mmsi=273_100_000 + k, ship_type=70, tracker=tracker) for k in range(5)
    ]
    for i in range(10):
        t = T0 + i * 3 * MINUTE
        for k, other in enumerate(others):
            other.send(
                Report(t, *destination(*OPEN_SEA, 72.0 * k, 100.0), 0.5, None, None, None), check=False
            )
        hub.send(Report(t + 5, *OPEN_SEA, 0.5, None, None, None))
        hub.send(Report(t + 6, *OPEN_SEA, None, None, None, None))  # no SOG: ignored
    assert len(hub.state.scratch["rendezvous"].pairs) <= 2
