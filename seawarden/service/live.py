"""The running pipeline's current picture for the map and vessel dossiers (the API's ``LiveView``).

Threading rule: the pipeline thread mutates the Tracker; the API reads from the event loop. The
pipeline worker holds :attr:`TrackerLiveView.lock` while it processes a batch and, under the same
lock, notes each vessel it touched. The small summary dict of a touched vessel is built when somebody
reads (the WebSocket publisher once a second, the map's list), under the lock, from the vessel's
state after the last batch: a vessel heard ten times between two reads is summarised once, not ten
times, which matters at thousands of messages a second. Readers never iterate the Tracker's live
dict from another thread; a dossier is built under the lock for one vessel only.
"""

import threading
from typing import Any

from seawarden.assess.risk import RISK_SCRATCH
from seawarden.track import Tracker, VesselState
from seawarden.types import iso_utc

#: Fixes of recent track returned in a dossier (the map draws a short tail, history is in the store).
DOSSIER_TRACK_POINTS = 200


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def vessel_summary(state: VesselState) -> dict[str, Any]:
    """The map's view of one vessel: ``{mmsi, lat, lon, sog, cog, heading, name, risk, time, ...}``."""
    last, ident = state.last, state.identity
    return {
        "mmsi": state.mmsi,
        "lat": None if last is None else round(last.lat, 6),
        "lon": None if last is None else round(last.lon, 6),
        "sog": None if last is None else _round(last.sog, 1),
        "cog": None if last is None else _round(last.cog, 1),
        "heading": None if last is None else _round(last.heading, 0),
        "name": ident.name,
        "ship_type": ident.ship_type,
        "flag": ident.flag_code,
        "risk": round(float(state.risk), 1),
        "monitoring": str(state.monitoring),
        "areas": sorted(state.areas),
        "time": iso_utc(last.t if last is not None else state.last_seen),
    }


def vessel_dossier(state: VesselState, track_points: int = DOSSIER_TRACK_POINTS) -> dict[str, Any]:
    """Identity, its history, risk with its breakdown, monitoring state and the recent track."""
    ident = state.identity
    assessment = state.scratch.get(RISK_SCRATCH)
    breakdown = assessment.to_list() if hasattr(assessment, "to_list") else []
    fixes = list(state.track)[-track_points:]
    return {
        **vessel_summary(state),
        "identity": {
            "name": ident.name,
            "imo": ident.imo,
            "callsign": ident.callsign,
            "ship_type": ident.ship_type,
            "length_m": ident.length_m,
            "beam_m": ident.beam_m,
            "draught": ident.draught,
            "destination": ident.destination,
            "eta": ident.eta,
            "flag": ident.flag,
            "flag_code": ident.flag_code,
        },
        "identity_history": [
            {"time": iso_utc(c.time), "field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
            for c in state.identity_history
        ],
        "risk_breakdown": breakdown,
        "quality": sorted(str(flag) for flag in state.quality),
        "first_seen": iso_utc(state.first_seen),
        "last_seen": iso_utc(state.last_seen),
        "message_count": state.message_count,
        "class_b": state.class_b,
        "track": [
            {
                "time": iso_utc(f.t),
                "lat": round(f.lat, 6),
                "lon": round(f.lon, 6),
                "sog": _round(f.sog, 1),
                "cog": _round(f.cog, 1),
                "heading": _round(f.heading, 0),
                "nav_status": f.nav_status,
            }
            for f in fixes
        ],
    }


def _plain(value: object) -> object:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


class TrackerLiveView:
    """Implements ``seawarden.api.live.LiveView`` over the pipeline's Tracker (see module docstring)."""

    def __init__(self, tracker: Tracker, lock: "threading.RLock | None" = None) -> None:
        self.tracker = tracker
        self.lock = lock or threading.RLock()
        self._summaries: dict[int, dict[str, Any]] = {}
        self._stale: dict[int, VesselState] = {}  # touched since their summary was last built
        self._dirty: set[int] = set()  # changed since the last take_changed (WebSocket)
        self._unsaved: set[int] = set()  # messaged since the last take_unsaved (store snapshot)

    # -- written by the pipeline thread (caller holds ``lock``) ---------------------------------------

    def touched(self, state: VesselState) -> None:
        """Note a vessel changed by a message (its summary is rebuilt on the next read); hold ``lock``."""
        self._unsaved.add(state.mmsi)
        self._stale[state.mmsi] = state

    def forget_missing(self) -> None:
        """Drop summaries of vessels the Tracker expired; call with ``lock`` held."""
        self._refresh()
        gone = [m for m in self._summaries if self.tracker.get(m) is None]
        for mmsi in gone:
            del self._summaries[mmsi]
            self._dirty.discard(mmsi)
            self._unsaved.discard(mmsi)

    def _refresh(self) -> None:
        """Summaries of the vessels touched since the last read; call with ``lock`` held."""
        summaries = self._summaries
        for mmsi, state in self._stale.items():
            summary = vessel_summary(state)
            if summaries.get(mmsi) != summary:
                summaries[mmsi] = summary
                self._dirty.add(mmsi)
        self._stale.clear()

    def take_unsaved(self, limit: int | None = None) -> list[int]:
        """Up to ``limit`` MMSIs messaged since they were last taken; hold ``lock``, snapshot under it."""
        if limit is None or limit >= len(self._unsaved):
            mmsis = list(self._unsaved)
            self._unsaved.clear()
            return mmsis
        pop = self._unsaved.pop
        return [pop() for _ in range(limit)]

    def unsaved_count(self) -> int:
        return len(self._unsaved)

    # -- read from any thread ---------------------------------------------------------------------

    def take_changed(self) -> list[dict[str, Any]]:
        """Summaries changed since the last call (for ``hub.publish_vessels``)."""
        with self.lock:
            self._refresh()
            changed = [self._summaries[m] for m in self._dirty if m in self._summaries]
            self._dirty.clear()
        return changed

    def vessels(self) -> list[dict[str, Any]]:
        with self.lock:
            self._refresh()
            return list(self._summaries.values())

    def vessel(self, mmsi: int) -> dict[str, Any] | None:
        with self.lock:
            state = self.tracker.get(int(mmsi))
            return None if state is None else vessel_dossier(state)

    def __len__(self) -> int:
        with self.lock:
            self._refresh()
            return len(self._summaries)
