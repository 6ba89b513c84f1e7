"""``seawarden decode`` through typer's CliRunner, registered into a tiny app.

The module is loaded from its file so this test does not import ``seawarden.cli`` (whose package
init imports every other command module).
"""

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tests.decode.peers import CORPORA

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    spec = importlib.util.spec_from_file_location("_sw_cli_decode", ROOT / "seawarden" / "cli" / "decode.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """test app"""

    module.register(app)
    return app


def run(app: typer.Typer, *args: str, stdin: str | None = None):
    return CliRunner().invoke(app, ["decode", *args], input=stdin)


def test_jsonl_output_summary_and_rejects(app: typer.Typer, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.jsonl"
    result = run(app, str(CORPORA / "pyais" / "sample.ais"), "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 9 and all("received_at" in r and "mmsi" in r for r in records)
    assert "22 lines: 9 messages" in result.stderr and "bad_checksum 4" in result.stderr
    assert "msg/s" in result.stderr
    written = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert len(written) == 6 and {w["reason"] for w in written} == {"bad_checksum", "malformed"}
    assert all(w["line_no"] and w["detail"] for w in written)


def test_csv_output_to_file(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run(app, str(CORPORA / "libais" / "tagblock.nmea"), "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 4 and {r["source"] for r in rows} == {"rORBCOMM104", "rORBCOMM007", "rORBCOMM008"}
    static = next(r for r in rows if r["msg_type"] == "5")
    assert static["name"] == "ROSINANTE" and json.loads(static["extra"])["ais_version"] == 0


def test_stdin(app: typer.Typer) -> None:
    text = (CORPORA / "pyais" / "gatehouse.nmea").read_text()
    result = run(app, "-", stdin=text)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/file.nmea"], "no such file"),
        (["--format", "xml", "x"], "--format must be jsonl or csv"),
        (["-", "-"], "stdin ('-') can be read only once"),
    ],
)
def test_unusable_input_exits_2(app: typer.Typer, args: list[str], message: str) -> None:
    result = run(app, *args)
    assert result.exit_code == 2 and message in result.stderr


def test_no_ais_at_all_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n$GPRMC,1,2,3*00\n")
    result = run(app, str(path))
    assert result.exit_code == 2 and "no AIS message" in result.stderr


@pytest.mark.parametrize("kind", ["fast", "reference"])
def test_decoder_choice_gives_the_same_output(app: typer.Typer, tmp_path: Path, kind: str) -> None:
    sample = str(ROOT / "samples" / "kystverket-2019-08-07.nmea")
    rejects = tmp_path / f"{kind}.jsonl"
    chosen = run(app, sample, "--decoder", kind, "--rejects", str(rejects))
    default = run(app, sample)
    assert chosen.exit_code == 0, chosen.output
    assert chosen.stdout == default.stdout and chosen.stdout.count("\n") > 800
    assert chosen.stderr.split(";")[0] == default.stderr.split(";")[0]  # the summary, less the msg/s


def test_unknown_decoder_is_a_usage_error(app: typer.Typer) -> None:
    result = run(app, str(ROOT / "samples" / "kystverket-2019-08-07.nmea"), "--decoder", "numba")
    assert result.exit_code == 2 and "--decoder must be" in result.stderr
