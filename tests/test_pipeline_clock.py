"""The pipeline's grid clock: a vessel's alerts do not depend on which other vessels share its stream.

This is what lets a distributed job (one pipeline per partition of vessels) and a batch path give
the same alerts as one pipeline over the whole feed, provided that vessels which read each other's
state are in the same partition. Four checks read other vessels: rendezvous (the pair), spoofing
(co-located vessels), AIS gap (vessels still heard nearby) and identity (the same IMO on another
MMSI). Scenarios whose evidence depends on those are left out of the split-anywhere test below;
the distributed job keeps such vessels together (tests of ``seawarden.scale``).
"""

from pathlib import Path

import pytest

from seawarden.pipeline import Pipeline
from seawarden.sources import read_messages
from seawarden.types import Alert

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
PAIRS = {620123400: 620123500}  # sts_rendezvous: the pair meets, so it stays together


def _key(alert: Alert) -> tuple:
    record = alert.to_dict()
    return (
        record["id"],
        record["version"],
        record["severity"],
        record["risk"],
        record["time"],
        record["kind"],
    )


def _group(mmsi: int, groups: int) -> int:
    return PAIRS.get(mmsi, mmsi) % groups


# Evidence from other vessels: coverage during a gap, identity moved to a new MMSI, spoofed clusters.
CROSS_VESSEL = {"ais_gap", "identity_swap", "spoofing", "yi_peng_3"}
PER_VESSEL = sorted(p for p in SCENARIOS.glob("*.nmea") if p.stem not in CROSS_VESSEL)


@pytest.mark.parametrize("path", PER_VESSEL, ids=lambda p: p.stem)
@pytest.mark.parametrize("groups", [3])
def test_partitions_by_vessel_give_the_alerts_of_the_whole_stream(path: Path, groups: int) -> None:
    messages = list(read_messages([str(path)]))
    whole = Pipeline()
    alerts = [a for m in messages for a in whole.process(m)]
    end = whole.now
    alerts += whole.finish(end)
    parts: list[Alert] = []
    for g in range(groups):
        pipe = Pipeline()
        parts += [a for m in messages if _group(m.mmsi, groups) == g for a in pipe.process(m)]
        parts += pipe.finish(end)
    assert sorted(map(_key, parts)) == sorted(map(_key, alerts))


def test_clock_marks_run_in_order_and_never_backwards() -> None:
    pipe = Pipeline()
    seen: list[float] = []
    original = pipe.assessor.tick

    def spy(now: float):
        seen.append(now)
        return original(now)

    pipe.assessor.tick = spy  # type: ignore[method-assign]
    pipe.advance(1_000_030.0)
    pipe.advance(1_000_250.0)
    pipe.advance(1_000_100.0)  # earlier: ignored
    pipe.advance(1_000_250.0)
    assert seen == [1_000_080.0, 1_000_140.0, 1_000_200.0]
    assert pipe.now == 1_000_250.0


def test_a_corrupt_far_future_time_ticks_once_not_millions_of_times() -> None:
    pipe = Pipeline()
    calls = []
    pipe.assessor.tick = lambda now: calls.append(now) or []  # type: ignore[method-assign]
    pipe.advance(1_700_000_000.0)
    pipe.advance(4_000_000_000.0)
    assert len(calls) == 1 and calls[0] == 4_000_000_000.0 - 4_000_000_000.0 % 60


def test_the_scenario_library_raises_alerts_to_compare() -> None:
    total = 0
    for path in SCENARIOS.glob("*.nmea"):
        pipe = Pipeline()
        total += sum(1 for _ in pipe.process_many(read_messages([str(path)])))
    assert total > 20
