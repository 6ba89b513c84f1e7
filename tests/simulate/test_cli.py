from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seawarden.cli.simulate import register

# A scenario in plain lat/lon waypoints, so the CLI test needs no bundled geography.
SPEC = """
name = "tiny"
title = "Tiny test scenario"
seed = 3
start = "2025-01-01T00:00:00Z"
interval_s = 30

[[vessels]]
mmsi = 230123456
name = "TINY"
ship_type = 70
route = [{ lat = 59.70, lon = 24.00 }, { lat = 59.70, lon = 24.30 }]
phases = [
  { duration_min = 20, speed_kn = 10.0, label = "transit" },
  { duration_min = 20, speed_kn = 3.0, ramp_min = 5, label = "slow" },
]

[[expect]]
mmsi = 230123456
kind = "anchor_drag_suspected"
min_severity = "high"
onset = "slow"
max_delay_min = 30
"""


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "tiny.toml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "broken.toml").write_text('name = "broken"\nseed = "x"\n', encoding="utf-8")
    return tmp_path


def test_list_shows_titles_and_flags_invalid_specs(app, folder):
    result = CliRunner().invoke(app, ["simulate", "list", "--scenarios", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Tiny test scenario" in result.output and "anchor_drag_suspected" in result.output
    assert "broken" in result.output and "INVALID" in result.output


def test_generate_is_deterministic_and_writes_tagged_nmea(app, folder, tmp_path):
    out1, out2 = tmp_path / "one", tmp_path / "two"
    runner = CliRunner()
    for out in (out1, out2):
        args = ["simulate", "generate", "tiny", "--out", str(out), "--scenarios", str(folder)]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    first = (out1 / "tiny.nmea").read_text()
    assert first == (out2 / "tiny.nmea").read_text()
    lines = first.splitlines()
    assert lines and all(line.startswith("\\s:sim,c:") for line in lines)


def test_generate_errors_are_clear(app, folder):
    runner = CliRunner()
    missing = runner.invoke(app, ["simulate", "generate", "nope", "--scenarios", str(folder)])
    assert missing.exit_code == 1 and "no scenario 'nope'" in missing.output
    nothing = runner.invoke(app, ["simulate", "generate", "--scenarios", str(folder)])
    assert nothing.exit_code == 2 and "--all" in nothing.output
    broken = runner.invoke(app, ["simulate", "generate", "broken", "--scenarios", str(folder)])
    assert broken.exit_code == 1 and "broken.toml" in broken.output


def test_run_prints_a_summary_without_assessment(app, folder):
    result = CliRunner().invoke(app, ["simulate", "run", "tiny", "--no-assess", "--scenarios", str(folder)])
    assert result.exit_code == 0, result.output
    assert "SIMULATED" in result.output and "230123456" in result.output and " slow" in result.output
    assert "scenario tiny" in result.output


def test_run_with_assessment_exits_non_zero_exactly_when_the_verdict_fails(app, folder):
    result = CliRunner().invoke(app, ["simulate", "run", "tiny", "--scenarios", str(folder)])
    assert "alerts:" in result.output
    verdict_ok = "PASS" in result.output
    assert verdict_ok or "FAIL" in result.output
    assert (result.exit_code == 0) == verdict_ok
    assert "anchor_drag_suspected >= high for 230123456" in result.output
