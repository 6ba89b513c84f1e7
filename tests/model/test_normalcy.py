"""The normal-traffic model: fit on a synthetic lane with a known distribution, then check scores.

The synthetic world: one two-way lane at 57.0 N, 10.0-10.6 E, cargo ships at 12 +- 1 kn heading
090 or 270. A track doing that is normal; a 2 kn northbound track in the lane is not. The helpers
here are shared with the detector and CLI tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from seawarden.model import ModelFile, ModelFileError, save_model
from seawarden.model.normalcy import (
    GROUP_INDEX,
    NormalcyModel,
    _tail_surprise,
    bin_of,
    bin_scalar,
    default_model_path,
    window_scores,
)
from seawarden.model.train_normalcy import read_tracks, simulate_tracks, train

LANE_LAT = 57.0
STEP_S = 30.0
KN_DEG_LON = 1852.0 / 3600.0 / (111_320.0 * np.cos(np.radians(LANE_LAT)))  # deg lon per s at 1 kn
CARGO = GROUP_INDEX["cargo"]


def lane_track(
    rng: np.random.Generator, mmsi: int, n: int = 40, sog: float = 12.0, cog: float | None = None
) -> list[tuple]:
    """(t, lat, lon, sog, cog, nav_status, group) fixes of one vessel along the lane."""
    heading = cog if cog is not None else float(rng.choice([90.0, 270.0]))
    speed = float(rng.normal(sog, 1.0)) if cog is None else sog
    lat = LANE_LAT + float(rng.normal(0, 0.005))
    lon = float(rng.uniform(10.1, 10.5))
    t0 = float(rng.uniform(0, 3600))
    east = np.sin(np.radians(heading))
    north = np.cos(np.radians(heading))
    out = []
    for i in range(n):
        t = t0 + i * STEP_S
        out.append((t, lat, lon, max(0.0, speed + float(rng.normal(0, 0.3))), heading, 0, CARGO))
        lon += east * speed * KN_DEG_LON * STEP_S
        lat += north * speed * 1852.0 / 3600.0 / 111_320.0 * STEP_S
    return out


def write_lane_parquet(path: Path, vessels: int = 300, seed: int = 1, first_mmsi: int = 219_000_000) -> Path:
    """A Parquet history of ``vessels`` normal lane tracks (the ``--input`` format for history)."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list] = {
        k: [] for k in ("mmsi", "t", "lat", "lon", "sog", "cog", "nav_status", "ship_type")
    }
    for v in range(vessels):
        for t, lat, lon, sog, cog, nav, _g in lane_track(rng, first_mmsi + v):
            for key, value in zip(rows, (first_mmsi + v, t, lat, lon, sog, cog, nav, 70), strict=True):
                rows[key].append(value)
    pq.write_table(pa.table(rows), path)
    return path


@pytest.fixture(scope="module")
def lane_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[NormalcyModel, dict]:
    folder = tmp_path_factory.mktemp("lane")
    history = write_lane_parquet(folder / "lane.parquet", vessels=1000)
    out = folder / "lane.npz"
    metrics = train([str(history)], out, seed=3, simulated_hours=0)
    return NormalcyModel.load(out), metrics


def _p_min(model: NormalcyModel, track: list[tuple]) -> float:
    scores = window_scores(model, [track])
    assert len(scores), "the track must be long enough for a window"
    return float(model.p_values(scores).min())


def test_normal_track_is_usual_and_unusual_tracks_score_low_p(lane_model) -> None:
    model, _ = lane_model
    rng = np.random.default_rng(99)
    normal = [_p_min(model, lane_track(rng, 1)) for _ in range(20)]
    assert np.median(normal) > 0.2
    slow_north = _p_min(model, lane_track(rng, 2, sog=2.0, cog=0.0))
    fast_across = _p_min(model, lane_track(rng, 3, sog=12.0, cog=180.0))
    assert slow_north < 1e-2 and fast_across < 1e-2
    assert slow_north < min(normal) and fast_across < min(normal)


def test_calibration_false_alarm_rate_is_about_alpha(lane_model) -> None:
    """Windows of fresh normal vessels: the share with p < alpha is close to alpha (conformal).

    Windows of one vessel are strongly correlated (its speed is drawn once), so the effective
    calibration sample is the ~200 calibration vessels: hence the wide tolerance.
    """
    model, metrics = lane_model
    rng = np.random.default_rng(2024)
    scores = window_scores(model, [lane_track(rng, i) for i in range(300)])
    p = model.p_values(scores)
    for alpha, low, high in ((0.05, 1 / 3, 3.0), (0.2, 0.5, 1.5)):
        assert low * alpha <= float((p < alpha).mean()) <= high * alpha
    # The training run measured the same on its own held-back test vessels (from the Parquet input).
    assert metrics["test_real"]["windows"] > 500
    assert metrics["test_real"]["window_rate@0.01"] < 0.04


def test_training_is_reproducible_with_the_seed(tmp_path: Path, lane_model) -> None:
    history = write_lane_parquet(tmp_path / "h.parquet", vessels=120)
    a = train([str(history)], tmp_path / "a.npz", seed=5, simulated_hours=0)
    b = train([str(history)], tmp_path / "b.npz", seed=5, simulated_hours=0)
    c = train([str(history)], tmp_path / "c.npz", seed=6, simulated_hours=0)
    ma, mb, mc = (NormalcyModel.load(tmp_path / f"{x}.npz") for x in "abc")
    assert a == b
    np.testing.assert_array_equal(ma.null_scores, mb.null_scores)
    np.testing.assert_array_equal(ma.prob, mb.prob)
    assert not np.array_equal(ma.null_scores, mc.null_scores) or a != c  # another seed, another split


def test_simulated_normal_traffic_is_seeded() -> None:
    a, info_a = simulate_tracks(20, seed=4)
    b, _ = simulate_tracks(20, seed=4)
    assert a.keys() == b.keys() and all(a[k] == b[k] for k in a)
    assert info_a["vessel_hours"] >= 20 and info_a["templates"]


def test_back_off_in_unseen_cells(lane_model) -> None:
    model, _ = lane_model
    seen = model.row_of(model.cell_of(LANE_LAT, 10.3), CARGO)
    near = model.row_of(model.cell_of(LANE_LAT + 0.12, 10.3), CARGO)  # same parent, never visited
    far = model.row_of(model.cell_of(63.0, 20.0), CARGO)
    assert [model.level_of(r) for r in (seen, near, far)] == ["cell", "parent", "global"]
    # Far away only the type's speeds are known: 12 kn is usual in any direction, 2 kn is not.
    for cog in (0.0, 90.0, 200.0):
        assert model.surprise_one(63.0, 20.0, 12.0, cog, CARGO)[0] < 1.0
    assert model.surprise_one(63.0, 20.0, 2.0, 0.0, CARGO)[0] > 3.0
    # An unseen ship type in the lane: judged by the lane's courses, not flagged for existing.
    tanker = GROUP_INDEX["tanker"]
    assert model.surprise_one(LANE_LAT, 10.3, 12.0, 90.0, tanker)[0] < 1.5


def test_batch_and_per_fix_scores_agree(lane_model) -> None:
    model, _ = lane_model
    rng = np.random.default_rng(5)
    lat = LANE_LAT + rng.normal(0, 0.2, 200)
    lon = 10.3 + rng.normal(0, 0.3, 200)
    sog = rng.uniform(0, 25, 200)
    cog = rng.uniform(0, 360, 200)
    group = rng.integers(0, 8, 200)
    batch = model.surprise_batch(lat, lon, sog, cog, group)
    one = [model.surprise_one(*args)[0] for args in zip(lat, lon, sog, cog, group.tolist(), strict=True)]
    np.testing.assert_allclose(batch, one, rtol=1e-6)
    loglik = model.score_batch(lat, lon, sog, cog, group)
    assert loglik.shape == (200,) and np.all(loglik < 0) and np.all(np.isfinite(loglik))
    assert [bin_scalar(s, c) for s, c in zip(sog, cog, strict=True)] == bin_of(sog, cog).tolist()


def test_tail_surprise_is_the_mass_of_bins_at_most_as_likely() -> None:
    prob = np.array([[0.1, 0.2, 0.2, 0.5], [0.25, 0.25, 0.25, 0.25]])
    np.testing.assert_allclose(np.exp(-_tail_surprise(prob)), [[0.1, 0.5, 0.5, 1.0], [1, 1, 1, 1]], rtol=1e-6)


def test_bad_model_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="does not exist"):
        NormalcyModel.load(tmp_path / "missing.npz")
    other = save_model(
        tmp_path / "fusion.npz", ModelFile(kind="risk_fusion", schema=1, arrays={"w": np.ones(2)})
    )
    with pytest.raises(ModelFileError, match="'normalcy' model is needed"):
        NormalcyModel.load(other)
    hollow = save_model(
        tmp_path / "hollow.npz", ModelFile(kind="normalcy", schema=1, arrays={"w": np.ones(2)})
    )
    with pytest.raises(ModelFileError, match=r"cannot use.*retrain"):
        NormalcyModel.load(hollow)
    good = default_model_path().read_bytes()
    broken = tmp_path / "broken.npz"
    broken.write_bytes(good[: len(good) // 2])
    with pytest.raises(ModelFileError, match="not a readable"):
        NormalcyModel.load(broken)


def test_parquet_rows_with_bad_values_are_skipped(tmp_path: Path) -> None:
    table = pa.table(
        {
            "mmsi": [219000001, 219000001, 219000001],
            "timestamp": [1.0, 2.0, 3.0],
            "lat": [57.0, 95.0, 57.0],
            "lon": [10.0, 10.0, None],
            "sog": [12.0, 12.0, 12.0],
        }
    )
    pq.write_table(table, tmp_path / "x.parquet")
    tracks, info = read_tracks([str(tmp_path / "x.parquet")])
    assert len(tracks[219000001]) == 1 and info["skipped_rows"] == 2


def test_the_shipped_default_model_loads_and_says_what_it_was_trained_on() -> None:
    path = default_model_path()
    assert path.stat().st_size < 2_000_000
    model = NormalcyModel.load(path)
    data = model.meta["training_data"]
    assert data["simulated"]["vessel_hours"] > 1000 and data["real"]["fixes"] > 0
    assert model.meta["metrics"]["test_simulated"]["window_rate@0.001"] < 5e-3
