"""Learned risk fusion: a calibrated logistic model over the hand-set risk factors.

Why logistic regression and not gradient-boosted trees: the labelled data are 17 simulated scenarios
(a few thousand correlated rows), too little for trees to beat a linear model honestly; a linear
model in log-odds gives *exact* per-feature explanations (``w_i x_i`` sums to the logit, no SHAP
approximation), and scoring is a dot product and a sigmoid, so run time needs NumPy only (or plain
Python for one vessel) and costs well under the 5 µs budget per assessment. scikit-learn is used for
training only (the ``train`` extra), imported lazily.

Features (:data:`FEATURES`) are the *raw* points of each factor the rules compute, divided by 100
(prior factors, ship type included, and the decayed behaviour evidence per event kind), plus context:
in an area, near an asset and the normal-traffic surprise ``-log10(p) / 10`` of a
``traffic_anomaly`` event. An absent factor is 0, so it contributes nothing to an explanation.

Training (:func:`fit`) copies every normal row with the identity priors of a random incident vessel
(:func:`augment_identities`): simulated normal ships rarely carry shadow-fleet identities, so without
the copies identity alone separates the classes and a flag scores "high". L2 acts on the points
scale. The risk is ``100 x sigmoid(b + sum_i w_i x_i)``, Platt-calibrated on grouped out-of-fold
scores and then lowered until no out-of-fold normal row exceeds :data:`NORMAL_CEILING` (35, below
"medium"): the score is read in the rules' alert bands, not as a probability at even odds. The
calibration is folded into ``w`` and ``b``. Each feature's share in points is its logit
contribution times the secant slope of the sigmoid between the baseline (no feature at all) and
the vessel's logit, so the baseline risk plus every share sums exactly to the risk, signs are kept,
and no share exceeds 25 points per unit of log-odds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from seawarden.model.format import ModelFile, ModelFileError, load_model, save_model

KIND = "risk_fusion"
SCHEMA = 1
#: The packaged model (reproduce: docs/models.md, "Learned risk fusion").
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent / "data" / "risk-fusion-default.npz"

#: Prior factors of the rules (names as in :class:`seawarden.assess.risk.RiskModel`), raw points / 100.
PRIOR_FACTORS: tuple[str, ...] = (
    "watchlist",
    "invalid_imo",
    "invalid_mmsi",
    "shared_mmsi",
    "identity_changes",
    "flag",
    "ship_type",
    "russian_port_departure",
    "russian_destination",
    "age",
    "draught_change_after_gap",
)
#: Behaviour evidence kinds (decayed raw points / 100 of the strongest event of each kind).
BEHAVIOUR_KINDS: tuple[str, ...] = (
    "anchor_drag_suspected",
    "infrastructure_loitering",
    "anchored_near_infrastructure",
    "ais_gap",
    "position_spoofing",
    "rendezvous",
    "identity_change",
    "traffic_anomaly",
    "area_dwell",
)
CONTEXT: tuple[str, ...] = ("in_area", "near_asset", "normalcy_surprise")
FEATURES: tuple[str, ...] = (*PRIOR_FACTORS, *BEHAVIOUR_KINDS, *CONTEXT)
#: Risk factors: a weight below zero would let a red flag *lower* the risk. Such weights only come
#: from artefacts (a flag that no simulated incident vessel has but some real ships do), so these
#: features are dropped from the fit until every remaining one has a weight >= 0.
NON_NEGATIVE: frozenset[str] = frozenset((*PRIOR_FACTORS, *BEHAVIOUR_KINDS, "normalcy_surprise"))
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURES)}
#: Identity priors re-drawn on negative rows by :func:`augment_identities`. Not the watch-list: an
#: operator's list is meant to alert on its own (the rules give an IMO match 55 points, "medium").
AUGMENTED: tuple[str, ...] = tuple(name for name in PRIOR_FACTORS if name != "watchlist")
_AUGMENTED_INDEX = np.asarray([FEATURE_INDEX[name] for name in AUGMENTED])


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(slots=True)
class FeatureShare:
    """One feature's part in a learned score: log-odds and points (points sum to risk - baseline)."""

    feature: str
    value: float
    logit: float
    points: float


@dataclass(slots=True)
class FusionScore:
    """A learned risk with its explanation, largest absolute share first."""

    risk: float
    logit: float
    baseline_risk: float
    shares: list[FeatureShare]

    def top(self, limit: int = 5) -> list[FeatureShare]:
        return self.shares[:limit]


@dataclass(slots=True)
class FusionModel:
    """Weights over :data:`FEATURES` (raw feature scale) and an intercept, with training metadata."""

    weights: np.ndarray
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)
    _w: dict[str, float] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.weights = np.asarray(self.weights, dtype=np.float64).reshape(-1)
        if self.weights.shape != (len(FEATURES),):
            raise ValueError(f"expected {len(FEATURES)} weights, got {self.weights.shape}")
        if not np.all(np.isfinite(self.weights)) or not math.isfinite(self.intercept):
            raise ValueError("weights and intercept must be finite")
        self._w = {name: float(w) for name, w in zip(FEATURES, self.weights, strict=True)}

    # -- scoring ----------------------------------------------------------------------------------
    def logit(self, features: Mapping[str, float]) -> float:
        """``b + sum w_i x_i`` over a sparse feature dict (unknown names are a bug: KeyError)."""
        w = self._w
        z = self.intercept
        for name, value in features.items():
            z += w[name] * value
        return z

    def risk(self, features: Mapping[str, float]) -> float:
        return 100.0 * sigmoid(self.logit(features))

    def explain(self, features: Mapping[str, float]) -> FusionScore:
        """Risk with the share of each feature that moves it (non-zero value and weight; module docstring)."""
        w = self._w
        parts = [(name, value, w[name] * value) for name, value in features.items() if value and w[name]]
        z0 = self.intercept
        total = sum(c for _, _, c in parts)
        base = 100.0 * sigmoid(z0)
        risk = 100.0 * sigmoid(z0 + total)
        if abs(total) > 1e-9:
            slope = (risk - base) / total
        else:
            s = sigmoid(z0)
            slope = 100.0 * s * (1.0 - s)
        shares = [FeatureShare(name, value, c, c * slope) for name, value, c in parts]
        shares.sort(key=lambda s: abs(s.points), reverse=True)
        return FusionScore(risk=risk, logit=z0 + total, baseline_risk=base, shares=shares)

    def score_batch(self, x: np.ndarray) -> np.ndarray:
        """Risk 0-100 for each row of an ``(n, len(FEATURES))`` matrix (NumPy only)."""
        z = x @ self.weights + self.intercept
        return 100.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))

    # -- files ------------------------------------------------------------------------------------
    def to_file(self) -> ModelFile:
        meta = {**self.meta, "features": list(FEATURES)}
        arrays = {"weights": self.weights, "intercept": np.array([self.intercept], dtype=np.float64)}
        return ModelFile(kind=KIND, schema=SCHEMA, arrays=arrays, meta=meta)

    def save(self, path: str | Path) -> Path:
        return save_model(path, self.to_file())


def load_fusion(path: str | Path) -> FusionModel:
    """Read a fusion model; :class:`ModelFileError` says what is wrong with a bad file."""
    model = load_model(path, KIND, schemas=(SCHEMA,))
    names = model.meta.get("features")
    if names != list(FEATURES):
        raise ModelFileError(
            f"{path} was trained on other features than this SeaWarden computes "
            f"({len(names or [])} vs {len(FEATURES)}); retrain it with `seawarden model train`"
        )
    try:
        return FusionModel(
            weights=model.arrays["weights"],
            intercept=float(np.asarray(model.arrays["intercept"]).reshape(-1)[0]),
            meta=model.meta,
        )
    except (KeyError, IndexError, ValueError, TypeError) as e:
        raise ModelFileError(f"{path} is not a usable risk-fusion model ({e}); retrain it") from e


def to_matrix(rows: Sequence[Mapping[str, float]]) -> np.ndarray:
    """Sparse feature dicts -> dense ``(n, len(FEATURES))`` float matrix."""
    x = np.zeros((len(rows), len(FEATURES)), dtype=np.float64)
    for i, row in enumerate(rows):
        for name, value in row.items():
            x[i, FEATURE_INDEX[name]] = value
    return x


def risky_identities(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The distinct :data:`AUGMENTED` prior vectors of the incident rows (at least one: all zero)."""
    pool = x[np.asarray(y) == 1][:, _AUGMENTED_INDEX]
    pool = np.unique(pool, axis=0) if len(pool) else np.zeros((1, len(AUGMENTED)))
    return pool


def augment_identities(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, pool: np.ndarray, *, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Add one copy of every normal row with its identity priors re-drawn from ``pool``.

    Why: simulated normal ships rarely carry shadow-fleet identities while every simulated incident
    vessel does, so identity alone separates the classes and the fit makes a flag or a Russian
    departure "high risk". In the real Baltic hundreds of such tankers transit normally every day.
    The copy keeps the row's behaviour and context and takes the flag, ship type, age, Russian-port
    and identity-quality points of a random incident vessel (``pool``, see :func:`risky_identities`,
    drawn uniformly over distinct vectors, seeded). Copies form their own groups (``<group>:risky``)
    so they weigh as much as the originals in :func:`balanced_weights`.
    """
    normal = np.flatnonzero(np.asarray(y) == 0)
    if not len(normal) or not len(pool):
        return x, y, groups
    rng = np.random.default_rng(seed)
    extra = x[normal].copy()
    extra[:, _AUGMENTED_INDEX] = pool[rng.integers(0, len(pool), len(normal))]
    extra_groups = np.asarray([f"{g}:risky" for g in np.asarray(groups)[normal].tolist()])
    return (
        np.vstack([x, extra]),
        np.concatenate([y, np.zeros(len(normal), dtype=y.dtype)]),
        np.concatenate([np.asarray(groups).astype(str), extra_groups]),
    )


def balanced_weights(y: np.ndarray, groups: np.ndarray | None) -> np.ndarray:
    """Row weights giving each (group, class) cell, and each class, the same total weight."""
    keys = np.asarray(groups) if groups is not None else np.zeros(len(y), dtype=np.int64)
    w = np.ones(len(y), dtype=np.float64)
    for label in (0, 1):
        in_class = y == label
        cells = set(keys[in_class].tolist())
        for key in cells:
            mask = in_class & (keys == key)
            w[mask] = 1.0 / (mask.sum() * len(cells))
    return w * len(y) / w.sum()


#: Risk below the "medium" band (40) that no out-of-fold normal row may exceed (see :func:`fit`).
NORMAL_CEILING = 35.0
#: L2 strength on the raw ``points / 100`` scale (chosen by leave-one-scenario-out; docs/models.md).
DEFAULT_C = 0.1


def fit(
    x: np.ndarray,
    y: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    calibration: tuple[np.ndarray, np.ndarray] | None = None,
    c: float = DEFAULT_C,
    standardise: bool = False,
    augment: bool = True,
    seed: int = 0,
    meta: dict[str, Any] | None = None,
) -> FusionModel:
    """Fit a balanced, L2 logistic model (identity-augmented) and fold everything into raw scale.

    Balanced: every (group, class) cell gets the same total weight when ``groups`` (the source of each
    row) is given, else every class. Why per group: one long scenario (two days at anchor after an
    incident) would otherwise outweigh all the others.

    ``augment``: normal rows are copied with risky identities (:func:`augment_identities`), so an
    identity alone cannot separate the classes. L2 acts on the raw ``points / 100`` scale, not on
    standardised features: standardising divides a rare feature (a lone identity-change event) by a
    tiny spread, so its raw weight explodes; on the points scale every point of evidence costs alike.

    ``calibration``: (out-of-fold logits, labels) from grouped cross-validation (normal rows with
    their augmented copies). A Platt scaling ``a z + c`` is fitted on them (class-balanced), then
    shifted down, when needed, until no out-of-fold normal row scores above :data:`NORMAL_CEILING`:
    the score is read in the rules' alert bands, and "probability at even odds" would put ordinary
    ships with any evidence at 30-50, far above the real base rate of incidents. Both are folded in,
    so the stored model is still one dot product. Needs scikit-learn (the ``train`` extra).
    """
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise RuntimeError("training needs scikit-learn: pip install 'seawarden[train]'") from e
    y = np.asarray(y, dtype=np.int64)
    if len(set(y.tolist())) < 2:
        raise ValueError("training needs both incident (1) and normal (0) rows")
    if groups is None:
        groups = np.zeros(len(y), dtype=np.int64)
    if augment:
        x, y, groups = augment_identities(x, y, groups, risky_identities(x, y), seed=seed)
    keep = np.ones(x.shape[1], dtype=bool)
    weights = balanced_weights(y, groups)
    for _ in range(x.shape[1]):
        mean = x[:, keep].mean(axis=0)
        scale = x[:, keep].std(axis=0) if standardise else np.ones(int(keep.sum()))
        scale[scale < 1e-9] = 1.0
        clf = LogisticRegression(C=c, max_iter=2000)
        clf.fit((x[:, keep] - mean) / scale, y, sample_weight=weights)
        coef = clf.coef_.reshape(-1)
        names = [FEATURES[i] for i in np.flatnonzero(keep)]
        negative = [i for i, name in zip(np.flatnonzero(keep), names, strict=True) if name in NON_NEGATIVE]
        negative = [i for i, w in zip(np.flatnonzero(keep), coef, strict=True) if i in negative and w < 0]
        if not negative:
            break
        keep[negative] = False
    w = np.zeros(x.shape[1])
    w[keep] = coef / scale
    b = float(clf.intercept_[0] - np.dot(coef, mean / scale))
    a, shift, lowered = 1.0, 0.0, 0.0
    if calibration is not None and len(set(np.asarray(calibration[1]).tolist())) == 2:
        z, labels = np.asarray(calibration[0], dtype=np.float64), np.asarray(calibration[1])
        platt = LogisticRegression(C=1e6, class_weight="balanced", max_iter=1000)
        platt.fit(z.reshape(-1, 1), labels)
        a, shift = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        if a <= 0:  # an inverted calibration means the out-of-fold scores carry no signal: keep raw
            a, shift = 1.0, 0.0
        ceiling = math.log(NORMAL_CEILING / (100.0 - NORMAL_CEILING))
        worst = float(np.max(a * z[labels == 0] + shift))
        lowered = max(0.0, worst - ceiling)
        shift -= lowered
    dropped = [FEATURES[i] for i in np.flatnonzero(~keep)]
    info = {
        **(meta or {}),
        "regularisation_c": c,
        "standardised": standardise,
        "identity_augmentation": augment,
        "platt": [a, shift],
        "normal_ceiling": NORMAL_CEILING,
        "lowered_by_logit": round(lowered, 4),
        "dropped_negative": dropped,
    }
    return FusionModel(weights=w * a, intercept=b * a + shift, meta=info)
