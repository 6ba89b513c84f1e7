"""Explainable 0-100 risk per vessel: a prior from identity plus decaying behaviour evidence.

Why hand-set and explainable: no labelled anchor-drag data set exists (anchors.md §4), and a watch
officer must be able to say *why* a vessel scores 70. A learned model can later sit beside this one
behind the same narrow interface (``record`` events, ``assess`` a state).

Formula (all numbers live in :class:`RiskConfig`):

* Every factor ``i`` gives raw points ``p_i`` in [0, 95].
  - Prior factors: watch-list match (``watchlist_points[method] x confidence``), identity quality
    (invalid IMO / MMSI, shared MMSI, recent name/IMO/callsign changes, capped), flag state
    (:mod:`seawarden.assess.flags`, the highest category weight, scaled down for uncertain entries),
    ship type (tankers and cargo ships carry the heavy anchors of every incident, anchors.md §1.1),
    recent departure from a Russian port (anchors.md §0.3: every incident vessel had just left one),
    destination a Russian port, age where known (Lloyd's List dark-fleet definition: >= 15 years;
    sanctioned ships average 21 years, anchors.md §2.1) and a draught change across an AIS gap
    (Pole Star red flag, anchors.md §2.1).
  - Behaviour: for each event kind, ``p = weight[kind] x score x 0.5 ** (age / half_life)``, where
    age is the time since the event. Only the strongest (decayed) event per kind is kept, so a
    detector repeating itself does not inflate risk; different kinds add up.
* ``risk = 100 x (1 - prod(1 - p_i / 100))``: one strong factor dominates (a single 80-point
  anchor-drag event gives 80), several weak ones add up but never pass 100.
* Each :class:`Contribution` shows the factor's *share* of the risk,
  ``points_i = risk x p_i / sum(p)``, so the breakdown a person reads sums exactly to the risk;
  the raw points are in ``detail["raw_points"]``.

Learned fusion (``mode = "learned"``, :mod:`seawarden.model.fusion`): the same raw points plus a few
context features go through a calibrated logistic model whose 0-100 output becomes the vessel's
risk. The rules are still computed and stay the transparent fallback: the breakdown then holds the
learned score's top feature shares (``"model": "learned"``; with ``learned_baseline`` and
``other_features`` they sum to the risk) followed by the rules' contributions (``"model": "rules"``,
summing to ``rules_risk``). A missing or corrupt model file logs one clear error and the rules are
used; nothing crashes. The default is ``rules``: see docs/models.md, "Evaluation", for why.
"""

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from seawarden.assess.detectors.kinematics import FISHING, PLEASURE, SERVICE_WORK
from seawarden.assess.flags import FlagCategory, flag_risk
from seawarden.model.fusion import FEATURE_INDEX
from seawarden.types import Event

if TYPE_CHECKING:
    from seawarden.track import VesselState

RISK_SCRATCH = "risk"  # state.scratch key of the latest RiskAssessment (read by the alert layer)
EVIDENCE_SCRATCH = "risk_evidence"  # kind -> (raw points at event time, event time, label)
RU_PORT_SCRATCH = "ru_port"  # (port id, port name, last time seen inside) written by the Assessor
DRAUGHT_SCRATCH = "draught_change"  # dict written by the identity detector
ASSET_FREE_SCRATCH = "asset_free"  # (lat, lon, metres around it with no asset within the radius)
NORMALCY_SCRATCH = "risk_normalcy"  # (surprise -log10 p, event time) of the strongest traffic anomaly

log = logging.getLogger(__name__)


def ship_type_group(code: int | None) -> str:
    """AIS ship-type code -> tanker | cargo | fishing | service | passenger | pleasure | other | unknown."""
    if code is None or code <= 0:
        return "unknown"
    if 80 <= code <= 89:
        return "tanker"
    if 70 <= code <= 79:
        return "cargo"
    if code in FISHING:
        return "fishing"
    if code in SERVICE_WORK:
        return "service"
    if 60 <= code <= 69:
        return "passenger"
    if code in PLEASURE:
        return "pleasure"
    return "other"


# Destinations that name a Russian port: UN/LOCODE "RU xxx" and the usual free-text spellings of
# the Baltic oil and cargo ports of the incident vessels (Ust-Luga, Primorsk, St Petersburg,
# Vysotsk, Kaliningrad) plus the large Black Sea / Arctic ports.
RUSSIAN_DESTINATION = re.compile(
    r"^\s*RU[\s\-_][A-Z]{3}\b"  # UN/LOCODE with a separator: "RU ULU", "RU-LED"
    r"|^\s*RU(?:LED|ULU|PRI|VYS|KGD|BLT|NVS|MMK)\b"  # ... or without, for the main ports only
    r"|UST[\s\-]?LUGA|PRIMORSK|VYSOTSK|KALININGRAD|BALTIYSK"
    r"|ST\.?\s*PETERSBURG|SAINT\s*PETERSBURG|SANKT|\bSPB\b|\bLED\b"
    r"|NOVOROSSIYSK|MURMANSK|TAMAN|TUAPSE",
    re.IGNORECASE,
)


def is_russian_destination(text: str | None) -> bool:
    return bool(text) and _names_russian_port(text)


@lru_cache(maxsize=4096)
def _names_russian_port(text: str) -> bool:
    """The regex search, cached: a vessel's destination is re-read on every risk assessment."""
    return RUSSIAN_DESTINATION.search(text) is not None


class RiskConfig(BaseModel):
    """Weights of the hand-set risk model (points are raw points before combination)."""

    behaviour_half_life_s: float = Field(6 * 3600, gt=0, description="Event evidence halves every 6 h.")
    max_factor_points: float = Field(95.0, gt=0, lt=100, description="No single factor reaches certainty.")
    event_weights: dict[str, float] = Field(
        default_factory=lambda: {
            "anchor_drag_suspected": 80.0,
            "infrastructure_loitering": 45.0,
            "anchored_near_infrastructure": 40.0,
            "ais_gap": 35.0,
            "position_spoofing": 35.0,
            "rendezvous": 35.0,
            "identity_change": 25.0,
            "traffic_anomaly": 25.0,
            "area_dwell": 15.0,
            # Counted in the prior (the match itself), not again as behaviour.
            "watchlist_in_area": 0.0,
            "watchlist_approaching": 0.0,
            "area_entry": 0.0,
            "area_exit": 0.0,
        },
        description="Points for an event of score 1.0, per event kind.",
    )
    watchlist_points: dict[str, float] = Field(
        default_factory=lambda: {"imo": 55.0, "mmsi": 40.0, "name": 30.0},
        description="IMO is the key that survives re-flagging (anchors.md §0.7); names are weakest.",
    )
    invalid_imo_points: float = 10.0
    invalid_mmsi_points: float = 10.0
    shared_mmsi_points: float = 5.0
    identity_change_points: dict[str, float] = Field(
        default_factory=lambda: {"imo": 12.0, "name": 6.0, "callsign": 4.0, "flag": 8.0},
        description="Per recent change of these identity fields (flag hopping is a DSP, anchors.md §2.1).",
    )
    identity_change_window_s: float = 30 * 86400
    identity_change_cap: float = 20.0
    flag_points: dict[str, float] = Field(
        default_factory=lambda: {
            FlagCategory.SHADOW_FLEET.value: 15.0,
            FlagCategory.PARIS_MOU_BLACK.value: 10.0,
            FlagCategory.FRAUDULENT.value: 20.0,
        }
    )
    uncertain_flag_factor: float = Field(0.6, ge=0, le=1)
    ship_type_points: dict[str, float] = Field(
        default_factory=lambda: {"tanker": 10.0, "cargo": 8.0},
        description="Tankers and cargo ships (incl. bulkers) are the anchor-drag population.",
    )
    russian_departure_points: float = 15.0
    russian_departure_window_s: float = Field(7 * 86400, description="Incident ships left 1-3 days before.")
    russian_destination_points: float = 5.0
    age_points: dict[int, float] = Field(default_factory=lambda: {20: 8.0, 15: 5.0})
    draught_change_after_gap_points: float = 5.0
    draught_change_min_gap_s: float = 3600.0
    mode: Literal["rules", "learned"] = Field(
        "rules",
        description="'learned': the fusion model's score is the risk (rules shown beside it); 'rules': "
        "hand-set only. Rules by default: the learned model matches the rules on every metric of the "
        "evaluation in docs/models.md and detects earlier on two scenarios, but it drops low alerts the "
        "rules raise on real traffic and has seen 4 real vessel-hours (limits listed there).",
    )
    fusion_model: Path | None = Field(
        None, description="Risk-fusion model file for mode 'learned'; None = the packaged default model."
    )
    explain_top: int = Field(5, ge=1, le=30, description="Learned feature shares listed per assessment.")


@dataclass(slots=True)
class Contribution:
    """One reason for a vessel's risk: ``points`` is its share of the risk (shares sum to it)."""

    factor: str
    points: float
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"factor": self.factor, "points": round(self.points, 1), **self.detail}


@dataclass(slots=True)
class RiskAssessment:
    """Risk 0-100 at ``time`` with its explanation, largest contribution first."""

    risk: float
    contributions: list[Contribution]
    time: float
    behaviour_risk: float = 0.0  # the same formula over behaviour evidence only (used to clear monitoring)
    rules_risk: float | None = None  # the hand-set score (equals ``risk`` in rules mode)
    learned_risk: float | None = None  # the fusion model's score, when one is used

    def to_list(self) -> list[dict[str, Any]]:
        """The alert record's ``risk_breakdown``."""
        return [c.to_dict() for c in self.contributions]

    def reasons(self, limit: int = 3) -> list[str]:
        return [c.factor for c in self.contributions[:limit]]


def combine(points: list[float]) -> float:
    """``100 x (1 - prod(1 - p/100))`` over raw points (see module docstring)."""
    remaining = 1.0
    for p in points:
        remaining *= 1.0 - min(max(p, 0.0), 100.0) / 100.0
    return 100.0 * (1.0 - remaining)


#: Called with (state, now, features, assessment) on every assessment when set (training, evaluation).
Observer = Callable[["VesselState", float, dict[str, float], "RiskAssessment"], None]

_LOADED: dict[tuple[str, int, int], Any] = {}  # (path, mtime_ns, size) -> FusionModel
_REPORTED: set[str] = set()  # model files whose failure was already logged


def load_fusion_model(path: Path | None) -> Any:
    """The fusion model at ``path`` (None: the packaged default), cached; None with one logged error."""
    from seawarden.model.format import ModelFileError
    from seawarden.model.fusion import DEFAULT_MODEL_PATH, load_fusion

    path = Path(path) if path is not None else DEFAULT_MODEL_PATH
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = (str(path), 0, 0)
    if key in _LOADED:
        return _LOADED[key]
    try:
        model = load_fusion(path)
    except ModelFileError as e:
        if str(path) not in _REPORTED:
            _REPORTED.add(str(path))
            log.error("learned risk fusion disabled, using the hand-set rules: %s", e)
        return None
    _LOADED[key] = model
    return model


class RiskModel:
    """Hand-set, explainable risk model; cheap enough to run on every event and on ticks.

    With ``config.mode == "learned"`` and a usable model file, the learned fusion score is the risk
    and the rules are kept beside it; ``fusion`` may also be passed in directly (evaluation).
    """

    def __init__(self, config: RiskConfig | None = None, fusion: Any = None) -> None:
        self.config = config or RiskConfig()
        self.fusion = fusion
        if fusion is None and self.config.mode == "learned":
            self.fusion = load_fusion_model(self.config.fusion_model)
            self._check_weights()
        self.observer: Observer | None = None

    def _check_weights(self) -> None:
        """Warn (once per model) when the event weights differ from those the model was trained on.

        The model's inputs are the rules' raw points, so re-weighting an event kind shifts them.
        """
        trained = getattr(self.fusion, "meta", {}).get("event_weights")
        if not trained or trained == self.config.event_weights:
            return
        key = f"weights:{id(self.fusion)}"
        if key not in _REPORTED:
            _REPORTED.add(key)
            changed = sorted(
                k
                for k in set(trained) | set(self.config.event_weights)
                if trained.get(k) != self.config.event_weights.get(k)
            )
            log.warning(
                "risk-fusion model was trained with other event weights (%s); retrain it after changing them",
                ", ".join(changed),
            )

    # -- behaviour memory ---------------------------------------------------------------------
    def record(self, state: "VesselState", events: list[Event]) -> None:
        """Remember the strongest decayed evidence per event kind (bounded: one slot per kind)."""
        evidence: dict[str, tuple[float, float, str]] = state.scratch.setdefault(EVIDENCE_SCRATCH, {})
        for event in events:
            kind = str(event.kind)
            weight = self.config.event_weights.get(kind, 0.0)
            points = weight * min(max(event.score, 0.0), 1.0)
            if points <= 0.0:
                continue
            label = event.infrastructure or event.area or ""
            previous = evidence.get(kind)
            if previous is None or self._decayed(previous[0], previous[1], event.time) <= points:
                evidence[kind] = (points, event.time, label)
            if kind == "traffic_anomaly":
                self._record_surprise(state, event)

    def _record_surprise(self, state: "VesselState", event: Event) -> None:
        """Keep the strongest normal-traffic surprise ``-log10 p`` (a learned-model feature)."""
        p = event.detail.get("p_value", event.detail.get("pvalue"))
        try:
            surprise = min(10.0, -math.log10(max(float(p), 1e-10)))
        except (TypeError, ValueError):
            return
        previous = state.scratch.get(NORMALCY_SCRATCH)
        if previous is None or self._decayed(previous[0], previous[1], event.time) <= surprise:
            state.scratch[NORMALCY_SCRATCH] = (surprise, event.time)

    def _decayed(self, points: float, t: float, now: float) -> float:
        age = max(0.0, now - t)
        return points * math.pow(0.5, age / self.config.behaviour_half_life_s)

    # -- assessment -----------------------------------------------------------------------------
    def assess(self, state: "VesselState", now: float, watch: Any = None) -> RiskAssessment:
        """Risk of ``state`` at event time ``now``; ``watch`` is its WatchlistMatch, if any."""
        raw, behaviour = self._raw_points(state, now, watch)
        risk = combine([p for _, p, _ in raw])
        total = sum(p for _, p, _ in raw)
        contributions = [
            Contribution(f, risk * p / total if total else 0.0, {"raw_points": round(p, 1), **d})
            for f, p, d in raw
        ]
        contributions.sort(key=lambda c: c.points, reverse=True)
        behaviour_risk = combine([p for _, p, _ in behaviour])
        assessment = RiskAssessment(
            risk=risk, contributions=contributions, time=now, behaviour_risk=behaviour_risk, rules_risk=risk
        )
        if self.fusion is None and self.observer is None:
            return assessment
        features = self._features(state, now, raw)
        if self.fusion is not None:
            self._fuse(assessment, features)
        if self.observer is not None:
            self.observer(state, now, features, assessment)
        return assessment

    def features(self, state: "VesselState", now: float, watch: Any = None) -> dict[str, float]:
        """The learned model's sparse input for ``state`` at ``now`` (see :mod:`seawarden.model.fusion`)."""
        return self._features(state, now, self._raw_points(state, now, watch)[0])

    def _raw_points(
        self, state: "VesselState", now: float, watch: Any
    ) -> tuple[list[tuple[str, float, dict[str, Any]]], list[tuple[str, float, dict[str, Any]]]]:
        """(every factor's capped raw points, prior first; the behaviour factors alone)."""
        cap = self.config.max_factor_points
        behaviour = [(f, min(p, cap), d) for f, p, d in self._behaviour(state, now)]
        prior = [(f, min(p, cap), d) for f, p, d in self._prior(state, now, watch) if p > 0.0]
        return prior + behaviour, behaviour

    def _features(
        self, state: "VesselState", now: float, raw: list[tuple[str, float, dict[str, Any]]]
    ) -> dict[str, float]:
        out: dict[str, float] = {}
        for factor, points, _ in raw:
            if factor in FEATURE_INDEX:
                out[factor] = points / 100.0
        if state.areas:
            out["in_area"] = 1.0
        if state.last is not None and ASSET_FREE_SCRATCH not in state.scratch:
            out["near_asset"] = 1.0
        surprise = state.scratch.get(NORMALCY_SCRATCH)
        if surprise is not None:
            value = self._decayed(surprise[0], surprise[1], now) / 10.0
            if value > 0.005:
                out["normalcy_surprise"] = value
        return out

    def _fuse(self, assessment: RiskAssessment, features: dict[str, float]) -> None:
        """Make the learned score the risk; list its top shares before the rules' contributions."""
        score = self.fusion.explain(features)
        top = score.shares[: self.config.explain_top]
        rest = sum(s.points for s in score.shares[self.config.explain_top :])
        learned = [
            Contribution(
                s.feature,
                s.points,
                {"model": "learned", "logit": round(s.logit, 3), "value": round(s.value, 3)},
            )
            for s in top
        ]
        learned.sort(key=lambda c: c.points, reverse=True)
        learned.append(Contribution("learned_baseline", score.baseline_risk, {"model": "learned"}))
        if rest:
            learned.append(
                Contribution(
                    "other_features",
                    rest,
                    {"model": "learned", "count": len(score.shares) - len(top)},
                )
            )
        for c in assessment.contributions:
            c.detail = {"model": "rules", **c.detail}
        assessment.contributions = learned + assessment.contributions
        assessment.risk = score.risk
        assessment.learned_risk = score.risk

    def update(self, state: "VesselState", now: float, watch: Any = None) -> RiskAssessment:
        """Assess and store on the state (``state.risk``, ``state.scratch["risk"]``)."""
        assessment = self.assess(state, now, watch)
        state.risk = assessment.risk
        state.scratch[RISK_SCRATCH] = assessment
        return assessment

    def _behaviour(self, state: "VesselState", now: float) -> list[tuple[str, float, dict[str, Any]]]:
        out = []
        for kind, (points, t, label) in state.scratch.get(EVIDENCE_SCRATCH, {}).items():
            decayed = self._decayed(points, t, now)
            if decayed < 0.5:
                continue
            detail: dict[str, Any] = {"event_age_min": round(max(0.0, now - t) / 60.0)}
            if label:
                detail["where"] = label
            out.append((kind, decayed, detail))
        return out

    def _prior(self, state: "VesselState", now: float, watch: Any) -> list[tuple[str, float, dict[str, Any]]]:
        cfg = self.config
        out: list[tuple[str, float, dict[str, Any]]] = []
        if watch is not None:
            base = cfg.watchlist_points.get(str(watch.method), min(cfg.watchlist_points.values()))
            entry = watch.entry
            out.append(
                (
                    "watchlist",
                    base * float(watch.confidence),
                    {"method": str(watch.method), "entry": entry.id, "reason": entry.reason},
                )
            )
        out.extend(self._identity_quality(state, now))
        identity = state.identity
        listed = flag_risk(getattr(identity, "flag_code", None), getattr(identity, "flag", None))
        if listed is not None:
            points = max(cfg.flag_points.get(c.value, 0.0) for c in listed.categories)
            if listed.uncertain:
                points *= cfg.uncertain_flag_factor
            out.append(
                (
                    "flag",
                    points,
                    {"flag": listed.name, "categories": [c.value for c in listed.categories]},
                )
            )
        group = ship_type_group(getattr(identity, "ship_type", None))
        if group in cfg.ship_type_points:
            out.append(("ship_type", cfg.ship_type_points[group], {"ship_type": group}))
        out.extend(self._russian_port(state, now))
        build_year = getattr(identity, "build_year", None) or state.scratch.get("build_year")
        if build_year:
            age = _year(now) - int(build_year)
            for min_age, points in sorted(cfg.age_points.items(), reverse=True):
                if age >= min_age:
                    out.append(("age", points, {"age_years": age}))
                    break
        draught = state.scratch.get(DRAUGHT_SCRATCH)
        if (
            draught
            and draught.get("gap_s", 0.0) >= cfg.draught_change_min_gap_s
            and now - draught.get("time", now) <= cfg.identity_change_window_s
        ):
            out.append(
                (
                    "draught_change_after_gap",
                    cfg.draught_change_after_gap_points,
                    {k: draught[k] for k in ("old", "new", "gap_s") if k in draught},
                )
            )
        return out

    def _identity_quality(self, state: "VesselState", now: float) -> list[tuple[str, float, dict[str, Any]]]:
        cfg = self.config
        out: list[tuple[str, float, dict[str, Any]]] = []
        if state.quality:  # most vessels have no quality flag: no set to build
            flags = {str(f) for f in state.quality}
            if "invalid_imo" in flags:
                out.append(("invalid_imo", cfg.invalid_imo_points, {"imo": state.identity.imo}))
            if "invalid_mmsi" in flags:
                out.append(("invalid_mmsi", cfg.invalid_mmsi_points, {"mmsi": state.mmsi}))
            if "shared_mmsi" in flags:
                out.append(("shared_mmsi", cfg.shared_mmsi_points, {}))
        points = 0.0
        fields: list[str] = []
        for change in state.identity_history:
            weight = cfg.identity_change_points.get(change.field)
            if weight is None or change.old in (None, "") or now - change.time > cfg.identity_change_window_s:
                continue
            points += weight
            fields.append(change.field)
        if points:
            out.append(
                (
                    "identity_changes",
                    min(points, cfg.identity_change_cap),
                    {"fields": sorted(set(fields)), "count": len(fields)},
                )
            )
        return out

    def _russian_port(self, state: "VesselState", now: float) -> list[tuple[str, float, dict[str, Any]]]:
        cfg = self.config
        origin = russian_origin(state, now, cfg.russian_departure_window_s)
        out: list[tuple[str, float, dict[str, Any]]] = []
        if origin is not None:
            out.append(("russian_port_departure", cfg.russian_departure_points, origin))
        destination = state.identity.destination
        if is_russian_destination(destination):
            out.append(("russian_destination", cfg.russian_destination_points, {"destination": destination}))
        return out


def russian_origin(state: "VesselState", now: float, window_s: float) -> dict[str, Any] | None:
    """Where and when the vessel was last in (or last bound for) a Russian port, within the window.

    Two pieces of evidence: a fix inside a geo port with country RU (remembered by the Assessor), or
    a destination change away from a Russian port (the crew updates the destination on departure).
    """
    seen = state.scratch.get(RU_PORT_SCRATCH)
    if seen is not None and now - seen[2] <= window_s:
        return {"port": seen[1], "hours_ago": round(max(0.0, now - seen[2]) / 3600.0, 1), "evidence": "track"}
    for change in reversed(state.identity_history):
        if now - change.time > window_s:
            break
        if (
            change.field == "destination"
            and is_russian_destination(str(change.old or ""))
            and not is_russian_destination(str(change.new or ""))
        ):
            return {
                "port": str(change.old).strip(),
                "hours_ago": round(max(0.0, now - change.time) / 3600.0, 1),
                "evidence": "destination_change",
            }
    return None


def _year(ts: float) -> int:
    return 1970 + int(ts // (365.2425 * 86400))
