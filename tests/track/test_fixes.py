import itertools

import pytest

from seawarden.track import Fix, FixTrack


def fix(t: float, lat: float = 55.0, sog: float | None = 5.0) -> Fix:
    return Fix.make(t, lat, 12.0, sog, 90.0, 91, 0)


def test_fix_round_trips_through_the_track() -> None:
    track = FixTrack(maxlen=10, max_age_s=3600)
    original = Fix.make(100.0, 55.123456789, -12.987654321, 12.3, 359.97, 511.0, 5)
    track.append(original)
    assert track[0] == original == track[-1]
    assert original.heading is None  # 511 "not available" is out of range
    assert original.cog == 0.0  # 359.97 rounds to 360 -> 0
    assert abs(original.lat - 55.123456789) < 1e-7


def test_missing_values_survive_as_none() -> None:
    track = FixTrack(maxlen=10, max_age_s=3600)
    track.append(Fix.make(1.0, 10.0, 20.0))
    assert track[0] == Fix(1.0, 10.0, 20.0, None, None, None, None)


def test_bounded_by_count_and_age_and_time_ordered() -> None:
    track = FixTrack(maxlen=5, max_age_s=100)
    for i in range(20):
        track.append(fix(float(i)))
    assert [f.t for f in track] == [15.0, 16.0, 17.0, 18.0, 19.0]
    track.append(fix(500.0))
    assert [f.t for f in track] == [500.0]  # older than 100 s before the newest
    assert track[-1].t == 500.0


def test_thinning_keeps_newest_fix_last_and_points_spaced() -> None:
    track = FixTrack(maxlen=1000, max_age_s=10_000, min_spacing_s=30)
    for i in range(0, 301, 5):  # a fix every 5 s for 5 minutes
        track.append(fix(float(i), lat=55 + i * 1e-5))
    times = [f.t for f in track]
    assert times[-1] == 300.0 and track[-1].lat == pytest.approx(55 + 300e-5)
    assert times == sorted(times)
    assert all(b - a >= 25 for a, b in itertools.pairwise(times[:-1]))
    assert 10 <= len(track) <= 14  # about one per 30 s (61 fixes came in)


def test_sequence_protocol() -> None:
    track = FixTrack(maxlen=10, max_age_s=3600)
    for i in range(4):
        track.append(fix(float(i)))
    assert [f.t for f in track[1:3]] == [1.0, 2.0]
    assert [f.t for f in reversed(track)] == [3.0, 2.0, 1.0, 0.0]
    with pytest.raises(IndexError):
        track[4]
    track.clear()
    assert len(track) == 0 and not track
