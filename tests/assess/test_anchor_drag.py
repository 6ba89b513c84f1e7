"""Anchor-drag detector on synthetic tracks shaped like the Baltic incidents (anchors.md §0.1, §1.1)."""

import random

import pytest

from seawarden.assess.detectors.anchor_drag import AnchorDragConfig, AnchorDragDetector
from seawarden.assess.detectors.kinematics import destination, haversine_m
from seawarden.types import AlertKind
from tests.assess.test_kinematics import MINUTE, PORT, START, T0, Feed, Leg, Report, build_track, first_time

ESTLINK_LON = 25.0


def _start_before_cable(distance_m: float, lat: float = 59.75) -> tuple[float, float]:
    """A start point ``distance_m`` west of Estlink 2 on an eastbound course."""
    return destination(lat, ESTLINK_LON, 270.0, distance_m)


def _crossing_time(reports: list[Report], lon: float = ESTLINK_LON) -> float:
    return next(r.t for r in reports if r.lon >= lon)


def test_eagle_s_slowdown_fires_at_medium_upstream_and_escalates_on_each_crossing() -> None:
    """Eagle S: 8.5 kn -> 6.3 kn in 35 min (anchors.md §1.1), then dragging across two cables."""
    onset = T0 + 60 * MINUTE
    track = build_track([Leg(60, 8.5), Leg(35, 8.5, sog_end=6.3), Leg(200, 6.3)])
    feed = Feed(AnchorDragDetector(), ship_type=80)
    events = feed.run(track)
    assert events and all(e.kind is AlertKind.ANCHOR_DRAG_SUSPECTED for e in events)
    first = events[0]
    delay_min = (first.time - onset) / MINUTE
    crossing = _crossing_time(track)
    print(
        f"\nEagle S profile: first event {delay_min:.1f} min after the slowdown began, "
        f"{(crossing - first.time) / MINUTE:.0f} min before crossing Estlink 2; score {first.score}"
    )
    assert first.time < crossing  # warning before the cable
    assert 0.5 <= first.score < 0.65  # medium on the first sustained anomaly
    assert "sustained_slowdown" in first.detail["signals"]
    assert first.detail["baseline_kn"] == pytest.approx(8.5, abs=0.15)
    assert first.detail["drop_pct"] >= 12 and first.area == "gof-test"
    crossed = [e for e in events if e.detail["crossings"]]
    assert {tuple(e.detail["crossings"]) for e in crossed} >= {("estlink-2",), ("c-lion1", "estlink-2")}
    estlink = next(e for e in crossed if e.detail["crossings"] == ["estlink-2"])
    both = next(e for e in crossed if len(e.detail["crossings"]) == 2)
    assert estlink.score > first.score and both.score > estlink.score
    assert both.infrastructure == "c-lion1"
    assert len(events) <= 8  # escalations and milestones only, no flood
    assert "dragging anchor" in first.explanation


def test_newnew_polar_bear_short_dip_at_the_pipeline_fires_at_least_medium() -> None:
    """NNPB: ~11 kn -> 9.5 kn for ~5 min exactly over Balticconnector, then back to 11 kn."""
    dip_start_m = 11 * 1852 * 60 / 60 + 9.5 * 1852 * 2.5 / 60  # cruise 60 min, cross mid-dip
    start = _start_before_cable(dip_start_m)
    track = build_track([Leg(60, 11.0), Leg(5, 9.5), Leg(60, 11.0)], start=start)
    feed = Feed(AnchorDragDetector(), ship_type=71)
    events = feed.run(track)
    onset = T0 + 60 * MINUTE
    assert events, "a dip exactly at the crossing must fire"
    first = events[0]
    print(
        f"\nNewnew Polar Bear profile: first event {(first.time - onset) / MINUTE:.1f} min after the dip "
        f"began; score {first.score}"
    )
    assert first.score >= 0.5
    assert "slowdown_at_crossing" in first.detail["signals"]
    assert first.detail["crossings"] == ["estlink-2"]
    assert first.time - onset <= 10 * MINUTE


def test_the_same_short_dip_away_from_any_crossing_does_not_fire() -> None:
    track = build_track([Leg(60, 11.0), Leg(5, 9.5), Leg(30, 11.0)], start=(59.75, 23.6))
    assert Feed(AnchorDragDetector(), ship_type=71).run(track) == []


def test_steady_transit_across_cables_is_silent() -> None:
    track = build_track([Leg(240, 8.5)])
    feed = Feed(AnchorDragDetector(), ship_type=80)
    assert track[-1].lon > 25.2  # it did cross both cables
    assert feed.run(track) == []


def test_yi_peng_3_slow_drag_with_course_changes_at_each_crossing() -> None:
    """Yi Peng 3: ~7 kn while dragging, conspicuous course changes at each crossing."""
    start = _start_before_cable(30_000)
    first_part = build_track([Leg(60, 10.0), Leg(10, 10.0, sog_end=7.0), Leg(80, 7.0)], start=start)
    cross_t = _crossing_time(first_part)
    before = [r for r in first_part if r.t < cross_t + 3 * MINUTE]
    last = before[-1]
    turn = build_track([Leg(10, 7.0, cog=150.0)], start=(last.lat, last.lon), t0=last.t + 10)
    feed = Feed(AnchorDragDetector(), ship_type=70)
    events = feed.run(before + turn)
    assert events
    at_crossing = [e for e in events if e.detail["crossings"]]
    assert at_crossing, "crossing while dragging escalates"
    assert any("course_change" in e.detail["signals"] for e in events if e.time >= cross_t)
    assert max(e.score for e in events) >= 0.7


def test_vezhen_crabbing_adds_to_the_slowdown_and_a_sensor_offset_is_not_crabbing() -> None:
    """Vezhen: slowed and turned, the autopilot compensating (heading vs COG divergence)."""
    legs = [Leg(90, 10.0, heading_offset=3.0), Leg(10, 10.0, sog_end=8.3, heading_offset=3.0)]
    plain = build_track([*legs, Leg(40, 8.3, heading_offset=3.0)])
    crabbing = build_track([*legs, Leg(40, 8.3, heading_offset=15.0)])
    plain_events = Feed(AnchorDragDetector(), ship_type=70).run(plain)
    crab_events = Feed(AnchorDragDetector(), ship_type=70).run(crabbing)
    assert plain_events and crab_events
    assert all("heading_cog_divergence" not in e.detail["signals"] for e in plain_events)
    assert any("heading_cog_divergence" in e.detail["signals"] for e in crab_events)
    assert max(e.score for e in crab_events) > max(e.score for e in plain_events)
    crab = next(e for e in crab_events if "heading_cog_divergence" in e.detail["signals"])
    assert crab.detail["usual_divergence_deg"] == pytest.approx(3.0, abs=0.5)
    assert "crabbing" in crab.explanation


def test_crabbing_alone_from_a_current_does_not_fire() -> None:
    track = build_track([Leg(60, 10.0), Leg(60, 10.0, heading_offset=10.0)])
    assert Feed(AnchorDragDetector(), ship_type=70).run(track) == []


def test_slowing_for_the_pilot_near_a_port_is_suppressed() -> None:
    start = destination(PORT.lat, PORT.lon, 180.0, 30_000.0)
    track = build_track(
        [Leg(40, 12.0, cog=0.0), Leg(10, 12.0, sog_end=6.0, cog=0.0), Leg(30, 6.0, cog=0.0)], start=start
    )
    assert haversine_m(track[-1].lat, track[-1].lon, PORT.lat, PORT.lon) < 8_000
    assert Feed(AnchorDragDetector(), ship_type=80).run(track) == []


def test_ferry_routine_slowdown_mid_route_does_not_fire() -> None:
    track = build_track([Leg(60, 18.0), Leg(5, 18.0, sog_end=15.0), Leg(30, 15.0)])
    assert Feed(AnchorDragDetector(), ship_type=60).run(track) == []


def test_fishing_vessel_trawling_across_a_cable_is_not_assessed() -> None:
    rng = random.Random(7)
    legs = [Leg(45, 10.0)] + [
        Leg(5, rng.uniform(2.8, 4.2), cog=rng.choice([60.0, 90.0, 120.0])) for _ in range(30)
    ]
    feed = Feed(AnchorDragDetector(), ship_type=30)
    assert feed.run(build_track(legs, start=_start_before_cable(12_000))) == []
    assert "anchor_drag" not in feed.state.scratch  # excluded types cost nothing


def test_class_b_craft_and_service_vessels_are_not_assessed() -> None:
    track = build_track([Leg(60, 8.5), Leg(35, 8.5, sog_end=6.3), Leg(60, 6.3)])
    assert Feed(AnchorDragDetector(), ship_type=37, class_b=True, mmsi=230_999_001).run(track) == []
    assert Feed(AnchorDragDetector(), ship_type=52, mmsi=230_999_002).run(track) == []


def test_return_to_a_previous_speed_is_not_a_slowdown() -> None:
    track = build_track([Leg(40, 8.0), Leg(70, 10.0), Leg(40, 8.0)], start=(59.75, 23.6))
    assert Feed(AnchorDragDetector(), ship_type=80).run(track) == []


def test_first_seen_already_slow_has_no_baseline_blind_spot() -> None:
    """Blind spot: a ship that comes into range already dragging has no cruise speed to compare."""
    track = build_track([Leg(120, 6.3)])
    feed = Feed(AnchorDragDetector(), ship_type=80)
    assert feed.run(track) == []
    short = build_track([Leg(10, 8.5), Leg(60, 6.3)], start=(59.75, 23.6))
    assert Feed(AnchorDragDetector(), ship_type=80, mmsi=230_999_003).run(short) == []


def test_moored_vessel_gps_jitter_near_a_cable_never_fires() -> None:
    rng = random.Random(3)
    lat, lon = destination(59.75, ESTLINK_LON, 270.0, 800.0)
    feed = Feed(AnchorDragDetector(), ship_type=80)
    for i in range(600):
        jlat, jlon = destination(lat, lon, rng.uniform(0, 360), rng.uniform(0, 25))
        feed.send(
            Report(T0 + 10 * i, jlat, jlon, round(rng.uniform(0, 0.4), 1), rng.uniform(0, 360), 45.0, 5)
        )
    assert feed.events == []


def test_u_turn_over_a_cable_without_slowing_fires() -> None:
    start = _start_before_cable(15_000)
    out = build_track([Leg(70, 8.0)], start=start)
    cross_t = _crossing_time(out)
    out = [r for r in out if r.t <= cross_t + MINUTE]
    back = build_track(
        [Leg(3, 8.0, cog=180.0), Leg(20, 8.0, cog=270.0)], start=(out[-1].lat, out[-1].lon), t0=out[-1].t + 10
    )
    events = Feed(AnchorDragDetector(), ship_type=80).run(out + back)
    assert events and "u_turn" in events[0].detail["signals"]
    assert events[0].score >= 0.5


def test_missing_sog_cog_heading_never_raise() -> None:
    track = build_track([Leg(60, 8.5), Leg(30, 8.5, sog_end=6.3), Leg(30, 6.3)])
    feed = Feed(AnchorDragDetector(), ship_type=80)
    for i, r in enumerate(track):
        if i % 3 == 0:
            r = Report(r.t, r.lat, r.lon, None, None, None, None)
        elif i % 3 == 1:
            r = Report(r.t, r.lat, r.lon, r.sog, None, None, r.nav_status)
        feed.send(r)
    # still detected from the SOG that remains, and never raised
    assert all(e.score <= 1.0 for e in feed.events)


def test_an_unknown_ship_type_still_alerts_and_config_is_respected() -> None:
    track = build_track([Leg(60, 8.5), Leg(35, 8.5, sog_end=6.3), Leg(60, 6.3)])
    assert Feed(AnchorDragDetector(), ship_type=None).run(track)
    strict = AnchorDragDetector(AnchorDragConfig(drop_pct=40.0))
    assert Feed(strict, ship_type=80).run(track) == []


def test_first_event_time_is_recorded() -> None:
    track = build_track([Leg(60, 8.5), Leg(35, 8.5, sog_end=6.3), Leg(30, 6.3)])
    feed = Feed(AnchorDragDetector(), ship_type=80)
    feed.run(track)
    assert first_time(feed.events) is not None
    assert START[1] < feed.events[0].lon < ESTLINK_LON


def test_drag_is_held_across_an_ais_gap_and_a_cable_crossed_while_silent_escalates() -> None:
    """Eagle S went dark 11:35 -> 13:05 mid-drag; the crossing happened inside the gap."""
    track = build_track([Leg(60, 8.5), Leg(35, 8.5, sog_end=6.3), Leg(200, 6.3)])
    crossing = _crossing_time(track)
    silent = [r for r in track if not (crossing - 45 * MINUTE <= r.t < crossing + 45 * MINUTE)]
    events = Feed(AnchorDragDetector(), ship_type=80).run(silent)
    back = [e for e in events if e.time >= crossing]
    assert events[0].time < crossing - 45 * MINUTE
    assert back and back[0].time <= crossing + 46 * MINUTE  # at reappearance, not 10 min later
    assert back[0].detail["crossings"] == ["estlink-2"] and back[0].score > events[0].score
