"""Invariants that must hold for any input: no crash, ordered and bounded tracks, consistent grid."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from seawarden.track import TrackConfig, Tracker
from seawarden.types import Message

MMSIS = st.sampled_from([230123450, 123456789, 0, 2190064, 992191000, 111219501])
COORD = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-90, 90))
message = st.builds(
    Message,
    msg_type=st.sampled_from([1, 3, 5, 8, 9, 18, 19, 21, 24, 27]),
    mmsi=MMSIS,
    timestamp=st.floats(1.7e9, 1.7e9 + 20_000),
    lat=st.one_of(st.none(), COORD),
    lon=st.one_of(st.none(), COORD, st.floats(-180, 180)),
    sog=st.one_of(st.none(), st.floats(-5, 200)),
    cog=st.one_of(st.none(), st.floats(-10, 400)),
    heading=st.one_of(st.none(), st.integers(0, 511)),
    nav_status=st.one_of(st.none(), st.integers(-1, 20)),
    second=st.one_of(st.none(), st.integers(0, 63)),
    name=st.one_of(st.none(), st.text(max_size=8)),
    imo=st.one_of(st.none(), st.integers(-1, 99_999_999)),
    draught=st.one_of(st.none(), st.floats()),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(message, max_size=60))
def test_any_message_sequence_keeps_invariants(messages: list[Message]) -> None:
    config = TrackConfig(track_max_fixes=8, track_min_spacing_s=0)
    tracker = Tracker(config, is_land=lambda lat, lon: lat > 60)
    for msg in messages:
        update = tracker.update(msg)
        assert not (update.fix is not None and (update.duplicate or update.out_of_order))
    for state in tracker:
        times = list(state.track.times)
        assert len(times) <= 8 and times == sorted(times)
        if state.last is not None:
            assert state.track[-1] == state.last
            near = tracker.vessels_near(state.last.lat, state.last.lon, 1.0, state.last.t, 0.0)
            assert state in near
        assert all(a.time <= b.time for a, b in itertools.pairwise(state.identity_history))
    tracker.expire(1.7e9 + 10**6)
    assert len(tracker) == 0
