"""Pure motion helpers shared by the behaviour detectors (no state of their own, no I/O).

The spherical basics (distance, bearing, destination) live in :mod:`seawarden.geodesy`, shared
with the tracker, and are re-exported here.

Also here: :class:`RollingSeries`, the small, bounded, time-weighted ring each detector keeps per
vessel (200k vessels must fit in memory, so values live in ``array`` buffers, not Python lists),
and the vessel-category predicates (which MMSIs are ships, which ship types do which work) that
every motion detector applies the same way.
"""

import itertools
import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence

# Re-exported (``X as X``): the detectors' one import for motion maths.
from seawarden.geodesy import EARTH_RADIUS_M as EARTH_RADIUS_M
from seawarden.geodesy import KNOT_MS as KNOT_MS
from seawarden.geodesy import METRES_PER_NM as METRES_PER_NM
from seawarden.geodesy import destination as destination
from seawarden.geodesy import haversine_m as haversine_m
from seawarden.geodesy import initial_bearing_deg as initial_bearing_deg


def angle_diff_deg(a: float, b: float) -> float:
    """Signed smallest difference ``a - b`` in (-180, 180]; positive means ``a`` is clockwise of ``b``."""
    d = (a - b) % 360.0
    return d - 360.0 if d > 180.0 else d


def abs_angle_diff_deg(a: float, b: float) -> float:
    """Unsigned smallest difference between two bearings, 0..180."""
    return abs(angle_diff_deg(a, b))


def dead_reckon(
    lat: float, lon: float, sog_kn: float | None, cog_deg: float | None, dt_s: float
) -> tuple[float, float] | None:
    """Predicted position after ``dt_s`` on constant speed and course; ``None`` without sog/cog.

    Straight-line prediction is what a watch officer's plotter does; it is only meaningful for
    minutes to an hour or two (routes bend), which is how the AIS-gap detector uses it.
    """
    if sog_kn is None or cog_deg is None or dt_s < 0:
        return None
    return destination(lat, lon, cog_deg, sog_kn * KNOT_MS * dt_s)


def implied_speed_kn(
    lat1: float, lon1: float, t1: float, lat2: float, lon2: float, t2: float
) -> float | None:
    """Speed over ground implied by two timed positions; ``None`` when the times coincide."""
    dt = t2 - t1
    if dt <= 0:
        return None
    return haversine_m(lat1, lon1, lat2, lon2) / dt / KNOT_MS


def circular_mean_deg(angles: Iterable[float]) -> float | None:
    """Mean direction of bearings (handles the 359/1 wrap); ``None`` for no angles or no mean."""
    s = c = 0.0
    n = 0
    for a in angles:
        r = math.radians(a)
        s += math.sin(r)
        c += math.cos(r)
        n += 1
    if n == 0 or (abs(s) < 1e-12 and abs(c) < 1e-12):
        return None
    mean = math.degrees(math.atan2(s, c)) % 360.0
    return 0.0 if mean >= 360.0 else mean  # -1e-17 % 360 == 360.0


def cumulative_turn_deg(courses: Sequence[float]) -> float:
    """Signed sum of successive course changes (+ clockwise): |sum| > 360 means a full circle.

    Summing signed differences distinguishes circling (changes accumulate one way) from zig-zag
    or GPS-jitter courses (changes cancel out).
    """
    total = 0.0
    for prev, cur in itertools.pairwise(courses):
        total += angle_diff_deg(cur, prev)
    return total


def turn_rate_deg_min(course1: float, t1: float, course2: float, t2: float) -> float | None:
    """Rate of turn in degrees per minute between two timed courses (signed, + clockwise)."""
    dt = t2 - t1
    if dt <= 0:
        return None
    return angle_diff_deg(course2, course1) / dt * 60.0


def ewma(previous: float | None, value: float, dt_s: float, tau_s: float) -> float:
    """Exponentially weighted mean over *time* (irregular AIS intervals): weight 1 - exp(-dt/tau)."""
    if previous is None:
        return value
    alpha = 1.0 - math.exp(-max(dt_s, 0.0) / tau_s)
    return previous + alpha * (value - previous)


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float | None:
    """Median where each value counts with its weight (time it represents); ``None`` if empty."""
    if len(weights) > 0 and min(weights) > 0 and not math.isnan(sum(weights)):
        # Every weight is positive (the usual case): sort the pairs without a filtering generator.
        pairs = sorted(zip(values, weights, strict=False))
    else:
        pairs = sorted((v, w) for v, w in zip(values, weights, strict=False) if w > 0)
    if not pairs:
        return None
    half = sum([w for _, w in pairs]) / 2.0
    acc = 0.0
    for v, w in pairs:
        acc += w
        if acc >= half:
            return v
    return pairs[-1][0]


# --------------------------------------------------------------------------------------------
# Bounded, time-weighted rolling series
# --------------------------------------------------------------------------------------------


class RollingSeries:
    """A bounded ring of time-weighted samples, optionally aggregated into fixed time buckets.

    Why weights: AIS report rates differ 100x between a fast class A ship (2 s) and a sparse
    satellite feed (minutes); weighting each sample by the time it represents (capped at
    ``max_weight_s``) makes "the median speed over the last two hours" mean *time*, not messages.
    Why buckets: a two-hour baseline of a 2-s reporter would be 3,600 samples; averaging into
    e.g. 3-minute buckets keeps 40 numbers per vessel whatever the rate.

    ``bucket_s == 0`` keeps raw samples. Memory: three ``array`` buffers of at most ``maxlen``.
    """

    __slots__ = (
        "_acc_t",
        "_acc_v",
        "_acc_w",
        "_last_t",
        "bucket_s",
        "max_weight_s",
        "maxlen",
        "t",
        "v",
        "version",
        "w",
    )

    def __init__(self, maxlen: int, bucket_s: float = 0.0, max_weight_s: float = 60.0) -> None:
        self.maxlen = maxlen
        self.bucket_s = bucket_s
        self.max_weight_s = max_weight_s
        self.t = array("d")  # bucket start (or sample) times
        self.v = array("f")  # bucket weighted means (or sample values)
        self.w = array("f")  # seconds each entry represents
        self._acc_t: float | None = None  # open bucket start
        self._acc_v = 0.0  # open bucket sum of value x weight
        self._acc_w = 0.0
        self._last_t: float | None = None
        self.version = 0  # bumped whenever a closed entry is added or removed (cache key)

    def add(self, t: float, value: float) -> None:
        """Add a sample; out-of-order samples (t before the last one) are ignored.

        A sample weighs the time since the previous one (capped); the first weighs ``max_weight_s``.
        """
        # Plain comparisons instead of min()/max() calls (the same values): this runs on every fix.
        last = self._last_t
        if last is None:
            weight = self.max_weight_s
        elif t < last:
            return
        else:
            weight = t - last
            if self.max_weight_s < weight:
                weight = self.max_weight_s
        self._last_t = t
        if weight < 1.0:
            weight = 1.0  # identical timestamps still count a little
        bucket_s = self.bucket_s
        if bucket_s <= 0:
            self._push(t, value, weight)
            return
        start = t - (t % bucket_s)
        if self._acc_t is not None and start != self._acc_t:
            self._close_bucket()
        if self._acc_t is None:
            self._acc_t = start
        self._acc_v += value * weight
        self._acc_w += weight

    def _close_bucket(self) -> None:
        if self._acc_t is not None and self._acc_w > 0:
            self._push(self._acc_t, self._acc_v / self._acc_w, self._acc_w)
        self._acc_t, self._acc_v, self._acc_w = None, 0.0, 0.0

    def _push(self, t: float, value: float, weight: float) -> None:
        self.t.append(t)
        self.v.append(value)
        self.w.append(weight)
        if len(self.t) > self.maxlen:
            del self.t[0], self.v[0], self.w[0]
        self.version += 1

    def clear(self) -> None:
        del self.t[:], self.v[:], self.w[:]
        self.version += 1
        self._acc_t, self._acc_v, self._acc_w, self._last_t = None, 0.0, 0.0, None

    def _entries(self, since: float, include_open: bool = True) -> tuple[list[float], list[float]]:
        if since == -math.inf:
            values, weights = self.v.tolist(), self.w.tolist()
        else:
            first = bisect_left(self.t, since)  # times are increasing
            values, weights = self.v[first:].tolist(), self.w[first:].tolist()
        if (
            include_open
            and self._acc_t is not None
            and self._acc_w > 0
            and self._acc_t >= since - self.bucket_s
        ):
            values.append(self._acc_v / self._acc_w)
            weights.append(self._acc_w)
        return values, weights

    def median(self, since: float = -math.inf, include_open: bool = True) -> float | None:
        """Time-weighted median of entries starting at or after ``since`` (open bucket included)."""
        values, weights = self._entries(since, include_open)
        return weighted_median(values, weights)

    def median_if_covered(self, since: float, min_covered_s: float) -> float | None:
        """``median(since)`` when ``covered_s(since) >= min_covered_s``, else ``None``: one pass, not two."""
        values, weights = self._entries(since)
        if not sum(weights) >= min_covered_s:
            return None
        return weighted_median(values, weights)

    def mean(self, since: float = -math.inf) -> float | None:
        """Time-weighted mean of entries since ``since``."""
        values, weights = self._entries(since)
        total = sum(weights)
        if total <= 0:
            return None
        return sum(v * w for v, w in zip(values, weights, strict=True)) / total

    def covered_s(self, since: float = -math.inf, include_open: bool = True) -> float:
        """Seconds of samples held since ``since`` (how much history backs a statistic)."""
        return sum(self._entries(since, include_open)[1])

    def fraction_at_or_below(self, threshold: float, since: float = -math.inf) -> float:
        """Share of the time (0..1) the value was at or below ``threshold``."""
        values, weights = self._entries(since)
        total = sum(weights)
        if total <= 0:
            return 0.0
        return sum(w for v, w in zip(values, weights, strict=True) if v <= threshold) / total

    @property
    def last_time(self) -> float | None:
        return self._last_t

    def __len__(self) -> int:
        return len(self.t) + (1 if self._acc_t is not None else 0)


# --------------------------------------------------------------------------------------------
# Vessel categories (ITU-R M.1371 ship types, MMSI ranges)
# --------------------------------------------------------------------------------------------

NON_VESSEL_MSG_TYPES = frozenset({4, 9, 11, 21})  # base station, SAR aircraft, UTC response, AtoN
CLASS_B_MSG_TYPES = frozenset({18, 19, 24})

FISHING = frozenset({30})
TUG_TOWING = frozenset({31, 32, 52})
UNDERWATER_OPS = frozenset({33})  # dredging / underwater operations: cable layers and repair ships
MILITARY = frozenset({35})
PILOT_SAR_TENDER_LAW = frozenset({50, 51, 53, 55})
PLEASURE = frozenset({36, 37})  # sailing, pleasure craft
# Vessels whose normal work is slow, stationary or circling work at sea (or patrolling infrastructure).
SERVICE_WORK = TUG_TOWING | UNDERWATER_OPS | MILITARY | PILOT_SAR_TENDER_LAW


SHIP_MMSI_MIN, SHIP_MMSI_MAX = 200_000_000, 799_999_999  # nine digits starting with MID digit 2-7


def is_vessel_mmsi(mmsi: int) -> bool:
    """Ship station MMSIs are nine digits starting 2-7 (MID); 0/1/8/9 are SAR, AtoN, base, craft."""
    return SHIP_MMSI_MIN <= mmsi <= SHIP_MMSI_MAX


def is_tracked_vessel(mmsi: int, msg_type: int | None) -> bool:
    """A ship (not a base station, AtoN or SAR aircraft) whose motion detectors should assess."""
    # is_vessel_mmsi's range test inline: detectors ask this several times per message.
    return SHIP_MMSI_MIN <= mmsi <= SHIP_MMSI_MAX and msg_type not in NON_VESSEL_MSG_TYPES


def is_heavy_anchor_type(ship_type: int | None) -> bool:
    """Cargo (70-79) and tankers (80-89): the ships of every anchor-drag incident (anchors.md §1.1)."""
    return ship_type is not None and 70 <= ship_type <= 89
