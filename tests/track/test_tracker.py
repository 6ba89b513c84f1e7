import math

from seawarden.track import QualityFlag, TrackConfig, Tracker
from seawarden.types import Message
from tests.track.helpers import SHIP, T0, north, pos, static


def test_positions_build_a_time_ordered_track() -> None:
    tracker = Tracker(TrackConfig(track_min_spacing_s=0))
    for i in range(5):
        update = tracker.update(pos(10.0 * i, north(59.5, 50.0 * i)))
        assert update.fix is not None and not update.new_flags
    state = tracker.get(SHIP)
    assert state is not None and len(tracker) == 1
    assert [f.t - T0 for f in state.track] == [0, 10, 20, 30, 40]
    assert state.last == state.track[-1]
    assert state.position_count == 5 and state.message_count == 5
    assert state.identity.flag == "Finland" and state.identity.flag_code == "FI"
    assert update.previous is not None and update.previous.t == T0 + 30


def test_duplicate_from_second_receiver_is_not_re_added() -> None:
    tracker = Tracker()
    first = tracker.update(pos(0.0, second=12))
    again = tracker.update(pos(0.4, second=12, source="other-receiver"))
    assert first.fix is not None and again.duplicate and again.fix is None
    state = tracker.get(SHIP)
    assert len(state.track) == 1 and state.message_count == 1
    assert tracker.stats.duplicates == 1
    # the same position one minute later (same second field) is a new report
    assert not tracker.update(pos(60.0, second=12)).duplicate


def test_identical_payload_is_duplicate() -> None:
    tracker = Tracker()
    raw = "\\s:r1,c:1700000000*00\\!AIVDM,1,1,,A,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4E"
    other = "!AIVDM,1,1,,B,15MgK45P3@G?fl0E`JbR0OwT0@MS,0*4D"
    assert not tracker.update(pos(0.0, raw=raw)).duplicate
    assert tracker.update(pos(2.5, raw=other, second=None)).duplicate


def test_static_duplicate_is_marked() -> None:
    tracker = Tracker()
    tracker.update(static(0.0, name="BALTIC STAR"))
    assert tracker.update(static(1.0, name="BALTIC STAR")).duplicate


def test_out_of_order_fix_not_appended_and_no_jump() -> None:
    tracker = Tracker()
    tracker.update(pos(0.0))
    tracker.update(pos(60.0, north(59.5, 300)))
    late = tracker.update(pos(30.0, 50.0, 10.0))  # older than the last fix, and far away
    assert late.out_of_order and late.fix is None and not late.new_flags
    state = tracker.get(SHIP)
    assert [f.t - T0 for f in state.track] == [0, 60]
    assert tracker.stats.out_of_order == 1


def test_jump_rejected_then_track_continues() -> None:
    tracker = Tracker()
    tracker.update(pos(0.0, 59.5, 24.5))
    jump = tracker.update(pos(10.0, 60.5, 24.5))  # 111 km in 10 s
    assert jump.fix is None and jump.new_flags == {QualityFlag.JUMP}
    ok = tracker.update(pos(20.0, north(59.5, 100)))
    assert ok.fix is not None and not ok.new_flags
    state = tracker.get(SHIP)
    assert QualityFlag.JUMP in state.quality and len(state.track) == 1 + 1
    assert tracker.stats.flags["jump"] == 1


def test_moored_jitter_and_same_second_reports_are_never_jumps() -> None:
    tracker = Tracker()
    lat = 55.7
    for i in range(50):
        jitter = 40.0 * math.sin(i)  # tens of metres back and forth
        update = tracker.update(pos(3.0 * i, north(lat, jitter), 12.6, sog=0.0, second=None))
        assert QualityFlag.JUMP not in update.new_flags
    # two receivers stamp slightly different positions in the same second
    same_second = tracker.update(pos(150.0, north(lat, 150.0), 12.6, sog=0.0))
    assert same_second.fix is not None and not same_second.new_flags


def test_reanchor_after_spoofed_first_fix() -> None:
    tracker = Tracker(TrackConfig(reanchor_fixes=3, track_min_spacing_s=0))
    tracker.update(pos(0.0, 10.0, 10.0))  # bogus first fix far away
    updates = [tracker.update(pos(10.0 * i, north(59.5, 50.0 * i), 24.5)) for i in range(1, 5)]
    assert [u.fix is not None for u in updates] == [False, False, True, True]
    assert updates[2].reanchored and updates[2].previous.t == T0 + 20
    state = tracker.get(SHIP)
    assert [f.t - T0 for f in state.track] == [10, 20, 30, 40]  # the bogus fix is gone
    assert tracker.stats.reanchored == 1
    assert tracker.vessels_near(59.5, 24.5, 1000, T0 + 40, 60) == [state]


def test_shared_mmsi_from_alternating_tracks() -> None:
    tracker = Tracker(TrackConfig(shared_mmsi_min_fixes=3))
    flags = set()
    for i in range(8):
        a = tracker.update(pos(20.0 * i, north(59.5, 60.0 * i), 24.5))
        b = tracker.update(pos(20.0 * i + 10, north(57.0, 60.0 * i), 20.0))
        assert a.fix is not None and b.fix is None
        flags |= a.new_flags | b.new_flags
    state = tracker.get(SHIP)
    assert QualityFlag.SHARED_MMSI in flags and QualityFlag.SHARED_MMSI in state.quality
    assert tracker.stats.flags["shared_mmsi"] == 1
    assert all(abs(f.lat - 59.5) < 0.1 for f in state.track)  # the main track stays clean
    # once the second transmitter is known, its fixes are no longer reported as new jumps
    b = tracker.update(pos(200.0, north(57.0, 600.0), 20.0))
    assert b.fix is None and not b.new_flags


def test_shared_mmsi_from_alternating_names() -> None:
    tracker = Tracker()
    tracker.update(static(0.0, name="ALPHA", imo=9329760))
    change = tracker.update(static(60.0, name="BRAVO", imo=9329760))
    assert [(c.field, c.old, c.new) for c in change.identity_changes] == [("name", "ALPHA", "BRAVO")]
    assert not change.new_flags
    back = tracker.update(static(120.0, name="ALPHA", imo=9329760))
    assert back.new_flags == {QualityFlag.SHARED_MMSI}


def test_slow_rename_is_not_shared() -> None:
    tracker = Tracker(TrackConfig(shared_static_window_s=3600))
    tracker.update(static(0.0, name="ALPHA"))
    tracker.update(static(60.0, name="BRAVO"))
    back = tracker.update(static(60.0 + 7200, name="ALPHA"))
    assert not back.new_flags and len(tracker.get(SHIP).identity_history) == 2


def test_identity_merge_and_history_ignore_blanks_and_padding() -> None:
    tracker = Tracker()
    first = tracker.update(
        static(
            0.0,
            name="NORDIC SPIRIT@@@",
            imo=9329760,
            callsign="OJAB",
            ship_type=80,
            to_bow=200,
            to_stern=28,
            to_port=16,
            to_starboard=16,
            draught=9.5,
            destination="PRIMORSK",
            eta="12-25T10:00",
        )
    )
    assert first.identity_changes == []  # the first values are not changes
    identity = tracker.get(SHIP).identity
    assert (identity.name, identity.length_m, identity.beam_m) == ("NORDIC SPIRIT", 228, 32)
    # blanks, IMO 0 / None and padding or case differences are not changes
    same = tracker.update(
        static(400.0, name="nordic  spirit", imo=None, callsign="", destination="PRIMORSK @@", draught=None)
    )
    assert same.identity_changes == [] and identity.callsign == "OJAB" and identity.imo == 9329760
    later = tracker.update(static(800.0, name="EAGLE S", imo=9329760, destination="PORT SAID", draught=9.6))
    assert [(c.field, c.old, c.new) for c in later.identity_changes] == [
        ("name", "NORDIC SPIRIT", "EAGLE S"),
        ("draught", 9.5, 9.6),
        ("destination", "PRIMORSK", "PORT SAID"),
    ]
    assert later.identity_changes[0].time == T0 + 800
    assert tracker.get(SHIP).identity_history == later.identity_changes


def test_type24_parts_merge_and_mark_class_b() -> None:
    tracker = Tracker()
    tracker.update(pos(0.0, msg_type=18))
    tracker.update(static(1.0, msg_type=24, part_num=0, name="SEA BIRD"))
    part_b = tracker.update(
        static(
            2.0,
            msg_type=24,
            part_num=1,
            callsign="OU1234",
            ship_type=37,
            to_bow=8,
            to_stern=4,
            to_port=2,
            to_starboard=2,
        )
    )
    state = tracker.get(SHIP)
    assert state.class_b and part_b.identity_changes == []
    assert (state.identity.name, state.identity.callsign, state.identity.ship_type) == (
        "SEA BIRD",
        "OU1234",
        37,
    )
    assert state.identity.length_m == 12


def test_old_static_report_does_not_revert_identity() -> None:
    tracker = Tracker()
    tracker.update(static(100.0, name="NEW NAME"))
    late = tracker.update(static(50.0, name="OLD NAME", destination="X"))
    assert late.out_of_order and late.identity_changes == []
    identity = tracker.get(SHIP).identity
    assert identity.name == "NEW NAME" and identity.destination == "X"  # gaps are filled


def test_invalid_mmsi_and_imo_flags_raised_once() -> None:
    tracker = Tracker()
    first = tracker.update(pos(0.0, mmsi=123456789))
    assert first.new_flags == {QualityFlag.INVALID_MMSI}
    assert tracker.update(pos(10.0, north(59.5, 50), mmsi=123456789)).new_flags == set()
    bad_imo = tracker.update(static(20.0, imo=1234568))
    assert bad_imo.new_flags == {QualityFlag.INVALID_IMO}
    assert tracker.update(static(30.0, imo=1234568, name="X")).new_flags == set()
    assert tracker.stats.flags == {"invalid_mmsi": 1, "invalid_imo": 1}
    assert tracker.get(SHIP).identity.imo == 1234568  # kept as broadcast, flagged


def test_on_land_flag_follows_the_land_mask() -> None:
    tracker = Tracker(is_land=lambda lat, lon: lon > 25.0)
    assert not tracker.update(pos(0.0, 59.5, 24.99)).new_flags
    land = tracker.update(pos(60.0, 59.5, 25.003))
    assert land.fix is not None and land.new_flags == {QualityFlag.ON_LAND}
    assert not tracker.update(pos(70.0, 59.5, 25.004)).new_flags  # still on land: not raised again
    tracker.update(pos(200.0, 59.5, 24.99))
    assert QualityFlag.ON_LAND not in tracker.get(SHIP).quality


def test_stale_and_expiry() -> None:
    tracker = Tracker(TrackConfig(stale_age_s=600, expiry_age_s=3600))
    tracker.update(pos(0.0, mmsi=230000001))
    tracker.update(pos(0.0, 59.6, mmsi=230000002))
    tracker.update(pos(1000.0, 59.6, mmsi=230000002))
    assert tracker.expire(T0 + 1000) == []
    assert tracker.get(230000001).quality == {QualityFlag.STALE}
    assert QualityFlag.STALE not in tracker.get(230000002).quality
    assert [s.mmsi for s in tracker.stale()] == [230000001]
    tracker.update(pos(1100.0, mmsi=230000001))
    assert QualityFlag.STALE not in tracker.get(230000001).quality
    assert tracker.expire(T0 + 1100 + 3601) == [230000002, 230000001] or len(tracker) == 0
    assert len(tracker) == 0 and tracker.stats.expired == 2
    assert tracker.vessels_near(59.5, 24.5, 100_000, T0 + 5000, 10_000) == []


def test_max_vessels_evicts_least_recently_heard() -> None:
    tracker = Tracker(TrackConfig(max_vessels=3))
    for i in range(3):
        tracker.update(pos(float(i), mmsi=230000001 + i))
    tracker.update(pos(5.0, north(59.5, 10), mmsi=230000001))  # heard again: most recent
    tracker.update(pos(6.0, mmsi=230000009))
    assert sorted(s.mmsi for s in tracker) == [230000001, 230000003, 230000009]
    assert tracker.stats.evicted == 1


def test_vessels_near_distance_age_and_order() -> None:
    tracker = Tracker()
    tracker.update(pos(0.0, 55.0, 12.0, mmsi=219000001))
    tracker.update(pos(0.0, north(55.0, 900), 12.0, mmsi=219000002))
    tracker.update(pos(0.0, north(55.0, 1500), 12.0, mmsi=219000003))
    tracker.update(pos(-3000.0, north(55.0, 300), 12.0, mmsi=219000004))  # old fix
    near = tracker.vessels_near(55.0, 12.0, 1000, T0, max_age_s=600)
    assert [s.mmsi for s in near] == [219000001, 219000002]
    assert [s.mmsi for s in tracker.vessels_near(55.0, 12.0, 1000, T0, 10_000)] == [
        219000001,
        219000004,
        219000002,
    ]
    # grid follows moves
    tracker.update(pos(10.0, 57.0, 11.0, mmsi=219000001, sog=None))
    tracker.update(pos(20.0, 57.0, 11.0, mmsi=219000001))
    tracker.update(pos(30.0, 57.0, 11.0, mmsi=219000001))
    assert 219000001 not in [s.mmsi for s in tracker.vessels_near(55.0, 12.0, 1000, T0 + 30, 600)]


def test_vessels_near_across_antimeridian_and_huge_radius() -> None:
    tracker = Tracker()
    tracker.update(pos(0.0, 65.0, 179.99, mmsi=273000001))
    tracker.update(pos(0.0, 65.0, -179.99, mmsi=338000001))
    assert {s.mmsi for s in tracker.vessels_near(65.0, 179.999, 2000, T0, 60)} == {273000001, 338000001}
    assert len(tracker.vessels_near(0.0, 0.0, 20_000_000, T0, 60)) == 2


def test_expected_interval_learns_the_vessel_pattern() -> None:
    tracker = Tracker()
    tracker.update(pos(0.0, sog=0.1))
    state = tracker.get(SHIP)
    assert state.expected_interval_s == 10.0  # ITU nominal for class A, status under way
    t = 0.0
    for i in range(1, 30):
        t += 180.0 if i % 7 else 2400.0  # moored pattern with occasional long silences
        tracker.update(pos(t, north(59.5, i % 3), sog=0.0))
        tracker.update(pos(t + 0.3, north(59.5, i % 3), sog=0.0, source="b", second=99))  # 2nd receiver
    assert 150 < state.expected_interval_s < 260


def test_bad_input_is_counted_not_raised() -> None:
    tracker = Tracker()
    assert tracker.update(pos(0.0, 91.0, 10.0)).fix is None
    assert tracker.update(pos(1.0, 0.0, 0.0)).fix is None
    assert tracker.update(pos(2.0, float("nan"), 10.0)).fix is None
    nan_time = Message(msg_type=1, mmsi=SHIP, timestamp=float("nan"), lat=59.0, lon=24.0)
    assert tracker.update(nan_time).fix is None
    assert tracker.stats.rejected == {"bad_position": 3, "bad_timestamp": 1}
    assert tracker.update(pos(3.0)).fix is not None


def test_identity_history_is_bounded() -> None:
    tracker = Tracker(TrackConfig(identity_history_max=4))
    for i in range(10):
        tracker.update(static(600.0 * i, destination=f"PORT {i}"))
    history = tracker.get(SHIP).identity_history
    assert [c.new for c in history] == ["PORT 6", "PORT 7", "PORT 8", "PORT 9"]
