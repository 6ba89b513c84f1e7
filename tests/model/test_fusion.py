"""Learned risk fusion: learns a planted signal, exact explanations, files, sklearn agreement."""

import logging
import math
from pathlib import Path

import numpy as np
import pytest

from seawarden.model import ModelFileError, save_model
from seawarden.model.fusion import (
    AUGMENTED,
    FEATURE_INDEX,
    FEATURES,
    NORMAL_CEILING,
    FusionModel,
    augment_identities,
    fit,
    load_fusion,
    risky_identities,
    to_matrix,
)


def synthetic(n: int = 3000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Incidents have anchor-drag evidence (noisy); invalid_imo occurs only in normal rows."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    x = np.zeros((n, len(FEATURES)))
    x[:, FEATURE_INDEX["anchor_drag_suspected"]] = np.where(y == 1, rng.uniform(0.4, 0.8, n), 0.0)
    x[rng.random(n) < 0.05, FEATURE_INDEX["anchor_drag_suspected"]] = 0.3  # some normal ships too
    x[:, FEATURE_INDEX["in_area"]] = rng.random(n) < 0.5
    x[:, FEATURE_INDEX["invalid_imo"]] = np.where((y == 0) & (rng.random(n) < 0.2), 0.1, 0.0)
    return x, y


def test_learns_the_planted_signal_and_never_a_negative_red_flag() -> None:
    x, y = synthetic()
    model = fit(x, y)
    w = dict(zip(FEATURES, model.weights.tolist(), strict=True))
    assert w["anchor_drag_suspected"] > 5.0
    assert w["invalid_imo"] == 0.0 and "invalid_imo" in model.meta["dropped_negative"]
    drag = model.risk({"anchor_drag_suspected": 0.7})
    calm = model.risk({"in_area": 1.0})
    assert drag > 80.0 > 20.0 > calm


def test_explanation_sums_to_the_logit_and_to_the_risk() -> None:
    model = fit(*synthetic())
    features = {"anchor_drag_suspected": 0.6, "in_area": 1.0, "flag": 0.15}
    score = model.explain(features)
    assert model.intercept + sum(s.logit for s in score.shares) == pytest.approx(score.logit)
    assert score.baseline_risk + sum(s.points for s in score.shares) == pytest.approx(score.risk)
    assert score.risk == pytest.approx(100.0 / (1.0 + math.exp(-score.logit)))
    assert score.shares[0].feature == "anchor_drag_suspected"
    assert "flag" not in {s.feature for s in score.shares}  # zero weight: not listed


def test_batch_scoring_matches_sklearn_predict_proba() -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = synthetic(seed=4)
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(x, y)
    model = FusionModel(weights=clf.coef_.reshape(-1), intercept=float(clf.intercept_[0]))
    expected = clf.predict_proba(x)[:, 1] * 100.0
    np.testing.assert_allclose(model.score_batch(x), expected, rtol=1e-9, atol=1e-9)
    row = {name: float(x[7, i]) for i, name in enumerate(FEATURES) if x[7, i]}
    assert model.risk(row) == pytest.approx(expected[7])
    np.testing.assert_array_equal(to_matrix([row])[0], x[7])


def test_round_trip_through_the_model_format(tmp_path: Path) -> None:
    model = fit(*synthetic(), meta={"seed": 3})
    loaded = load_fusion(model.save(tmp_path / "fusion.npz"))
    np.testing.assert_array_equal(loaded.weights, model.weights)
    assert loaded.intercept == model.intercept and loaded.meta["seed"] == 3


def test_wrong_kind_corrupt_and_other_features_are_clear_errors(tmp_path: Path) -> None:
    from seawarden.model import ModelFile

    other = save_model(tmp_path / "n.npz", ModelFile(kind="normalcy", schema=1, arrays={"w": np.zeros(2)}))
    with pytest.raises(ModelFileError, match="'normalcy' model, but a 'risk_fusion' model"):
        load_fusion(other)
    good = FusionModel(weights=np.ones(len(FEATURES)), intercept=-1.0).save(tmp_path / "f.npz")
    (tmp_path / "bad.npz").write_bytes(good.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="retrain"):
        load_fusion(tmp_path / "bad.npz")
    file = FusionModel(weights=np.ones(len(FEATURES)), intercept=0.0).to_file()
    file.meta["features"] = ["something", "else"]
    stale = save_model(tmp_path / "stale.npz", file)
    with pytest.raises(ModelFileError, match="other features"):
        load_fusion(stale)


def test_bad_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="weights"):
        FusionModel(weights=np.ones(3), intercept=0.0)
    with pytest.raises(ValueError, match="finite"):
        FusionModel(weights=np.full(len(FEATURES), np.nan), intercept=0.0)


def test_packaged_default_model_loads() -> None:
    from seawarden.model.fusion import DEFAULT_MODEL_PATH

    if not DEFAULT_MODEL_PATH.exists():
        pytest.fail(f"the packaged default model {DEFAULT_MODEL_PATH} is missing")
    model = load_fusion(DEFAULT_MODEL_PATH)
    assert model.risk({"anchor_drag_suspected": 0.8}) > model.risk({})
    assert all(model.weights[FEATURE_INDEX[n]] >= 0 for n in ("anchor_drag_suspected", "watchlist"))
    logging.getLogger(__name__).info("default model meta: %s", model.meta.get("data"))


def identity_separable(n: int = 4000, seed: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Every incident vessel flies a shadow-fleet flag (and drags); no normal ship does."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    x = np.zeros((n, len(FEATURES)))
    x[:, FEATURE_INDEX["flag"]] = np.where(y == 1, 0.15, 0.0)
    x[:, FEATURE_INDEX["anchor_drag_suspected"]] = np.where(y == 1, rng.uniform(0.2, 0.8, n), 0.0)
    x[(y == 0) & (rng.random(n) < 0.1), FEATURE_INDEX["ais_gap"]] = 0.2
    return x, y


def test_identity_augmentation_copies_normal_rows_with_incident_identities() -> None:
    x, y = identity_separable()
    groups = np.asarray(["a"] * len(y))
    pool = risky_identities(x, y)
    assert pool.shape == (1, len(AUGMENTED)) and pool[0, AUGMENTED.index("flag")] == pytest.approx(0.15)
    xa, ya, ga = augment_identities(x, y, groups, pool, seed=1)
    normal = int((y == 0).sum())
    assert len(ya) == len(y) + normal and not ya[len(y) :].any()
    copies = xa[len(y) :]
    assert np.all(copies[:, FEATURE_INDEX["flag"]] == 0.15)  # the identity of an incident vessel
    np.testing.assert_array_equal(copies[:, FEATURE_INDEX["ais_gap"]], x[y == 0, FEATURE_INDEX["ais_gap"]])
    assert set(ga[len(y) :].tolist()) == {"a:risky"}
    again = augment_identities(x, y, groups, pool, seed=1)[0]
    np.testing.assert_array_equal(again, xa)  # seeded


def test_a_flag_alone_is_not_high_risk_once_normal_ships_may_carry_it() -> None:
    x, y = identity_separable()
    plain = fit(x, y, augment=False)
    augmented = fit(x, y)
    flag = FEATURE_INDEX["flag"]
    # the artefact: identity alone separates the classes, so the flag earns weight of its own
    assert augmented.weights[flag] < 0.7 * plain.weights[flag]
    assert augmented.risk({"flag": 0.15}) < min(20.0, plain.risk({"flag": 0.15}))
    assert augmented.risk({"flag": 0.15, "anchor_drag_suspected": 0.6}) > 65.0
    assert augmented.meta["identity_augmentation"] is True


def test_calibration_keeps_every_out_of_fold_normal_row_below_medium() -> None:
    x, y = identity_separable()
    rng = np.random.default_rng(5)
    z = np.where(y == 1, rng.normal(3.0, 1.0, len(y)), rng.normal(-2.0, 1.5, len(y)))
    model = fit(x, y, calibration=(z, y))
    a, shift = model.meta["platt"]
    worst = 100.0 / (1.0 + math.exp(-(a * z[y == 0].max() + shift)))
    assert worst == pytest.approx(NORMAL_CEILING) and model.meta["lowered_by_logit"] > 0.0
