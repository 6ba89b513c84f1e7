"""Plain values the store hands out and takes in (no ORM objects, nothing bound to a session)."""

import enum
from dataclasses import dataclass, field
from typing import Any

from seawarden.types import AlertKind, Severity, iso_utc


class AlertStatus(enum.StrEnum):
    """Operator lifecycle of an alert: new -> acknowledged -> escalated -> closed."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"
    CLOSED = "closed"


class Role(enum.StrEnum):
    """What a user may do: admins manage, analysts work alerts, viewers only read."""

    ADMIN = "admin"
    ANALYST = "analyst"
    VIEWER = "viewer"


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


class SaveOutcome(enum.StrEnum):
    """What ``save_alert`` did; only STORED changed anything."""

    STORED = "stored"
    DUPLICATE = "duplicate"  # same id and version already stored: a replay or a retry
    STALE = "stale"  # older than the stored version: never overwrites
    REJECTED = "rejected"  # unusable record (reason says why)


@dataclass(frozen=True, slots=True)
class SaveResult:
    alert_id: str
    version: int
    outcome: SaveOutcome
    enqueued: int = 0  # outbox items created (one per channel)
    reopened: bool = False  # a closed alert came back because its severity rose
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Organisation:
    id: str
    name: str
    communities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class User:
    id: int
    org_id: str
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting: a user of an organisation, with the communities whose alerts they may see."""

    org_id: str
    user: str
    role: Role
    communities: tuple[str, ...]

    @property
    def can_change_alerts(self) -> bool:
        return self.role in (Role.ADMIN, Role.ANALYST)


@dataclass(frozen=True, slots=True)
class ApiKeyInfo:
    """An API key's metadata (never the token: it is only returned once, at creation)."""

    id: str
    user_id: int
    label: str
    created_at: float
    last_used_at: float | None
    revoked_at: float | None


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored: the latest emitted record plus the operators' lifecycle."""

    id: str
    kind: str
    severity: Severity
    risk: float
    mmsi: int
    time: float
    version: int
    status: AlertStatus
    status_at: float | None
    status_by: str | None
    record: dict[str, Any]
    created_at: float
    updated_at: float

    def to_dict(self) -> dict[str, Any]:
        """The alert record with ``status`` the lifecycle status and who set it (extends the contract)."""
        out = dict(self.record)
        out["status"] = str(self.status)
        out["status_at"] = iso_utc(self.status_at)
        out["status_by"] = self.status_by
        return out


@dataclass(frozen=True, slots=True)
class AlertPage:
    items: list[StoredAlert]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """Filters of ``list_alerts`` (all optional); newest-and-most-severe first, paginated."""

    kinds: tuple[AlertKind | str, ...] = ()
    min_severity: Severity | str | None = None
    area: str | None = None
    infrastructure: str | None = None
    mmsi: int | None = None
    since: float | None = None  # alert time >= since
    until: float | None = None  # alert time < until
    statuses: tuple[AlertStatus | str, ...] = ()
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    alert_id: str
    org_id: str | None
    author: str
    at: float
    text: str


@dataclass(frozen=True, slots=True)
class StatusChange:
    alert_id: str
    from_status: AlertStatus
    to_status: AlertStatus
    actor: str
    org_id: str | None
    at: float
    note: str


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One delivery of one alert version to one channel."""

    id: int
    alert_id: str
    version: int
    channel: str
    state: OutboxState
    attempts: int
    next_attempt_at: float
    created_at: float
    record: dict[str, Any]
    last_error: str | None = None
    delivered_at: float | None = None

    @property
    def idempotency_key(self) -> str:
        """What receivers deduplicate on: the same alert version is the same message."""
        return f"{self.alert_id}:{self.version}"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: float
    actor: str
    org_id: str | None
    action: str
    object: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TrackPoint:
    mmsi: int
    t: float
    lat: float
    lon: float
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    nav_status: int | None = None


@dataclass(frozen=True, slots=True)
class VesselRecord:
    """The latest identity and risk snapshot of one vessel."""

    mmsi: int
    imo: int | None = None
    name: str | None = None
    callsign: str | None = None
    ship_type: int | None = None
    flag: str | None = None
    flag_code: str | None = None
    length_m: float | None = None
    destination: str | None = None
    first_seen: float | None = None
    last_seen: float | None = None
    position_at: float | None = None
    lat: float | None = None
    lon: float | None = None
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    nav_status: int | None = None
    risk: float = 0.0
    monitoring: str = "normal"
    quality: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_state(cls, state: Any) -> "VesselRecord":
        """Snapshot of a ``seawarden.track.VesselState`` (duck-typed: the store does not import track)."""
        ident = state.identity
        last = state.last
        return cls(
            mmsi=int(state.mmsi),
            imo=ident.imo,
            name=ident.name,
            callsign=ident.callsign,
            ship_type=ident.ship_type,
            flag=ident.flag,
            flag_code=ident.flag_code,
            length_m=None if ident.length_m is None else float(ident.length_m),
            destination=ident.destination,
            first_seen=state.first_seen,
            last_seen=state.last_seen,
            position_at=None if last is None else last.t,
            lat=None if last is None else last.lat,
            lon=None if last is None else last.lon,
            sog=None if last is None else last.sog,
            cog=None if last is None else last.cog,
            heading=None if last is None else last.heading,
            nav_status=None if last is None else last.nav_status,
            risk=float(state.risk),
            monitoring=str(state.monitoring),
            quality=tuple(sorted(str(flag) for flag in state.quality)),
        )

    def last_point(self) -> TrackPoint | None:
        if self.lat is None or self.lon is None or self.position_at is None:
            return None
        return TrackPoint(
            self.mmsi, self.position_at, self.lat, self.lon, self.sog, self.cog, self.heading, self.nav_status
        )


@dataclass(frozen=True, slots=True)
class StoredArea:
    id: str
    name: str
    geometry: dict[str, Any]  # GeoJSON geometry object
    properties: dict[str, Any]
    updated_at: float
