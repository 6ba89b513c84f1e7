"""``seawarden watchlist`` on its own Typer app, with the register in a temporary data dir."""

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seawarden.cli.watchlist import register
from tests.conftest import TEST_DATA, shared_path

DATA = TEST_DATA / "watchlist"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # keeps "watchlist" a sub-command even with one group
        pass

    runner = CliRunner()

    def run(*args: str, input: bytes | None = None):
        return runner.invoke(app, ["watchlist", *args], input=input)

    return run


def test_list_shows_the_bundled_eu_list(cli) -> None:
    result = cli("list", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert "imo:9179842" in result.stdout and "Angara" in result.stdout
    assert "2 of 556 matching entries" in result.stdout


def test_list_search(cli) -> None:
    result = cli("list", "--search", "eagle s")
    assert result.exit_code == 0
    assert "imo:9329760" in result.stdout and "1 of 1 matching" in result.stdout


def test_show_by_imo_id_and_unknown(cli) -> None:
    for key in ("9329760", "imo:9329760", "IMO9329760"):
        result = cli("show", key)
        assert result.exit_code == 0 and "Eagle S" in result.stdout and "2025-05-21" in result.stdout
    result = cli("show", "1111111")
    assert result.exit_code == 1 and "no watch-list entry" in result.stderr


def test_match_prints_method_and_confidence(cli) -> None:
    result = cli("match", "--name", "M/T EAGLE S")
    assert result.exit_code == 0
    assert "imo:9329760" in result.stdout and "by name" in result.stdout and "0.70" in result.stdout
    result = cli("match", "--imo", "9329760", "--mmsi", "518998865")
    assert result.exit_code == 0 and "by imo" in result.stdout and "1.00" in result.stdout
    result = cli("match", "--name", "EAGLE")
    assert result.exit_code == 1 and "no match" in result.stdout
    assert cli("match").exit_code == 2
    bad = cli("match", "--imo", "abc")
    assert bad.exit_code == 2 and "not a 7-digit IMO" in bad.stderr


def test_add_match_remove(cli) -> None:
    added = cli(
        "add", "--imo", "9074729", "--mmsi", "273999001", "--name", "Sample Trader", "--reason", "test"
    )
    assert added.exit_code == 0 and "added imo:9074729" in added.stdout
    result = cli("match", "--mmsi", "273999001")
    assert result.exit_code == 0 and "by mmsi" in result.stdout and "Sample Trader" in result.stdout
    merged = cli("add", "--imo", "9329760", "--mmsi", "518998865")
    assert merged.exit_code == 0 and "merged into imo:9329760" in merged.stdout
    shown = cli("show", "518998865")
    assert "EU Annex XLII 2025-10-23, manual" in shown.stdout
    removed = cli("remove", "imo:9074729")
    assert removed.exit_code == 0 and "removed imo:9074729" in removed.stdout
    assert cli("match", "--mmsi", "273999001").exit_code == 1
    # A bundled entry is hidden through the register file, and comes back when added again.
    assert cli("remove", "9329760").exit_code == 0
    assert cli("show", "9329760").exit_code == 1
    assert cli("add", "--imo", "9329760", "--name", "Eagle S").exit_code == 0
    assert cli("show", "9329760").exit_code == 0
    assert cli("remove", "1111111").exit_code == 1


def test_add_validates_input(cli) -> None:
    assert cli("add", "--reason", "nothing").exit_code == 2
    bad = cli("add", "--imo", "93X9760")
    assert bad.exit_code == 2 and "not a 7-digit IMO" in bad.stderr
    assert cli("add", "--mmsi", "123").exit_code == 2
    flagged = cli("add", "--imo", "9329761", "--name", "Typo Ship")
    assert flagged.exit_code == 0 and "fails its check digit" in flagged.stderr
    assert "check digit wrong" in cli("show", "9329761").stdout


def test_import_ftm_sample_reports_and_persists(cli, tmp_path: Path) -> None:
    result = cli("import", str(DATA / "opensanctions_ftm_sample.jsonl"))
    assert result.exit_code == 0, result.output
    assert "(ftm): 10 rows, 3 added, 1 merged, 6 skipped" in result.stdout
    assert "skipped non-vessel entities: Company: 1, Person: 1" in result.stdout
    assert "bad_json" in result.stderr
    saved = json.loads((tmp_path / "data" / "watchlist.json").read_text())
    assert len(saved["entries"]) == 4
    assert "by mmsi" in cli("match", "--mmsi", "518998865").stdout


def test_import_from_stdin_with_forced_format_and_source(cli) -> None:
    data = (DATA / "eu_designated_vessels_excerpt.csv").read_bytes()
    result = cli("import", "-", "--format", "eu-csv", "--source", "EU test", input=data)
    assert result.exit_code == 0, result.output
    assert "<stdin> (eu-csv): 19 rows, 3 added, 14 merged, 2 skipped" in result.stdout
    assert "EU test" in cli("show", "9329761").stdout


def test_import_errors_are_clear(cli, tmp_path: Path) -> None:
    missing = cli("import", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    garbage = cli("import", "-", input=b"hello\nworld\n")
    assert garbage.exit_code == 2 and "unrecognised watch-list format" in garbage.stderr
    wrong = cli("import", str(DATA / "eu_designated_vessels_excerpt.csv"), "--format", "tak-json")
    assert wrong.exit_code == 2 and "invalid JSON" in wrong.stderr
    empty = cli("import", "-", "--format", "ftm", input=b'{"id": "c", "schema": "Company"}\n')
    assert empty.exit_code == 2 and "no usable entries" in empty.stderr
    assert not (tmp_path / "data" / "watchlist.json").exists()


def test_corrupt_register_file_is_reported_not_overwritten(cli, tmp_path: Path) -> None:
    path = tmp_path / "data" / "watchlist.json"
    path.parent.mkdir(parents=True)
    path.write_text("{oops")
    result = cli("add", "--imo", "9074729")
    assert (
        result.exit_code == 2 and "not valid JSON" in result.stderr and "nothing was changed" in result.stderr
    )
    assert path.read_text() == "{oops"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_round_trips_through_import(cli, tmp_path: Path, fmt: str) -> None:
    assert cli("add", "--imo", "9074729", "--mmsi", "273999001", "--name", "Sample Trader").exit_code == 0
    out = tmp_path / f"export.{fmt}"
    result = cli("export", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0 and "exported 557 entries" in result.stderr
    to_stdout = cli("export", "--format", fmt)
    assert to_stdout.stdout == out.read_text()
    reimported = cli("import", str(out))
    assert reimported.exit_code == 0
    assert "557 rows, 0 added, 557 merged, 0 skipped" in reimported.stdout


@pytest.mark.shared
def test_import_tak_reports_mmsi_count(cli) -> None:
    result = cli("import", str(shared_path("data", "watchlists", "tak_shadowfleet.json")))
    assert result.exit_code == 0
    assert "1990 rows, 1434 added, 556 merged, 0 skipped" in result.stdout
    assert "824 of 1990 imported entries carry an MMSI" in result.stdout
    shared = cli("match", "--mmsi", "352900000", "--all")
    assert (
        shared.exit_code == 0
        and shared.stdout.count("by mmsi") == 2
        and "listed for 2 ships" in shared.stdout
    )
