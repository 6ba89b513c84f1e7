"""The pure core wired together: message -> track -> assess -> alerts.

The same :class:`Pipeline` object runs embedded in the live service, in ``replay`` and inside a
distributed engine (one instance per partition of vessels). It does no I/O and never reads the
wall clock: its clock is the event time of the messages it has seen, so a replay of last month
behaves exactly as the live service did.

Why the clock ticks on a fixed grid: time-driven checks (AIS gaps, loitering clocks, risk decay)
run at every multiple of ``tick_interval_s`` of event time and housekeeping at every multiple of
:data:`HOUSEKEEPING_INTERVAL_S`, *before* the first message at or past the mark is assessed. The
work a vessel sees therefore depends only on its own messages and the grid, never on which other
vessels share the stream, so one vessel's alerts are the same whether it is processed alone, in a
partition of a distributed job or in the whole feed (vessel-pair detectors excepted: they need the
pair together).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from seawarden.alerts import AlertManager
from seawarden.assess import Assessor
from seawarden.config import Settings
from seawarden.geo import GeoContext
from seawarden.track import Tracker
from seawarden.types import Alert, Event, Message, Severity
from seawarden.watchlist import Watchlist

#: How often (event time) old vessels and quiet incidents are forgotten, to keep memory bounded.
HOUSEKEEPING_INTERVAL_S = 600.0
#: At most this many clock marks are stepped through one by one in a single jump of event time (a
#: week of one-minute ticks); a longer jump (a corrupt far-future timestamp) ticks once at its end.
MAX_CLOCK_STEPS = 10_080
#: Silence longer than this between two messages of a vessel is not counted as observed vessel-time.
OBSERVED_GAP_CAP_S = 600.0


@dataclass(slots=True)
class PipelineStats:
    messages: int = 0
    positions: int = 0
    vessels_seen: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)
    alerts_by_kind: Counter[str] = field(default_factory=Counter)  # distinct alerts (by id)
    alert_records: int = 0  # records emitted, updates included
    alerts_by_severity: Counter[str] = field(default_factory=Counter)  # distinct alerts, highest severity
    vessel_seconds: float = 0.0  # observed vessel-time: gaps between a vessel's messages, each capped
    first_time: float | None = None
    last_time: float | None = None

    @property
    def alerts(self) -> int:
        return sum(self.alerts_by_kind.values())

    @property
    def vessel_hours(self) -> float:
        return self.vessel_seconds / 3600.0

    def per_1000_vessel_hours(self, count: int) -> float | None:
        """A count as a rate per 1,000 observed vessel-hours (the false-alarm unit of the README)."""
        return 1000.0 * count / self.vessel_hours if self.vessel_hours > 0 else None


class Pipeline:
    """track -> assess -> alerts over decoded messages, with per-vessel state it owns."""

    def __init__(
        self,
        settings: Settings | None = None,
        geo: GeoContext | None = None,
        watchlist: Watchlist | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.geo = geo = geo if geo is not None else self.settings.geo.context()
        self.watchlist = watchlist if watchlist is not None else Watchlist.default()
        self.tracker = Tracker(self.settings.track, is_land=geo.is_land)
        self.assessor = Assessor(geo, self.watchlist, self.tracker, self.settings.assess)
        self.alerts = AlertManager(self.settings.alerts)
        self.stats = PipelineStats()
        self.now: float | None = None
        self._next_tick: float | None = None  # next clock mark of the time-driven checks
        self._next_housekeeping: float | None = None
        self._seen: set[int] = set()
        self._alert_ids: dict[str, Severity] = {}  # alert id -> highest severity emitted

    def process(self, msg: Message) -> list[Alert]:
        """One decoded message in, the alerts it causes (new or updated) out."""
        stats = self.stats
        stats.messages += 1
        if msg.has_position:
            stats.positions += 1
        mmsi = msg.mmsi
        if mmsi not in self._seen:
            self._seen.add(mmsi)
            stats.vessels_seen += 1
        t = msg.timestamp
        alerts = self.advance(t)  # a no-op unless event time moved on
        if stats.first_time is None:
            stats.first_time = t
        stats.last_time = self.now

        known = self.tracker.get(mmsi)
        if known is not None and t > known.last_seen:
            stats.vessel_seconds += min(t - known.last_seen, OBSERVED_GAP_CAP_S)
        events = self.assessor.assess(self.tracker.update(msg))
        if events:
            alerts += self._alerts_for(events)
        return alerts

    def process_batch(self, messages: Iterable[Message]) -> list[Alert]:
        """Many messages in time order: exactly the alerts of calling :meth:`process` on each in turn.

        Why a batch entry point: replay and the live worker hand over thousands of messages at a
        time, and one call per batch saves the per-call overhead of the callers' own loops (a
        generator per message, list concatenation). Results are identical by construction (the
        same per-message steps run in the same order) and by test (tests/test_replay_batch.py).
        """
        out: list[Alert] = []
        process = self.process
        for msg in messages:
            alerts = process(msg)
            if alerts:
                out += alerts
        return out

    def advance(self, now: float) -> list[Alert]:
        """Move event time to ``now``: run every clock mark passed since the last call, in order.

        Called before each message is assessed; a live service may also call it as a heartbeat so
        that a silent feed still ages AIS gaps. Time never goes backwards: an earlier ``now`` is a
        no-op.
        """
        if self.now is not None and now <= self.now:
            return []
        first = self.now is None
        self.now = now
        tick_every = self.settings.assess.tick_interval_s
        if first:
            self._next_tick = _next_mark(now, tick_every)
            self._next_housekeeping = _next_mark(now, HOUSEKEEPING_INTERVAL_S)
            return []
        if tick_every <= 0:  # no grid: tick at every new event time
            alerts = self._alerts_for(self.assessor.tick(now))
            self._housekeep_until(now)
            return alerts
        assert self._next_tick is not None
        if (now - self._next_tick) / tick_every > MAX_CLOCK_STEPS:
            self._next_tick = _next_mark(now, tick_every) - tick_every
        alerts: list[Alert] = []
        while self._next_tick <= now:
            mark = self._next_tick
            self._next_tick = mark + tick_every
            alerts += self._alerts_for(self.assessor.tick(mark))
            self._housekeep_until(mark)
        self._housekeep_until(now)
        return alerts

    def _housekeep_until(self, now: float) -> None:
        """Forget old vessels and quiet incidents at the last housekeeping mark not after ``now``."""
        assert self._next_housekeeping is not None
        if self._next_housekeeping > now:
            return
        mark = math.floor(now / HOUSEKEEPING_INTERVAL_S) * HOUSEKEEPING_INTERVAL_S
        self._next_housekeeping = mark + HOUSEKEEPING_INTERVAL_S
        self.tracker.expire(mark)
        self.alerts.expire(mark)

    def process_many(self, messages: Iterable[Message]) -> Iterator[Alert]:
        for msg in messages:
            yield from self.process(msg)

    def finish(self, end: float | None = None) -> list[Alert]:
        """End of input: the clock marks up to ``end`` (default: the last event time), then pending
        alert updates. A partition of a larger job passes the whole job's end time."""
        alerts: list[Alert] = []
        if end is not None:
            alerts += self.advance(end)
        flushed = self.alerts.flush()
        self.stats.alert_records += len(flushed)
        return alerts + flushed

    def _alerts_for(self, events: list[Event]) -> list[Alert]:
        if not events:
            return []
        by_vessel: dict[int, list[Event]] = {}
        for event in events:
            self.stats.events_by_kind[str(event.kind)] += 1
            by_vessel.setdefault(event.mmsi, []).append(event)
        out: list[Alert] = []
        for mmsi, vessel_events in by_vessel.items():
            out += self.alerts.ingest(vessel_events, self.tracker.get(mmsi))
        for alert in out:
            previous = self._alert_ids.get(alert.id)
            if previous is None:
                self.stats.alerts_by_kind[str(alert.kind)] += 1
            elif previous != alert.severity:
                self.stats.alerts_by_severity[previous.label] -= 1
            if previous != alert.severity:
                self.stats.alerts_by_severity[alert.severity.label] += 1
                self._alert_ids[alert.id] = alert.severity
        self.stats.alert_records += len(out)
        return out


def _next_mark(t: float, every: float) -> float:
    """The first multiple of ``every`` strictly after ``t``."""
    return (math.floor(t / every) + 1) * every
