"""Map updates are built only while a subscriber wants vessels, and none is lost meanwhile."""

from typing import Any

from seawarden.config import Settings
from seawarden.pipeline import Pipeline
from seawarden.service import Runtime, ServeSettings
from seawarden.service.live import TrackerLiveView
from seawarden.types import Message, TimeSource


class _Hub:
    def __init__(self) -> None:
        self.wanted = False
        self.batches: list[list[dict[str, Any]]] = []

    def wants_vessels(self) -> bool:
        return self.wanted

    def publish_vessels(self, updates: list[dict[str, Any]]) -> None:
        self.batches.append(updates)

    def publish_alert(self, record: dict[str, Any]) -> None:
        pass


def _position(mmsi: int, t: float, lon: float) -> Message:
    return Message(
        msg_type=1, mmsi=mmsi, timestamp=t, time_source=TimeSource.TAG_BLOCK, source="test",
        lat=57.5, lon=lon, sog=10.0, cog=90.0,
    )  # fmt: skip


def test_vessel_updates_wait_for_a_subscriber(tmp_path) -> None:
    hub = _Hub()
    runtime = Runtime(Settings(data_dir=tmp_path), ServeSettings(http_enabled=False, sources=[]), hub=hub)
    pipeline = Pipeline()
    live = runtime.live = TrackerLiveView(pipeline.tracker)

    def feed(t: float) -> None:
        for mmsi in (219000001, 219000002, 219000003):
            pipeline.process(_position(mmsi, t, 11.0 + t / 10_000))
            with live.lock:
                live.touched(pipeline.tracker.get(mmsi))

    feed(1_700_000_000.0)
    runtime._publish_vessels()
    assert hub.batches == []  # no map open: nothing built, nothing sent
    feed(1_700_000_060.0)
    hub.wanted = True
    runtime._publish_vessels()
    (batch,) = hub.batches
    assert sorted(v["mmsi"] for v in batch) == [219000001, 219000002, 219000003]
    assert {v["time"] for v in batch} == {"2023-11-14T22:14:20Z"}  # the latest fix of each
    runtime._publish_vessels()
    assert len(hub.batches) == 1  # nothing changed since
