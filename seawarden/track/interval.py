"""Each vessel's own reporting interval, learnt robustly.

Why: an AIS gap only means something against the vessel's own pattern — a moored class A ship
reports every 3 minutes, a fast one every 2 s, and terrestrial coverage stretches both. The
estimate is an exponentially weighted mean of the *log* interval (so one long silence or a burst
from several receivers moves it by a bounded factor), with each sample clipped to a factor of 4
around the current estimate once it has settled. Until a few intervals are seen, the ITU-R M.1371
nominal rate for the vessel's class and state is used.
"""

import math
from typing import Final

_ALPHA: Final = 0.15  # weight of one new interval
_SETTLED: Final = 3  # samples before the estimate is trusted and clipping starts
_CLIP: Final = math.log(4.0)
_MIN_INTERVAL_S: Final = 1.0  # shorter: the same report from another receiver, or a burst


class ReportingInterval:
    """Online estimate of the time between a vessel's position reports."""

    __slots__ = ("_log_mean", "last_report_t", "samples")

    def __init__(self) -> None:
        self.last_report_t: float | None = None
        self._log_mean = 0.0
        self.samples = 0

    def observe(self, t: float, max_interval_s: float) -> None:
        """Record a position report at ``t`` (in time order; older reports are ignored)."""
        last = self.last_report_t
        if last is None or t >= last + max_interval_s:
            self.last_report_t = t  # first report, or after a gap: not part of the pattern
            return
        dt = t - last
        if dt < _MIN_INTERVAL_S:
            return
        self.last_report_t = t
        sample = math.log(dt)
        if self.samples == 0:
            self._log_mean = sample
        else:
            if self.samples >= _SETTLED:  # clip to the band: min(max(...)) as two comparisons
                if sample < self._log_mean - _CLIP:
                    sample = self._log_mean - _CLIP
                elif sample > self._log_mean + _CLIP:
                    sample = self._log_mean + _CLIP
            self._log_mean += _ALPHA * (sample - self._log_mean)
        self.samples += 1

    def learnt_s(self) -> float | None:
        """The learnt interval in seconds, or None until enough reports were seen."""
        return math.exp(self._log_mean) if self.samples >= _SETTLED else None


def nominal_interval_s(class_b: bool, sog: float | None, nav_status: int | None) -> float:
    """ITU-R M.1371-5 nominal reporting interval for a vessel's class and motion."""
    if class_b:
        return 30.0 if sog is not None and sog > 2.0 else 180.0
    if nav_status in (1, 5) and (sog is None or sog <= 3.0):
        return 180.0  # at anchor / moored, not moving faster than 3 kn
    if sog is not None and sog > 23.0:
        return 2.0
    if sog is not None and sog > 14.0:
        return 6.0
    return 10.0
