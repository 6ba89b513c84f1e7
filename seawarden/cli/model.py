"""``seawarden model``: train, inspect and evaluate the learned models (docs/models.md).

Training and evaluation import their modules lazily: they pull in NumPy-heavy code and the
simulator, which ``seawarden replay`` or ``serve`` never need at start-up.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import typer

from seawarden.cli.common import fail

KINDS = ("normalcy", "fusion")


def _progress(quiet: bool) -> Any:
    start = time.perf_counter()

    def say(message: str) -> None:
        if not quiet:
            typer.echo(f"[{time.perf_counter() - start:6.1f} s] {message}", err=True)

    return say


def _default_normalcy() -> Path:
    from seawarden.model.normalcy import default_model_path

    return default_model_path()


def _scenarios(directory: Path | None) -> Path:
    from seawarden.simulate.library import scenario_dir

    return directory or scenario_dir()


def _format_info(header: dict[str, Any]) -> list[str]:
    meta = header.get("meta") or {}
    lines = [
        f"file format       {header.get('format')}",
        f"kind              {header.get('kind')}",
        f"schema version    {header.get('schema')}",
        f"created           {header.get('created')}",
        f"seawarden version {header.get('seawarden_version')}",
        f"seed              {meta.get('seed')}",
    ]
    if meta.get("method"):
        lines.append(f"method            {meta['method']}")
    for label, key in (("training data", "training_data"), ("metrics", "metrics")):
        if meta.get(key) is not None:
            lines.append(f"{label}:")
            lines += ["  " + line for line in json.dumps(meta[key], indent=2, sort_keys=True).splitlines()]
    return lines


def register(app: typer.Typer) -> None:
    model = typer.Typer(
        name="model", help="Learned models: train, inspect, evaluate (docs/models.md).", no_args_is_help=True
    )

    @model.command("train")
    def train_cmd(
        kind: str = typer.Option("normalcy", "--kind", help=f"Model to train: {', '.join(KINDS)}."),
        inputs: list[str] = typer.Option(
            [], "--input", "-i", help="History: any file `replay` reads, or Parquet fixes (repeatable)."
        ),
        out: Path = typer.Option(..., "--out", "-o", help="Model file to write (.npz)."),
        seed: int = typer.Option(0, "--seed", help="Seed of the simulation and the vessel split."),
        simulated_hours: float = typer.Option(
            6000.0, "--simulated-hours", min=0, help="normalcy: vessel-hours of SIMULATED normal traffic."
        ),  # = train_normalcy.DEFAULT_SIMULATED_HOURS (not imported: keeps `--help` fast)
        scenarios: Path | None = typer.Option(None, "--scenarios", help="fusion: scenario library folder."),
        normalcy: Path | None = typer.Option(None, "--normalcy", help="fusion: normalcy model to use."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    ) -> None:
        """Train a model reproducibly (same inputs + seed -> same model); prints its metrics as JSON."""
        from seawarden.model.format import ModelFileError
        from seawarden.sources.files import SourceError

        if kind not in KINDS:
            fail(f"unknown --kind {kind!r}; choose from {', '.join(KINDS)}")
        for path in inputs:
            if not Path(path).is_file():
                fail(f"input {path} does not exist")
        out.parent.mkdir(parents=True, exist_ok=True)
        say = _progress(quiet)
        try:
            if kind == "normalcy":
                from seawarden.model.train_normalcy import train

                metrics = train(inputs, out, seed=seed, simulated_hours=simulated_hours, progress=say)
            else:
                from seawarden.model.train_fusion import train as train_fusion

                metrics = train_fusion(
                    out,
                    scenarios=_scenarios(scenarios),
                    negatives=inputs,
                    normalcy=normalcy,
                    seed=seed,
                    progress=say,
                )
        except (ModelFileError, SourceError, ValueError, OSError) as e:
            fail(str(e))
        typer.echo(json.dumps(metrics, indent=2, sort_keys=True, default=str))

    @model.command("info")
    def info_cmd(path: Path = typer.Argument(..., help="Model file.")) -> None:
        """Kind, version, training data and metrics of a model file (checksum verified)."""
        from seawarden.model.format import ModelFileError, describe, load_model

        try:
            header = describe(path)
            load_model(path, str(header.get("kind")), (int(header.get("schema", 0)),))  # checksum
        except ModelFileError as e:
            fail(str(e))
        except (TypeError, ValueError) as e:
            fail(f"{path} is not a readable SeaWarden model file ({e})")
        for line in _format_info(header):
            typer.echo(line)

    @model.command("evaluate")
    def evaluate_cmd(
        scenarios: Path | None = typer.Option(None, "--scenarios", help="Scenario library folder."),
        real: list[str] = typer.Option(
            [], "--real", help="Held-back real traffic for the false-alarm rate (repeatable)."
        ),
        normalcy: Path | None = typer.Option(None, "--normalcy", help="Normalcy model (default: packaged)."),
        fusion: Path | None = typer.Option(None, "--fusion", help="Risk-fusion model (default: none)."),
        seed: int = typer.Option(0, "--seed", help="Seed for any sampling the evaluation does."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    ) -> None:
        """Precision/recall and time-to-detect on the scenarios, false alarms on real traffic."""
        from seawarden.model.format import ModelFileError
        from seawarden.model.normalcy import NormalcyModel
        from seawarden.sources.files import SourceError

        normalcy = normalcy or _default_normalcy()
        try:
            NormalcyModel.load(normalcy)  # a wrong file fails here, with the loader's message
            from seawarden.model.evaluate import evaluate

            report = evaluate(
                scenarios=_scenarios(scenarios),
                real=real,
                normalcy=normalcy,
                fusion=fusion,
                seed=seed,
                progress=_progress(quiet),
            )
        except (ModelFileError, SourceError, ValueError, OSError) as e:
            fail(str(e))
        typer.echo(report.format())

    app.add_typer(model)
