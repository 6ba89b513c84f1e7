"""Risk model with the learned fusion: both explanations in the breakdown, safe fallback to rules."""

import logging
from pathlib import Path

import numpy as np
import pytest

from seawarden.alerts.manager import risk_breakdown
from seawarden.assess.risk import ASSET_FREE_SCRATCH, RiskConfig, RiskModel
from seawarden.model.fusion import FEATURE_INDEX, FEATURES, FusionModel
from seawarden.track import Tracker
from seawarden.types import AlertKind, Event, Message

T0 = 1_735_120_000.0


def vessel(mmsi: int = 230123456):
    tracker = Tracker()
    tracker.update(Message(msg_type=1, mmsi=mmsi, timestamp=T0, lat=59.6, lon=24.0, sog=8.0, cog=90.0))
    return tracker.get(mmsi)


def model_file(tmp_path: Path) -> Path:
    w = np.zeros(len(FEATURES))
    w[FEATURE_INDEX["anchor_drag_suspected"]] = 6.0
    w[FEATURE_INDEX["ais_gap"]] = 3.0
    w[FEATURE_INDEX["near_asset"]] = 0.5
    return FusionModel(weights=w, intercept=-2.0).save(tmp_path / "fusion.npz")


def drag(state, model: RiskModel) -> None:
    model.record(state, [Event(kind=AlertKind.ANCHOR_DRAG_SUSPECTED, mmsi=state.mmsi, time=T0, score=0.9)])
    model.record(state, [Event(kind=AlertKind.AIS_GAP, mmsi=state.mmsi, time=T0, score=1.0)])


def test_learned_mode_scores_with_the_model_and_shows_both_explanations(tmp_path: Path) -> None:
    model = RiskModel(RiskConfig(mode="learned", fusion_model=model_file(tmp_path)))
    state = vessel()
    drag(state, model)
    a = model.update(state, T0 + 60)
    features = model.features(state, T0 + 60)
    assert a.risk == pytest.approx(model.fusion.risk(features)) and a.learned_risk == a.risk
    rules = RiskModel(RiskConfig(mode="rules")).assess(state, T0 + 60)
    assert a.rules_risk == pytest.approx(rules.risk) and a.risk != pytest.approx(rules.risk)
    learned = [c for c in a.contributions if c.detail.get("model") == "learned"]
    by_rules = [c for c in a.contributions if c.detail.get("model") == "rules"]
    assert sum(c.points for c in learned) == pytest.approx(a.risk)
    assert sum(c.points for c in by_rules) == pytest.approx(rules.risk)
    assert learned[0].factor == "anchor_drag_suspected" and "logit" in learned[0].detail
    assert {c.factor for c in by_rules} == {c.factor for c in rules.contributions}
    breakdown = risk_breakdown(state)  # what the alert record carries
    assert {item["detail"]["model"] for item in breakdown} == {"learned", "rules"}
    assert all({"factor", "points"} <= set(item) for item in breakdown)
    listed = a.to_list()
    assert listed[0]["factor"] == "anchor_drag_suspected" and listed[0]["model"] == "learned"


@pytest.mark.parametrize("content", [None, b"garbage", b""])
def test_missing_or_corrupt_model_logs_one_error_and_uses_the_rules(tmp_path, caplog, content) -> None:
    path = tmp_path / "broken.npz"
    if content is not None:
        path.write_bytes(content)
    config = RiskConfig(mode="learned", fusion_model=path)
    with caplog.at_level(logging.ERROR, logger="seawarden.assess.risk"):
        model = RiskModel(config)
        RiskModel(config)  # a second pipeline on the same file does not log again
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "using the hand-set rules" in errors[0].getMessage()
    assert str(path) in errors[0].getMessage()
    state = vessel()
    drag(state, model)
    a = model.assess(state, T0 + 60)
    assert model.fusion is None and a.risk == pytest.approx(
        RiskModel(RiskConfig(mode="rules")).assess(state, T0 + 60).risk
    )
    assert all("model" not in c.detail for c in a.contributions)


def test_rules_mode_is_unchanged_and_loads_nothing(tmp_path: Path) -> None:
    model = RiskModel(RiskConfig(mode="rules", fusion_model=tmp_path / "never-read.npz"))
    assert model.fusion is None
    state = vessel()
    drag(state, model)
    a = model.assess(state, T0)
    assert a.learned_risk is None and a.rules_risk == a.risk
    assert sum(c.points for c in a.contributions) == pytest.approx(a.risk)


def test_default_mode_is_rules_and_the_packaged_model_works_in_learned_mode() -> None:
    assert RiskConfig().mode == "rules" and RiskModel().fusion is None
    model = RiskModel(RiskConfig(mode="learned"))
    assert model.fusion is not None
    state = vessel()
    assert model.assess(state, T0).risk < 20.0  # no evidence, no identity: low
    drag(state, model)
    a = model.assess(state, T0 + 60)
    assert a.learned_risk == a.risk and a.risk >= a.rules_risk


def test_features_follow_the_rules_points_and_context() -> None:
    model = RiskModel()
    state = vessel()
    drag(state, model)
    state.areas = {"gof"}
    features = model.features(state, T0)
    assert features["anchor_drag_suspected"] == pytest.approx(0.8 * 0.9)
    assert features["ais_gap"] == pytest.approx(0.35)
    assert features["in_area"] == 1.0 and features["near_asset"] == 1.0
    state.scratch[ASSET_FREE_SCRATCH] = (59.6, 24.0, 1000.0)
    assert "near_asset" not in model.features(state, T0)
    assert set(features) <= set(FEATURES)


def test_traffic_anomaly_p_value_becomes_the_surprise_feature() -> None:
    model = RiskModel()
    state = vessel()
    anomaly = Event(
        kind=AlertKind.TRAFFIC_ANOMALY, mmsi=state.mmsi, time=T0, score=0.4, detail={"p_value": 1e-5}
    )
    model.record(state, [anomaly])
    assert model.features(state, T0)["normalcy_surprise"] == pytest.approx(0.5)


@pytest.mark.parametrize("far", [True, False])
def test_near_asset_follows_what_the_assessor_found(far: bool) -> None:
    from seawarden.pipeline import Pipeline

    pipeline = Pipeline()
    if far:  # the Norwegian Sea, nowhere near a bundled cable or pipeline
        lat, lon = 64.0, 2.0
    else:  # on Estlink 1
        lon, lat = pipeline.geo.assets[0].geometry.coords[len(pipeline.geo.assets[0].geometry.coords) // 2]
    pipeline.process(Message(msg_type=1, mmsi=230123456, timestamp=T0, lat=lat, lon=lon, sog=8.0, cog=90.0))
    state = pipeline.tracker.get(230123456)
    features = pipeline.assessor.risk.features(state, T0)
    assert ("near_asset" in features) is not far


def test_an_observer_sees_every_assessment_with_its_features() -> None:
    model = RiskModel()
    seen = []
    model.observer = lambda state, now, features, a: seen.append((now, features, a.rules_risk))
    state = vessel()
    drag(state, model)
    model.update(state, T0 + 5)
    assert seen and seen[0][0] == T0 + 5 and "anchor_drag_suspected" in seen[0][1]


def test_a_model_trained_on_other_event_weights_warns_once(tmp_path: Path, caplog) -> None:
    w = np.zeros(len(FEATURES))
    w[FEATURE_INDEX["ais_gap"]] = 3.0
    trained = dict(RiskConfig().event_weights, ais_gap=50.0)
    path = FusionModel(weights=w, intercept=-2.0, meta={"event_weights": trained}).save(tmp_path / "m.npz")
    with caplog.at_level(logging.WARNING, logger="seawarden.assess.risk"):
        RiskModel(RiskConfig(mode="learned", fusion_model=path))
        RiskModel(RiskConfig(mode="learned", fusion_model=path))
        RiskModel(RiskConfig(mode="learned", fusion_model=path, event_weights=trained))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "ais_gap" in warnings[0] and "retrain" in warnings[0]


def test_alerts_of_a_learned_pipeline_carry_both_explanations(tmp_path: Path) -> None:
    from seawarden.config import Settings
    from seawarden.pipeline import Pipeline
    from seawarden.simulate.library import nmea_path
    from seawarden.sources import read_messages

    settings = Settings()
    risk = settings.assess.risk.model_copy(update={"mode": "learned", "fusion_model": model_file(tmp_path)})
    settings = settings.model_copy(update={"assess": settings.assess.model_copy(update={"risk": risk})})
    pipeline = Pipeline(settings=settings)
    assert pipeline.assessor.risk.fusion is not None
    alerts = list(pipeline.process_many(read_messages([str(nmea_path("spoofing"))])))
    alerts += pipeline.finish()
    assert alerts
    for alert in alerts:
        models = {item.get("detail", {}).get("model") for item in alert.to_dict()["risk_breakdown"]}
        assert models == {"learned", "rules"}
