"""Vessel snapshots and downsampled tracks, and the searches the API needs.

Why downsampled: a busy feed reports a moving ship every 2-10 s; keeping one point per vessel
per ``interval_s`` (default 30 s) keeps months of tracks small while still showing an anchor being
dragged at 1-3 knots (tens of metres between points). Retention is by age (``prune``).
"""

import re
import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Row, delete, or_, select

from seawarden.store.codec import finite_or_none, point_problem
from seawarden.store.models import TrackPoint, VesselRecord
from seawarden.store.schema import track_points, vessels
from seawarden.store.sql import insert_for, like_escape
from seawarden.watchlist.names import normalise_name

_IMO = re.compile(r"^\s*IMO\s*:?\s*(\d{7})\s*$", re.IGNORECASE)
_DIGITS = re.compile(r"^\s*(\d{1,9})\s*$")


class TrackSampler:
    """Decides which fixes to keep: the first, then one per vessel every ``interval_s``.

    State is in memory only; after a restart the first fix per vessel is kept again (at most one
    extra point), which is cheaper than reading the last stored time of every vessel.
    """

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def keep(self, mmsi: int, t: float) -> bool:
        with self._lock:
            last = self._last.get(mmsi)
            if last is not None and t - last < self.interval_s:
                return False
            self._last[mmsi] = t
            return True


def upsert(conn: Connection, records: list[VesselRecord], now: float) -> int:
    """Insert or refresh vessel rows; an older snapshot never replaces a newer one."""
    if not records:
        return 0
    rows = [_row(r, now) for r in records]
    stmt = insert_for(conn, vessels)
    refreshed = {
        c.name: stmt.excluded[c.name] for c in vessels.columns if c.name not in {"mmsi", "first_seen"}
    }
    stmt = stmt.on_conflict_do_update(
        index_elements=["mmsi"],
        set_=refreshed,
        where=or_(vessels.c.last_seen.is_(None), vessels.c.last_seen <= stmt.excluded.last_seen),
    )
    conn.execute(stmt, rows)
    return len(rows)


def add_points(conn: Connection, points: list[TrackPoint]) -> int:
    if not points:
        return 0
    stmt = insert_for(conn, track_points).on_conflict_do_nothing(index_elements=["mmsi", "t"])
    conn.execute(
        stmt,
        [
            {
                "mmsi": p.mmsi,
                "t": float(p.t),
                "lat": float(p.lat),
                "lon": float(p.lon),
                "sog": finite_or_none(p.sog),
                "cog": finite_or_none(p.cog),
                "heading": finite_or_none(p.heading),
                "nav_status": p.nav_status,
            }
            for p in points
        ],
    )
    return len(points)


def valid_points(points: Iterable[TrackPoint]) -> tuple[list[TrackPoint], list[tuple[TrackPoint, str]]]:
    good: list[TrackPoint] = []
    bad: list[tuple[TrackPoint, str]] = []
    for point in points:
        problem = point_problem(point.lat, point.lon, point.t)
        if problem is None:
            good.append(point)
        else:
            bad.append((point, problem))
    return good, bad


def prune(conn: Connection, older_than: float) -> int:
    return conn.execute(delete(track_points).where(track_points.c.t < older_than)).rowcount or 0


def track(
    conn: Connection, mmsi: int, since: float | None, until: float | None, limit: int
) -> list[TrackPoint]:
    query = select(track_points).where(track_points.c.mmsi == mmsi)
    if since is not None:
        query = query.where(track_points.c.t >= since)
    if until is not None:
        query = query.where(track_points.c.t < until)
    # the newest ``limit`` points, returned in time order
    rows = list(conn.execute(query.order_by(track_points.c.t.desc()).limit(limit)))
    rows.reverse()
    # ``t`` clashes with ``Row.t`` (a SQLAlchemy attribute), so read through the mapping
    return [TrackPoint(**dict(r._mapping)) for r in rows]


def get(conn: Connection, mmsi: int) -> VesselRecord | None:
    row = conn.execute(select(vessels).where(vessels.c.mmsi == mmsi)).first()
    return None if row is None else _record(row)


def search(conn: Connection, text: str, limit: int) -> list[VesselRecord]:
    """By MMSI (digits), IMO (7 digits or ``IMO 1234567``) or name (normalised, substring)."""
    text = text.strip()
    if not text:
        return []
    imo = _IMO.match(text)
    digits = _DIGITS.match(text)
    if imo:
        condition = vessels.c.imo == int(imo.group(1))
    elif digits:
        number = int(digits.group(1))
        condition = (
            or_(vessels.c.mmsi == number, vessels.c.imo == number)
            if len(digits.group(1)) == 7
            else (vessels.c.mmsi == number)
        )
    else:
        key = normalise_name(text)
        if not key:
            return []
        condition = vessels.c.name_key.like(f"%{like_escape(key)}%", escape="\\")
    rows = conn.execute(
        select(vessels).where(condition).order_by(vessels.c.last_seen.desc(), vessels.c.mmsi).limit(limit)
    )
    return [_record(r) for r in rows]


def _row(record: VesselRecord, now: float) -> dict[str, Any]:
    return {
        "mmsi": record.mmsi,
        "imo": record.imo,
        "name": record.name,
        "name_key": normalise_name(record.name) if record.name else None,
        "callsign": record.callsign,
        "ship_type": record.ship_type,
        "flag": record.flag,
        "flag_code": record.flag_code,
        "length_m": finite_or_none(record.length_m),
        "destination": record.destination,
        "first_seen": finite_or_none(record.first_seen),
        "last_seen": finite_or_none(record.last_seen),
        "position_at": finite_or_none(record.position_at),
        "lat": finite_or_none(record.lat),
        "lon": finite_or_none(record.lon),
        "sog": finite_or_none(record.sog),
        "cog": finite_or_none(record.cog),
        "heading": finite_or_none(record.heading),
        "nav_status": record.nav_status,
        "risk": finite_or_none(record.risk) or 0.0,
        "monitoring": record.monitoring,
        "quality": list(record.quality),
        "updated_at": now,
    }


def _record(row: Row[Any]) -> VesselRecord:
    return VesselRecord(
        mmsi=row.mmsi,
        imo=row.imo,
        name=row.name,
        callsign=row.callsign,
        ship_type=row.ship_type,
        flag=row.flag,
        flag_code=row.flag_code,
        length_m=row.length_m,
        destination=row.destination,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        position_at=row.position_at,
        lat=row.lat,
        lon=row.lon,
        sog=row.sog,
        cog=row.cog,
        heading=row.heading,
        nav_status=row.nav_status,
        risk=row.risk,
        monitoring=row.monitoring,
        quality=tuple(row.quality or ()),
    )
