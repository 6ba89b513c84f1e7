"""Anchored near infrastructure: at anchor / moored / stationary within 2 km of a cable."""

import random

import pytest

from seawarden.assess.detectors.anchored import AnchoredConfig, AnchoredDetector
from seawarden.assess.detectors.kinematics import destination
from seawarden.types import AlertKind
from tests.assess.test_kinematics import MINUTE, PORT, T0, Feed, Report


def _anchored(
    distance_m: float, minutes: int, *, status: int | None = 1, sog: float | None = 0.1, seed: int = 1
):
    """Reports every 60 s of a ship swinging/jittering (<= 40 m) ``distance_m`` west of Estlink 2."""
    rng = random.Random(seed)
    lat, lon = destination(59.75, 25.0, 270.0, distance_m)
    out = []
    for i in range(minutes):
        jlat, jlon = destination(lat, lon, rng.uniform(0, 360), rng.uniform(0, 40))
        out.append(Report(T0 + i * MINUTE, jlat, jlon, sog, None, rng.uniform(0, 360), status))
    return out


def test_at_anchor_near_a_cable_fires_after_15_min_and_escalates_at_milestones() -> None:
    feed = Feed(AnchoredDetector(), ship_type=80)
    events = feed.run(_anchored(300, 200))
    assert events and all(e.kind is AlertKind.ANCHORED_NEAR_INFRASTRUCTURE for e in events)
    assert (events[0].time - T0) / MINUTE == pytest.approx(15, abs=1)
    assert events[0].detail["state"] == "at anchor" and events[0].infrastructure == "estlink-2"
    assert events[0].score >= 0.75
    assert len(events) == 3  # first, 1 h, 3 h
    assert events[-1].score > events[0].score


def test_nearer_scores_higher() -> None:
    near = Feed(AnchoredDetector(), ship_type=70).run(_anchored(150, 20))
    far = Feed(AnchoredDetector(), ship_type=70, mmsi=230_000_001).run(_anchored(1_800, 20))
    assert near and far
    assert near[0].score > far[0].score >= AnchoredConfig().far_score


def test_stationary_without_anchor_status_counts() -> None:
    events = Feed(AnchoredDetector(), ship_type=80).run(_anchored(1_000, 25, status=0, sog=0.1))
    assert events and events[0].detail["state"] == "stationary"


def test_moored_jitter_in_port_outside_radius_or_short_stays_are_silent() -> None:
    in_port = destination(PORT.lat, PORT.lon, 90.0, 1_500.0)  # also ~1.3 km from Estlink 2
    rng = random.Random(2)
    port_reports = [
        Report(
            T0 + i * MINUTE,
            *destination(*in_port, rng.uniform(0, 360), rng.uniform(0, 30)),
            0.0,
            None,
            90.0,
            5,
        )
        for i in range(60)
    ]
    assert Feed(AnchoredDetector(), ship_type=70).run(port_reports) == []
    assert Feed(AnchoredDetector(), ship_type=70, mmsi=230_000_002).run(_anchored(3_000, 60)) == []
    assert Feed(AnchoredDetector(), ship_type=70, mmsi=230_000_003).run(_anchored(500, 10)) == []


def test_a_drifting_stationary_vessel_restarts_and_under_way_clears() -> None:
    reports = _anchored(800, 10, status=0, sog=0.2)
    moved = _anchored(1_400, 10, status=0, sog=0.2)  # 600 m away: a new stay
    moved = [Report(r.t + 10 * MINUTE, r.lat, r.lon, r.sog, r.cog, r.heading, r.nav_status) for r in moved]
    feed = Feed(AnchoredDetector(), ship_type=70)
    assert feed.run(reports + moved) == []
    assert feed.state.scratch["anchored"].start == moved[0].t


def test_service_vessels_silent_cable_ship_noted_once() -> None:
    assert Feed(AnchoredDetector(), ship_type=31, mmsi=230_000_031).run(_anchored(300, 60)) == []
    notes = Feed(AnchoredDetector(), ship_type=33, mmsi=230_000_033).run(_anchored(300, 200))
    assert len(notes) == 1 and notes[0].score < 0.1


def test_missing_values_never_raise() -> None:
    feed = Feed(AnchoredDetector(), ship_type=None)
    assert feed.run(_anchored(300, 30, status=None, sog=None)) == []  # no status, no SOG: unknown
    events = Feed(AnchoredDetector(), ship_type=None, mmsi=230_000_004).run(
        _anchored(300, 30, status=1, sog=None)
    )
    assert events
