"""Evaluation harness: rules vs rules + normal-traffic model vs learned fusion, on the SAME data.

Data: the scenario library (SIMULATED incidents with onset labels, controls and background ships),
held-back real recordings (``real``: never used to train the model evaluated here) and simulated
normal traffic from the background presets with seeds disjoint from the training seeds.

Modes, each replaying every source through :class:`~seawarden.pipeline.Pipeline`:

* ``rules``: the hand-set risk model (the default configuration);
* ``rules+normalcy``: plus the ``traffic_anomaly`` detector on a normal-traffic model (only when a
  model is given and this SeaWarden has the detector);
* ``learned``: the fusion model's score as the risk. On each scenario the model is a
  leave-one-scenario-out model trained (like the shipped one, calibration included) on the other
  scenarios and the training negatives, so scenario numbers are out of sample. On held-back traffic
  the model is ``fusion`` when given, else one trained here on every scenario.

Metrics: expectations met within their windows (recall) and the time from onset to the first
qualifying alert (:mod:`seawarden.simulate.expect`, exactly as tests/scenarios judge them);
precision = distinct alerts at >= medium on incident vessels / all distinct alerts at >= medium on
scenario vessels and negatives; forbidden hits (controls, background ships); false alarms per 1,000
observed vessel-hours at >= medium and >= high on scenario negatives, held-back real traffic and
simulated normal traffic.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seawarden.model.train_fusion import (
    EVAL_SEED_OFFSET,
    TRAIN_NORMAL_RUNS,
    Rows,
    Source,
    StreamRun,
    file_source,
    fit_rows,
    normal_traffic_source,
    run_source,
    scenario_sources,
    shared_context,
)
from seawarden.types import Severity

log = logging.getLogger(__name__)

EVAL_NORMAL_RUNS = 2
#: Leave-one-scenario-out models calibrate on 4 grouped folds, not leave-one-out (time: 4 fits, not 20).
EVAL_CALIBRATION_FOLDS = 4


def settings_with_normalcy(path: Path | None) -> tuple[Any, str | None]:
    """Default settings in rules mode; ``traffic_anomaly`` runs on ``path`` when given, else is off.

    Rules mode whatever the default: the ``rules`` columns must be the hand-set model, and training
    replays must not depend on the fusion model they are about to replace (the learned mode passes
    its model to :func:`~seawarden.model.train_fusion.run_source` explicitly).

    Returns (settings, note); the note says why the model was not used (None when it is, or when no
    model was asked for). Never raises: a missing detector or a bad config only skips the mode.
    """
    from seawarden.assess.config import AssessConfig
    from seawarden.config import Settings

    settings = Settings()
    data = settings.assess.model_dump()
    data["risk"] = {**(data.get("risk") or {}), "mode": "rules"}
    enabled = [d for d in data.get("enabled") or [] if d != "traffic_anomaly"]
    note = None
    if path is not None:
        if "traffic_anomaly" not in AssessConfig.model_fields:
            note = "normal-traffic model ignored: this SeaWarden has no traffic_anomaly detector"
        else:
            data["traffic_anomaly"] = {**(data.get("traffic_anomaly") or {}), "model_path": str(path)}
            enabled.append("traffic_anomaly")
    data["enabled"] = enabled
    try:
        assess = AssessConfig.model_validate(data)
    except (ValueError, TypeError) as e:
        data["enabled"] = [d for d in enabled if d != "traffic_anomaly"]
        data.pop("traffic_anomaly", None)
        assess = AssessConfig.model_validate(data)
        note = f"normal-traffic model ignored: traffic_anomaly could not be configured ({e})"
    return settings.model_copy(update={"assess": assess}), note


@dataclass
class ScenarioResult:
    met: int
    expected: int
    delays_min: list[float]
    forbidden: int

    @property
    def median_delay_min(self) -> float | None:
        return statistics.median(self.delays_min) if self.delays_min else None


@dataclass
class Rate:
    """Distinct alerts (highest severity) on negative vessels over their observed hours."""

    hours: float = 0.0
    medium: int = 0  # at >= medium
    high: int = 0  # at >= high

    def per_1000(self, count: int) -> float | None:
        return 1000.0 * count / self.hours if self.hours > 0 else None


@dataclass
class ModeResult:
    name: str
    scenarios: dict[str, ScenarioResult] = field(default_factory=dict)
    incident_medium: int = 0  # distinct alerts >= medium on incident vessels
    incident_high: int = 0
    scenario_negatives: Rate = field(default_factory=Rate)
    real: Rate = field(default_factory=Rate)
    simulated: Rate = field(default_factory=Rate)
    note: str = ""

    @property
    def met(self) -> int:
        return sum(s.met for s in self.scenarios.values())

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.scenarios.values())

    @property
    def recall(self) -> float | None:
        return self.met / self.expected if self.expected else None

    @property
    def median_delay_min(self) -> float | None:
        delays = [d for s in self.scenarios.values() for d in s.delays_min]
        return statistics.median(delays) if delays else None

    @property
    def forbidden(self) -> int:
        return sum(s.forbidden for s in self.scenarios.values())

    def precision(self, high: bool = False) -> float | None:
        tp = self.incident_high if high else self.incident_medium
        fp = sum(
            getattr(r, "high" if high else "medium")
            for r in (self.scenario_negatives, self.real, self.simulated)
        )
        return tp / (tp + fp) if tp + fp else None

    def to_dict(self) -> dict[str, Any]:
        def rate(r: Rate) -> dict[str, Any]:
            return {
                "vessel_hours": round(r.hours, 1),
                "alerts_medium_up": r.medium,
                "alerts_high_up": r.high,
                "per_1000_vh_medium_up": _round(r.per_1000(r.medium)),
                "per_1000_vh_high_up": _round(r.per_1000(r.high)),
            }

        return {
            "mode": self.name,
            "note": self.note,
            "expectations_met": self.met,
            "expectations": self.expected,
            "recall": _round(self.recall, 4),
            "median_time_to_detect_min": _round(self.median_delay_min),
            "precision_medium_up": _round(self.precision(), 4),
            "precision_high_up": _round(self.precision(high=True), 4),
            "forbidden_hits": self.forbidden,
            "false_alarms": {
                "scenario_negatives": rate(self.scenario_negatives),
                "real_held_back": rate(self.real),
                "simulated_normal": rate(self.simulated),
            },
            "scenarios": {
                name: {
                    "met": s.met,
                    "expected": s.expected,
                    "median_time_to_detect_min": _round(s.median_delay_min),
                    "forbidden_hits": s.forbidden,
                }
                for name, s in self.scenarios.items()
            },
        }


@dataclass
class EvaluationReport:
    modes: list[ModeResult]
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"data": self.data, "notes": self.notes, "modes": [m.to_dict() for m in self.modes]}

    def format(self) -> str:
        """A readable comparison table, then per-scenario detection and time-to-detect."""
        names = [m.name for m in self.modes]
        width = max(14, *(len(n) + 2 for n in names))

        def row(label: str, values: list[str]) -> str:
            return f"{label:<44}" + "".join(f"{v:>{width}}" for v in values)

        def fa(attr: str, sev: str) -> list[str]:
            out = []
            for m in self.modes:
                r: Rate = getattr(m, attr)
                value = r.per_1000(getattr(r, sev))
                out.append("-" if value is None else f"{value:.2f} ({getattr(r, sev)})")
            return out

        first = self.modes[0]
        lines = [
            row("metric", names),
            row(
                "expectations met (recall)",
                [
                    f"{m.met}/{m.expected}" + (f" {m.recall:.0%}" if m.recall is not None else "")
                    for m in self.modes
                ],
            ),
            row("median time-to-detect, min", [_fmt(m.median_delay_min) for m in self.modes]),
            row("precision, alerts >= medium", [_fmt(m.precision(), "{:.3f}") for m in self.modes]),
            row("precision, alerts >= high", [_fmt(m.precision(high=True), "{:.3f}") for m in self.modes]),
            row("forbidden hits (controls, background)", [str(m.forbidden) for m in self.modes]),
            row(
                f"FA/1000 vh >= medium, scenario negatives ({first.scenario_negatives.hours:,.0f} vh)",
                fa("scenario_negatives", "medium"),
            ),
            row("FA/1000 vh >= high,   scenario negatives", fa("scenario_negatives", "high")),
            row(f"FA/1000 vh >= medium, real held back ({first.real.hours:,.1f} vh)", fa("real", "medium")),
            row("FA/1000 vh >= high,   real held back", fa("real", "high")),
            row(
                f"FA/1000 vh >= medium, simulated normal ({first.simulated.hours:,.0f} vh)",
                fa("simulated", "medium"),
            ),
            row("FA/1000 vh >= high,   simulated normal", fa("simulated", "high")),
            "",
            row("scenario: met / median delay (min)", names),
        ]
        for scenario in first.scenarios:
            values = []
            for m in self.modes:
                s = m.scenarios.get(scenario)
                if s is None:
                    values.append("-")
                elif not s.expected:
                    values.append("control" + (f" !{s.forbidden}" if s.forbidden else ""))
                else:
                    values.append(f"{s.met}/{s.expected} {_fmt(s.median_delay_min)}")
            lines.append(row(f"  {scenario}", values))
        lines += [f"note: {n}" for n in self.notes + [m.note for m in self.modes if m.note]]
        return "\n".join(lines)


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _fmt(value: float | None, pattern: str = "{:.1f}") -> str:
    return "-" if value is None else pattern.format(value)


def _worst(alerts: list[Any]) -> dict[str, tuple[int, Severity]]:
    """Alert id -> (mmsi, highest severity over its versions)."""
    out: dict[str, tuple[int, Severity]] = {}
    for alert in alerts:
        previous = out.get(alert.id)
        if previous is None or alert.severity > previous[1]:
            out[alert.id] = (alert.mmsi, alert.severity)
    return out


def _tally(mode: ModeResult, source: Source, run: StreamRun, kind: str) -> None:
    """Add one replay's alerts to the mode's counts."""
    from seawarden.simulate.expect import evaluate as judge

    incident = set(source.onsets)
    negatives: Rate = {"scenario": mode.scenario_negatives, "real": mode.real, "simulated": mode.simulated}[
        kind
    ]
    negatives.hours += sum(h for mmsi, h in run.hours.items() if mmsi not in incident)
    for mmsi, severity in _worst(run.alerts).values():
        if mmsi in incident:
            mode.incident_medium += severity >= Severity.MEDIUM
            mode.incident_high += severity >= Severity.HIGH
        else:
            negatives.medium += severity >= Severity.MEDIUM
            negatives.high += severity >= Severity.HIGH
    if source.scenario is not None:
        outcome = judge(source.scenario, run.alerts)
        delays = [r.delay_s / 60.0 for r in outcome.expectations if r.ok and r.delay_s is not None]
        mode.scenarios[source.group] = ScenarioResult(
            met=sum(r.ok for r in outcome.expectations),
            expected=len(outcome.expectations),
            delays_min=delays,
            forbidden=len(outcome.violations),
        )


def evaluate(
    *,
    scenarios: Path,
    real: Sequence[str],
    normalcy: Path | None,
    fusion: Path | None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    names: Sequence[str] | None = None,
    normal_runs: int | None = None,
) -> EvaluationReport:
    """Compare the modes on the same data (see the module docstring).

    ``names`` limits the scenarios; ``normal_runs`` sets how many seeded runs of simulated normal
    traffic are used for evaluation and, in the learned mode, for training (default 2 each).
    """
    say = progress or (lambda _msg: None)
    shared = shared_context()
    scenario_list = scenario_sources(Path(scenarios), names)
    real_list = [file_source(str(p)) for p in real]
    eval_runs = EVAL_NORMAL_RUNS if normal_runs is None else normal_runs
    train_runs = TRAIN_NORMAL_RUNS if normal_runs is None else normal_runs
    eval_seeds = [seed * 1000 + EVAL_SEED_OFFSET + k for k in range(eval_runs)]
    simulated_list = [normal_traffic_source(s) for s in eval_seeds]
    notes: list[str] = []
    data = {
        "scenarios": [s.group for s in scenario_list],
        "real_held_back": [str(p) for p in real],
        "simulated_normal_seeds": eval_seeds,
        "training_negative_seeds": [seed * 1000 + k for k in range(train_runs)],
        "fusion_model": str(fusion) if fusion is not None else None,
        "normalcy_model": str(normalcy) if normalcy is not None else None,
    }
    negatives = [(s, "real") for s in real_list] + [(s, "simulated") for s in simulated_list]

    # (a) rules, collecting the training rows of the learned mode on the way
    rules = ModeResult("rules")
    rules_settings, _ = settings_with_normalcy(None)
    rows_by_scenario: dict[str, Rows] = {}
    for source in scenario_list:
        run = run_source(source, settings=rules_settings, shared=shared)
        rows_by_scenario[source.group] = run.rows
        _tally(rules, source, run, "scenario")
        say(f"rules: {source.group}")
    for source, kind in negatives:
        _tally(rules, source, run_source(source, settings=rules_settings, shared=shared, collect=False), kind)
    modes = [rules]

    # (b) rules + normal-traffic model
    if normalcy is not None:
        settings, note = settings_with_normalcy(normalcy)
        if note:
            notes.append(note)
        else:
            with_normalcy = ModeResult("rules+normalcy")
            for source in scenario_list:
                _tally(
                    with_normalcy,
                    source,
                    run_source(source, settings=settings, shared=shared, collect=False),
                    "scenario",
                )
            for source, kind in negatives:
                _tally(
                    with_normalcy,
                    source,
                    run_source(source, settings=settings, shared=shared, collect=False),
                    kind,
                )
            modes.append(with_normalcy)
            say("rules+normalcy done")

    # (c) learned fusion: leave-one-scenario-out models on scenarios, the full model elsewhere
    learned = _learned_mode(
        scenario_list,
        negatives,
        rows_by_scenario,
        fusion,
        (seed, train_runs),
        (rules_settings, shared),
        say,
        notes,
    )
    if learned is not None:
        modes.append(learned)
    return EvaluationReport(modes=modes, data=data, notes=notes)


def _learned_mode(
    scenario_list: list[Source],
    negatives: list[tuple[Source, str]],
    rows_by_scenario: dict[str, Rows],
    fusion: Path | None,
    seeds: tuple[int, int],
    context: tuple[Any, tuple[Any, Any]],
    say: Callable[[str], None],
    notes: list[str],
) -> ModeResult | None:
    from seawarden.model.format import ModelFileError
    from seawarden.model.fusion import load_fusion

    given = None
    if fusion is not None:
        try:
            given = load_fusion(fusion)
        except ModelFileError as e:
            notes.append(f"learned mode without the given model: {e}")
    try:
        import sklearn  # noqa: F401
    except ImportError:
        sklearn_ok = False
    else:
        sklearn_ok = True
    settings, shared = context
    seed, train_runs = seeds
    mode = ModeResult("learned")
    if not sklearn_ok:
        if given is None:
            notes.append("learned mode skipped: no model given and scikit-learn (the train extra) is missing")
            return None
        mode.note = "learned: scenario numbers are IN-SAMPLE (scikit-learn missing, no leave-one-out models)"
    training_negatives = Rows()
    if sklearn_ok:
        for k in range(train_runs):
            training_negatives.extend(
                run_source(normal_traffic_source(seed * 1000 + k), settings=settings, shared=shared).rows
            )
    for source in scenario_list:
        if sklearn_ok:
            rows = Rows()
            rows.extend(training_negatives)
            for name, scenario_rows in rows_by_scenario.items():
                if name != source.group:
                    rows.extend(scenario_rows)
            model, _ = fit_rows(rows, seed=seed, folds=EVAL_CALIBRATION_FOLDS)
        else:
            model = given
        run = run_source(source, settings=settings, fusion=model, shared=shared, collect=False)
        _tally(mode, source, run, "scenario")
        say(f"learned (leave-one-out): {source.group}")
    full = given
    if full is None:
        rows = Rows()
        rows.extend(training_negatives)
        for scenario_rows in rows_by_scenario.values():
            rows.extend(scenario_rows)
        full, _ = fit_rows(rows, seed=seed)
        notes.append(
            "learned on held-back traffic: a model trained here on every scenario (no --fusion given)"
        )
    for source, kind in negatives:
        run = run_source(source, settings=settings, fusion=full, shared=shared, collect=False)
        _tally(mode, source, run, kind)
    return mode
