"""Train the learned risk fusion on the scenario library, with real and simulated normal traffic.

Rows: every replay goes through the real :class:`~seawarden.pipeline.Pipeline`; the risk model's
observer snapshots the fusion features (and the rules' score) at every risk update, which is where
the learned score would be used at run time. Ordinary traffic rarely triggers a risk update (no area,
no event), so every vessel that is *not* an incident vessel is also snapshotted every
:data:`SNAPSHOT_EVERY_S` of its own event time; without that the negatives would only be vessels
that entered an area.

Labels: 1 for a scenario's incident vessels (an MMSI with an ``[[expect]]``) at and after the
earliest onset of its expectations, 0 for everything else (controls, background ships, incident
vessels before their onset, real traffic, simulated normal traffic).

Honest numbers: leave-one-group-out cross-validation, one group per scenario and per negative
source, so a scenario is never scored by a model that saw it; the out-of-fold logits (with the
held-out normal rows copied with risky identities) also fit the calibration of the final model and
its ceiling on normal rows (:func:`seawarden.model.fusion.fit`). Classes are balanced; normal rows
are augmented with incident identities inside every fit; everything is seeded.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from seawarden.model.fusion import FEATURES, FusionModel, augment_identities, fit, risky_identities, to_matrix

log = logging.getLogger(__name__)

SNAPSHOT_EVERY_S = 600.0
#: Simulated normal traffic: this many seeded runs of every background preset go into training.
TRAIN_NORMAL_RUNS = 2
#: Offset between the seeds of training and evaluation runs of simulated normal traffic.
EVAL_SEED_OFFSET = 10_000
OBSERVED_GAP_CAP_S = 600.0

Progress = Callable[[str], None] | None


@dataclass
class Rows:
    """Labelled feature snapshots; ``groups`` name the source for grouped cross-validation."""

    features: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    rules_risk: list[float] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        self.features += other.features
        self.labels += other.labels
        self.groups += other.groups
        self.rules_risk += other.rules_risk

    def __len__(self) -> int:
        return len(self.labels)


@dataclass
class StreamRun:
    """What one replay produced: alerts (every version), rows, and observed hours per vessel."""

    alerts: list[Any]
    rows: Rows
    hours: dict[int, float]


@dataclass(frozen=True)
class Source:
    """One replayable input: a scenario (with its incident onsets) or a negative-only stream."""

    group: str
    messages: list[Any]
    scenario: Any = None  # seawarden.simulate.scenario.Scenario for the scenario library
    onsets: dict[int, float] = field(default_factory=dict)  # incident MMSI -> earliest onset


def incident_onsets(scenario: Any) -> dict[int, float]:
    """Incident MMSI -> earliest onset among its expectations."""
    out: dict[int, float] = {}
    for expect in scenario.spec.expect:
        t = scenario.onsets[expect.mmsi][expect.onset]
        out[expect.mmsi] = min(out.get(expect.mmsi, t), t)
    return out


def scenario_sources(directory: Path, names: Sequence[str] | None = None) -> list[Source]:
    """Every scenario of ``directory`` (or the named ones) as a replayable source."""
    from seawarden.simulate.library import load, nmea_path, scenario_names
    from seawarden.sources import read_messages

    out = []
    for name in names or scenario_names(directory):
        scenario = load(name, directory)
        messages = list(read_messages([str(nmea_path(name, directory))]))
        out.append(Source(name, messages, scenario, incident_onsets(scenario)))
    return out


def file_source(path: str) -> Source:
    """A recording of real traffic; a file that cannot be read is logged and yields no messages."""
    from seawarden.decode import Decoder
    from seawarden.sources import read_messages
    from seawarden.sources.files import SourceError

    decoder = Decoder()
    try:
        messages = list(read_messages([path], decoder=decoder))
    except SourceError as e:
        log.error("negative traffic %s skipped: %s", path, e)
        messages = []
    return Source(f"real:{Path(path).name}", messages)


def normal_traffic_source(seed: int) -> Source:
    """Simulated normal traffic: every background preset, start times jittered by ``seed``.

    Each run starts on a different day and shifts every ship by 0-3 h, and the seed drives the
    simulator's GNSS noise and report loss, so runs with different seeds are different tracks.
    """
    from seawarden.decode import Decoder
    from seawarden.simulate.background import background_vessels, preset_names
    from seawarden.simulate.generate import simulate
    from seawarden.simulate.library import build
    from seawarden.simulate.scenario import ScenarioSpec

    rng = np.random.default_rng(seed)
    vessels = [
        v.model_copy(update={"start_min": v.start_min + float(rng.uniform(0, 180))})
        for preset in preset_names()
        for v in background_vessels(preset)
    ]
    start = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=int(seed % 300), hours=int(rng.integers(0, 24)))
    spec = ScenarioSpec(
        name=f"simulated_normal_{seed}",
        title="SIMULATED normal traffic (background presets) used as negatives",
        seed=seed,
        start=start.isoformat().replace("+00:00", "Z"),
        vessels=vessels,
    )
    simulation = simulate(build(spec))
    decoder = Decoder(source="sim")
    messages = list(decoder.feed_lines(simulation.lines()))
    messages.extend(decoder.flush())
    return Source(f"simulated_normal:{seed}", messages)


def run_source(
    source: Source,
    *,
    settings: Any = None,
    fusion: FusionModel | None = None,
    shared: tuple[Any, Any] | None = None,
    collect: bool = True,
) -> StreamRun:
    """Replay ``source`` through a Pipeline; snapshot rows (``collect``) and every alert version."""
    from dataclasses import replace

    from seawarden.assess.assessor import WATCH_SCRATCH
    from seawarden.assess.risk import RiskModel
    from seawarden.pipeline import Pipeline

    geo, watchlist = shared if shared is not None else (None, None)
    pipeline = Pipeline(settings=settings, geo=geo, watchlist=watchlist)
    risk: RiskModel = pipeline.assessor.risk
    if fusion is not None:
        risk.fusion = fusion
    rows = Rows()
    onsets = source.onsets

    def observe(state: Any, now: float, features: dict[str, float], assessment: Any) -> None:
        onset = onsets.get(state.mmsi)
        rows.features.append(features)
        rows.labels.append(int(onset is not None and now >= onset))
        rows.groups.append(source.group)
        rows.rules_risk.append(float(assessment.rules_risk))

    if collect:
        risk.observer = observe
    alerts: list[Any] = []
    last_snapshot: dict[int, float] = {}
    last_seen: dict[int, float] = {}
    hours: dict[int, float] = {}
    for msg in source.messages:
        previous = last_seen.get(msg.mmsi)
        if previous is not None and msg.timestamp > previous:
            hours[msg.mmsi] = (
                hours.get(msg.mmsi, 0.0) + min(msg.timestamp - previous, OBSERVED_GAP_CAP_S) / 3600
            )
        last_seen[msg.mmsi] = max(previous or msg.timestamp, msg.timestamp)
        alerts.extend(replace(a) for a in pipeline.process(msg))
        if not collect or msg.mmsi in onsets:
            continue
        state = pipeline.tracker.get(msg.mmsi)
        if state is None or state.last is None:
            continue
        now = pipeline.now or msg.timestamp
        if now - last_snapshot.get(msg.mmsi, -np.inf) >= SNAPSHOT_EVERY_S:
            last_snapshot[msg.mmsi] = now
            cached = state.scratch.get(WATCH_SCRATCH)
            risk.assess(state, now, cached[1] if cached is not None else None)  # the observer records it
    alerts.extend(replace(a) for a in pipeline.finish())
    risk.observer = None
    return StreamRun(alerts=alerts, rows=rows, hours=hours)


def shared_context() -> tuple[Any, Any]:
    """Geography and watch-list are read-only: load them once for every replay."""
    from seawarden.geo import GeoContext
    from seawarden.watchlist import Watchlist

    return GeoContext.default(), Watchlist.default()


def grouped_oof_logits(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, *, folds: int | None = None, seed: int = 0
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Out-of-fold logits: leave one group out, or ``folds`` folds of whole groups (round robin).

    Returns the logits of the rows (NaN where a fold had one class only) and the calibration set:
    those logits plus the held-out normal rows copied with risky identities drawn from the
    *training* fold's incident vessels (:func:`~seawarden.model.fusion.augment_identities`), so the
    calibration sees shadow-fleet identities behaving normally as well.
    """
    logits = np.full(len(y), np.nan)
    extra_z: list[np.ndarray] = []
    names = sorted(set(groups.tolist()))
    fold_of = {g: (str(i % folds) if folds else g) for i, g in enumerate(names)}
    fold = np.asarray([fold_of[g] for g in groups.tolist()])
    for group in sorted(set(fold_of.values())):
        test = fold == group
        train_mask = ~test
        if len(set(y[train_mask].tolist())) < 2:
            continue
        model = fit(x[train_mask], y[train_mask], groups=groups[train_mask], seed=seed)
        logits[test] = x[test] @ model.weights + model.intercept
        pool = risky_identities(x[train_mask], y[train_mask])
        normal = test & (y == 0)
        copies, _, _ = augment_identities(x[normal], y[normal], groups[normal], pool, seed=seed)
        extra_z.append(copies[int(normal.sum()) :] @ model.weights + model.intercept)
    known = ~np.isnan(logits)
    extra = np.concatenate(extra_z) if extra_z else np.zeros(0)
    z = np.concatenate([logits[known], extra])
    labels = np.concatenate([y[known], np.zeros(len(extra), dtype=y.dtype)])
    return logits, (z, labels)


def row_metrics(y: np.ndarray, learned: np.ndarray, rules: np.ndarray) -> dict[str, Any]:
    """Row-level out-of-sample comparison of learned and rules scores (both 0-100)."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    out: dict[str, Any] = {"rows": len(y), "positives": int(y.sum())}
    if len(set(y.tolist())) < 2:
        return out  # no ranking metric is defined on one class
    for name, score in (("learned", learned), ("rules", rules)):
        stats: dict[str, Any] = {
            "roc_auc": round(float(roc_auc_score(y, score)), 4),
            "average_precision": round(float(average_precision_score(y, score)), 4),
        }
        for threshold in (40.0, 65.0):
            flagged = score >= threshold
            tp = int((flagged & (y == 1)).sum())
            stats[f"precision_at_{threshold:.0f}"] = round(tp / max(int(flagged.sum()), 1), 4)
            stats[f"recall_at_{threshold:.0f}"] = round(tp / max(int(y.sum()), 1), 4)
        out[name] = stats
    return out


def train(
    out: Path,
    *,
    scenarios: Path,
    negatives: Sequence[str],
    normalcy: Path | None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Collect rows, cross-validate by scenario, fit the final calibrated model and save it to ``out``.

    ``normalcy``: a normal-traffic model; when given, the ``traffic_anomaly`` detector runs during the
    replays so its evidence is a feature (see :func:`seawarden.model.evaluate.settings_with_normalcy`).
    Returns a summary (data used, row counts, out-of-fold metrics of learned vs rules).
    """
    from seawarden.model.evaluate import settings_with_normalcy

    say = progress or (lambda _msg: None)
    settings, normalcy_note = settings_with_normalcy(normalcy)
    if normalcy_note:
        say(normalcy_note)
    shared = shared_context()
    rows = Rows()
    sources = scenario_sources(Path(scenarios))
    if not sources:
        raise ValueError(f"no scenarios (*.toml with .nmea) in {scenarios}")
    sources += [file_source(str(p)) for p in negatives]
    sources += [normal_traffic_source(seed * 1000 + k) for k in range(TRAIN_NORMAL_RUNS)]
    counts: dict[str, dict[str, int]] = {}
    for source in sources:
        run = run_source(source, settings=settings, shared=shared)
        rows.extend(run.rows)
        counts[source.group] = {"rows": len(run.rows), "positives": int(sum(run.rows.labels))}
        say(f"{source.group}: {len(run.rows)} rows, {sum(run.rows.labels)} incident")
    model, summary = fit_rows(rows, seed=seed)
    summary["data"] = {
        "scenarios": [s.group for s in sources if s.scenario is not None],
        "real_negatives": [str(p) for p in negatives],
        "simulated_normal_seeds": [seed * 1000 + k for k in range(TRAIN_NORMAL_RUNS)],
        "normalcy_model": str(normalcy) if normalcy is not None and not normalcy_note else None,
        "rows_per_group": counts,
    }
    model.meta.update(
        {
            "seed": seed,
            "data": summary["data"],
            "metrics_out_of_fold": summary["out_of_fold"],
            "trained": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "event_weights": settings.assess.risk.event_weights,
        }
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    summary["model"] = str(out)
    say(f"saved {out}")
    return summary


def fit_rows(rows: Rows, *, seed: int = 0, folds: int | None = None) -> tuple[FusionModel, dict[str, Any]]:
    """Out-of-fold logits (leave one group out, or ``folds`` grouped folds), their metrics, then the
    final Platt-calibrated model on all rows."""
    import sklearn

    np.random.seed(seed)  # lbfgs is deterministic; kept so any future stochastic solver is seeded too
    x = to_matrix(rows.features)
    y = np.asarray(rows.labels, dtype=np.int64)
    groups = np.asarray(rows.groups)
    logits, calibration = grouped_oof_logits(x, y, groups, folds=folds, seed=seed)
    known = ~np.isnan(logits)
    oof_risk = 100.0 / (1.0 + np.exp(-logits[known]))
    summary: dict[str, Any] = {
        "out_of_fold": row_metrics(y[known], oof_risk, np.asarray(rows.rules_risk)[known]),
        "sklearn": sklearn.__version__,
    }
    model = fit(x, y, groups=groups, calibration=calibration, seed=seed, meta={"features": list(FEATURES)})
    weights = sorted(zip(FEATURES, model.weights.tolist(), strict=True), key=lambda kv: -abs(kv[1]))
    summary["weights"] = {name: round(w, 3) for name, w in weights}
    summary["intercept"] = round(model.intercept, 3)
    return model, summary
