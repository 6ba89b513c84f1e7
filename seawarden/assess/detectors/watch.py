"""watchlist_in_area / watchlist_approaching: listed vessels in or heading for an area of interest.

Why: Nordic Warden registers shadow-fleet vessels so they are "closely monitored when approaching
key areas" (anchors.md §3.1), and NATO Baltic Sentry's example trigger was a watch-listed ship near
a pipeline (anchors.md §1.2). The match itself (IMO first, anchors.md §0.7) is made once per identity
by the Assessor and arrives as ``Situation.watch``; this detector only adds *where*.

Approach is predicted by dead reckoning along COG at SOG for ``horizon_min`` (60 min: the
detect-to-intercept times of the incidents were hours, anchors.md §0.5, so an hour of warning is
the useful minimum). It runs only for watch-listed vessels outside every area, at most every
``recheck_s``, and only when an area lies within the distance the vessel can cover in the horizon.
"""

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import shapely
from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.detectors.kinematics import KNOT_MS, destination
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState


class WatchlistConfig(BaseModel):
    """Scores and prediction settings for watch-listed vessels."""

    in_area_score: float = Field(
        0.9, ge=0, le=1, description="High: a listed ship inside an area (x confidence)."
    )
    approach_score: float = Field(0.6, ge=0, le=1, description="Predicted to enter within the horizon.")
    imminent_score: float = Field(0.75, ge=0, le=1, description="Predicted to enter within imminent_min.")
    horizon_min: float = Field(60.0, gt=0, le=360, description="How far ahead to predict the track.")
    imminent_min: float = Field(15.0, gt=0, description="ETA that upgrades the approach event once.")
    step_min: float = Field(2.0, gt=0, description="Spacing of the predicted points (ETA resolution).")
    min_sog_kn: float = Field(2.0, ge=0, description="Slower vessels are not 'approaching' anything.")
    recheck_s: float = Field(120.0, ge=0, description="Re-predict at most this often per vessel.")


class WatchlistDetector:
    """Listed vessel inside an area (once per visit) or on course to one (once, then when imminent)."""

    name: ClassVar[str] = "watch"

    def __init__(self, config: WatchlistConfig | None = None) -> None:
        self.config = config or WatchlistConfig()

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        if s.watch is None or s.fix is None:
            return []
        memory = s.state.scratch.get(self.name)
        if memory is None:  # get first: setdefault would build the default on every message
            memory = s.state.scratch[self.name] = {"in": [], "approach": {}, "checked": None}
        current = {a.id for a in s.areas}
        memory["in"] = [a for a in memory["in"] if a in current]
        events = [self._in_area(s, area) for area in s.areas if area.id not in memory["in"]]
        memory["in"].extend(e.area for e in events)
        if current:
            memory["approach"] = {}
            return events
        checked = memory.get("checked")
        if checked is not None and s.now - checked < self.config.recheck_s:
            return events
        memory["checked"] = s.now
        return events + self._approaching(s, env, memory["approach"])

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        return []

    def _in_area(self, s: Situation, area: Any) -> Event:
        match = s.watch
        entry = match.entry
        return Event(
            kind=AlertKind.WATCHLIST_IN_AREA,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat,
            lon=s.fix.lon,
            score=self.config.in_area_score * float(match.confidence),
            area=area.id,
            detail=_match_detail(match) | {"area_name": area.name, "sog_kn": s.fix.sog},
            explanation=(
                f"Watch-listed {entry.name or s.state.identity.name or s.state.mmsi} "
                f"({entry.reason or 'listed'}) is inside {area.name}."
            ),
        )

    def _approaching(self, s: Situation, env: AssessEnv, reported: dict[str, float]) -> list[Event]:
        cfg = self.config
        fix = s.fix
        if fix.sog is None or fix.cog is None or fix.sog < cfg.min_sog_kn:
            reported.clear()
            return []
        reach_m = fix.sog * KNOT_MS * cfg.horizon_min * 60.0
        candidates = [area for area, _ in env.geo.areas_within(fix.lat, fix.lon, reach_m)]
        if not candidates:
            reported.clear()
            return []
        minutes = np.arange(cfg.step_min, cfg.horizon_min + 1e-9, cfg.step_min)
        points = [destination(fix.lat, fix.lon, fix.cog, fix.sog * KNOT_MS * m * 60.0) for m in minutes]
        lats = np.fromiter((p[0] for p in points), float, len(points))
        lons = np.fromiter((p[1] for p in points), float, len(points))
        events: list[Event] = []
        seen: set[str] = set()
        for area in candidates:
            inside = shapely.contains_xy(area.geometry, lons, lats)
            if not inside.any():
                continue
            first = int(np.argmax(inside))
            eta = float(minutes[first])
            seen.add(area.id)
            before = reported.get(area.id)
            imminent = eta <= cfg.imminent_min
            if before is None or (imminent and before > cfg.imminent_min):
                reported[area.id] = eta
                events.append(
                    self._approach_event(s, area, eta, float(lats[first]), float(lons[first]), imminent)
                )
        for area_id in list(reported):
            if area_id not in seen:
                del reported[area_id]
        return events

    def _approach_event(
        self, s: Situation, area: Any, eta_min: float, lat: float, lon: float, imminent: bool
    ) -> Event:
        cfg = self.config
        match = s.watch
        score = (cfg.imminent_score if imminent else cfg.approach_score) * float(match.confidence)
        return Event(
            kind=AlertKind.WATCHLIST_APPROACHING,
            mmsi=s.state.mmsi,
            time=s.now,
            lat=s.fix.lat,
            lon=s.fix.lon,
            score=score,
            area=area.id,
            detail=_match_detail(match)
            | {
                "area_name": area.name,
                "eta_min": round(eta_min),
                "entry_lat": round(lat, 5),
                "entry_lon": round(lon, 5),
                "sog_kn": s.fix.sog,
                "cog": s.fix.cog,
                "horizon_min": cfg.horizon_min,
            },
            explanation=(
                f"Watch-listed {match.entry.name or s.state.identity.name or s.state.mmsi} is on course "
                f"to enter {area.name} in about {eta_min:.0f} min at {s.fix.sog:.1f} kn."
            ),
        )


def _match_detail(match: Any) -> dict[str, Any]:
    entry = match.entry
    return {
        "watchlist_id": entry.id,
        "match_method": str(match.method),
        "match_confidence": round(float(match.confidence), 2),
        "matched_value": str(match.matched_value),
        "listed_reason": entry.reason,
        "listed_sources": list(entry.sources),
    }
