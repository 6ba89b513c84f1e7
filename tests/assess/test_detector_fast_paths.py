"""The detectors' fast paths give exactly the answers of the straightforward code they replace."""

import math
import random

import pytest

from seawarden.assess.detectors.kinematics import RollingSeries, weighted_median
from seawarden.model.normalcy import _SPEED_EDGES_LIST, COURSE_MIN_KN, N_COURSE, bin_scalar


def _weighted_median_reference(values: list[float], weights: list[float]) -> float | None:
    pairs = sorted((v, w) for v, w in zip(values, weights, strict=False) if w > 0)
    if not pairs:
        return None
    half = sum(w for _, w in pairs) / 2.0
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


def _bin_reference(sog: float, cog: float | None) -> int:
    s = 0
    for edge in _SPEED_EDGES_LIST:
        if sog >= edge:
            s += 1
        else:
            break
    c = N_COURSE if sog < COURSE_MIN_KN or cog is None or not 0.0 <= cog < 360.0 else int(cog // 30.0)
    return s * (N_COURSE + 1) + c


def _same(a: float | None, b: float | None) -> bool:
    return a == b or (a is not None and b is not None and math.isnan(a) and math.isnan(b))


def test_weighted_median_matches_the_filtering_reference() -> None:
    rng = random.Random(7)
    odd = [0.0, -1.0, math.nan, math.inf]
    for _ in range(20_000):
        n = rng.randint(0, 10)
        values = [round(rng.uniform(0, 12), rng.choice([0, 1, 3])) for _ in range(n)]
        weights = [rng.choice(odd) if rng.random() < 0.1 else rng.uniform(0, 60) for _ in range(n)]
        if rng.random() < 0.1:
            weights.append(rng.uniform(-1, 1))  # unequal lengths: zip truncates both ways alike
        assert _same(weighted_median(values, weights), _weighted_median_reference(values, weights))


def test_median_if_covered_is_covered_s_then_median() -> None:
    rng = random.Random(3)
    series = RollingSeries(12, 30.0, max_weight_s=60.0)
    t = 0.0
    for _ in range(2_000):
        t += rng.choice([0.0, 2.0, 10.0, 45.0, 400.0])
        series.add(t, rng.uniform(0, 15))
        since = t - rng.choice([60.0, 300.0, 900.0])
        need = rng.choice([0.0, 120.0, 600.0])
        expected = series.median(since) if series.covered_s(since) >= need else None
        assert series.median_if_covered(since, need) == expected


@pytest.mark.parametrize("cog", [None, math.nan, -1.0, 0.0, 359.99, 360.0, 123.4])
def test_bin_scalar_matches_the_edge_loop(cog: float | None) -> None:
    edges = _SPEED_EDGES_LIST
    speeds = [*edges, *(e - 1e-9 for e in edges), *(e + 1e-9 for e in edges)]
    for sog in [*speeds, 0.0, -1.0, math.nan, math.inf, 102.2, 7]:
        assert bin_scalar(sog, cog) == _bin_reference(sog, cog)
