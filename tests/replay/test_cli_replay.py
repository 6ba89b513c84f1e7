"""``seawarden replay``: the DESIGN.md contract (JSON-lines alerts, stderr summary, exit 2 on bad input)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from seawarden.cli import app
from tests.conftest import ROOT

RUNNER = CliRunner()
SCENARIO = ROOT / "scenarios" / "newnew_polar_bear.nmea"
CONTRACT_KEYS = {
    "id", "kind", "severity", "risk", "mmsi", "imo", "name", "flag", "time", "lat", "lon", "area",
    "infrastructure", "evidence", "explanation",
}  # fmt: skip


def run(*args: str, stdin: str | None = None):
    return RUNNER.invoke(app, ["replay", *args], input=stdin)


def test_scenario_replay_writes_contract_alerts_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    result = run(str(SCENARIO), "--alerts", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records and all(set(r) >= CONTRACT_KEYS for r in records)
    drag = [r for r in records if r["kind"] == "anchor_drag_suspected"]
    assert drag and drag[0]["mmsi"] == 477245900 and drag[0]["infrastructure"]
    assert drag[0]["time"].endswith("Z") and drag[0]["evidence"][0]["kind"] == "anchor_drag_suspected"
    for line in ("messages decoded", "lines rejected", "vessels", "alerts", "anchor_drag_suspected", "msg/s"):
        assert line in result.stderr


def test_stdin_and_min_severity(tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    result = run("-", "--alerts", str(out), "--min-severity", "critical", stdin=SCENARIO.read_text())
    assert result.exit_code == 0, result.output
    severities = {json.loads(line)["severity"] for line in out.read_text().splitlines()}
    assert severities <= {"critical"}


def test_rejects_are_written_with_reasons(tmp_path: Path) -> None:
    data = tmp_path / "mixed.nmea"
    good = SCENARIO.read_text().splitlines()[:50]
    data.write_text("\n".join([*good, "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*FF", "garbage"]) + "\n")
    rejects = tmp_path / "rejects.jsonl"
    result = run(str(data), "--rejects", str(rejects), "--quiet")
    assert result.exit_code == 0, result.output
    reasons = [json.loads(line)["reason"] for line in rejects.read_text().splitlines()]
    assert reasons == ["bad_checksum", "malformed"]
    assert "bad_checksum" in result.stderr


def test_unusable_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    missing = run(str(tmp_path / "nope.nmea"))
    assert missing.exit_code == 2 and "input file not found" in missing.stderr
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n")
    nothing = run(str(junk))
    assert nothing.exit_code == 2 and "no AIS message" in nothing.stderr
    bad_speed = run(str(SCENARIO), "--speed", "fast")
    assert bad_speed.exit_code == 2 and "--speed" in bad_speed.stderr
    bad_severity = run(str(SCENARIO), "--min-severity", "urgent")
    assert bad_severity.exit_code == 2 and "unknown severity" in bad_severity.stderr


def test_bad_config_file_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "sw.toml"
    config.write_text("[alerts]\nmin_severity = 7\n")
    result = run(str(SCENARIO), "--config", str(config))
    assert result.exit_code == 2 and "invalid configuration" in result.stderr and "alerts" in result.stderr
    config.write_text("[alerts\n")
    assert "not valid TOML" in run(str(SCENARIO), "--config", str(config)).stderr


def test_both_decoders_and_a_paced_replay_write_the_same_alert_records(tmp_path: Path) -> None:
    outputs = {}
    for name, extra in {
        "fast": ["--decoder", "fast"],
        "reference": ["--decoder", "reference"],
        "paced": ["--speed", "1e9"],  # message by message (Pipeline.process), not batches
    }.items():
        out = tmp_path / f"{name}.jsonl"
        result = run(str(SCENARIO), "--alerts", str(out), "--quiet", *extra)
        assert result.exit_code == 0, result.output
        outputs[name] = out.read_text()
    assert outputs["fast"] and outputs["fast"] == outputs["reference"] == outputs["paced"]


def test_unknown_decoder_exits_2() -> None:
    result = run(str(SCENARIO), "--decoder", "turbo")
    assert result.exit_code == 2 and "--decoder" in result.stderr
