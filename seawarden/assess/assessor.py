"""The Assessor: one track update in, detector events out, with risk and monitoring kept current.

Why one object: the geographic facts of a message (areas, nearby assets, asset crossings, port,
watch-list match) are computed ONCE here and shared by every detector through a
:class:`~seawarden.assess.base.Situation`, so adding a detector never adds a spatial query per
message. A vessel far from every area and asset costs an area lookup, an asset lookup and a
throttled port lookup; crossings are only tested when an asset is near or the segment is long
enough to reach one.

Time-driven checks (``tick``) run at most every ``tick_interval_s`` of event time, and only over
vessels that are (or recently were) inside an area, near infrastructure, or under monitoring:
never over every tracked vessel.
"""

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from seawarden.assess.base import AssessEnv, Detector, Situation
from seawarden.assess.config import AssessConfig
from seawarden.assess.detectors.ais_gap import AisGapDetector
from seawarden.assess.detectors.anchor_drag import AnchorDragDetector
from seawarden.assess.detectors.anchored import AnchoredDetector
from seawarden.assess.detectors.areas import AreaDetector
from seawarden.assess.detectors.identity import IdentityDetector
from seawarden.assess.detectors.kinematics import EARTH_RADIUS_M, KNOT_MS, haversine_m, is_tracked_vessel
from seawarden.assess.detectors.loitering import LoiteringDetector
from seawarden.assess.detectors.rendezvous import RendezvousDetector
from seawarden.assess.detectors.spoofing import SpoofingDetector
from seawarden.assess.detectors.traffic import TrafficAnomalyDetector
from seawarden.assess.detectors.watch import WatchlistDetector
from seawarden.assess.monitoring import ATTENTION_STATES, Monitor, MonitoringState, state_of
from seawarden.assess.risk import (
    ASSET_FREE_SCRATCH,
    EVIDENCE_SCRATCH,
    RISK_SCRATCH,
    RU_PORT_SCRATCH,
    RiskModel,
)
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.geo import Area, AssetHit, GeoContext, Port
    from seawarden.track import Fix, Tracker, TrackUpdate, VesselState
    from seawarden.watchlist import Watchlist, WatchlistMatch

log = logging.getLogger(__name__)

DETECTOR_CLASSES: dict[str, type] = {
    "identity": IdentityDetector,
    "areas": AreaDetector,
    "watch": WatchlistDetector,
    "anchor_drag": AnchorDragDetector,
    "loitering": LoiteringDetector,
    "anchored": AnchoredDetector,
    "ais_gap": AisGapDetector,
    "spoofing": SpoofingDetector,
    "rendezvous": RendezvousDetector,
    "traffic_anomaly": TrafficAnomalyDetector,
}
WATCH_SCRATCH = "watchlist"  # (identity key hash, WatchlistMatch | None), per vessel
PORT_SCRATCH = "port"  # (time sampled, Port | None), per vessel
RUSSIA = frozenset({"RU", "RUS", "RUSSIA", "RUSSIAN FEDERATION"})
_ERRORS_LOGGED_IN_FULL = 10
_METRES_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180.0  # of a great circle on the haversine sphere


@dataclass(slots=True)
class AssessStats:
    updates: int = 0
    non_vessel: int = 0  # base stations, AtoN, SAR aircraft, non-ship MMSIs: skipped
    with_fix: int = 0
    ticks: int = 0
    events_by_kind: Counter[str] = field(default_factory=Counter)
    detector_errors: Counter[str] = field(default_factory=Counter)
    watchlist_errors: int = 0


class Assessor:
    """Runs the enabled detectors on each track update; keeps risk and monitoring state current."""

    def __init__(
        self,
        geo: "GeoContext",
        watchlist: "Watchlist | None",
        tracker: "Tracker",
        config: AssessConfig | None = None,
    ) -> None:
        self.config = config or AssessConfig()
        self.geo = geo
        self.watchlist = watchlist
        self.env = AssessEnv(geo=geo, tracker=tracker)
        self.detectors: list[Detector] = [
            DETECTOR_CLASSES[key](getattr(self.config, key)) for key in self.config.enabled
        ]
        self.risk = RiskModel(self.config.risk)
        self.monitor = Monitor(self.config.monitoring)
        self.stats = AssessStats()
        self._tick_list: dict[int, float] = {}  # mmsi -> last event time it was relevant
        self._last_tick: float | None = None

    # -- per message -----------------------------------------------------------------------------
    def assess(self, update: "TrackUpdate") -> list[Event]:
        """Events for one track update (cheap when nothing is near)."""
        self.stats.updates += 1
        state = update.state
        if not is_tracked_vessel(state.mmsi, update.message.msg_type):
            self.stats.non_vessel += 1
            return []
        s = self.situation(update)
        if s.fix is not None:
            self.stats.with_fix += 1
        if s.entered or (s.watch is not None and state.scratch.get(RISK_SCRATCH) is None):
            self.risk.update(state, s.now, s.watch)  # entry events carry the risk at entry
        events = self._run_checks(s)
        if events:
            self.risk.record(state, events)
            self.risk.update(state, s.now, s.watch)
        if s.fix is not None:
            near = bool(s.areas or s.near_assets or s.crossings)
        else:  # a static report says nothing about where the ship is: keep the last verdict
            near = bool(state.areas) or self._recently_relevant(state.mmsi, s.now)
        approaching = bool(events) and any(e.kind is AlertKind.WATCHLIST_APPROACHING for e in events)
        relevant = near or approaching
        monitoring = state_of(state)
        if relevant or events or monitoring is not MonitoringState.NORMAL:
            self.monitor.update(
                state,
                s.now,
                risk=state.risk or 0.0,
                in_area=bool(state.areas),
                relevant=relevant,
                watch=s.watch is not None,
                events=events,
                area_label=", ".join(a.id for a in s.areas) or ", ".join(e.area for e in events if e.area),
                clear_risk=_behaviour_risk(state),
            )
            monitoring = state_of(state)  # the update may have moved it
        if events and monitoring in ATTENTION_STATES:
            self.monitor.annotate(events, self.monitor.ahead(self.geo, state, s.fix, s.now))
        if relevant and s.fix is not None:
            self._tick_list[state.mmsi] = s.now
        elif monitoring in ATTENTION_STATES:
            self._tick_list.setdefault(state.mmsi, s.now)
        if events:
            self._count(events)
        return events

    def situation(self, update: "TrackUpdate") -> Situation:
        """The geographic facts of one update, computed once (updates ``state.areas``).

        Built from locals in one constructor call: cheaper than filling in a default Situation.
        """
        state, fix = update.state, update.fix
        now = float(update.message.timestamp)
        watch = self._watch_match(state)
        if fix is None:
            return Situation(update, state, fix, now, watch=watch)
        areas = list(self.geo.areas_at(fix.lat, fix.lon))
        entered: list[Area] = []
        exited: list[Area] = []
        if areas or state.areas:  # most fixes are outside every area, now and before
            ids = {a.id for a in areas}
            before = set(state.areas or ())
            if ids != before:
                entered = [a for a in areas if a.id not in before]
                exited = [a for a in (self._area(i) for i in sorted(before - ids)) if a is not None]
                state.areas = ids
        near = self._near_assets(state, fix)
        crossings = self._crossings(update, fix, near)
        port = self._port(state, fix, now, near=bool(areas or near or crossings))
        return Situation(update, state, fix, now, areas, entered, exited, near, crossings, port, watch)

    def replace_watchlist(self, watchlist: "Watchlist | None") -> int:
        """Match against ``watchlist`` from now on; returns how many cached matches were dropped.

        Why drop every cached match: an analyst who lists a ship expects it watched at its next
        report, and one who removes an entry expects the alerts to stop, so each vessel is re-matched
        on its next update. Stickiness then applies again to matches made under the new register.
        Must be called from the thread that runs :meth:`assess` (the register is not locked).
        """
        self.watchlist = watchlist
        dropped = 0
        for state in self.env.tracker:
            if state.scratch.pop(WATCH_SCRATCH, None) is not None:
                dropped += 1
        log.info(
            "watch-list replaced (%d entries); %d cached matches dropped",
            0 if watchlist is None else len(watchlist),
            dropped,
        )
        return dropped

    # -- clock -----------------------------------------------------------------------------------
    def tick(self, now: float) -> list[Event]:
        """Time-driven checks over vessels in/near areas and assets or under monitoring."""
        if self._last_tick is not None and now - self._last_tick < self.config.tick_interval_s:
            return []
        self._last_tick = now
        self.stats.ticks += 1
        events: list[Event] = []
        for mmsi, last_relevant in list(self._tick_list.items()):
            state = self.env.tracker.get(mmsi)
            attention = state is not None and state_of(state) in ATTENTION_STATES
            if state is None or (now - last_relevant > self.config.watch_keep_s and not attention):
                del self._tick_list[mmsi]
                continue
            found: list[Event] = []
            for detector in self.detectors:
                found.extend(self._safe(detector, "tick", state, now, self.env))
            watch = self._cached_match(state)
            if found:
                self.risk.record(state, found)
            if found or state.scratch.get(EVIDENCE_SCRATCH):
                self.risk.update(state, now, watch)  # also lets old behaviour evidence decay
            self.monitor.update(
                state,
                now,
                risk=state.risk or 0.0,
                in_area=bool(state.areas),
                relevant=bool(state.areas) or now - last_relevant <= self.config.relevance_hold_s,
                watch=watch is not None,
                events=found,
                clear_risk=_behaviour_risk(state),
            )
            if found and state_of(state) in ATTENTION_STATES:
                self.monitor.annotate(found, self.monitor.ahead(self.geo, state, state.last, now))
            events.extend(found)
        self._count(events)
        return events

    # -- internals -------------------------------------------------------------------------------
    def _recently_relevant(self, mmsi: int, now: float) -> bool:
        last = self._tick_list.get(mmsi)
        return last is not None and now - last <= self.config.relevance_hold_s

    def _run_checks(self, s: Situation) -> list[Event]:
        """Every enabled detector's ``check``; inlined try (this runs nine times per message)."""
        events: list[Event] = []
        env = self.env
        no_fix = s.fix is None
        for detector in self.detectors:
            if no_fix and getattr(detector, "needs_fix", True):
                continue
            try:
                found = detector.check(s, env)
            except Exception:
                self._failed(detector, "check")
                continue
            if found:
                events.extend(found)
        return events

    def _safe(self, detector: Detector, method: str, *args: Any) -> list[Event]:
        """Run one detector; a bug in one never stops the others or loses the message."""
        try:
            return list(getattr(detector, method)(*args) or [])
        except Exception:
            self._failed(detector, method)
            return []

    def _failed(self, detector: Detector, method: str) -> None:
        """Count and log (in full for the first few) a detector failure; called inside ``except``."""
        name = getattr(detector, "name", type(detector).__name__)
        self.stats.detector_errors[name] += 1
        count = self.stats.detector_errors[name]
        if count <= _ERRORS_LOGGED_IN_FULL or count % 1000 == 0:
            log.exception("detector %s.%s failed (%d failures so far); event skipped", name, method, count)

    def _count(self, events: list[Event]) -> None:
        for event in events:
            self.stats.events_by_kind[str(event.kind)] += 1

    def _area(self, area_id: str) -> Any:
        try:
            return self.geo.area(area_id)
        except KeyError:
            log.warning("area %s no longer in the geo context; exit not reported", area_id)
            return None

    def _near_assets(self, state: "VesselState", fix: "Fix") -> list["AssetHit"]:
        """Assets within the radius, skipping the query while the vessel is provably far from all.

        A probe with a wider radius that finds nothing nearer than ``d`` proves that no asset is
        within the radius anywhere within ``d - radius`` of the probe point; most vessels are far
        from every asset, so they are re-probed every few tens of minutes instead of every report.
        """
        radius = self.config.asset_radius_m
        free = state.scratch.get(ASSET_FREE_SCRATCH)
        if free is not None and (
            _surely_closer(free[0], free[1], fix.lat, fix.lon, free[2])
            or haversine_m(free[0], free[1], fix.lat, fix.lon) < free[2]
        ):
            return []
        probe = max(radius, self.config.asset_probe_m)
        hits = self.geo.assets_within(fix.lat, fix.lon, probe)
        margin = (hits[0].distance_m if hits else probe) - radius
        if margin > 0:
            state.scratch[ASSET_FREE_SCRATCH] = (fix.lat, fix.lon, margin)
        else:
            state.scratch.pop(ASSET_FREE_SCRATCH, None)
        return [hit for hit in hits if hit.distance_m <= radius]

    def _crossings(self, update: "TrackUpdate", fix: "Fix", near: list["AssetHit"]) -> list["AssetHit"]:
        prev = update.previous
        if prev is None or (prev.lat == fix.lat and prev.lon == fix.lon):
            return []  # a ship reporting the same position again crossed nothing (most moored ships)
        if update.new_flags and "jump" in {str(f) for f in update.new_flags}:
            return []
        dt = fix.t - prev.t
        if dt <= 0 or dt > self.config.max_segment_s:
            return []
        if not near and _surely_closer(prev.lat, prev.lon, fix.lat, fix.lon, self.config.asset_radius_m):
            return []  # too short to reach an asset at any speed (below), known without a haversine
        length_m = haversine_m(prev.lat, prev.lon, fix.lat, fix.lon)
        if length_m / dt / KNOT_MS > self.config.max_segment_speed_kn:
            return []
        # A crossing point lies on the segment, within its length of the fix: if no asset is that
        # close, the segment cannot cross one.
        if not near and length_m < self.config.asset_radius_m:
            return []
        return list(self.geo.crossings(prev.lat, prev.lon, fix.lat, fix.lon))

    def _port(self, state: "VesselState", fix: "Fix", now: float, *, near: bool) -> "Port | None":
        sampled = state.scratch.get(PORT_SCRATCH)
        if not near and sampled is not None and 0 <= now - sampled[0] < self.config.port_sample_s:
            return sampled[1]
        port = self.geo.near_port(fix.lat, fix.lon)
        state.scratch[PORT_SCRATCH] = (now, port)
        if port is not None and str(port.country).strip().upper() in RUSSIA:
            state.scratch[RU_PORT_SCRATCH] = (port.id, port.name, now)
        return port

    def _watch_match(self, state: "VesselState") -> "WatchlistMatch | None":
        """Sticky watch-list match, recomputed only when the identity changes."""
        if self.watchlist is None:
            return None
        identity = state.identity
        key = hash((identity.imo, identity.name, len(state.identity_history)))  # an int: small per vessel
        cached = state.scratch.get(WATCH_SCRATCH)
        if cached is not None and cached[0] == key:
            return cached[1]
        imos: set[int] = set()
        names: set[str] = set()
        _add_imo(imos, identity.imo)
        _add_name(names, identity.name)
        for change in state.identity_history:
            if change.field == "imo":
                _add_imo(imos, change.old)
                _add_imo(imos, change.new)
            elif change.field == "name":
                _add_name(names, change.old)
                _add_name(names, change.new)
        try:
            match = self.watchlist.match(imos=sorted(imos), mmsi=state.mmsi, names=sorted(names))
        except Exception:
            self.stats.watchlist_errors += 1
            log.exception("watch-list match failed for MMSI %s; keeping the previous result", state.mmsi)
            match = None
        if match is not None and match.confidence < self.config.watch_min_confidence:
            match = None
        previous = cached[1] if cached is not None else None
        if previous is not None and (match is None or match.confidence < previous.confidence):
            match = previous  # sticky: a listed ship stays listed when it renames or re-flags
        state.scratch[WATCH_SCRATCH] = (key, match)
        return match

    def _cached_match(self, state: "VesselState") -> "WatchlistMatch | None":
        cached = state.scratch.get(WATCH_SCRATCH)
        return cached[1] if cached is not None else None


def _surely_closer(lat1: float, lon1: float, lat2: float, lon2: float, limit_m: float) -> bool:
    """True only if ``haversine_m(lat1, lon1, lat2, lon2) < limit_m``, with no trigonometry.

    Along the meridian, then along the parallel is a path between the points no shorter than the
    great circle, and a parallel is no longer than the equator: so the distance is at most
    ``(|dlat| + |dlon|)`` degrees of a great circle. The slack (1 mm + 1e-6) dwarfs the rounding of
    either formula. False means "not proven", never "farther".
    """
    return (abs(lat2 - lat1) + abs(lon2 - lon1)) * _METRES_PER_DEGREE < limit_m * (1.0 - 1e-6) - 1e-3


def _behaviour_risk(state: "VesselState") -> float | None:
    assessment = state.scratch.get(RISK_SCRATCH)
    return getattr(assessment, "behaviour_risk", None)


def _add_imo(out: set[int], value: object) -> None:
    try:
        imo = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return
    if imo > 0 and math.isfinite(imo):
        out.add(imo)


def _add_name(out: set[str], value: object) -> None:
    if isinstance(value, str) and value.strip():
        out.add(value.strip())
