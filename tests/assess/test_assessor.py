"""The Assessor end to end: Messages -> Tracker -> Assessor, with hand-built and bundled geography."""

import itertools
from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from shapely.geometry import LineString, box

from seawarden.assess import AssessConfig, Assessor
from seawarden.assess.base import Situation
from seawarden.geo import Area, Asset, GeoContext, Port
from seawarden.track import QualityFlag, Tracker, TrackUpdate
from seawarden.types import AlertKind, Event, Message
from seawarden.watchlist import Watchlist, WatchlistEntry

T0 = 1_735_120_000.0  # 2024-12-25T09:46:40Z
MIN = 60.0
HOUR = 3600.0
TANKER = 518998865  # MID 518: Cook Islands, as Eagle S
AREA = Area("gof-test", "Test Gulf", ("FI", "EE"), ("estlink-2",), "test", box(24.3, 59.4, 25.0, 59.8))
CABLE = Asset("estlink-2", "Estlink 2", "power_cable", None, (), LineString([(24.5, 59.3), (24.5, 59.9)]))
RU_PORT = Port("ust-luga", "Ust-Luga", "RU", 59.6, 23.0, 5000.0)
GEO = GeoContext([AREA], [CABLE], [RU_PORT], land_path=None)
EAGLE = WatchlistEntry(id="imo:9329760", imo=9329760, names=["EAGLE S"], flag="Cook Islands", reason="EU")
BASIC = ["identity", "areas", "watch"]


@dataclass
class Spy:
    """A detector that records every Situation it is shown."""

    name: ClassVar[str] = "spy"
    seen: list[Situation] = field(default_factory=list)
    ticks: list[tuple[int, float]] = field(default_factory=list)

    def check(self, s: Situation, env) -> list[Event]:
        self.seen.append(s)
        return []

    def tick(self, state, now: float, env) -> list[Event]:
        self.ticks.append((state.mmsi, now))
        return []


class Broken:
    name: ClassVar[str] = "broken"

    def check(self, s: Situation, env) -> list[Event]:
        raise ZeroDivisionError("bug")

    def tick(self, state, now: float, env) -> list[Event]:
        raise ZeroDivisionError("bug")


def make(
    enabled: list[str] | None = None, watchlist: Watchlist | None = None, geo: GeoContext = GEO, **cfg
) -> tuple[Tracker, Assessor, Spy]:
    tracker = Tracker()
    config = AssessConfig(enabled=BASIC if enabled is None else enabled, **cfg)
    assessor = Assessor(geo, watchlist, tracker, config)
    spy = Spy()
    assessor.detectors.append(spy)
    return tracker, assessor, spy


def feed(tracker: Tracker, assessor: Assessor, msg: Message) -> list[Event]:
    return assessor.assess(tracker.update(msg)) + assessor.tick(msg.timestamp)


def eastbound(tracker, assessor, *, mmsi=TANKER, start_lon=24.1, end_lon=24.7, t0=T0, step_s=MIN, sog=10.0):
    """Steady 10 kn due east along 59.6 N; returns all events (one message per ``step_s``)."""
    deg_per_s = sog * 1852 / 3600 / 56_300.0  # 1 deg of longitude at 59.6 N is ~56.3 km
    events: list[Event] = []
    t, lon = t0, start_lon
    while lon <= end_lon:
        events += feed(
            tracker,
            assessor,
            Message(msg_type=1, mmsi=mmsi, timestamp=t, lat=59.6, lon=lon, sog=sog, cog=90.0),
        )
        t += step_s
        lon += deg_per_s * step_s
    return events


def static(tracker, assessor, t: float, mmsi: int = TANKER, **fields) -> list[Event]:
    return feed(tracker, assessor, Message(msg_type=5, mmsi=mmsi, timestamp=t, **fields))


def test_track_into_an_area_and_across_a_cable() -> None:
    tracker, assessor, spy = make()
    static(tracker, assessor, T0 - 10, name="TANKER ONE", imo=9321483, ship_type=80)
    events = eastbound(tracker, assessor)
    kinds = [e.kind for e in events]
    assert kinds[0] is AlertKind.AREA_ENTRY
    entry = events[0]
    assert entry.area == "gof-test" and entry.lon == pytest.approx(24.3, abs=0.01)
    assert entry.score < 0.2  # an ordinary (unlisted) tanker: info
    assert {c["factor"] for c in entry.detail["reasons"]} >= {"flag", "ship_type"}

    with_fix = [s for s in spy.seen if s.fix is not None]
    entered = [s for s in with_fix if s.entered]
    assert len(entered) == 1 and entered[0].areas == [AREA] and entered[0].entered == [AREA]
    crossing = [s for s in with_fix if s.crossings]
    assert len(crossing) == 1
    hit = crossing[0].crossings[0]
    assert hit.asset.id == "estlink-2" and hit.lon == pytest.approx(24.5, abs=1e-6)
    assert crossing[0].update.previous.lon < 24.5 <= crossing[0].fix.lon
    near = [s for s in with_fix if s.near_assets]
    assert near and all(abs(s.fix.lon - 24.5) < 0.1 for s in near)  # 5 km ~ 0.09 deg here
    assert all(s.port is None for s in with_fix)
    assert all(s.watch is None for s in spy.seen)
    state = tracker.get(TANKER)
    assert state.areas == {"gof-test"}
    assert state.monitoring == "assessed"


def test_watch_listed_tanker_is_monitored_and_warned_of_the_cable_ahead() -> None:
    tracker, assessor, spy = make(watchlist=Watchlist([EAGLE]))
    static(tracker, assessor, T0 - 10, name="EAGLE S", imo=9329760, ship_type=80)
    events = eastbound(tracker, assessor, start_lon=23.9)
    kinds = [e.kind for e in events]
    assert AlertKind.WATCHLIST_APPROACHING in kinds
    assert kinds.index(AlertKind.WATCHLIST_APPROACHING) < kinds.index(AlertKind.AREA_ENTRY)
    in_area = next(e for e in events if e.kind is AlertKind.WATCHLIST_IN_AREA)
    entry = next(e for e in events if e.kind is AlertKind.AREA_ENTRY)
    assert entry.score >= 0.5 and entry.detail["reasons"][0]["factor"] == "watchlist"
    # Inside the area, 0.2 deg (11 km, ~36 min) before the cable: the look-ahead names it.
    assert in_area.detail["ahead"][0]["asset"] == "estlink-2"
    assert in_area.detail["ahead"][0]["eta_min"] == pytest.approx(36, abs=2)
    assert "On course to cross estlink-2 in" in in_area.explanation
    state = tracker.get(TANKER)
    assert state.monitoring in {"monitoring", "alerted"}
    assert state.risk >= 50
    assert state.scratch["risk"].contributions[0].factor == "watchlist"
    assert all(s.watch is not None and s.watch.entry.id == "imo:9329760" for s in spy.seen[1:])
    moves = [(frm, to) for _, frm, to, _ in state.scratch["monitoring"]["transitions"]]
    assert moves[0] == ("normal", "monitoring")


def test_watch_match_is_cached_and_recomputed_only_when_the_identity_changes() -> None:
    calls: list[tuple] = []

    class CountingWatchlist(Watchlist):
        def match(self, *, imos=(), mmsi=None, names=()):
            calls.append((tuple(imos), mmsi, tuple(names)))
            return super().match(imos=imos, mmsi=mmsi, names=names)

    tracker, assessor, spy = make(watchlist=CountingWatchlist([EAGLE]))
    static(tracker, assessor, T0 - 10, name="EAGLE S", imo=9329760)
    eastbound(tracker, assessor, end_lon=24.15)
    assert len(calls) == 1
    # Renamed and a new IMO: recomputed with ALL IMOs and names of the history, and still listed.
    static(tracker, assessor, T0 + HOUR, name="AQUILA", imo=9321483)
    assert len(calls) == 2
    assert set(calls[-1][0]) == {9329760, 9321483}
    assert set(calls[-1][2]) == {"EAGLE S", "AQUILA"}
    assert calls[-1][1] == TANKER
    assert spy.seen[-1].watch is not None and spy.seen[-1].watch.entry.id == "imo:9329760"


def test_sticky_match_survives_an_identity_that_no_longer_matches() -> None:
    tracker, assessor, spy = make(watchlist=Watchlist([EAGLE]))
    static(tracker, assessor, T0, name="EAGLE S", imo=9329760)
    eastbound(tracker, assessor, t0=T0 + 10, end_lon=24.11)
    assert spy.seen[-1].watch is not None
    # The same MMSI now claims an unrelated identity, and the list is reloaded without the ship:
    # a vessel once matched stays matched (the history keeps the listed IMO anyway).
    assessor.watchlist = Watchlist([])
    static(tracker, assessor, T0 + 400, name="OTHER", imo=9321483)
    eastbound(tracker, assessor, t0=T0 + 500, start_lon=24.12, end_lon=24.13)
    assert spy.seen[-1].watch is not None and spy.seen[-1].watch.entry.id == "imo:9329760"


def test_replace_watchlist_rematches_every_vessel_and_keeps_new_matches_sticky() -> None:
    tracker, assessor, spy = make(watchlist=Watchlist([]))
    static(tracker, assessor, T0, name="EAGLE S", imo=9329760)
    eastbound(tracker, assessor, t0=T0 + 10, end_lon=24.11)
    assert spy.seen[-1].watch is None  # unlisted, and that verdict is cached for the identity

    assert assessor.replace_watchlist(Watchlist([EAGLE])) == 1  # one cached verdict dropped
    eastbound(tracker, assessor, t0=T0 + 400, start_lon=24.12, end_lon=24.13)
    assert spy.seen[-1].watch is not None and spy.seen[-1].watch.entry.id == "imo:9329760"

    # Sticky under the new register: a rename to an unlisted identity keeps the match...
    static(tracker, assessor, T0 + 800, name="OTHER", imo=9321483)
    eastbound(tracker, assessor, t0=T0 + 900, start_lon=24.135, end_lon=24.138)
    assert spy.seen[-1].now == T0 + 900 and spy.seen[-1].watch is not None
    # ...but removing the entry from the register ends it at the next update.
    assessor.replace_watchlist(Watchlist([]))
    eastbound(tracker, assessor, t0=T0 + 1200, start_lon=24.14, end_lon=24.15)
    assert spy.seen[-1].watch is None
    assessor.replace_watchlist(None)
    eastbound(tracker, assessor, t0=T0 + 1800, start_lon=24.16, end_lon=24.17)
    assert spy.seen[-1].watch is None


def test_non_vessels_are_skipped() -> None:
    tracker, assessor, spy = make()
    base = Message(msg_type=4, mmsi=2300001, timestamp=T0, lat=59.6, lon=24.4)
    aton = Message(msg_type=21, mmsi=992301234, timestamp=T0, lat=59.6, lon=24.4)
    sar = Message(msg_type=9, mmsi=111230123, timestamp=T0, lat=59.6, lon=24.4, sog=120.0, cog=90.0)
    for msg in (base, aton, sar):
        assert feed(tracker, assessor, msg) == []
    assert spy.seen == []
    assert assessor.stats.non_vessel == 3


def test_update_without_fix_runs_identity_detectors_only() -> None:
    tracker, assessor, spy = make()
    static(tracker, assessor, T0, name="EAGLE S", imo=9329760)
    events = static(tracker, assessor, T0 + 400, name="EAGLE S", imo=9321483)
    assert [e.detail["change"] for e in events] == ["imo"]
    assert spy.seen == []  # the spy needs a fix (no needs_fix=False)
    state = tracker.get(TANKER)
    assert state.risk > 0 and "identity_change" in {c.factor for c in state.scratch["risk"].contributions}


def test_flagged_jump_is_not_tested_for_crossings() -> None:
    tracker, assessor, _ = make()
    eastbound(tracker, assessor, end_lon=24.45)
    update = tracker.update(Message(msg_type=1, mmsi=TANKER, timestamp=T0 + 80 * MIN, lat=59.6, lon=24.6))
    assert update.fix is not None and update.previous.lon < 24.5  # plausible: 8 km in ~16 min
    assert [h.asset.id for h in assessor.situation(update).crossings] == ["estlink-2"]
    forged = TrackUpdate(  # the same segment, had the tracker flagged it as a jump
        state=update.state,
        message=update.message,
        fix=update.fix,
        previous=update.previous,
        new_flags={QualityFlag.JUMP},
    )
    assert assessor.situation(forged).crossings == []


def test_implausible_segment_is_not_tested_for_crossings() -> None:
    tracker, assessor, _ = make()
    eastbound(tracker, assessor, end_lon=24.45)
    last = tracker.get(TANKER).last
    forged = TrackUpdate(
        state=tracker.get(TANKER),
        message=Message(msg_type=1, mmsi=TANKER, timestamp=last.t + 10, lat=59.6, lon=24.6),
        fix=type(last)(t=last.t + 10, lat=59.6, lon=24.6, sog=10.0, cog=90.0),
        previous=last,
    )
    assert assessor.situation(forged).crossings == []  # 8 km in 10 s


def test_russian_port_visit_raises_risk_after_departure() -> None:
    tracker, assessor, spy = make()
    static(tracker, assessor, T0 - 10, name="TANKER ONE", imo=9321483, ship_type=80)
    for i in range(3):  # alongside in Ust-Luga
        feed(
            tracker,
            assessor,
            Message(msg_type=1, mmsi=TANKER, timestamp=T0 + i * 600, lat=59.6, lon=23.0 + i * 1e-4),
        )
    assert spy.seen[-1].port is RU_PORT
    events = eastbound(tracker, assessor, start_lon=23.2, t0=T0 + 2 * HOUR, end_lon=24.35)
    entry = next(e for e in events if e.kind is AlertKind.AREA_ENTRY)
    factors = {c["factor"]: c for c in entry.detail["reasons"]}
    assert factors["russian_port_departure"]["port"] == "Ust-Luga"


def test_tick_runs_only_over_relevant_vessels_and_at_most_every_interval() -> None:
    tracker, assessor, spy = make(tick_interval_s=300)
    eastbound(tracker, assessor, mmsi=230000001, start_lon=24.35, end_lon=24.4)  # inside the area
    eastbound(tracker, assessor, mmsi=230000002, start_lon=21.0, end_lon=21.05)  # far from everything
    ticked = {mmsi for mmsi, _ in spy.ticks}
    assert ticked == {230000001}
    times = sorted({t for _, t in spy.ticks})
    assert all(b - a >= 300 for a, b in itertools.pairwise(times))
    before = len(spy.ticks)
    assert assessor.tick(times[-1] + 10) == [] and len(spy.ticks) == before


def test_vessels_leave_the_tick_list_when_no_longer_relevant() -> None:
    tracker, assessor, spy = make(tick_interval_s=60, watch_keep_s=HOUR)
    eastbound(tracker, assessor, start_lon=24.35, end_lon=24.37)
    assessor.tick(T0 + 30 * MIN)
    assert spy.ticks[-1][0] == TANKER
    count = len(spy.ticks)
    assessor.tick(T0 + 3 * HOUR)
    assessor.tick(T0 + 4 * HOUR)
    assert len(spy.ticks) == count  # dropped: not relevant for more than watch_keep_s


def test_a_failing_detector_is_counted_and_does_not_stop_the_others() -> None:
    tracker, assessor, spy = make(tick_interval_s=0)
    assessor.detectors.insert(0, Broken())
    events = eastbound(tracker, assessor, start_lon=24.25, end_lon=24.35)
    assert [e.kind for e in events] == [AlertKind.AREA_ENTRY]
    assert spy.seen
    assert assessor.stats.detector_errors["broken"] > 0


def test_unknown_detector_name_is_a_clear_config_error() -> None:
    with pytest.raises(ValueError, match="unknown detector"):
        AssessConfig(enabled=["areas", "anchor_dragg"])


def test_default_config_runs_every_detector_on_a_transit_without_errors() -> None:
    tracker = Tracker()
    full = Assessor(GEO, Watchlist([]), tracker, AssessConfig())
    assert {d.name for d in full.detectors} >= {"areas", "watch", "identity", "anchor_drag", "ais_gap"}
    static(tracker, full, T0 - 10, name="TANKER ONE", imo=9321483, ship_type=80)
    events = eastbound(tracker, full)
    assert AlertKind.AREA_ENTRY in {e.kind for e in events}
    assert AlertKind.ANCHOR_DRAG_SUSPECTED not in {e.kind for e in events}  # steady transit
    assert sum(full.stats.detector_errors.values()) == 0


def test_bundled_geography_eagle_s_like_departure_from_ust_luga() -> None:
    geo = GeoContext.default()
    tracker, assessor, spy = make(geo=geo, watchlist=Watchlist([EAGLE]))
    static(tracker, assessor, T0 - 10, name="EAGLE S", imo=9329760, ship_type=80, destination="PORT SAID")
    port = next(p for p in geo.ports if p.id == "ust-luga")
    feed(
        tracker, assessor, Message(msg_type=1, mmsi=TANKER, timestamp=T0, lat=port.lat, lon=port.lon, sog=0.0)
    )
    # Out of port, then west along the Gulf of Finland at 10 kn (5-min reports).
    start, end = (59.75, 28.2), (59.95, 25.0)
    events: list[Event] = []
    steps = 110
    for i in range(steps + 1):
        lat = start[0] + (end[0] - start[0]) * i / steps
        lon = start[1] + (end[1] - start[1]) * i / steps
        msg = Message(
            msg_type=1, mmsi=TANKER, timestamp=T0 + HOUR + i * 300, lat=lat, lon=lon, sog=10.0, cog=280.0
        )
        events += feed(tracker, assessor, msg)
    crossed = [hit.asset.id for s in spy.seen if s.fix is not None for hit in s.crossings]
    assert "estlink-2" in crossed
    areas_entered = [e.area for e in events if e.kind is AlertKind.AREA_ENTRY]
    assert areas_entered[0] == "gof-east-pipelines"
    assert "gof-estlink2" in areas_entered
    state = tracker.get(TANKER)
    factors = {c.factor for c in state.scratch["risk"].contributions}
    assert {"watchlist", "russian_port_departure", "flag", "ship_type"} <= factors
    assert state.monitoring in {"monitoring", "alerted"}


def test_namesake_with_a_different_valid_imo_is_not_treated_as_listed() -> None:
    listed = Watchlist([WatchlistEntry(id="imo:9624316", imo=9624316, names=["AURA"], reason="EU")])
    tracker, assessor, spy = make(watchlist=listed)
    static(tracker, assessor, T0, name="AURA", imo=9287716)  # another ship of the same name
    eastbound(tracker, assessor, t0=T0 + 10, end_lon=24.11)
    assert listed.match(imos=[9287716], mmsi=TANKER, names=["AURA"]) is not None  # a weak lead ...
    assert spy.seen[-1].watch is None  # ... too weak to alert on
    static(tracker, assessor, T0 + 400, mmsi=230999999, name="AURA")  # name only, no IMO: kept
    feed(tracker, assessor, Message(msg_type=1, mmsi=230999999, timestamp=T0 + 500, lat=59.6, lon=24.0))
    assert spy.seen[-1].watch is not None and spy.seen[-1].watch.method == "name"
