"""Position spoofing: debounced tracker flags, circle spoofing, co-located MMSIs, SOG mismatch."""

import math
import random

from seawarden.assess.detectors.kinematics import destination, initial_bearing_deg
from seawarden.assess.detectors.spoofing import SpoofingConfig, SpoofingDetector
from seawarden.track import Tracker
from seawarden.types import AlertKind
from tests.assess.test_kinematics import MINUTE, T0, Feed, Leg, Report, build_track

SEA = (59.6, 24.4)


def _cruise(minutes: float = 20, start=SEA) -> list[Report]:
    return build_track([Leg(minutes, 10.0)], start=start, interval_s=10)


def test_one_off_bad_fix_never_fires_but_repeated_jumps_do() -> None:
    feed = Feed(SpoofingDetector(), ship_type=80)
    track = _cruise(40)
    one_off = {60}
    for i, r in enumerate(track):
        if i in one_off:
            r = Report(r.t, r.lat + 0.5, r.lon, r.sog, r.cog, r.heading, r.nav_status)  # 55 km away
        feed.send(r)
    assert feed.events == [], "a single bad fix must not fire"
    rng = random.Random(5)
    feed2 = Feed(SpoofingDetector(), ship_type=80, mmsi=230_000_002)
    for i, r in enumerate(track):
        if i % 30 == 15:  # every 5 min a wild fix somewhere else
            r = Report(
                r.t, r.lat + rng.uniform(0.3, 0.6), r.lon + rng.uniform(-1, 1), r.sog, r.cog, r.heading, 0
            )
        feed2.send(r)
    assert feed2.events
    first = feed2.events[0]
    assert first.kind is AlertKind.POSITION_SPOOFING
    assert (
        first.detail["anomalies"] >= SpoofingConfig().min_anomalies
        and "jump" in first.detail["anomaly_kinds"]
    )
    assert first.score < 0.6
    assert abs(first.lat - SEA[0]) < 0.05  # located at the last accepted fix, not the wild one
    assert len(feed2.events) <= 3


def _spoof_circle(start: Report, minutes: float, radius_m: float = 2_000.0, period_s: float = 600.0):
    """Reported positions rotate on a circle; SOG/COG/heading stay those of the real straight course."""
    centre = destination(start.lat, start.lon, 0.0, radius_m)
    out = []
    for i in range(int(minutes * 6)):
        t = start.t + 10 * (i + 1)
        bearing = (180.0 + 360.0 * 10 * (i + 1) / period_s) % 360
        lat, lon = destination(*centre, bearing, radius_m)
        out.append(Report(t, lat, lon, 10.0, 90.0, 90.0, 0))
    return out


def test_circle_spoofing_with_steady_heading_fires_high() -> None:
    feed = Feed(SpoofingDetector(), ship_type=80)
    real = _cruise(20)
    events = feed.run(real + _spoof_circle(real[-1], 30))
    circle = [e for e in events if "circle" in e.detail["anomaly_kinds"]]
    assert circle, "positions rotating on a circle while the heading holds is GNSS spoofing"
    assert circle[0].score >= SpoofingConfig().circle_score
    assert 1_500 <= circle[0].detail["circle_radius_m"] <= 2_500
    assert "circle" in circle[0].explanation


def test_a_ship_really_turning_circles_is_not_spoofing() -> None:
    legs = [Leg(1, 6.0, cog=(20.0 * i) % 360) for i in range(45)]  # heading follows COG
    feed = Feed(SpoofingDetector(), ship_type=80)
    assert (
        feed.run(
            _cruise(10)
            + build_track(legs, start=(_cruise(10)[-1].lat, _cruise(10)[-1].lon), t0=T0 + 10 * MINUTE)
        )
        == []
    )


def test_three_mmsis_at_one_point_fire_but_an_sts_pair_does_not() -> None:
    tracker = Tracker()
    a = Feed(SpoofingDetector(), ship_type=80, mmsi=230_000_010, tracker=tracker)
    b = Feed(SpoofingDetector(), ship_type=80, mmsi=230_000_011, tracker=tracker)
    c = Feed(SpoofingDetector(), ship_type=70, mmsi=230_000_012, tracker=tracker)
    for r in _cruise(12):
        b.send(Report(r.t, *destination(r.lat, r.lon, 0, 10), r.sog, r.cog, r.heading, 0), check=False)
        c.send(Report(r.t, *destination(r.lat, r.lon, 90, 15), r.sog, r.cog, r.heading, 0), check=False)
        a.send(r)
    assert a.events and "colocated" in a.events[0].detail["anomaly_kinds"]
    assert set(a.events[0].detail["colocated_mmsis"]) == {230_000_011, 230_000_012}

    tracker2 = Tracker()
    x = Feed(SpoofingDetector(), ship_type=80, mmsi=230_000_020, tracker=tracker2)
    y = Feed(SpoofingDetector(), ship_type=80, mmsi=230_000_021, tracker=tracker2)
    for i in range(60):
        t = T0 + i * MINUTE
        y.send(Report(t, *destination(*SEA, 0, 30), 0.3, None, 0.0, 0), check=False)
        x.send(Report(t, SEA[0], SEA[1], 0.3, None, 180.0, 0))
    assert x.events == []


def test_reported_speed_contradicting_positions_for_long_fires() -> None:
    rng = random.Random(9)
    feed = Feed(SpoofingDetector(), ship_type=80)
    for i in range(180):  # 30 min: says 12 kn east, positions stand still
        lat, lon = destination(*SEA, rng.uniform(0, 360), rng.uniform(0, 10))
        feed.send(Report(T0 + 10 * i, lat, lon, 12.0, 90.0, 90.0, 0))
    assert feed.events and "sog_mismatch" in feed.events[0].detail["anomaly_kinds"]
    moored = Feed(SpoofingDetector(), ship_type=80, mmsi=230_000_030)
    for i in range(180):  # GPS jitter of a moored ship: SOG 0, positions wander 20 m
        lat, lon = destination(*SEA, rng.uniform(0, 360), rng.uniform(0, 20))
        moored.send(Report(T0 + 10 * i, lat, lon, 0.0, None, 45.0, 5))
    assert moored.events == []


def test_missing_values_and_fixless_updates_do_not_raise() -> None:
    feed = Feed(SpoofingDetector(), ship_type=None)
    for i, r in enumerate(_cruise(20)):
        feed.send(Report(r.t, r.lat, r.lon, None if i % 2 else r.sog, None, None, None))
    assert feed.events == []
    assert math.isfinite(initial_bearing_deg(*SEA, *SEA))


def test_boats_rafted_together_in_a_harbour_are_not_spoofing() -> None:
    """Real DMA log: fishing boats moored side by side (Skagen, Hvide Sande) report one point."""
    tracker = Tracker()
    boats = [Feed(SpoofingDetector(), ship_type=30, mmsi=219_000_100 + i, tracker=tracker) for i in range(4)]
    for i in range(40):
        t = T0 + i * MINUTE
        for k, boat in enumerate(boats):
            boat.send(Report(t, *destination(*SEA, 90, 8 * k), 0.1, None, None, 5), check=k == 0)
    assert all(boat.events == [] for boat in boats)
