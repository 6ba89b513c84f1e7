"""Vessel snapshots are saved a slice at a time, spread over the interval, and none is lost."""

import asyncio
import time

import pytest

from seawarden.config import Settings
from seawarden.pipeline import Pipeline
from seawarden.service import Runtime, ServeSettings
from seawarden.service.live import TrackerLiveView
from seawarden.store import open_store
from seawarden.types import Message, TimeSource

MMSIS = range(219_000_000, 219_002_500)


def _runtime(tmp_path, monkeypatch: pytest.MonkeyPatch, interval_s: float) -> Runtime:
    monkeypatch.setattr("seawarden.service.runtime.SNAPSHOT_SLICE", 1000)
    serve = ServeSettings(http_enabled=False, sources=[], vessel_snapshot_interval_s=interval_s)
    runtime = Runtime(Settings(data_dir=tmp_path), serve)
    runtime.store = open_store(f"sqlite:///{tmp_path / 'sw.db'}")
    pipeline = Pipeline()
    runtime.live = TrackerLiveView(pipeline.tracker)
    for k, mmsi in enumerate(MMSIS):
        message = Message(
            msg_type=1, mmsi=mmsi, timestamp=1_700_000_000.0 + k / 100, time_source=TimeSource.TAG_BLOCK,
            source="test", lat=55.0 + k / 10_000, lon=12.0, sog=9.0, cog=10.0,
        )  # fmt: skip
        pipeline.process(message)
        runtime.live.touched(pipeline.tracker.get(mmsi))
    return runtime


def test_a_round_is_saved_in_slices_spread_over_half_the_interval(tmp_path, monkeypatch) -> None:
    runtime = _runtime(tmp_path, monkeypatch, interval_s=1.2)
    started = time.perf_counter()
    asyncio.run(runtime._save_vessels())
    elapsed = time.perf_counter() - started
    assert runtime.metrics.get("vessel_snapshots_saved") == len(MMSIS)
    assert elapsed >= 0.4  # three slices, two pauses of 0.2 s: not one burst
    assert runtime.live.unsaved_count() == 0
    assert all(runtime.store.vessel(m) is not None for m in (MMSIS[0], MMSIS[1234], MMSIS[-1]))


def test_a_round_cut_short_leaves_the_rest_for_the_shutdown_save(tmp_path, monkeypatch) -> None:
    runtime = _runtime(tmp_path, monkeypatch, interval_s=60.0)

    async def cut_short() -> None:
        task = asyncio.create_task(runtime._save_vessels())
        while runtime.metrics.get("vessel_snapshots_saved") == 0:
            await asyncio.sleep(0.01)
        task.cancel()  # the service stops during the pause after the first slice
        await asyncio.gather(task, return_exceptions=True)
        assert runtime.live.unsaved_count() == len(MMSIS) - 1000
        await runtime._save_vessels(spread=False)

    asyncio.run(cut_short())
    assert runtime.metrics.get("vessel_snapshots_saved") == len(MMSIS)
    assert runtime.store.vessel(MMSIS[-1]) is not None
