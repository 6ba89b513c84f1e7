"""The tracker on real Danish AIS traffic (samples/dma-2010-06-11.nmea, see samples/README.md)."""

from collections import defaultdict

import pytest

from seawarden.decode import Decoder
from seawarden.track import QualityFlag, Tracker, TrackUpdate
from seawarden.track.static import clean_text
from seawarden.types import Message
from tests.conftest import TEST_DATA

LOG = TEST_DATA.parents[1] / "samples" / "dma-2010-06-11.nmea"
PLACEHOLDER_MMSI = 111111111  # a default MMSI that many unrelated transmitters use at once


@pytest.fixture(scope="module")
def replay() -> tuple[Tracker, list[Message], list[TrackUpdate]]:
    decoder = Decoder("dma-stream-example")
    with LOG.open(encoding="ascii", errors="replace") as lines:
        messages = [*decoder.feed_lines(lines), *decoder.flush()]
    tracker = Tracker()
    updates = [tracker.update(msg) for msg in messages]
    return tracker, messages, updates


def test_every_mmsi_becomes_one_vessel(replay) -> None:
    tracker, messages, _ = replay
    assert len(messages) == 4051
    assert len(tracker) == len({m.mmsi for m in messages}) == 1933
    assert sum(s.message_count for s in tracker) + tracker.stats.duplicates == len(messages)
    assert tracker.stats.positions_accepted > 3000


def test_identities_merged_from_type5_and_type24(replay) -> None:
    tracker, messages, _ = replay
    latest: dict[int, dict[str, object]] = defaultdict(dict)
    for msg in messages:
        if msg.msg_type in (5, 24):
            for field in ("name", "callsign"):
                text = clean_text(getattr(msg, field))
                if text:
                    latest[msg.mmsi][field] = text
            if msg.msg_type == 5 and msg.imo:
                latest[msg.mmsi]["imo"] = msg.imo
    assert len(latest) > 400
    for mmsi, fields in latest.items():
        identity = tracker.get(mmsi).identity
        for field, value in fields.items():
            assert getattr(identity, field) == value, (mmsi, field)
    type24 = {m.mmsi for m in messages if m.msg_type == 24}
    assert type24 and all(tracker.get(mmsi).class_b for mmsi in type24)
    named_by_24a = [m.mmsi for m in messages if m.msg_type == 24 and m.part_num == 0 and clean_text(m.name)]
    assert named_by_24a and all(tracker.get(mmsi).identity.name for mmsi in named_by_24a)
    # 29 seconds of traffic with repeated type 5 reports: padding differences are never changes
    assert sum(len(s.identity_history) for s in tracker) == 0
    assert sum(1 for s in tracker if s.identity.flag_code == "DK") > 100


def test_no_moored_or_anchored_position_is_a_jump(replay) -> None:
    _, _, updates = replay
    jumps = [u for u in updates if QualityFlag.JUMP in u.new_flags]
    stationary = [
        u
        for u in jumps
        if u.state.mmsi != PLACEHOLDER_MMSI
        and (u.message.nav_status in (1, 5) or (u.message.sog is not None and u.message.sog < 0.5))
    ]
    assert stationary == []
    # The only jump in the log is the placeholder MMSI, heard ~930 km apart within seconds.
    assert {u.state.mmsi for u in jumps} <= {PLACEHOLDER_MMSI}
    moored_fixes = sum(1 for u in updates if u.fix is not None and u.fix.nav_status in (1, 5))
    assert moored_fixes > 150


def test_duplicates_from_several_receivers_are_not_re_added(replay) -> None:
    tracker, _, updates = replay
    assert tracker.stats.duplicates > 0
    for state in tracker:
        times = list(state.track.times)
        assert times == sorted(times)
    assert all(u.fix is None for u in updates if u.duplicate or u.out_of_order)
