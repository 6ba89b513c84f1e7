"""The benchmark harness runs end to end in --quick mode (no timing assertions: CI machines vary)."""

import typer
from typer.testing import CliRunner

from benchmarks.all import main
from seawarden.cli import bench


def test_quick_run_reports_every_figure(tmp_path):
    report = "\n".join(main(["--quick", "--no-live", "--cache-dir", str(tmp_path)]))
    for label in (
        "pyais",
        "reference Decoder",
        "FastDecoder -> columns",
        "full replay",
        "peak traced memory",
    ):
        assert label in report
    assert list(tmp_path.glob("feed-*-seed42-5000.nmea")), "the generated feed is cached"


def test_cli_command_runs_the_harness(tmp_path):
    app = typer.Typer()
    bench.register(app)
    app.command("noop")(lambda: None)  # a second command keeps typer from flattening the app
    result = CliRunner().invoke(app, ["bench", "--quick", "--cache-dir", str(tmp_path), "--seed", "3"])
    assert result.exit_code == 0, result.output
    for label in ("x pyais", "full replay", "p99", "summary"):
        assert label in result.output


def test_cli_rejects_nonsense_sizes():
    app = typer.Typer()
    bench.register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["bench", "--messages", "0"])
    assert result.exit_code == 2
