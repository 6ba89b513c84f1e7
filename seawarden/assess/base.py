"""What every detector sees and returns.

The assessor computes the geographic facts of a track update once (areas, nearby assets, asset
crossings, port) and hands the same :class:`Situation` to every detector, so adding a detector
never adds another spatial query per message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from seawarden.geo import Area, AssetHit, GeoContext, Port
    from seawarden.track import Fix, Tracker, TrackUpdate, VesselState
    from seawarden.types import Event
    from seawarden.watchlist import WatchlistMatch


@dataclass(slots=True)
class Situation:
    """One track update plus the facts around it, computed once per message."""

    update: TrackUpdate
    state: VesselState
    fix: Fix | None
    now: float  # event time of the update (the message's timestamp)
    areas: list[Area] = field(default_factory=list)  # areas containing the fix
    entered: list[Area] = field(default_factory=list)  # areas entered with this fix
    exited: list[Area] = field(default_factory=list)  # areas left with this fix
    near_assets: list[AssetHit] = field(default_factory=list)  # within the assessor's asset radius
    crossings: list[AssetHit] = field(default_factory=list)  # assets crossed by previous -> fix
    port: Port | None = None  # inside a port / designated anchorage
    watch: WatchlistMatch | None = None  # watch-list match of this vessel's identity (sticky)


@dataclass(slots=True)
class AssessEnv:
    """The long-lived collaborators a detector may query (read-only)."""

    geo: GeoContext
    tracker: Tracker


class Detector(Protocol):
    """A behaviour detector: named, configured, pure.

    ``check`` runs on every update of a vessel that has a new accepted fix or new identity data;
    ``tick`` runs on the clock (event time) for findings that come from *absence* of messages.
    Per-vessel memory goes in ``state.scratch[self.name]``.
    """

    name: ClassVar[str]

    def check(self, s: Situation, env: AssessEnv) -> list[Event]: ...

    def tick(self, state: VesselState, now: float, env: AssessEnv) -> list[Event]: ...
