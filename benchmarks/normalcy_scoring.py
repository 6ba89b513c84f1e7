"""Cost per message of the normal-traffic model: batch scoring and the detector's per-fix path.

Why: the issue's target is under 5 microseconds per message amortised in batches (history
re-scoring, evaluation); the live detector scores one fix at a time, so its cost is printed too.
Positions are drawn half from the model's own cells (the lanes, where real traffic is) and half
uniformly over the Baltic and North Sea box (unseen cells: the back-off path).

    .venv/bin/python -m benchmarks.normalcy_scoring [--n 200000] [--batch 10000]
"""

from __future__ import annotations

import argparse
import time

import h3.api.numpy_int as h3
import numpy as np

from seawarden.model.normalcy import GROUPS, NormalcyModel, WindowScorer, default_model_path


def sample(model: NormalcyModel, n: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([h3.cell_to_latlng(int(c)) for c in model.cell_ids])
    half = n // 2
    pick = centres[rng.integers(0, len(centres), half)] + rng.normal(0, 0.01, (half, 2))
    uniform = np.column_stack([rng.uniform(53, 61, n - half), rng.uniform(3, 30, n - half)])
    latlon = np.vstack([pick, uniform])
    return {
        "lat": latlon[:, 0],
        "lon": latlon[:, 1],
        "sog": rng.gamma(3.0, 3.0, n),
        "cog": rng.uniform(0, 360, n),
        "group": rng.integers(0, len(GROUPS), n),
    }


def bench_batch(model: NormalcyModel, data: dict[str, np.ndarray], batch: int) -> float:
    """Microseconds per message of :meth:`NormalcyModel.score_batch` over the whole sample."""
    n = len(data["lat"])
    start = time.perf_counter()
    for i in range(0, n, batch):
        s = slice(i, i + batch)
        model.score_batch(data["lat"][s], data["lon"][s], data["sog"][s], data["cog"][s], data["group"][s])
    return (time.perf_counter() - start) / n * 1e6


def bench_per_fix(model: NormalcyModel, data: dict[str, np.ndarray], vessels: int = 500) -> float:
    """Microseconds per fix of the detector's path: window push + conformal p-value."""
    n = len(data["lat"])
    scorers = [WindowScorer() for _ in range(vessels)]
    lat, lon, sog, cog = (data[k].tolist() for k in ("lat", "lon", "sog", "cog"))
    group = data["group"].tolist()
    start = time.perf_counter()
    for i in range(n):
        window = scorers[i % vessels].push(
            model, 30.0 * (i // vessels), lat[i], lon[i], sog[i], cog[i], group[i]
        )
        if window is not None:
            model.p_value(window)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="messages to score")
    parser.add_argument("--batch", type=int, default=10_000, help="batch size for score_batch")
    args = parser.parse_args()
    start = time.perf_counter()
    model = NormalcyModel.load(default_model_path())
    print(f"model load         {time.perf_counter() - start:8.2f} s  ({len(model.cell_ids):,} cells)")
    data = sample(model, args.n)
    bench_batch(model, {k: v[:1000] for k, v in data.items()}, args.batch)  # warm-up
    batch_us = bench_batch(model, data, args.batch)
    fix_us = bench_per_fix(model, data)
    print(f"batch scoring      {batch_us:8.2f} us/message  (batches of {args.batch:,}; target < 5)")
    print(f"detector per fix   {fix_us:8.2f} us/message  (window push + p-value, one fix at a time)")


if __name__ == "__main__":
    main()
