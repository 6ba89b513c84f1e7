"""The traffic-anomaly detector: fires on a track unusual for the place, explains it, stays quiet
on normal traffic, in port and at anchor, and disables itself cleanly without a usable model."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from seawarden.assess.assessor import DETECTOR_CLASSES
from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.config import AssessConfig
from seawarden.assess.detectors.traffic import TrafficAnomalyConfig, TrafficAnomalyDetector
from seawarden.model.train_normalcy import train
from seawarden.track import Tracker
from seawarden.types import AlertKind, Message
from tests.model.test_normalcy import lane_track, write_lane_parquet


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("traffic")
    history = write_lane_parquet(folder / "lane.parquet", vessels=600)
    out = folder / "lane.npz"
    train([str(history)], out, seed=3, simulated_hours=0)
    return out


def _feed(
    detector: TrafficAnomalyDetector,
    track: list[tuple],
    mmsi: int,
    *,
    ship_type: int = 70,
    nav_status: int = 0,
    port: object | None = None,
) -> list:
    tracker = Tracker()
    env = AssessEnv(geo=None, tracker=tracker)  # type: ignore[arg-type]  # the detector needs no geography
    tracker.update(Message(msg_type=5, mmsi=mmsi, timestamp=track[0][0] - 1, ship_type=ship_type))
    events = []
    for t, lat, lon, sog, cog, *_ in track:
        msg = Message(
            msg_type=1, mmsi=mmsi, timestamp=t, lat=lat, lon=lon, sog=sog, cog=cog, nav_status=nav_status
        )
        update = tracker.update(msg)
        situation = Situation(update=update, state=update.state, fix=update.fix, now=t, port=port)  # type: ignore[arg-type]
        events += detector.check(situation, env)
    return events


def _detector(model_path: Path, **config) -> TrafficAnomalyDetector:
    detector = TrafficAnomalyDetector(TrafficAnomalyConfig(model_path=str(model_path), **config))
    assert detector.model is not None
    return detector


def test_quiet_on_normal_lane_traffic(model_path: Path) -> None:
    detector = _detector(model_path)
    rng = np.random.default_rng(11)
    events = [e for i in range(30) for e in _feed(detector, lane_track(rng, i, n=40), 219_500_000 + i)]
    assert events == []


def test_fires_once_on_a_slow_track_across_the_lane_and_explains_it(model_path: Path) -> None:
    detector = _detector(model_path)
    track = lane_track(np.random.default_rng(12), 1, n=40, sog=2.0, cog=0.0)
    events = _feed(detector, track, 219_600_001)
    assert len(events) == 1  # one episode: not re-emitted while the score does not rise
    event = events[0]
    assert event.kind is AlertKind.TRAFFIC_ANOMALY and 0.25 <= event.score <= 0.55
    detail = event.detail
    assert detail["p_value"] < detail["alpha"] == 1e-3
    assert detail["window_fixes"] == 10 and detail["ship_type_group"] == "cargo"
    unusual = detail["unusual"]
    assert unusual and all(u["level"] == "cell" for u in unusual)
    assert {u["observed_speed"] for u in unusual} <= {"2-3 kn", "1-2 kn"}
    assert {u["usual"][0]["speed"] for u in unusual} <= {"10-12 kn", "12-14 kn"}
    assert "unusual for cargo vessels" in event.explanation and "usual is" in event.explanation
    # It fires at the first full window: 10 fixes 30 s apart.
    assert event.time == pytest.approx(track[9][0])


def test_needs_the_configured_evidence(model_path: Path) -> None:
    track = lane_track(np.random.default_rng(13), 1, n=25, sog=2.0, cog=0.0)
    assert _feed(_detector(model_path, min_fixes=30), track, 219_600_002) == []
    assert _feed(_detector(model_path, min_duration_s=3600), track, 219_600_003) == []
    assert _feed(_detector(model_path, alpha=1e-9), track, 219_600_004) == []


def test_not_scored_in_port_or_at_anchor(model_path: Path) -> None:
    detector = _detector(model_path)
    track = lane_track(np.random.default_rng(14), 1, n=40, sog=2.0, cog=0.0)
    assert _feed(detector, track, 219_600_005, port=object()) == []
    assert _feed(detector, track, 219_600_006, nav_status=1) == []
    assert _feed(detector, track, 219_600_007, nav_status=5) == []


@pytest.mark.parametrize("content", [None, b"not a model"])
def test_missing_or_corrupt_model_disables_the_detector(tmp_path: Path, caplog, content) -> None:
    path = tmp_path / "model.npz"
    if content is not None:
        path.write_bytes(content)
    with caplog.at_level(logging.ERROR, logger="seawarden.assess.detectors.traffic"):
        detector = TrafficAnomalyDetector(TrafficAnomalyConfig(model_path=str(path)))
    assert detector.model is None
    assert [r.message for r in caplog.records if "traffic_anomaly detector disabled" in r.message]
    track = lane_track(np.random.default_rng(15), 1, n=20, sog=2.0, cog=0.0)
    assert _feed(detector, track, 219_600_008) == []


def test_enabled_by_default_with_the_packaged_model() -> None:
    assert "traffic_anomaly" in AssessConfig().enabled
    detector = DETECTOR_CLASSES["traffic_anomaly"](AssessConfig().traffic_anomaly)
    assert detector.model is not None and detector.model_name == "normalcy-default.npz"
