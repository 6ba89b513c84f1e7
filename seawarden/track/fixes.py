"""Positions: the :class:`Fix` and the compact, bounded :class:`FixTrack`.

Why compact: 200,000 concurrently tracked vessels with a few hours of track each must fit in a
couple of gigabytes. A ``Fix`` object with its boxed floats costs ~250 bytes; the track stores the
same values in typed arrays at 24 bytes per fix (time as a double, lat/lon as 1e-7 degree
integers, speed/course in 0.1 units, heading and status as small integers). Values are quantised
to that resolution (finer than AIS's own 1/10000 minute and 0.1 kn) when a ``Fix`` is made, so a
fix read back from the track equals the one that went in.
"""

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

_DEG_SCALE = 10_000_000  # 1e-7 degree (~1 cm) steps for lat/lon
_TENTHS = 10  # 0.1 kn, 0.1 degree steps for sog/cog/heading
_MISSING = -1  # sentinel for None in the small-integer array
_SOG_MAX = 3000.0  # aircraft report up to 1022 kn; 0.1 kn steps must stay below int16's 32767


_SOG_MAX_TENTHS = round(_SOG_MAX * _TENTHS)


@dataclass(slots=True)
class Fix:
    """One accepted position (quantised, see module docstring)."""

    t: float
    lat: float
    lon: float
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    nav_status: int | None = None

    @classmethod
    def make(
        cls,
        t: float,
        lat: float,
        lon: float,
        sog: float | None = None,
        cog: float | None = None,
        heading: float | None = None,
        nav_status: int | None = None,
    ) -> "Fix":
        """Build a fix at the track's storage resolution; out-of-range extras become None."""
        return cls.make_stored(t, lat, lon, sog, cog, heading, nav_status)[0]

    @classmethod
    def make_stored(
        cls,
        t: float,
        lat: float,
        lon: float,
        sog: float | None = None,
        cog: float | None = None,
        heading: float | None = None,
        nav_status: int | None = None,
    ) -> "tuple[Fix, Stored]":
        """``make`` plus the integers ``FixTrack.append`` stores for the fix (pass them on to it).

        Why: re-quantising a quantised fix gives back the very integers it was built from (checked
        for every lat/lon step within +-180 degrees and every tenth), so the tracker rounds once.
        """
        lat_q = round(lat * _DEG_SCALE)
        lon_q = round(lon * _DEG_SCALE)
        sog_q = cog_q = heading_q = _MISSING
        if sog is not None and 0.0 <= sog < _SOG_MAX:
            sog_q = round(sog * _TENTHS)
            sog = sog_q / _TENTHS
            if sog_q == _SOG_MAX_TENTHS:  # rounded up to the limit: reads back out of range
                sog_q = _MISSING
        else:
            sog = None
        if cog is not None and 0.0 <= cog < 360.0:
            cog_q = round(cog * _TENTHS)
            cog = (cog_q / _TENTHS) % 360.0
            cog_q %= 3600  # 360.0 reads back as 0.0
        else:
            cog = None
        if heading is not None and 0.0 <= heading < 360.0:
            heading_q = round(heading * _TENTHS)
            heading = (heading_q / _TENTHS) % 360.0
            heading_q %= 3600
        else:
            heading = None
        if isinstance(nav_status, int) and 0 <= nav_status <= 15:
            status_q = nav_status
        else:
            nav_status, status_q = None, _MISSING
        fix = cls(float(t), lat_q / _DEG_SCALE, lon_q / _DEG_SCALE, sog, cog, heading, nav_status)
        return fix, (lat_q, lon_q, sog_q, cog_q, heading_q, status_q)


# A fix as FixTrack stores it: lat, lon (1e-7 degree), sog, cog, heading (tenths), nav status.
Stored = tuple[int, int, int, int, int, int]


def _pack_small(
    sog: float | None, cog: float | None, heading: float | None, nav_status: int | None
) -> tuple[int, int, int, int]:
    # One expression per value rather than a helper call each (this runs for every appended fix).
    return (
        round(sog * _TENTHS) if sog is not None and 0.0 <= sog < _SOG_MAX else _MISSING,
        round(cog * _TENTHS) if cog is not None and 0.0 <= cog < 360.0 else _MISSING,
        round(heading * _TENTHS) if heading is not None and 0.0 <= heading < 360.0 else _MISSING,
        nav_status if isinstance(nav_status, int) and 0 <= nav_status <= 15 else _MISSING,
    )


def _unpack_small(small: Sequence[int]) -> tuple[float | None, float | None, float | None, int | None]:
    sog, cog, heading, status = small
    return (
        None if sog == _MISSING else sog / _TENTHS,
        None if cog == _MISSING else (cog / _TENTHS) % 360.0,
        None if heading == _MISSING else (heading / _TENTHS) % 360.0,
        None if status == _MISSING else status,
    )


class FixTrack(Sequence[Fix]):
    """A time-ordered, bounded list of recent fixes (reads like a ``deque[Fix]``).

    Supports ``len``, indexing (negative too), slicing, iteration and ``reversed``. Only the
    tracker appends. Points older than ``max_age_s`` than the newest, or beyond ``maxlen``, are
    dropped from the front. With ``min_spacing_s`` > 0 the newest point is provisional: a fix that
    comes less than ``min_spacing_s`` after the point before it replaces it, so stored points are
    about ``min_spacing_s`` apart while ``track[-1]`` is always the latest accepted fix.
    """

    __slots__ = ("_latlon", "_small", "_t", "max_age_s", "maxlen", "min_spacing_s")

    def __init__(self, maxlen: int, max_age_s: float, min_spacing_s: float = 0.0) -> None:
        self.maxlen = maxlen
        self.max_age_s = max_age_s
        self.min_spacing_s = min_spacing_s
        self._t = array("d")
        self._latlon = array("i")
        self._small = array("h")

    def __len__(self) -> int:
        return len(self._t)

    def _fix_at(self, i: int) -> Fix:
        lat = self._latlon[2 * i] / _DEG_SCALE
        lon = self._latlon[2 * i + 1] / _DEG_SCALE
        return Fix(self._t[i], lat, lon, *_unpack_small(self._small[4 * i : 4 * i + 4]))

    @overload
    def __getitem__(self, index: int) -> Fix: ...
    @overload
    def __getitem__(self, index: slice) -> list[Fix]: ...
    def __getitem__(self, index: int | slice) -> Fix | list[Fix]:
        if isinstance(index, slice):
            return [self._fix_at(i) for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("track index out of range")
        return self._fix_at(index)

    def __iter__(self) -> Iterator[Fix]:
        for i in range(len(self)):
            yield self._fix_at(i)

    def __reversed__(self) -> Iterator[Fix]:
        for i in range(len(self) - 1, -1, -1):
            yield self._fix_at(i)

    def __repr__(self) -> str:
        return f"FixTrack(len={len(self)}, maxlen={self.maxlen})"

    @property
    def times(self) -> array:
        """The fix times (read-only view by convention), cheap for detectors that scan time."""
        return self._t

    def append(self, fix: Fix, stored: Stored | None = None) -> None:
        """Add the newest accepted fix (callers guarantee time order).

        ``stored``: the fix's integers from ``Fix.make_stored``, saving their recomputation.
        """
        t = fix.t
        times = self._t
        n = len(times)
        if stored is None:
            stored = (
                round(fix.lat * _DEG_SCALE),
                round(fix.lon * _DEG_SCALE),
                *_pack_small(fix.sog, fix.cog, fix.heading, fix.nav_status),
            )
        lat, lon, sog, cog, heading, status = stored
        spacing = self.min_spacing_s
        if n >= 2 and spacing > 0 and t - times[n - 2] < spacing:
            # Overwrite the provisional point in place (item stores, no temporary arrays).
            times[n - 1] = t
            latlon, small = self._latlon, self._small
            latlon[2 * n - 2] = lat
            latlon[2 * n - 1] = lon
            small[4 * n - 4] = sog
            small[4 * n - 3] = cog
            small[4 * n - 2] = heading
            small[4 * n - 1] = status
        else:
            times.append(t)
            self._latlon.extend((lat, lon))
            self._small.extend((sog, cog, heading, status))
            n += 1
        # Nothing to drop (the usual case) when under the cap and the oldest point is young enough.
        if n > self.maxlen or (n > 1 and times[0] < t - self.max_age_s):
            self._trim(t)

    def clear(self) -> None:
        del self._t[:], self._latlon[:], self._small[:]

    def _trim(self, newest: float) -> None:
        drop = max(0, len(self._t) - self.maxlen)
        cutoff = newest - self.max_age_s
        while drop < len(self._t) - 1 and self._t[drop] < cutoff:
            drop += 1
        if drop:
            del self._t[:drop]
            del self._latlon[: 2 * drop]
            del self._small[: 4 * drop]
