"""``seawarden bench``: decode, replay and live-latency figures against pyais (``benchmarks/all.py``).

The harness lives beside the package in a source checkout (it generates large feeds and compares
libraries; it is not shipped in the wheel), so this command finds it there.
"""

import importlib
import sys
from pathlib import Path

import typer

from seawarden.memory import retain_freed_memory

CHECKOUT = Path(__file__).resolve().parents[2]


def _harness():
    """The benchmarks.all module, or a clear error when not run from a checkout."""
    if (CHECKOUT / "benchmarks" / "all.py").is_file() and str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    try:
        return importlib.import_module("benchmarks.all")
    except ImportError as exc:
        typer.echo(
            f"error: the benchmark harness is in the source checkout, not the installed package ({exc}); "
            "run from a clone: python -m benchmarks",
            err=True,
        )
        raise typer.Exit(2) from None


def bench_command(
    messages: int = typer.Option(2_000_000, "--messages", "-n", help="Feed size in messages."),
    seed: int = typer.Option(42, "--seed", help="Seed of the generated feed (cached per seed and size)."),
    baseline_messages: int = typer.Option(
        200_000, "--baseline-messages", help="Lines for the slow baselines (pyais, reference decoder)."
    ),
    replay_messages: int = typer.Option(200_000, "--replay-messages", help="Lines for the full replay."),
    live_rate: float = typer.Option(
        10_000.0, "--live-rate", help="Lines per second pushed to the live service."
    ),
    live_seconds: float = typer.Option(60.0, "--live-seconds", help="How long the live part pushes."),
    no_live: bool = typer.Option(False, "--no-live", help="Skip the live latency part."),
    quick: bool = typer.Option(False, "--quick", help="Small sizes (seconds), for smoke tests."),
    cache_dir: Path | None = typer.Option(None, "--cache-dir", help="Where generated feeds are kept."),
) -> None:
    """Decode-only, full replay and live latency against pyais on a generated North Sea / Baltic feed."""
    if messages < 1 or baseline_messages < 1 or replay_messages < 1:
        typer.echo("error: sizes must be positive", err=True)
        raise typer.Exit(2)
    argv = [
        f"--messages={messages}", f"--seed={seed}", f"--baseline-messages={baseline_messages}",
        f"--replay-messages={replay_messages}", f"--live-rate={live_rate}", f"--live-seconds={live_seconds}",
    ]  # fmt: skip
    if no_live:
        argv.append("--no-live")
    if quick:
        argv.append("--quick")
    if cache_dir is not None:
        argv.append(f"--cache-dir={cache_dir}")
    harness = _harness()
    retain_freed_memory()  # as the other commands run (seawarden.memory); pyais is measured under it too
    harness.main(argv)


def register(app: typer.Typer) -> None:
    """Add ``bench`` to the main ``seawarden`` command."""
    app.command("bench")(bench_command)
