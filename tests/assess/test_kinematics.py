"""Kinematics helpers, plus the synthetic-track harness the motion-detector tests share.

The harness (``Leg``, ``build_track``, ``Feed``, ``GEO``) builds tracks by dead reckoning (the
helpers under test here), feeds them through the real ``Tracker`` and builds each ``Situation``
from a small real ``GeoContext`` the way the Assessor does (areas, assets within 5 km, crossings of
the segment previous -> fix, port), so detectors see what production hands them.
"""

import math
from dataclasses import dataclass

import pytest
from shapely.geometry import LineString, box

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import (
    KNOT_MS,
    RollingSeries,
    abs_angle_diff_deg,
    angle_diff_deg,
    circular_mean_deg,
    cumulative_turn_deg,
    dead_reckon,
    destination,
    ewma,
    haversine_m,
    implied_speed_kn,
    initial_bearing_deg,
    is_heavy_anchor_type,
    is_tracked_vessel,
    turn_rate_deg_min,
    weighted_median,
)
from seawarden.geo import Area, Asset, GeoContext, Port
from seawarden.track import Tracker
from seawarden.types import Event, Message

# ---------------------------------------------------------------------------------------------
# Shared harness
# ---------------------------------------------------------------------------------------------

T0 = 1_735_120_000.0  # 2024-12-25 09:46:40 UTC (the Eagle S day)
MINUTE = 60.0
ASSET_RADIUS_M = 5_000.0  # the Assessor's default asset radius

AREA = Area(
    "gof-test", "Test Gulf", ("FI", "EE"), ("estlink-2", "c-lion1"), "test", box(23.5, 59.3, 26.5, 60.3)
)
ESTLINK = Asset("estlink-2", "Estlink 2", "power_cable", None, (), LineString([(25.0, 59.3), (25.0, 60.3)]))
CLION = Asset("c-lion1", "C-Lion1", "telecom_cable", None, (), LineString([(25.2, 59.3), (25.2, 60.3)]))
PORT = Port("fi-hel", "Helsinki", "FI", 60.15, 24.95, 3_000.0)
GEO = GeoContext([AREA], [ESTLINK, CLION], [PORT], land_path=None)
START = (59.75, 24.2)  # 45 km west of Estlink 2, inside the area


@dataclass(frozen=True)
class Leg:
    """A stretch of a synthetic track: speed ramps linearly from ``sog`` to ``sog_end``."""

    minutes: float
    sog: float
    cog: float = 90.0
    sog_end: float | None = None
    heading_offset: float = 0.0  # heading - COG (crabbing)
    nav_status: int | None = 0
    heading: bool = True  # False: heading not available


@dataclass(frozen=True)
class Report:
    t: float
    lat: float
    lon: float
    sog: float | None
    cog: float | None
    heading: float | None
    nav_status: int | None


def build_track(
    legs: list[Leg], *, start: tuple[float, float] = START, t0: float = T0, interval_s: float = 10.0
) -> list[Report]:
    """Reports every ``interval_s`` along the legs, positions by dead reckoning."""
    lat, lon = start
    t = t0
    out: list[Report] = []
    for leg in legs:
        steps = max(1, round(leg.minutes * MINUTE / interval_s))
        end = leg.sog if leg.sog_end is None else leg.sog_end
        for i in range(steps):
            frac = (i + 0.5) / steps
            sog = leg.sog + (end - leg.sog) * frac
            heading = (leg.cog + leg.heading_offset) % 360 if leg.heading else None
            out.append(Report(t, lat, lon, round(sog, 1), leg.cog, heading, leg.nav_status))
            lat, lon = destination(lat, lon, leg.cog, sog * KNOT_MS * interval_s)
            t += interval_s
    return out


class Feed:
    """One vessel fed through a real Tracker, with Situations built as the Assessor builds them."""

    def __init__(
        self,
        detector,
        *,
        mmsi: int = 518_998_865,
        ship_type: int | None = 80,
        tracker: Tracker | None = None,
        geo: GeoContext = GEO,
        class_b: bool = False,
    ) -> None:
        self.detector = detector
        self.mmsi = mmsi
        self.tracker = tracker if tracker is not None else Tracker()  # an empty Tracker is falsy
        self.geo = geo
        self.env = AssessEnv(geo=geo, tracker=self.tracker)
        self.msg_type = 18 if class_b else 1
        self.events: list[Event] = []
        static_type = 24 if class_b else 5
        self.tracker.update(Message(msg_type=static_type, mmsi=mmsi, timestamp=T0 - 100, ship_type=ship_type))

    @property
    def state(self):
        return self.tracker.get(self.mmsi)

    def send(self, r: Report, *, msg_type: int | None = None, check: bool = True) -> list[Event]:
        msg = Message(
            msg_type=msg_type or self.msg_type,
            mmsi=self.mmsi,
            timestamp=r.t,
            lat=r.lat,
            lon=r.lon,
            sog=r.sog,
            cog=r.cog,
            heading=r.heading,
            nav_status=r.nav_status,
        )
        update = self.tracker.update(msg)
        if not check:
            return []
        found = list(self.detector.check(self.situation(update), self.env))
        self.events.extend(found)
        return found

    def run(self, reports: list[Report]) -> list[Event]:
        found: list[Event] = []
        for r in reports:
            found.extend(self.send(r))
        return found

    def tick(self, now: float) -> list[Event]:
        found = list(self.detector.tick(self.state, now, self.env))
        self.events.extend(found)
        return found

    def situation(self, update) -> Situation:
        fix = update.fix
        s = Situation(update=update, state=update.state, fix=fix, now=float(update.message.timestamp))
        if fix is None:
            return s
        s.areas = list(self.geo.areas_at(fix.lat, fix.lon))
        update.state.areas = {a.id for a in s.areas}
        s.near_assets = list(self.geo.assets_within(fix.lat, fix.lon, ASSET_RADIUS_M))
        prev = update.previous
        if prev is not None and "jump" not in {str(f) for f in update.new_flags} and fix.t > prev.t:
            s.crossings = list(self.geo.crossings(prev.lat, prev.lon, fix.lat, fix.lon))
        s.port = self.geo.near_port(fix.lat, fix.lon)
        return s


def first_time(events: list[Event]) -> float | None:
    return min((e.time for e in events), default=None)


# ---------------------------------------------------------------------------------------------
# Tests of the helpers
# ---------------------------------------------------------------------------------------------


def test_haversine_one_degree_of_latitude() -> None:
    assert haversine_m(59.0, 24.0, 60.0, 24.0) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(59.5, 24.5, 59.5, 24.5) == 0.0


def test_bearings_and_destination_round_trip() -> None:
    assert initial_bearing_deg(59.0, 24.0, 60.0, 24.0) == pytest.approx(0.0, abs=1e-6)
    assert initial_bearing_deg(59.0, 24.0, 59.0, 25.0) == pytest.approx(89.57, abs=0.01)  # great circle
    lat, lon = destination(59.5, 24.5, 135.0, 10_000.0)
    assert haversine_m(59.5, 24.5, lat, lon) == pytest.approx(10_000.0, rel=1e-6)
    assert initial_bearing_deg(59.5, 24.5, lat, lon) == pytest.approx(135.0, abs=0.01)
    assert destination(0.0, 179.99, 90.0, 5_000.0)[1] < -179.9  # wraps the antimeridian


def test_angle_differences_wrap() -> None:
    assert angle_diff_deg(10, 350) == pytest.approx(20)
    assert angle_diff_deg(350, 10) == pytest.approx(-20)
    assert angle_diff_deg(180, 0) == pytest.approx(180)
    assert abs_angle_diff_deg(5, 355) == pytest.approx(10)


def test_dead_reckoning_and_implied_speed() -> None:
    lat, lon = dead_reckon(59.5, 24.5, 10.0, 90.0, 3600.0)
    assert haversine_m(59.5, 24.5, lat, lon) == pytest.approx(18_520, rel=1e-6)
    assert implied_speed_kn(59.5, 24.5, 0.0, lat, lon, 3600.0) == pytest.approx(10.0, rel=1e-6)
    assert dead_reckon(59.5, 24.5, None, 90.0, 60.0) is None
    assert dead_reckon(59.5, 24.5, 5.0, None, 60.0) is None
    assert implied_speed_kn(59.5, 24.5, 5.0, 59.6, 24.5, 5.0) is None


def test_circling_accumulates_turns_and_zigzag_cancels() -> None:
    circle = [(i * 30) % 360 for i in range(14)]
    assert cumulative_turn_deg(circle) == pytest.approx(390)
    zigzag = [80, 100] * 10
    assert abs(cumulative_turn_deg(zigzag)) <= 20
    assert turn_rate_deg_min(350, 0, 20, 60) == pytest.approx(30)
    assert circular_mean_deg([350, 10]) == pytest.approx(0, abs=1e-9)
    assert circular_mean_deg([]) is None


def test_ewma_over_time_and_weighted_median() -> None:
    assert ewma(None, 5.0, 10, 60) == 5.0
    assert ewma(0.0, 10.0, 60, 60) == pytest.approx(10 * (1 - math.exp(-1)))
    assert weighted_median([1, 2, 10], [1, 1, 5]) == 10
    assert weighted_median([1, 2, 10], [3, 1, 1]) == 1
    assert weighted_median([], []) is None


def test_rolling_series_is_time_weighted_and_bounded() -> None:
    series = RollingSeries(maxlen=4, bucket_s=60, max_weight_s=60)
    # 1 sample/s at 10 kn for 3 min, then one glitch of 0 kn: buckets average it away.
    for i in range(180):
        series.add(T0 + i, 10.0)
    series.add(T0 + 180, 0.0)
    assert series.median() == pytest.approx(10.0)
    assert series.covered_s() == pytest.approx(240)  # 180 s + the first sample's assumed 60 s
    for i in range(600):  # ten more minutes: only maxlen buckets are kept
        series.add(T0 + 181 + i, 8.0)
    assert len(series) <= 5
    assert series.median(T0 + 400) == pytest.approx(8.0)
    assert series.fraction_at_or_below(8.5, T0 + 400) == pytest.approx(1.0)
    series.add(T0, 99.0)  # out of order: ignored
    assert series.mean(T0 + 400) == pytest.approx(8.0)
    series.clear()
    assert series.median() is None and len(series) == 0


def test_sparse_reports_weigh_more_than_dense_bursts() -> None:
    series = RollingSeries(maxlen=100, bucket_s=0, max_weight_s=300)
    series.add(T0, 10.0)
    series.add(T0 + 300, 10.0)  # a sparse reporter: 5 min per sample
    for i in range(1, 11):  # a 20-s burst of 10 samples at 4 kn
        series.add(T0 + 300 + 2 * i, 4.0)
    assert series.median() == pytest.approx(10.0)


def test_vessel_predicates() -> None:
    assert is_tracked_vessel(230_123_450, 1)
    assert not is_tracked_vessel(2_300_123, 4)  # base station
    assert not is_tracked_vessel(992_301_234, 21)  # AtoN
    assert not is_tracked_vessel(111_230_123, 9)  # SAR aircraft
    assert not is_tracked_vessel(230_123_450, 4)
    assert is_heavy_anchor_type(80) and is_heavy_anchor_type(70) and not is_heavy_anchor_type(30)
    assert not is_heavy_anchor_type(None)


def test_harness_builds_the_requested_speeds() -> None:
    track = build_track([Leg(10, 8.5), Leg(10, 8.5, sog_end=6.3)])
    assert track[0].sog == 8.5 and track[-1].sog == pytest.approx(6.3, abs=0.1)
    moved = haversine_m(track[0].lat, track[0].lon, track[59].lat, track[59].lon)
    assert moved == pytest.approx(8.5 * KNOT_MS * 590, rel=1e-3)
