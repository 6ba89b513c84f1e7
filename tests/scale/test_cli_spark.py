"""``seawarden spark batch|stream``: usage errors exit 2 with a reason; a local batch run writes Parquet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seawarden.cli.spark import register

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # a group, as in the real CLI
        pass

    return app


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["spark", "batch", "-o", "out"], "give input files"),
        (["spark", "batch", "-o", "out", "no/such.nmea"], "input file not found"),
        (["spark", "stream", "-o", "out", "--checkpoint", "cp"], "exactly one source"),
    ],
)
def test_usage_errors_exit_2_with_a_reason(app: typer.Typer, args: list[str], reason: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert reason in result.output


@pytest.mark.spark
def test_batch_command_writes_alerts_and_vessels(app: typer.Typer, spark, tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenario = str(ROOT / "scenarios" / "sts_rendezvous.nmea")
    result = CliRunner().invoke(app, ["spark", "batch", scenario, "-o", str(out), "--partitions", "2"])
    assert result.exit_code == 0, result.output
    records = int(re.search(r"alert records (\d+)", result.output).group(1))
    alerts = spark.read.parquet(str(out / "alerts")).collect()
    assert len(alerts) == records
    assert "rendezvous" in {a["kind"] for a in alerts}
    assert spark.read.parquet(str(out / "vessels")).count() == 4
