"""Per-vessel state and the result of one tracker update (the track stage's contract types)."""

import enum
from array import array
from dataclasses import dataclass, field
from typing import Any

from seawarden.track.fixes import Fix, FixTrack
from seawarden.track.identity import MmsiKind
from seawarden.track.interval import ReportingInterval, nominal_interval_s
from seawarden.types import Message


class QualityFlag(enum.StrEnum):
    """Data-quality findings about a vessel (values are the words users see)."""

    INVALID_MMSI = "invalid_mmsi"
    INVALID_IMO = "invalid_imo"
    JUMP = "jump"
    ON_LAND = "on_land"
    SHARED_MMSI = "shared_mmsi"
    STALE = "stale"


@dataclass(slots=True)
class Identity:
    """What the vessel says it is (latest values; text cleaned of ``@`` padding and extra spaces)."""

    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    ship_type: int | None = None
    length_m: int | None = None
    beam_m: int | None = None
    draught: float | None = None
    destination: str | None = None
    eta: str | None = None
    flag: str | None = None  # country name from the MMSI's MID
    flag_code: str | None = None  # ISO 3166-1 alpha-2


@dataclass(slots=True)
class IdentityChange:
    """One change of a tracked identity field (never the first value, never a blank arriving)."""

    time: float
    field: str
    old: object
    new: object


@dataclass(slots=True)
class PendingRun:
    """Fixes rejected as jumps that agree with each other: a candidate second track."""

    fixes: list[Fix]
    accepted_between: int = 0  # accepted main-track fixes since the run started
    streak: int = 1  # run fixes in a row with no accepted fix between them


@dataclass(slots=True)
class VesselState:
    """Everything the core knows about one MMSI.

    ``track`` holds accepted fixes only, time-ordered and thinned (see :class:`FixTrack`);
    ``last`` is the latest accepted fix. Flags INVALID_*, JUMP and SHARED_MMSI stay once raised;
    ON_LAND follows the latest accepted fix and STALE is cleared by the next position.
    """

    mmsi: int
    identity: Identity
    track: FixTrack
    identity_history: list[IdentityChange] = field(default_factory=list)
    first_seen: float = 0.0
    last_seen: float = 0.0
    message_count: int = 0
    position_count: int = 0  # position reports received (not duplicates, usable coordinates)
    last: Fix | None = None
    quality: set[QualityFlag] = field(default_factory=set)
    areas: set[str] = field(default_factory=set)  # maintained by assess
    risk: float = 0.0  # maintained by assess
    monitoring: str = "normal"  # maintained by assess
    scratch: dict[str, Any] = field(default_factory=dict)  # per-detector state
    reporting: ReportingInterval = field(default_factory=ReportingInterval, repr=False)
    seen_class_b: bool = False
    kind: MmsiKind = MmsiKind.SHIP  # what the MMSI's digit pattern says it is
    last_static_t: float | None = field(default=None, repr=False)
    pending: PendingRun | None = field(default=None, repr=False)
    grid_cell: int | None = field(default=None, repr=False)
    # (lat, lon, result, land test) of the tracker's last land test: repeated positions skip it.
    land_at: tuple[float, float, bool, Any] | None = field(default=None, repr=False, compare=False)
    recent_keys: array = field(default_factory=lambda: array("q"), repr=False)  # (key, t_ms) pairs

    @property
    def expected_interval_s(self) -> float:
        """This vessel's typical time between position reports (learnt, else ITU nominal)."""
        learnt = self.reporting.learnt_s()
        if learnt is not None:
            return learnt
        last = self.last
        return nominal_interval_s(
            self.seen_class_b, None if last is None else last.sog, None if last is None else last.nav_status
        )

    @property
    def class_b(self) -> bool:
        """True once the vessel sent a class B message (types 18, 19 or 24)."""
        return self.seen_class_b


@dataclass(slots=True)
class TrackUpdate:
    """What one message did to a vessel's state (input to assess)."""

    state: VesselState
    message: Message
    fix: Fix | None = None  # the accepted new fix (None: no position, duplicate, out of order, jump)
    previous: Fix | None = None  # the last accepted fix before this one
    new_flags: set[QualityFlag] = field(default_factory=set)
    identity_changes: list[IdentityChange] = field(default_factory=list)
    duplicate: bool = False
    out_of_order: bool = False
    reanchored: bool = False  # the track moved to a persistent run of jumped fixes (fix is its newest)
