"""``seawarden model``: train with progress, info, and clear errors (exit 2) for wrong files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from seawarden.cli.model import register
from seawarden.model import ModelFile, save_model
from tests.model.test_normalcy import write_lane_parquet


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:  # a group, so "model" stays a sub-command as in the real CLI
        pass

    register(app)
    return app


def test_train_shows_progress_and_info_describes_the_file(app, tmp_path: Path) -> None:
    history = write_lane_parquet(tmp_path / "history.parquet", vessels=150)
    out = tmp_path / "models" / "lane.npz"
    args = ["model", "train", "--kind", "normalcy", "--input", str(history), "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--simulated-hours", "0", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert "read " in result.stderr and "calibrating" in result.stderr and "saved" in result.stderr
    metrics = json.loads(result.stdout)
    assert metrics["calibration_windows"] > 100 and out.is_file()

    info = CliRunner().invoke(app, ["model", "info", str(out)])
    assert info.exit_code == 0, info.output
    assert "kind              normalcy" in info.stdout and "schema version    1" in info.stdout
    assert "history.parquet" in info.stdout and "seed              2" in info.stdout


def test_info_on_a_non_model_file_is_a_clear_error(app, tmp_path: Path) -> None:
    junk = tmp_path / "junk.npz"
    junk.write_text("hello")
    result = CliRunner().invoke(app, ["model", "info", str(junk)])
    assert result.exit_code == 2 and "error:" in result.stderr and "not a readable" in result.stderr


def test_evaluate_with_a_wrong_model_kind_says_so(app, tmp_path: Path) -> None:
    other = save_model(tmp_path / "f.npz", ModelFile(kind="risk_fusion", schema=1, arrays={"w": np.ones(1)}))
    result = CliRunner().invoke(app, ["model", "evaluate", "--normalcy", str(other), "-q"])
    assert result.exit_code == 2
    assert "holds a 'risk_fusion' model, but a 'normalcy' model is needed" in result.stderr


def test_bad_arguments_exit_2(app, tmp_path: Path) -> None:
    unknown = CliRunner().invoke(app, ["model", "train", "--kind", "magic", "--out", str(tmp_path / "m.npz")])
    assert unknown.exit_code == 2 and "unknown --kind" in unknown.stderr
    missing = ["model", "train", "--input", str(tmp_path / "nope.nmea"), "--out", str(tmp_path / "m.npz")]
    result = CliRunner().invoke(app, missing)
    assert result.exit_code == 2 and "does not exist" in result.stderr
    empty = CliRunner().invoke(
        app, ["model", "train", "--simulated-hours", "0", "--out", str(tmp_path / "m.npz")]
    )
    assert empty.exit_code == 2 and "no scoreable fixes" in empty.stderr
