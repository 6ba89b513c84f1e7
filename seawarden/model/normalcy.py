"""A learned model of normal traffic per place, and its calibrated track-window score.

Why this shape (after TREAD's per-area route statistics and GeoTrackNet's "a-contrario" scoring of a
track by how unlikely it is under a learned density): for each H3 cell (resolution 6, ~36 km^2,
edge ~3.2 km: fine enough to separate a lane from the water beside it, coarse enough to collect
data) and ship-type group we count fixes in a joint grid of speed bins x course bins, each count
spread 1-2-1 over neighbouring speed bins and course sectors. The distribution of a (cell, type)
is factorised: P(speed | cell, type) x P(course | cell, under way) (lanes serve every type; the
type sets the speed), and sparse places back off hierarchically, as Dirichlet smoothing along the
chain global (course-free) -> global+type -> parent cell (resolution 4, ~22 km edge) ->
parent+type -> cell -> cell+type: each level is ``(counts + k * level above) / (n + k)``, so a
level with few fixes keeps the shape of the level above, and an unseen cell is judged by its
parent, or by the type's global speeds with no course preference.

Per fix, the score is not the raw likelihood (a busy cell with many lanes has a flatter
distribution than a quiet one, so raw likelihoods are not comparable between places) but the
a-contrario tail mass: the probability, in that row, of all bins at most as likely as the observed
one. ``surprise = -log(tail)`` is ~0 for the usual behaviour of the place and large for a bin the
place has (almost) never seen; it is capped at ``max_surprise`` (tail 1e-3) so one glitched fix
cannot make a window anomalous on its own. A track window's score is the mean surprise of its last
``window_fixes`` scored fixes (sampled at most every ``sample_s``), and its p-value is conformal:
the fraction of held-out *normal* windows (vessels not used to count) scoring at least as high,
``(1 + #{null >= s}) / (n + 1)``. A threshold ``p < alpha`` therefore means a false-alarm rate of
about ``alpha`` per window on traffic like the calibration traffic.

Scoring is cheap: every row's surprise table is precomputed at load time into one dense array,
indexed through a dict from H3 cell int to row base; a fix costs one H3 lookup, a dict get and a
bin lookup (benchmarks/normalcy_scoring.py measures it).
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import h3.api.numpy_int as h3
import numpy as np

from seawarden.model.format import ModelFile, load_model, save_model

KIND = "normalcy"
SCHEMA = 1
GROUPS: tuple[str, ...] = (
    "tanker",
    "cargo",
    "fishing",
    "service",
    "passenger",
    "pleasure",
    "other",
    "unknown",
)
GROUP_INDEX = {name: i for i, name in enumerate(GROUPS)}
#: Speed bin edges in knots: fine where anchor drag and pilot boarding live, coarse above 16 kn.
SPEED_EDGES = np.array(
    [0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 25.0], dtype=np.float64
)
N_COURSE = 12  # 30-degree sectors; below COURSE_MIN_KN the course is noise: one extra "no course" bin
COURSE_MIN_KN = 1.0
ANCHORED_STATUSES = frozenset({1, 5})  # at anchor, moored: not "under way", not scored


@cache
def group_index(ship_type: int | None) -> int:
    """AIS ship-type code -> index into :data:`GROUPS` (the risk model's grouping)."""
    from seawarden.assess.risk import ship_type_group

    return GROUP_INDEX[ship_type_group(ship_type)]


@dataclass(frozen=True, slots=True)
class Params:
    """Hyper-parameters stored with the model (so scoring always matches training)."""

    res: int = 6
    parent_res: int = 4
    prior_k: float = 20.0  # pseudo-fixes of the level above: a cell needs ~20 fixes to speak for itself
    window_fixes: int = 10
    sample_s: float = 30.0  # score at most one fix per 30 s (AIS rates vary 2 s .. 3 min)
    max_gap_s: float = 900.0  # a longer silence starts a new window
    min_window_s: float = 240.0  # a window must span at least 4 min of track
    max_surprise: float = 7.0  # tail mass below 1e-3 counts as 1e-3: one glitch cannot make a window

    def to_meta(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    @classmethod
    def from_meta(cls, meta: dict[str, Any]) -> Params:
        return cls(**{f: type(getattr(cls(), f))(meta[f]) for f in cls.__dataclass_fields__ if f in meta})


def n_bins() -> int:
    return (len(SPEED_EDGES) + 1) * (N_COURSE + 1)


def bin_of(sog: np.ndarray, cog: np.ndarray) -> np.ndarray:
    """Joint speed x course bin per fix (vectorised); a missing/slow course is the extra bin."""
    s = np.searchsorted(SPEED_EDGES, sog, side="right")
    cog = np.nan_to_num(np.asarray(cog, dtype=np.float64), nan=-1.0)
    c = np.where(
        (np.asarray(sog) < COURSE_MIN_KN) | (cog < 0) | (cog >= 360.0),
        N_COURSE,
        (np.clip(cog, 0.0, 359.999) // (360.0 / N_COURSE)).astype(np.int64),
    )
    return s * (N_COURSE + 1) + c


def bin_scalar(sog: float, cog: float | None) -> int:
    """:func:`bin_of` for one fix without NumPy overhead (the detector's per-fix path)."""
    # Edges ascend: the count of edges <= sog is a bisection (the guard keeps NaN in bin 0).
    s = bisect_right(_SPEED_EDGES_LIST, sog) if sog >= _SPEED_EDGES_LIST[0] else 0
    if sog < COURSE_MIN_KN or cog is None or not 0.0 <= cog < 360.0:
        c = N_COURSE
    else:
        c = int(cog // (360.0 / N_COURSE))
    return s * (N_COURSE + 1) + c


_SPEED_EDGES_LIST = [float(e) for e in SPEED_EDGES]


def describe_bin(b: int) -> tuple[str, str]:
    """Human labels (speed range, course sector) of a bin, for explanations."""
    s, c = divmod(int(b), N_COURSE + 1)
    lo = 0.0 if s == 0 else _SPEED_EDGES_LIST[s - 1]
    speed = f">{lo:g} kn" if s == len(_SPEED_EDGES_LIST) else f"{lo:g}-{_SPEED_EDGES_LIST[s]:g} kn"
    width = 360 // N_COURSE
    course = "no course (slow)" if c == N_COURSE else f"{c * width:03d}-{(c + 1) * width:03d} deg"
    return speed, course


def _tail_surprise(prob: np.ndarray) -> np.ndarray:
    """Per row: -log(mass of all bins at most as likely as each bin) (the a-contrario tail)."""
    order = np.argsort(prob, axis=1, kind="stable")
    sp = np.take_along_axis(prob, order, axis=1)
    cs = np.cumsum(sp, axis=1)
    width = prob.shape[1]
    # Ties: every tied bin gets the mass up to the last of them (the next "last of a run" index).
    is_last = np.ones_like(sp, dtype=bool)
    is_last[:, :-1] = sp[:, :-1] != sp[:, 1:]
    last = np.where(is_last, np.arange(width)[None, :], width - 1)
    last = np.minimum.accumulate(last[:, ::-1], axis=1)[:, ::-1]
    tail_sorted = np.take_along_axis(cs, last, axis=1)
    tail = np.empty_like(tail_sorted)
    np.put_along_axis(tail, order, tail_sorted, axis=1)
    return (-np.log(np.clip(tail, 1e-12, 1.0))).astype(np.float32)


def _kernel(counts: np.ndarray) -> np.ndarray:
    """Spread each count 1-2-1 over neighbouring speed bins and course sectors (mass preserved).

    Why: a speed of 3.9 kn and one of 4.1 kn are the same behaviour; without this a cell with a
    few hundred fixes would call every bin next to the ones it saw "never seen".
    """
    shape = counts.shape
    x = counts.reshape(*shape[:-1], len(SPEED_EDGES) + 1, N_COURSE + 1)
    padded = np.concatenate([x[..., :1, :], x, x[..., -1:, :]], axis=-2)  # reflect: edges keep mass
    x = 0.5 * x + 0.25 * padded[..., :-2, :] + 0.25 * padded[..., 2:, :]
    course = x[..., :N_COURSE]
    x = np.concatenate(
        [
            0.5 * course + 0.25 * np.roll(course, 1, axis=-1) + 0.25 * np.roll(course, -1, axis=-1),
            x[..., N_COURSE:],
        ],
        axis=-1,
    )
    return x.reshape(shape)


def _course_free(counts: np.ndarray) -> np.ndarray:
    """Keep the speed distribution but spread each speed's course mass evenly over the sectors.

    Why: a course is only normal or not *somewhere* (a lane runs one way); at the global level,
    where unseen places back off to, a northbound ship must not look odd because most lanes in the
    training data run east-west.
    """
    x = counts.reshape(*counts.shape[:-1], len(SPEED_EDGES) + 1, N_COURSE + 1).copy()
    x[..., :N_COURSE] = x[..., :N_COURSE].sum(axis=-1, keepdims=True) / N_COURSE
    return x.reshape(counts.shape)


def _speeds(joint: np.ndarray) -> np.ndarray:
    """Speed marginal of joint [..., bins] distributions or counts: [..., speed bins]."""
    return joint.reshape(*joint.shape[:-1], len(SPEED_EDGES) + 1, N_COURSE + 1).sum(axis=-1)


def _typed(counts_t: np.ndarray, place: np.ndarray, type_prior: np.ndarray, k: float) -> np.ndarray:
    """P(speed, course | place, type) = P(speed | place, type) x P(course | place, under way).

    Why independent: the simulated and real history is too thin to learn which speeds go with
    which course in every cell; the course is a property of the lane, the speed of lane and type.

    ``counts_t`` [N, G, B] typed counts, ``place`` [N, B] the place's smoothed joint (all types),
    ``type_prior`` [N or 1, G, S] the speed distribution of the type one level up. The typed speed
    is smoothed towards the mean of the place's speeds and the type's speeds above.
    """
    s_count, c_count = len(SPEED_EDGES) + 1, N_COURSE + 1
    joint = place.reshape(len(place), s_count, c_count)
    slow = int(np.searchsorted(SPEED_EDGES, COURSE_MIN_KN, side="right"))  # bins below: no course
    moving = joint[:, slow:, :].sum(axis=1)  # the place's course distribution when under way
    course_given_speed = np.empty_like(joint)
    course_given_speed[:, slow:, :] = (moving / moving.sum(axis=-1, keepdims=True))[:, None, :]
    course_given_speed[:, :slow, :] = 0.0
    course_given_speed[:, :slow, N_COURSE] = 1.0
    prior = 0.5 * (_speeds(place)[:, None, :] + type_prior)
    speed_t = _smooth(_speeds(counts_t), prior, k)  # [N, G, S]
    out = speed_t[..., None] * course_given_speed[:, None, :, :]
    return out.reshape(*counts_t.shape)


def _smooth(counts: np.ndarray, prior: np.ndarray, k: float) -> np.ndarray:
    n = counts.sum(axis=-1, keepdims=True)
    return (counts + k * prior) / (n + k)


class NormalcyModel:
    """Counts per (cell, ship-type group) turned into dense surprise tables; see module docstring."""

    def __init__(
        self,
        cell_ids: np.ndarray,
        counts: np.ndarray,
        null_scores: np.ndarray,
        params: Params | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """``counts``: [cells, groups, bins] fix counts; ``null_scores``: calibration window scores."""
        self.params = params or Params()
        self.meta = dict(meta or {})
        self.cell_ids = np.asarray(cell_ids, dtype=np.int64)
        self.counts = np.asarray(counts, dtype=np.float32)
        self.null_scores = np.sort(np.asarray(null_scores, dtype=np.float64))
        self._null_list = self.null_scores.tolist()  # bisect on a list: the per-fix path, no NumPy call
        self._fallback_row: dict[int, int] = {}  # cell not in the model -> its backed-off row base
        self._build()

    # -- construction ----------------------------------------------------------------------------
    def _build(self) -> None:
        p, k = self.params, self.params.prior_k
        g_count, b_count = len(GROUPS), n_bins()
        ct = _kernel(self.counts.reshape(len(self.cell_ids), g_count, b_count).astype(np.float64))
        parents = np.array([h3.cell_to_parent(int(c), p.parent_res) for c in self.cell_ids], dtype=np.int64)
        parent_ids, parent_of = np.unique(parents, return_inverse=True)
        pt = np.zeros((len(parent_ids), g_count, b_count), dtype=np.float64)
        np.add.at(pt, parent_of, ct)
        glob_t = _course_free(pt.sum(axis=0))  # [G, B]; course means nothing away from a place
        glob = (glob_t.sum(axis=0) + 1.0) / (glob_t.sum() + b_count)  # Laplace at the root
        glob_t_p = _smooth(glob_t, glob[None, :], k)  # [G, B]
        # Places (all types) give the joint speed x course; a type refines only the speed: lanes
        # serve every type, but a tanker and a trawler do not sail at the same speed.
        par = _smooth(pt.sum(axis=1), glob[None, :], k)  # [P, B]
        par_t = _typed(pt, par, _speeds(glob_t_p)[None], k)  # [P, G, B]
        cell = _smooth(ct.sum(axis=1), par[parent_of], k)  # [C, B]
        cell_t = _typed(ct, cell, _speeds(par_t)[parent_of], k)  # [C, G, B]
        # "unknown" is half a behaviour class (ships that never send a type) and half any ship whose
        # static report (every 6 min) has not arrived yet: an even mixture of what unknown-type
        # ships did here and what all ships did here.
        u = GROUP_INDEX["unknown"]
        glob_t_p[u] = 0.5 * (glob_t_p[u] + glob)
        par_t[:, u] = 0.5 * (par_t[:, u] + par)
        cell_t[:, u] = 0.5 * (cell_t[:, u] + cell)
        # Rows: every (cell, group), then every (parent, group) for unseen cells, then global per group.
        prob = np.concatenate(
            [cell_t.reshape(-1, b_count), par_t.reshape(-1, b_count), glob_t_p], axis=0
        ).astype(np.float64)
        prob /= prob.sum(axis=1, keepdims=True)
        self.prob = prob.astype(np.float32)
        self.surprise = np.minimum(_tail_surprise(prob), np.float32(p.max_surprise))
        self._surprise_flat = self.surprise.ravel()
        self._prob_flat = self.prob.ravel()
        n_cells, n_par = len(self.cell_ids), len(parent_ids)
        self._cell_row = {int(c): i * g_count for i, c in enumerate(self.cell_ids)}
        self._parent_row = {int(c): (n_cells + i) * g_count for i, c in enumerate(parent_ids)}
        self._global_row = (n_cells + n_par) * g_count
        self.parent_ids = parent_ids
        self.fixes_per_cell = ct.sum(axis=(1, 2))

    # -- lookup ------------------------------------------------------------------------------------
    def cell_of(self, lat: float, lon: float) -> int:
        return int(h3.latlng_to_cell(lat, lon, self.params.res))

    def row_of(self, cell: int, group: int) -> int:
        """Dense row of (cell, group), backing off to the parent cell, then to the global row."""
        base = self._cell_row.get(cell)
        if base is None:
            # Remembered per cell (bounded): the H3 parent lookup is the costly part of a fix's score.
            base = self._fallback_row.get(cell)
            if base is None:
                base = self._parent_row.get(
                    int(h3.cell_to_parent(cell, self.params.parent_res)), self._global_row
                )
                if len(self._fallback_row) >= _FALLBACK_ROWS_KEPT:
                    self._fallback_row.clear()
                self._fallback_row[cell] = base
        return base + group

    def level_of(self, row: int) -> str:
        g = len(GROUPS)
        if row < len(self.cell_ids) * g:
            return "cell"
        return "parent" if row < self._global_row else "global"

    def rows_batch(self, lat: np.ndarray, lon: np.ndarray, group: np.ndarray) -> np.ndarray:
        res, cache = self.params.res, self._cell_row
        rows = np.empty(len(lat), dtype=np.int64)
        latlng = h3.latlng_to_cell
        seen: dict[int, int] = {}
        for i, (la, lo) in enumerate(zip(lat.tolist(), lon.tolist(), strict=True)):
            c = latlng(la, lo, res)
            base = cache.get(c)
            if base is None:
                base = seen.get(c)
                if base is None:
                    base = seen[c] = self.row_of(c, 0)
            rows[i] = base
        return rows + np.asarray(group, dtype=np.int64)

    # -- scoring -----------------------------------------------------------------------------------
    def score_batch(
        self, lat: np.ndarray, lon: np.ndarray, sog: np.ndarray, cog: np.ndarray, type_group: np.ndarray
    ) -> np.ndarray:
        """Log-likelihood of each fix's (speed, course) bin in its place and type (vectorised)."""
        rows = self.rows_batch(np.asarray(lat), np.asarray(lon), np.asarray(type_group))
        return np.log(self._prob_flat[rows * _NB + bin_of(np.asarray(sog, dtype=np.float64), cog)])

    def surprise_batch(
        self, lat: np.ndarray, lon: np.ndarray, sog: np.ndarray, cog: np.ndarray, type_group: np.ndarray
    ) -> np.ndarray:
        """A-contrario surprise ``-log(tail mass)`` of each fix (what windows average)."""
        rows = self.rows_batch(np.asarray(lat), np.asarray(lon), np.asarray(type_group))
        return self._surprise_flat[rows * n_bins() + bin_of(np.asarray(sog, dtype=np.float64), cog)]

    def surprise_one(
        self, lat: float, lon: float, sog: float, cog: float | None, group: int
    ) -> tuple[float, int, int]:
        """(surprise, row, bin) of one fix: the detector's per-fix path."""
        row = self.row_of(int(h3.latlng_to_cell(lat, lon, self.params.res)), group)
        b = bin_scalar(sog, cog)
        return float(self._surprise_flat[row * _NB + b]), row, b

    def p_value(self, window_score: float) -> float:
        """Conformal p: share of held-out normal windows at least as surprising (with the +1)."""
        n = len(self._null_list)
        return (1 + n - bisect_left(self._null_list, window_score)) / (n + 1)

    def p_values(self, scores: np.ndarray) -> np.ndarray:
        n = len(self.null_scores)
        above = n - np.searchsorted(self.null_scores, scores, side="left")
        return (1 + above) / (n + 1)

    def expected(self, row: int, top: int = 2) -> list[tuple[str, str, float]]:
        """The ``top`` most usual (speed, course) bins of a row with their shares, for explanations."""
        out = []
        for b in np.argsort(-self.prob[row], kind="stable")[:top].tolist():
            speed, course = describe_bin(b)
            out.append((speed, course, float(self.prob[row, b])))
        return out

    # -- persistence -------------------------------------------------------------------------------
    def to_file(self) -> ModelFile:
        flat = self.counts.reshape(-1)
        nz = np.flatnonzero(flat)
        arrays = {
            "cell_ids": self.cell_ids,
            "count_index": nz.astype(np.int64),
            "count_value": flat[nz].astype(np.float32),
            "null_scores": self.null_scores.astype(np.float32),
            "speed_edges": SPEED_EDGES,
        }
        meta = {**self.meta, "params": self.params.to_meta(), "groups": list(GROUPS), "n_course": N_COURSE}
        return ModelFile(kind=KIND, schema=SCHEMA, arrays=arrays, meta=meta)

    def save(self, path: str | Path) -> Path:
        return save_model(path, self.to_file())

    @classmethod
    def load(cls, path: str | Path) -> NormalcyModel:
        """Load a normalcy model file; raises :class:`ModelFileError` with what to do next."""
        from seawarden.model.format import ModelFileError

        mf = load_model(path, KIND, (SCHEMA,))
        try:
            a = mf.arrays
            if (
                list(mf.meta.get("groups", [])) != list(GROUPS)
                or int(mf.meta.get("n_course", -1)) != N_COURSE
            ):
                raise ValueError("ship-type groups or course bins differ from this SeaWarden's")
            if not np.array_equal(a["speed_edges"], SPEED_EDGES):
                raise ValueError("speed bins differ from this SeaWarden's")
            cells = a["cell_ids"].astype(np.int64)
            counts = np.zeros(len(cells) * len(GROUPS) * n_bins(), dtype=np.float32)
            counts[a["count_index"]] = a["count_value"]
            if len(a["null_scores"]) == 0:
                raise ValueError("no calibration scores")
            params = Params.from_meta(dict(mf.meta.get("params", {})))
            return cls(
                cells, counts.reshape(len(cells), len(GROUPS), n_bins()), a["null_scores"], params, mf.meta
            )
        except (KeyError, ValueError, IndexError, TypeError) as e:
            raise ModelFileError(
                f"{path} is a normalcy model this SeaWarden cannot use ({e}); retrain it with "
                "`seawarden model train --kind normalcy`"
            ) from e


_NB = n_bins()
_FALLBACK_ROWS_KEPT = 100_000  # cells outside the model whose backed-off row is remembered


def default_model_path() -> Path:
    """The shipped default model (trained by the command in docs/models.md)."""
    return Path(__file__).resolve().parent / "data" / "normalcy-default.npz"


def scoreable(sog: float | None, nav_status: int | None) -> bool:
    """Only fixes of vessels under way are scored (anchored/moored is the anchored detector's job)."""
    return sog is not None and nav_status not in ANCHORED_STATUSES


class WindowScorer:
    """Per-vessel running window of the last ``window_fixes`` scored fixes (a few small arrays).

    Shared by the detector and by calibration, so the null is computed exactly as alerts are.
    A ring buffer: pushing a fix costs no allocation once the window is full.
    """

    __slots__ = ("bins", "count", "head", "last_t", "rows", "surprises", "times")

    def __init__(self) -> None:
        self.surprises = array("f")
        self.rows = array("l")
        self.bins = array("h")
        self.times = array("d")
        self.head = 0  # index of the oldest entry once the ring is full
        self.count = 0
        self.last_t = -math.inf

    def push(
        self,
        model: NormalcyModel,
        t: float,
        lat: float,
        lon: float,
        sog: float,
        cog: float | None,
        group: int,
    ) -> float | None:
        """Add one fix; returns the window score when the window is full and long enough, else None."""
        p = model.params
        if t - self.last_t < p.sample_s:
            return None
        if t - self.last_t > p.max_gap_s:
            self.reset()
        s, row, b = model.surprise_one(lat, lon, sog, cog, group)
        self.last_t = t
        if self.count < p.window_fixes:
            self.surprises.append(s)
            self.rows.append(row)
            self.bins.append(b)
            self.times.append(t)
            self.count += 1
            if self.count < p.window_fixes:
                return None
        else:
            h = self.head
            self.surprises[h], self.rows[h], self.bins[h], self.times[h] = s, row, b, t
            self.head = (h + 1) % self.count
        if t - self.times[self.head] < p.min_window_s:
            return None
        return sum(self.surprises) / self.count

    def order(self) -> list[int]:
        """Ring indices oldest first."""
        return [(self.head + i) % self.count for i in range(self.count)] if self.count else []

    def span_s(self) -> float:
        return self.last_t - self.times[self.head] if self.count else 0.0

    def reset(self) -> None:
        for buf in (self.surprises, self.rows, self.bins, self.times):
            del buf[:]
        self.head = self.count = 0
        self.last_t = -math.inf


def window_scores(
    model: NormalcyModel,
    tracks: Iterable[Sequence[tuple[float, float, float, float, float | None, int | None, int]]],
) -> np.ndarray:
    """Every window score of every track ``[(t, lat, lon, sog, cog, nav_status, group), ...]``."""
    out: list[float] = []
    for track in tracks:
        scorer = WindowScorer()
        for t, lat, lon, sog, cog, nav, group in track:
            if not scoreable(sog, nav):
                continue
            s = scorer.push(model, t, lat, lon, sog, cog, group)
            if s is not None:
                out.append(s)
    return np.asarray(out, dtype=np.float64)
