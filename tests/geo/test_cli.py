"""``seawarden areas`` on its own Typer app."""

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seawarden.cli.areas import register
from seawarden.geo.paths import BUNDLED_AREAS, BUNDLED_INFRASTRUCTURE, BUNDLED_PORTS
from tests.conftest import shared_path


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        pass

    return app


runner = CliRunner()


def test_list_shows_the_22_default_areas(app: typer.Typer) -> None:
    result = runner.invoke(app, ["areas", "list"])
    assert result.exit_code == 0, result.output
    assert "22 areas" in result.output
    assert "gof-estlink2" in result.output and "english-channel" in result.output


def test_assets_lists_the_infrastructure(app: typer.Typer) -> None:
    result = runner.invoke(app, ["areas", "assets"])
    assert result.exit_code == 0
    assert "balticconnector" in result.output and "gas_pipeline" in result.output


def test_validate_bundled_files(app: typer.Typer) -> None:
    result = runner.invoke(
        app, ["areas", "validate", str(BUNDLED_AREAS), str(BUNDLED_INFRASTRUCTURE), str(BUNDLED_PORTS)]
    )
    assert result.exit_code == 0, result.output
    assert "22 areas" in result.output and "assets" in result.output


@pytest.mark.shared
def test_validate_telegeography(app: typer.Typer) -> None:
    path = shared_path("data", "infrastructure", "telegeography", "cable-geo.json")
    result = runner.invoke(app, ["areas", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_validate_reports_each_bad_feature(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"id": "x"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]},
        },
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        },
    ]
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    result = runner.invoke(app, ["areas", "validate", str(bad)])
    assert result.exit_code == 1
    assert "feature #0 (id 'x')" in result.output and "not closed" in result.output
    assert "feature #1" in result.output and "missing id" in result.output


def test_export_then_import_round_trip(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "export.geojson"
    result = runner.invoke(app, ["areas", "export", "--out", str(out), "--with-assets"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert len(data["features"]) > 22
    only_areas = tmp_path / "areas.geojson"
    runner.invoke(app, ["areas", "export", "--out", str(only_areas)])
    result = runner.invoke(app, ["areas", "import", str(only_areas)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "areas.geojson").is_file()
    assert "imported 22 areas" in result.output
    assert "22 areas" in runner.invoke(app, ["areas", "list"]).output


def test_import_rejects_invalid_files(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.geojson"
    bad.write_text("[]")
    result = runner.invoke(app, ["areas", "import", str(bad)])
    assert result.exit_code == 1
    assert not (tmp_path / "data" / "areas.geojson").exists()


def test_validate_reads_stdin(app: typer.Typer) -> None:
    result = runner.invoke(app, ["areas", "validate", "-"], input=BUNDLED_PORTS.read_text())
    assert result.exit_code == 0, result.output
    assert "OK <stdin>" in result.output and "74 ports" in result.output
    result = runner.invoke(app, ["areas", "validate", "-"], input="[]")
    assert result.exit_code == 1
