"""The live worker decodes runs of queued lines in batches: the same alerts as line by line.

The worker hands long runs of one source's lines to the vectorised fast decoder and short ones to
the reference decoder's ``feed_line``; both drive one reference decoder, so multipart groups and
statistics carry across batches and across the two paths. Compared here against a pipeline fed by
``Decoder.feed_line`` one line at a time: every alert record, the decoder's statistics and the
pipeline's counters.
"""

from __future__ import annotations

import dataclasses
import queue
from pathlib import Path
from typing import Any

import pytest

from seawarden.decode import Decoder
from seawarden.pipeline import Pipeline
from seawarden.service import worker as worker_module
from seawarden.service.live import TrackerLiveView
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.worker import EndOfInput, PipelineWorker, RawLine, WorkItem
from seawarden.sources import read_messages
from seawarden.types import Alert

ROOT = Path(__file__).resolve().parents[2]
EAGLE_S = ROOT / "scenarios" / "eagle_s.nmea"
SAMPLE = ROOT / "samples" / "dma-2010-06-11.nmea"


class _Recorder:
    """Stands in for the store/hub recorder: keeps what the worker records."""

    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    def record(self, alert: Alert) -> None:
        self.alerts.append(alert)


def _reference(items: list[WorkItem]) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Alert records, decoder stats and pipeline stats of feeding every line through ``feed_line``."""
    pipeline = Pipeline()
    decoder = Decoder(multipart_timeout_s=pipeline.settings.decode.multipart_timeout_s)
    alerts: list[Alert] = []
    for item in items:
        messages = decoder.feed_line(item.line, item.source) if isinstance(item, RawLine) else [item]
        for msg in messages:
            alerts += pipeline.process(msg)
    alerts += pipeline.finish()
    return _records(alerts), dataclasses.asdict(decoder.stats), dataclasses.asdict(pipeline.stats)


def _through_worker(
    items: list[WorkItem], *, fast: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any], ServiceMetrics]:
    pipeline = Pipeline()
    decoder = Decoder(multipart_timeout_s=pipeline.settings.decode.multipart_timeout_s)
    work: queue.Queue[WorkItem] = queue.Queue()
    for item in items:  # queued before the worker starts: every batch is full and cuts through groups
        work.put(item)
    work.put(EndOfInput())
    recorder = _Recorder()
    metrics = ServiceMetrics()
    worker = PipelineWorker(
        pipeline,
        decoder,
        TrackerLiveView(pipeline.tracker),
        recorder,  # type: ignore[arg-type]
        metrics,
        work,
        fast_decode=fast,
    )
    worker.start()
    assert worker.finished.wait(120), "the worker did not finish"
    assert worker.failed is None
    return (
        _records(recorder.alerts),
        dataclasses.asdict(decoder.stats),
        dataclasses.asdict(pipeline.stats),
        metrics,
    )


def _records(alerts: list[Alert]) -> list[dict[str, Any]]:
    return [alert.to_dict() for alert in alerts]


def _lines(path: Path, source: str) -> list[WorkItem]:
    return [RawLine(line, source) for line in path.read_text().splitlines()]


@pytest.fixture(autouse=True)
def _odd_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of an odd size end inside multipart groups and inside fast-decoded runs."""
    monkeypatch.setattr(worker_module, "BATCH", 97)


@pytest.mark.parametrize("fast", [True, False])
def test_batched_decoding_equals_line_by_line(fast: bool) -> None:
    items = _lines(EAGLE_S, "tcp:eagle")
    want = _reference(items)
    got = _through_worker(items, fast=fast)
    assert want[0], "the scenario must raise alerts, or the comparison proves little"
    assert got[:3] == want


def test_interleaved_sources_short_runs_and_messages_keep_queue_order() -> None:
    """Runs of different lengths from two feeds, with decoded messages (a file source) between them."""
    eagle = _lines(EAGLE_S, "tcp:eagle")
    sample = _lines(SAMPLE, "udp:dma")
    decoded = list(read_messages([str(SAMPLE)]))[:300]
    items: list[WorkItem] = []
    sizes = [1, 5, 40, 200, 3, 64, 31, 32, 500]
    i = j = k = 0
    turn = 0
    while i < len(eagle) or j < len(sample):
        size = sizes[turn % len(sizes)]
        items += eagle[i : i + size]
        i += size
        items += sample[j : j + size // 2 + 1]
        j += size // 2 + 1
        items += decoded[k : k + 2]
        k += 2
        turn += 1
    want = _reference(items)
    got = _through_worker(items)
    assert got[:3] == want


def test_a_failing_fast_path_costs_speed_not_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug in the fast decoder")

    monkeypatch.setattr(worker_module.FastDecoder, "decode_buffer", broken)
    items = _lines(EAGLE_S, "tcp:eagle")
    want = _reference(items)
    records, decode_stats, pipeline_stats, metrics = _through_worker(items)
    assert (records, decode_stats, pipeline_stats) == want
    assert metrics.get("fast_decode_errors") > 0
