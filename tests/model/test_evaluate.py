"""Evaluation harness on a few scenarios: it runs, and its numbers agree with each other."""

import json
from pathlib import Path

import pytest

from seawarden.model.evaluate import evaluate, settings_with_normalcy
from seawarden.simulate.library import PROJECT_SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
NAMES = ["loitering", "normal_transit", "spoofing"]


@pytest.fixture(scope="module")
def report():
    pytest.importorskip("sklearn")
    return evaluate(
        scenarios=PROJECT_SCENARIOS,
        real=[str(ROOT / "samples" / "dma-2010-06-11.nmea")],
        normalcy=None,
        fusion=None,
        names=NAMES,
        normal_runs=0,
    )


def test_modes_and_scenarios(report) -> None:
    assert [m.name for m in report.modes] == ["rules", "learned"]
    for mode in report.modes:
        assert list(mode.scenarios) == NAMES
        assert mode.scenarios["normal_transit"].expected == 0
    rules = report.modes[0]
    # the rules pass these scenarios in tests/scenarios: every expectation met, no forbidden alert
    assert rules.met == rules.expected == 6 and rules.recall == 1.0 and rules.forbidden == 0
    assert all(len(s.delays_min) == s.met for s in rules.scenarios.values())


def test_numbers_are_consistent(report) -> None:
    for mode in report.modes:
        d = mode.to_dict()
        assert 0 <= d["expectations_met"] <= d["expectations"]
        for key in ("precision_medium_up", "precision_high_up"):
            assert d[key] is None or 0.0 <= d[key] <= 1.0
        assert mode.incident_high <= mode.incident_medium
        for rate in d["false_alarms"].values():
            assert rate["alerts_high_up"] <= rate["alerts_medium_up"]
        delays = [x for s in mode.scenarios.values() for x in s.delays_min]
        assert all(x >= 0 for x in delays)
        assert sum(s.met for s in mode.scenarios.values()) == d["expectations_met"]
    real = report.modes[0].real
    assert real.hours > 1.0  # ~1,900 vessels over 29 s of the DMA sample
    assert report.modes[0].real.hours == pytest.approx(report.modes[1].real.hours)  # the same data
    assert report.modes[0].scenario_negatives.hours == pytest.approx(report.modes[1].scenario_negatives.hours)
    json.dumps(report.to_dict())


def test_format_is_a_table_of_every_mode(report) -> None:
    text = report.format()
    assert "rules" in text.splitlines()[0] and "learned" in text.splitlines()[0]
    for name in NAMES:
        assert name in text
    assert "expectations met (recall)" in text and "6/6" in text


def test_normalcy_settings_are_off_without_a_model_and_on_with_one(tmp_path) -> None:
    settings, note = settings_with_normalcy(None)
    assert note is None and "traffic_anomaly" not in settings.assess.enabled
    assert settings.assess.risk.mode == "rules"  # the baseline column, whatever the default mode
    settings, note = settings_with_normalcy(tmp_path / "model.npz")
    if note is None:
        assert "traffic_anomaly" in settings.assess.enabled
        assert settings.assess.traffic_anomaly.model_path == str(tmp_path / "model.npz")
    else:
        assert "ignored" in note
