"""Infrastructure loitering on synthetic tracks (GFW pipe-loitering; SGV Flot false positive)."""

import pytest

from seawarden.assess.detectors.kinematics import destination
from seawarden.assess.detectors.loitering import LoiteringConfig, LoiteringDetector
from seawarden.types import AlertKind
from tests.assess.test_kinematics import MINUTE, PORT, T0, Feed, Leg, Report, build_track

NEAR_CABLE = destination(59.75, 25.0, 270.0, 900.0)  # 900 m west of Estlink 2


def _meander(minutes: int, sog: float = 1.1, start=NEAR_CABLE) -> list[Report]:
    """Slow back-and-forth along the cable (a survey-like pattern), 10 min legs."""
    legs = [Leg(10, sog, cog=0.0 if i % 2 == 0 else 180.0) for i in range(minutes // 10)]
    return build_track(legs, start=start, interval_s=20)


def test_slow_meander_near_a_cable_fires_low_then_grows_with_time() -> None:
    feed = Feed(LoiteringDetector(), ship_type=70)
    events = feed.run(_meander(250))
    assert events and all(e.kind is AlertKind.INFRASTRUCTURE_LOITERING for e in events)
    first = events[0]
    assert (first.time - T0) / MINUTE == pytest.approx(40, abs=1)
    assert first.detail["pattern"] == "slow" and first.infrastructure == "estlink-2"
    assert 0.25 <= first.score < 0.4  # weak alone: SGV Flot loitered at 1.1 kn and was innocent
    assert first.detail["mean_sog_kn"] == pytest.approx(1.1, abs=0.1)
    assert max(e.score for e in events) >= 0.55  # 4 h
    assert len(events) <= 4


def test_circling_near_a_cable_scores_higher() -> None:
    legs = [Leg(1, 4.0, cog=(30.0 * i) % 360) for i in range(60)]
    feed = Feed(LoiteringDetector(), ship_type=80)
    events = feed.run(build_track(legs, start=NEAR_CABLE, interval_s=10))
    assert events
    assert events[0].detail["pattern"] == "circling"
    assert abs(events[0].detail["cumulative_turn_deg"]) >= 360
    assert events[0].score >= 0.4


def test_stopped_on_top_of_a_cable_gets_the_close_bonus() -> None:
    spot = destination(59.75, 25.0, 270.0, 200.0)
    track = build_track([Leg(50, 0.2, cog=45.0)], start=spot, interval_s=30)
    events = Feed(LoiteringDetector(), ship_type=80).run(track)
    assert events and events[0].detail["pattern"] == "stopped"
    assert events[0].detail["min_distance_m"] < 500
    assert events[0].score == pytest.approx(LoiteringConfig().base_score + LoiteringConfig().close_bonus)


def test_slow_straight_transit_across_a_cable_is_not_loitering() -> None:
    start = destination(59.75, 25.0, 270.0, 2_500.0)
    track = build_track([Leg(70, 2.5, cog=90.0)], start=start, interval_s=20)
    assert track[-1].lon > 25.03  # it crossed and left
    assert Feed(LoiteringDetector(), ship_type=70).run(track) == []


def test_a_stay_inside_a_port_is_never_loitering() -> None:
    in_port = destination(PORT.lat, PORT.lon, 90.0, 1_500.0)
    track = build_track([Leg(90, 0.3, cog=10.0)], start=in_port, interval_s=30)
    assert Feed(LoiteringDetector(), ship_type=70).run(track) == []


def test_work_boats_are_silent_and_cable_ships_get_one_info_note() -> None:
    track = _meander(120)
    assert Feed(LoiteringDetector(), ship_type=52, mmsi=230_000_052).run(track) == []  # tug
    assert Feed(LoiteringDetector(), ship_type=55, mmsi=230_000_055).run(track) == []  # law enforcement
    assert Feed(LoiteringDetector(), ship_type=30, mmsi=230_000_030).run(track) == []  # fishing
    notes = Feed(LoiteringDetector(), ship_type=33, mmsi=230_000_033).run(track)
    assert len(notes) == 1 and notes[0].score < 0.1 and "normal work" in notes[0].explanation


def test_class_b_craft_score_half_and_anchored_status_is_left_to_the_anchored_detector() -> None:
    yacht = Feed(LoiteringDetector(), ship_type=37, class_b=True, mmsi=230_000_037).run(_meander(60))
    assert yacht and yacht[0].score == pytest.approx(LoiteringConfig().base_score * 0.5)
    at_anchor = build_track([Leg(60, 0.1, cog=0.0, nav_status=1)], start=NEAR_CABLE, interval_s=30)
    assert Feed(LoiteringDetector(), ship_type=80).run(at_anchor) == []


def test_far_from_assets_costs_nothing_and_missing_values_do_not_raise() -> None:
    far = build_track([Leg(60, 1.0, cog=0.0)], start=(59.75, 23.8), interval_s=30)
    feed = Feed(LoiteringDetector(), ship_type=80)
    assert feed.run(far) == []
    assert "loitering" not in feed.state.scratch
    feed2 = Feed(LoiteringDetector(), ship_type=80, mmsi=230_000_002)
    for r in _meander(60):
        feed2.send(Report(r.t, r.lat, r.lon, None, None, None, None))
    assert all(e.detail["mean_sog_kn"] < 3 for e in feed2.events)
