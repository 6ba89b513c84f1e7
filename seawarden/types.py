"""Core data types shared by every pipeline stage.

The pipeline is ``sources -> decode -> track -> assess -> alerts -> deliver``. These types are
the hand-offs between stages; they carry no I/O. Times are UTC epoch seconds (``float``) inside the
core because every detector does arithmetic on them; they become ISO-8601 strings only at the edges
(JSON output, API), see :func:`iso_utc`.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


def iso_utc(ts: float | None) -> str | None:
    """Epoch seconds -> ISO-8601 UTC with a ``Z`` suffix (the alert-record contract)."""
    if ts is None:
        return None
    dt = datetime.fromtimestamp(ts, tz=UTC)
    text = dt.isoformat(timespec="milliseconds" if dt.microsecond else "seconds")
    return text.replace("+00:00", "Z")


def parse_iso_utc(text: str) -> float:
    """ISO-8601 (``Z`` or offset; naive means UTC) -> epoch seconds."""
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


class TimeSource(enum.StrEnum):
    """Where a message's receive time came from; evidence quality depends on it."""

    TAG_BLOCK = "tagblock"  # NMEA 4.0 ``\\c:`` (receiver or aggregator clock)
    PGHP = "pghp"  # Gatehouse ``$PGHP`` wrapper line
    PREFIX = "prefix"  # timestamp prefix / suffix on the line (DMA logs, USCG trailing epoch)
    CSV = "csv"  # decoded CSV column
    CLOCK = "clock"  # our own clock at reception (live feeds without timestamps)


@dataclass(slots=True)
class Message:
    """One decoded AIS message, normalised.

    "Not available" sentinels of the ITU-R M.1371 spec (lat 91, lon 181, sog 102.3, cog 360,
    heading 511, rot -128, draught 0, IMO 0, empty text) are ``None`` here, never numbers.
    Units: degrees (WGS84), knots, degrees true, metres.
    """

    msg_type: int
    mmsi: int
    timestamp: float  # UTC epoch seconds of reception (see time_source)
    time_source: TimeSource = TimeSource.CLOCK
    source: str = ""  # feed / receiver id (tag block s:, file name, listener name)
    channel: str | None = None  # VHF channel A/B
    talker: str = "AIVDM"  # AIVDM (other ships) / AIVDO (own ship) / BSVDM ...
    repeat: int = 0
    # dynamic
    lat: float | None = None
    lon: float | None = None
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    nav_status: int | None = None
    rot: float | None = None
    accuracy: bool | None = None
    maneuver: int | None = None
    raim: bool | None = None
    second: int | None = None  # UTC second field of the report (60+ = not available / special)
    # static and voyage
    imo: int | None = None
    callsign: str | None = None
    name: str | None = None
    ship_type: int | None = None
    to_bow: int | None = None
    to_stern: int | None = None
    to_port: int | None = None
    to_starboard: int | None = None
    draught: float | None = None
    destination: str | None = None
    eta: str | None = None  # "MM-DDTHH:MM" as broadcast (no year in AIS)
    part_num: int | None = None  # type 24 part A (0) / B (1)
    # anything else the message type carries (type 4 date, type 21 aid type, type 6/8 dac/fid/data ...)
    extra: dict[str, Any] | None = None
    raw: str | None = None  # the sentence(s) it was decoded from, for evidence

    @property
    def received_at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp, tz=UTC)

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def length_m(self) -> int | None:
        if self.to_bow is None or self.to_stern is None:
            return None
        total = self.to_bow + self.to_stern
        return total or None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (time as ISO-8601 UTC, ``None`` fields dropped)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value is None:
                continue
            if key == "time_source":
                value = str(value)
            out[key] = value
        out["received_at"] = iso_utc(self.timestamp)
        return out


class Severity(enum.IntEnum):
    """Alert severity; ordered so that ``max()`` and comparisons work."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str | Severity) -> Severity:
        if isinstance(text, Severity):
            return text
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r}; use one of: {', '.join(s.label for s in cls)}"
            ) from None

    @classmethod
    def from_risk(cls, risk: float) -> Severity:
        """Risk 0-100 -> severity band (documented in the README)."""
        if risk >= 85:
            return cls.CRITICAL
        if risk >= 65:
            return cls.HIGH
        if risk >= 40:
            return cls.MEDIUM
        if risk >= 20:
            return cls.LOW
        return cls.INFO


class AlertKind(enum.StrEnum):
    """Kinds of alert (contract: extend, never rename)."""

    AREA_ENTRY = "area_entry"
    AREA_EXIT = "area_exit"
    AREA_DWELL = "area_dwell"
    WATCHLIST_IN_AREA = "watchlist_in_area"
    WATCHLIST_APPROACHING = "watchlist_approaching"
    ANCHOR_DRAG_SUSPECTED = "anchor_drag_suspected"
    INFRASTRUCTURE_LOITERING = "infrastructure_loitering"
    ANCHORED_NEAR_INFRASTRUCTURE = "anchored_near_infrastructure"
    AIS_GAP = "ais_gap"
    POSITION_SPOOFING = "position_spoofing"
    IDENTITY_CHANGE = "identity_change"
    RENDEZVOUS = "rendezvous"
    TRAFFIC_ANOMALY = "traffic_anomaly"


@dataclass(slots=True)
class Event:
    """One detector finding: the evidence unit. Alerts aggregate events.

    ``score`` is the detector's own confidence 0..1; the risk model turns it into points.
    ``detail`` holds the named measurements (speeds, distances, durations, thresholds) that make
    the finding checkable by a person, in the spirit of Global Fishing Watch's published event
    parameters.
    """

    kind: AlertKind
    mmsi: int
    time: float
    lat: float | None = None
    lon: float | None = None
    score: float = 1.0
    area: str | None = None
    infrastructure: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""

    def evidence(self) -> dict[str, Any]:
        """The alert-record ``evidence`` item for this event."""
        item: dict[str, Any] = {"kind": str(self.kind), "time": iso_utc(self.time)}
        if self.lat is not None and self.lon is not None:
            item["lat"] = round(self.lat, 6)
            item["lon"] = round(self.lon, 6)
        if self.area:
            item["area"] = self.area
        if self.infrastructure:
            item["infrastructure"] = self.infrastructure
        item.update(self.detail)
        if self.explanation:
            item["explanation"] = self.explanation
        return item


@dataclass(slots=True)
class Alert:
    """What people see (contract: DESIGN.md "Alert record"). One alert per vessel and incident.

    ``time`` is the time of the evidence that raised (or last escalated) the alert, not wall-clock.
    ``version`` increases each time the alert is updated (new evidence, escalation), so receivers
    can tell an update from a duplicate; ``id`` stays the same for the whole incident.
    """

    id: str
    kind: AlertKind
    severity: Severity
    risk: float
    mmsi: int
    time: float
    lat: float | None = None
    lon: float | None = None
    imo: int | None = None
    name: str | None = None
    flag: str | None = None
    area: str | None = None
    infrastructure: str | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    explanation: str = ""
    first_time: float | None = None
    version: int = 1
    status: str = "new"
    releasability: list[str] = field(default_factory=list)
    risk_breakdown: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON alert record (same shape in files, API and WebSocket)."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "severity": self.severity.label,
            "risk": round(float(self.risk), 1),
            "mmsi": self.mmsi,
            "imo": self.imo,
            "name": self.name,
            "flag": self.flag,
            "time": iso_utc(self.time),
            "lat": None if self.lat is None else round(self.lat, 6),
            "lon": None if self.lon is None else round(self.lon, 6),
            "area": self.area,
            "infrastructure": self.infrastructure,
            "evidence": self.evidence,
            "explanation": self.explanation,
            "first_time": iso_utc(self.first_time),
            "version": self.version,
            "status": self.status,
            "releasability": self.releasability,
            "risk_breakdown": self.risk_breakdown,
        }
