"""``seawarden simulate``: list, regenerate and run the scenario library (SIMULATED AIS tracks)."""

import sys
from pathlib import Path

import typer

from seawarden.types import iso_utc


def _scenario_dir(directory: Path | None) -> Path:
    from seawarden.simulate.library import scenario_dir

    return directory or scenario_dir()


def register(app: typer.Typer) -> None:
    sim = typer.Typer(
        name="simulate",
        help="Simulated AIS scenarios built from public incident facts (tracks are SIMULATED, not real).",
        no_args_is_help=True,
    )

    @sim.command("list")
    def list_cmd(
        scenarios: Path | None = typer.Option(
            None, "--scenarios", help="Scenario folder (default: bundled)."
        ),
    ) -> None:
        """List the scenarios with their titles and expected outcomes."""
        from seawarden.simulate.library import scenario_names, spec_path
        from seawarden.simulate.scenario import load_spec

        directory = _scenario_dir(scenarios)
        names = scenario_names(directory)
        if not names:
            typer.echo(f"no scenarios in {directory}", err=True)
            raise typer.Exit(1)
        for name in names:
            try:
                spec = load_spec(spec_path(name, directory))
            except ValueError as exc:
                typer.echo(f"{name:24s} INVALID: {exc}")
                continue
            expects = ", ".join(sorted({str(e.kind) for e in spec.expect})) or "-"
            typer.echo(f"{name:24s} {spec.title}  expects: {expects}")

    @sim.command("generate")
    def generate_cmd(
        names: list[str] = typer.Argument(None, help="Scenario names (see `simulate list`)."),
        all_: bool = typer.Option(False, "--all", help="Regenerate every scenario."),
        out: Path | None = typer.Option(None, "--out", help="Output folder (default: beside the specs)."),
        scenarios: Path | None = typer.Option(
            None, "--scenarios", help="Scenario folder (default: bundled)."
        ),
    ) -> None:
        """Regenerate NAME.nmea files deterministically from their specs and seeds."""
        from seawarden.simulate.generate import simulate
        from seawarden.simulate.library import load, scenario_names

        directory = _scenario_dir(scenarios)
        chosen = scenario_names(directory) if all_ else list(names or [])
        if not chosen:
            typer.echo("name at least one scenario, or use --all (see `seawarden simulate list`)", err=True)
            raise typer.Exit(2)
        failed = 0
        for name in chosen:
            try:
                scenario = load(name, directory)
            except (FileNotFoundError, ValueError, KeyError) as exc:
                typer.echo(f"{name}: {exc}", err=True)
                failed += 1
                continue
            target = (out or directory) / f"{name}.nmea"
            lines = simulate(scenario).write(target)
            typer.echo(f"{name}: {lines} lines, {target.stat().st_size / 1024:.0f} KiB -> {target}")
        if failed:
            raise typer.Exit(1)

    @sim.command("run")
    def run_cmd(
        name: str = typer.Argument(..., help="Scenario name."),
        assess: bool = typer.Option(
            True, "--assess/--no-assess", help="Replay through the pipeline and judge."
        ),
        scenarios: Path | None = typer.Option(
            None, "--scenarios", help="Scenario folder (default: bundled)."
        ),
    ) -> None:
        """Simulate a scenario, print a summary and (by default) check its expected alerts."""
        from seawarden.simulate.generate import simulate
        from seawarden.simulate.library import load
        from seawarden.simulate.summary import summarise

        try:
            scenario = load(name, _scenario_dir(scenarios))
        except (FileNotFoundError, ValueError, KeyError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
        simulation = simulate(scenario)
        for line in summarise(simulation):
            typer.echo(line)
        if not assess:
            return
        from seawarden.simulate.replay import replay_simulation

        outcome, alerts = replay_simulation(simulation)
        typer.echo(f"alerts: {len(alerts)} (all versions)")
        for alert in alerts:
            typer.echo(
                f"  {iso_utc(alert.time)} {alert.mmsi} {alert.kind} {alert.severity.label} v{alert.version}"
            )
        for line in outcome.lines():
            typer.echo(line)
        typer.echo("PASS" if outcome.ok else "FAIL", err=not outcome.ok)
        if not outcome.ok:
            sys.exit(1)

    app.add_typer(sim)
