"""The tracker's shortcuts for repeated positions give the plain paths' answers."""

from seawarden.track import QualityFlag, Tracker
from tests.track.helpers import SHIP, pos


def test_repeated_position_asks_the_land_test_once_and_keeps_its_answer() -> None:
    calls: list[tuple[float, float]] = []

    def is_land(lat: float, lon: float) -> bool:
        calls.append((lat, lon))
        return lon > 25.0

    tracker = Tracker(is_land=is_land)
    first = tracker.update(pos(0.0, 59.5, 25.003))
    assert first.new_flags == {QualityFlag.ON_LAND}
    for i in range(1, 4):  # moored: the same position, new reports
        update = tracker.update(pos(60.0 * i, 59.5, 25.003))
        assert update.fix is not None and not update.duplicate and not update.new_flags
    assert calls == [(59.5, 25.003)]
    assert QualityFlag.ON_LAND in tracker.get(SHIP).quality


def test_a_replaced_land_test_is_asked_again() -> None:
    tracker = Tracker(is_land=lambda lat, lon: True)
    tracker.update(pos(0.0, 59.5, 24.0))
    assert QualityFlag.ON_LAND in tracker.get(SHIP).quality
    tracker.is_land = lambda lat, lon: False
    tracker.update(pos(60.0, 59.5, 24.0))
    assert QualityFlag.ON_LAND not in tracker.get(SHIP).quality


def test_a_repeated_position_is_never_a_jump() -> None:
    tracker = Tracker()
    for i in range(5):
        update = tracker.update(pos(1.0 * i, 59.5, 24.0, second=i))
        assert update.fix is not None and not update.new_flags
    assert tracker.stats.jumps_rejected == 0 and tracker.stats.positions_accepted == 5
