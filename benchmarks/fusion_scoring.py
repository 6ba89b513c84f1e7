"""Cost of the learned risk fusion per assessment (target: under 5 µs amortised in batches).

Run: ``.venv/bin/python -m benchmarks.fusion_scoring [--rows 100000] [--model PATH]``

Measured, all on the same model (the packaged default unless ``--model``):

1. *Batch scoring*: :meth:`FusionModel.score_batch` over a dense feature matrix in batches of 1,000
   and of all rows: µs per assessment, amortised (the target).
2. *Batch with conversion*: the same, including turning sparse feature dicts into the matrix
   (:func:`to_matrix`), as a batch job that starts from snapshots would.
3. *Single call*: :meth:`FusionModel.risk` and :meth:`FusionModel.explain` on one sparse dict, as
   the live risk model does per assessment.
4. *Whole assessment*: ``RiskModel.assess`` in rules mode and in learned mode on a vessel with
   behaviour evidence: what the fusion adds to the per-event cost of the pipeline.

Rows are drawn like the risk updates of the scenario library: mostly a few context features, some
with prior factors, a few with behaviour evidence.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable without installing

from seawarden.model.fusion import (
    BEHAVIOUR_KINDS,
    DEFAULT_MODEL_PATH,
    FEATURES,
    PRIOR_FACTORS,
    FusionModel,
    load_fusion,
    to_matrix,
)


def sample_rows(n: int, seed: int = 7) -> list[dict[str, float]]:
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        row: dict[str, float] = {}
        if rng.random() < 0.7:
            row["in_area"] = 1.0
        if rng.random() < 0.6:
            row["near_asset"] = 1.0
        if rng.random() < 0.3:
            row[PRIOR_FACTORS[rng.integers(len(PRIOR_FACTORS))]] = float(rng.uniform(0.05, 0.55))
        if rng.random() < 0.2:
            row[BEHAVIOUR_KINDS[rng.integers(len(BEHAVIOUR_KINDS))]] = float(rng.uniform(0.05, 0.8))
        rows.append(row)
    return rows


def per_item_us(fn: Callable[[], object], items: int, repeat: int = 5) -> float:
    """Best of ``repeat`` runs of ``fn`` (which handles ``items`` items), in µs per item."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / items * 1e6


def whole_assessment(model: FusionModel, calls: int) -> tuple[float, float]:
    from seawarden.assess.risk import RiskConfig, RiskModel
    from seawarden.track import Tracker
    from seawarden.types import AlertKind, Event, Message

    tracker = Tracker()
    t0 = 1_735_120_000.0
    state = tracker.update(
        Message(msg_type=1, mmsi=230123456, timestamp=t0, lat=59.6, lon=24.0, sog=8.0, cog=90.0)
    ).state
    state.areas = {"gulf-of-finland"}
    rules = RiskModel(RiskConfig(mode="rules"))
    learned = RiskModel(RiskConfig(mode="learned"), fusion=model)
    for risk in (rules, learned):
        risk.record(state, [Event(kind=AlertKind.ANCHOR_DRAG_SUSPECTED, mmsi=230123456, time=t0, score=0.8)])
        risk.record(state, [Event(kind=AlertKind.AIS_GAP, mmsi=230123456, time=t0, score=1.0)])

    def loop(risk: RiskModel) -> Callable[[], None]:
        def run() -> None:
            for i in range(calls):
                risk.assess(state, t0 + i)

        return run

    return per_item_us(loop(rules), calls), per_item_us(loop(learned), calls)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH)
    args = parser.parse_args(argv)
    model = load_fusion(args.model)
    rows = sample_rows(args.rows)
    x = to_matrix(rows)
    batch = 1000

    def batched() -> None:
        for start in range(0, len(x), batch):
            model.score_batch(x[start : start + batch])

    single = rows[: min(len(rows), 20_000)]
    results = {
        f"batch scoring, batches of {batch:,}": per_item_us(batched, len(x)),
        f"batch scoring, one batch of {len(x):,}": per_item_us(lambda: model.score_batch(x), len(x)),
        "batch incl. dict -> matrix conversion": per_item_us(
            lambda: model.score_batch(to_matrix(rows)), len(rows), repeat=2
        ),
        "single call, risk(dict)": per_item_us(lambda: [model.risk(r) for r in single], len(single)),
        "single call, explain(dict)": per_item_us(lambda: [model.explain(r) for r in single], len(single)),
    }
    rules_us, learned_us = whole_assessment(model, 20_000)
    results["RiskModel.assess, rules mode"] = rules_us
    results["RiskModel.assess, learned mode"] = learned_us
    print(f"learned risk fusion, {len(FEATURES)} features, model {args.model.name}, {len(rows):,} rows")
    for label, us in results.items():
        print(f"  {label:<44}{us:>9.3f} µs per assessment")
    amortised = results[f"batch scoring, batches of {batch:,}"]
    verdict = "meets" if amortised < 5.0 else "MISSES"
    print(f"target < 5 µs amortised in batches: {verdict} ({amortised:.3f} µs)")
    print(
        f"learned mode adds {learned_us - rules_us:.2f} µs to one assessment "
        f"({rules_us:.2f} -> {learned_us:.2f})"
    )


if __name__ == "__main__":
    main()
