"""AIS gap near infrastructure: silence (tick) and reappearance (check), told from reception gaps."""

import pytest

from seawarden.assess.detectors.ais_gap import AisGapConfig, AisGapDetector
from seawarden.assess.detectors.kinematics import destination
from seawarden.types import AlertKind
from tests.assess.test_kinematics import MINUTE, Feed, Leg, Report, build_track

APPROACH = destination(59.75, 25.0, 270.0, 6_000.0)  # 6 km west of Estlink 2, in the area


def _ticks(feed: Feed, start: float, end: float, step: float = MINUTE, neighbour: Feed | None = None) -> list:
    """Tick every ``step``; a neighbour anchored ~6 km away keeps reporting meanwhile if given."""
    out = []
    t = start
    while t <= end:
        if neighbour is not None:
            neighbour.send(Report(t, 59.70, 24.95, 0.1, None, 90.0, 1), check=False)
        out.extend(feed.tick(t))
        t += step
    return out


def test_eagle_s_gap_near_estlink_with_others_heard_then_reappearance_across_the_cable() -> None:
    """Eagle S: silent 11:35 -> 13:05 (90 min) around Estlink 2, back at 7.5 kn (anchors.md §1.1)."""
    feed = Feed(AisGapDetector(), ship_type=80)
    before = build_track([Leg(20, 6.3)], start=APPROACH)
    feed.run(before)
    silent_from = before[-1].t
    neighbour = Feed(AisGapDetector(), mmsi=230_111_222, ship_type=70, tracker=feed.tracker)
    gap_events = _ticks(feed, silent_from, silent_from + 89 * MINUTE, neighbour=neighbour)
    assert len(gap_events) == 1, "one event per gap"
    gap = gap_events[0]
    assert gap.kind is AlertKind.AIS_GAP and gap.detail["phase"] == "silent"
    assert (gap.time - silent_from) / MINUTE == pytest.approx(10, abs=1)
    assert gap.detail["neighbours_heard"] >= 1
    assert gap.score >= 0.5 and gap.infrastructure == "estlink-2"
    # back 90 min later, 7.5 kn, east of the cable
    back_at = destination(59.75, 25.0, 90.0, 2_000.0)
    back = build_track([Leg(2, 7.5)], start=back_at, t0=silent_from + 90 * MINUTE)
    reappear = feed.run(back)
    assert len(reappear) == 1
    event = reappear[0]
    assert event.detail["phase"] == "reappeared" and event.detail["gap_min"] == 90
    assert event.detail["crossed_while_silent"] == ["estlink-2"]
    assert event.score >= 0.75
    assert "crossed estlink-2 while silent" in event.explanation


def test_nobody_else_heard_is_a_probable_reception_gap() -> None:
    feed = Feed(AisGapDetector(), ship_type=80)
    feed.run(build_track([Leg(10, 8.0)], start=APPROACH))
    events = _ticks(feed, feed.state.last.t, feed.state.last.t + 30 * MINUTE)
    assert len(events) == 1
    assert events[0].score == pytest.approx(AisGapConfig().reception_gap_score)
    assert "reception gap" in events[0].explanation


def test_far_from_areas_and_assets_no_event() -> None:
    feed = Feed(AisGapDetector(), ship_type=80)
    feed.run(build_track([Leg(10, 8.0)], start=(58.0, 20.0)))
    assert _ticks(feed, feed.state.last.t, feed.state.last.t + 60 * MINUTE) == []
    back = build_track([Leg(1, 8.0)], start=(58.0, 20.2), t0=feed.state.last.t + 61 * MINUTE)
    assert feed.run(back) == []


def test_thresholds_follow_class_status_and_the_vessels_own_interval() -> None:
    yacht = Feed(AisGapDetector(), ship_type=37, class_b=True, mmsi=230_000_037)
    yacht.run(build_track([Leg(10, 6.0)], start=APPROACH, interval_s=30))
    last = yacht.state.last.t
    assert _ticks(yacht, last, last + 25 * MINUTE) == []
    assert len(_ticks(yacht, last + 26 * MINUTE, last + 35 * MINUTE)) == 1

    anchored = Feed(AisGapDetector(), ship_type=80, mmsi=230_000_080)
    anchored.run(build_track([Leg(30, 0.0, nav_status=1)], start=APPROACH, interval_s=180))
    last = anchored.state.last.t
    assert _ticks(anchored, last, last + 25 * MINUTE) == []
    assert len(_ticks(anchored, last + 26 * MINUTE, last + 35 * MINUTE)) == 1

    sparse = Feed(AisGapDetector(), ship_type=80, mmsi=230_000_081)  # e.g. satellite-only, every 6 min
    sparse.run(build_track([Leg(60, 8.0)], start=APPROACH, interval_s=360))
    last = sparse.state.last.t
    assert sparse.state.expected_interval_s == pytest.approx(360, rel=0.1)
    assert _ticks(sparse, last, last + 30 * MINUTE) == []
    assert len(_ticks(sparse, last + 31 * MINUTE, last + 40 * MINUTE)) == 1


def test_reappearing_far_from_dead_reckoning_raises_the_score() -> None:
    feed = Feed(AisGapDetector(), ship_type=80, mmsi=230_000_090)
    feed.run(build_track([Leg(10, 8.0, cog=0.0)], start=APPROACH))
    last = feed.state.last
    on_track = destination(last.lat, last.lon, 0.0, 8.0 * 1852 * 0.5)  # where 30 min at 8 kn north leads
    off_track = destination(on_track[0], on_track[1], 270.0, 9_000.0)
    plain = Feed(AisGapDetector(), ship_type=80, mmsi=230_000_091)
    plain.run(build_track([Leg(10, 8.0, cog=0.0)], start=APPROACH))
    expected = plain.run([Report(last.t + 30 * MINUTE, *on_track, 8.0, 0.0, 0.0, 0)])
    surprising = feed.run([Report(last.t + 30 * MINUTE, *off_track, 8.0, 0.0, 0.0, 0)])
    assert expected and surprising
    assert surprising[0].detail["off_prediction_km"] > 5
    assert expected[0].detail["off_prediction_km"] < 1
    assert surprising[0].score > expected[0].score


def test_ordinary_reporting_and_missing_values_do_not_raise_or_fire() -> None:
    feed = Feed(AisGapDetector(), ship_type=None)
    track = build_track([Leg(30, 8.0)], start=APPROACH, interval_s=10)
    for i, r in enumerate(track):
        if i % 2:
            r = Report(r.t, r.lat, r.lon, None, None, None, None)
        feed.send(r)
    assert feed.events == []
    gap = Report(track[-1].t + 4 * MINUTE, track[-1].lat, track[-1].lon + 0.01, None, None, None, None)
    assert feed.send(gap) == []  # 4 min is no gap
