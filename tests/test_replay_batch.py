"""Batch replay (``--speed max``) gives exactly what message-by-message ``Pipeline.process`` gives.

Compared in full: every alert record (all fields, in order) and every counter of the pipeline,
tracker and assessor stats, on the scenario library, the real samples and a generated feed slice.
Small, odd batch sizes make batches end inside multipart groups, clock marks and incidents.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

from seawarden.decode import Decoder
from seawarden.pipeline import Pipeline
from seawarden.replay import replay
from seawarden.sources import read_messages
from seawarden.types import Alert

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.nmea"))
SAMPLES = sorted((ROOT / "samples").glob("*.nmea"))


def _stats(pipeline: Pipeline) -> dict[str, Any]:
    return {
        "pipeline": dataclasses.asdict(pipeline.stats),
        "tracker": dataclasses.asdict(pipeline.tracker.stats),
        "assessor": dataclasses.asdict(pipeline.assessor.stats),
        "vessels": len(pipeline.tracker),
    }


def _one_by_one(paths: list[str]) -> tuple[list[dict], dict[str, Any]]:
    pipeline = Pipeline()
    decoder = Decoder(multipart_timeout_s=pipeline.settings.decode.multipart_timeout_s)
    alerts: list[Alert] = []
    for msg in read_messages(paths, decoder=decoder):
        alerts += pipeline.process(msg)
    alerts += pipeline.finish()
    return [a.to_dict() for a in alerts], _stats(pipeline)


def _batched(paths: list[str], batch_size: int) -> tuple[list[dict], dict[str, Any]]:
    pipeline = Pipeline()
    result = replay(paths, pipeline, speed=None, batch_size=batch_size)
    return [a.to_dict() for a in result.alerts], _stats(pipeline)


def _assert_same(paths: list[str], batch_size: int) -> int:
    expected_alerts, expected_stats = _one_by_one(paths)
    alerts, stats = _batched(paths, batch_size)
    assert stats == expected_stats
    assert len(alerts) == len(expected_alerts)
    for got, want in zip(alerts, expected_alerts, strict=True):
        assert got == want
    return len(alerts)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_batch_replay_of_each_scenario_equals_message_by_message(path: Path) -> None:
    records = _assert_same([str(path)], batch_size=97)
    if path.stem in {"eagle_s", "spoofing", "identity_swap"}:
        assert records > 0, "an incident scenario must raise alerts, or the comparison means nothing"


def test_batch_replay_of_the_real_samples_equals_message_by_message() -> None:
    assert SAMPLES, "samples/ is part of the repository"
    _assert_same([str(p) for p in SAMPLES], batch_size=1000)


def test_batch_replay_of_a_generated_feed_equals_message_by_message(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))  # benchmarks/ is not an installed package
    from benchmarks.feed import generate

    feed = tmp_path / "feed.nmea"
    feed.write_bytes(generate(6000, seed=11))
    _assert_same([str(feed)], batch_size=513)


def test_batch_of_one_message_at_a_time_is_the_same_as_process() -> None:
    paths = [str(next(p for p in SCENARIOS if p.stem == "spoofing"))]
    messages = list(read_messages(paths))
    single, batched = Pipeline(), Pipeline()
    expected = [a.to_dict() for m in messages for a in single.process(m)]
    got: list[dict] = []
    for start in range(0, len(messages), 3):
        got += [a.to_dict() for a in batched.process_batch(messages[start : start + 3])]
    assert got == expected
    assert _stats(batched) == _stats(single)
