"""The watch-list mirror and the areas of interest (user-managed registers, audited)."""

import json
from collections.abc import Iterable
from typing import Any

import shapely
from shapely.geometry import shape
from sqlalchemy import Connection, delete, select

from seawarden.store import audit
from seawarden.store.codec import json_safe
from seawarden.store.models import StoredArea
from seawarden.store.schema import areas, watchlist_entries
from seawarden.store.sql import insert_for
from seawarden.watchlist.entry import WatchlistEntry

_AREA_TYPES = {"Polygon", "MultiPolygon"}


def upsert_entries(conn: Connection, entries: Iterable[WatchlistEntry], now: float) -> int:
    rows = [_entry_row(e, now) for e in entries]
    if not rows:
        return 0
    stmt = insert_for(conn, watchlist_entries)
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={c.name: stmt.excluded[c.name] for c in watchlist_entries.columns if c.name != "id"},
    )
    conn.execute(stmt, rows)
    return len(rows)


def replace_entries(conn: Connection, entries: Iterable[WatchlistEntry], now: float) -> int:
    conn.execute(delete(watchlist_entries))
    return upsert_entries(conn, entries, now)


def delete_entry(conn: Connection, entry_id: str) -> bool:
    return bool(conn.execute(delete(watchlist_entries).where(watchlist_entries.c.id == entry_id)).rowcount)


def entries(conn: Connection) -> list[WatchlistEntry]:
    rows = conn.execute(select(watchlist_entries).order_by(watchlist_entries.c.id))
    return [
        WatchlistEntry(
            id=r.id,
            imo=r.imo,
            mmsis=[int(m) for m in r.mmsis or ()],
            names=list(r.names or ()),
            flag=r.flag,
            vessel_type=r.vessel_type,
            reason=r.reason or "",
            sources=list(r.sources or ()),
            listed_since=r.listed_since,
            notes=r.notes or "",
            operator=r.operator,
        )
        for r in rows
    ]


def check_area_geometry(geometry: dict[str, Any] | str) -> dict[str, Any]:
    """The GeoJSON geometry as a dict, or ValueError saying what is wrong with it."""
    try:
        data = json.loads(geometry) if isinstance(geometry, str) else dict(geometry)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"area geometry is not GeoJSON: {exc}") from None
    if data.get("type") == "Feature":
        data = data.get("geometry") or {}
    if data.get("type") not in _AREA_TYPES:
        raise ValueError(f"an area must be a Polygon or MultiPolygon, got {data.get('type')!r}")
    try:
        geom = shape(data)
    except (KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        raise ValueError(f"area geometry is unusable: {exc}") from None
    if geom.is_empty or not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        raise ValueError(f"area geometry is invalid ({reason}); fix it, e.g. with shapely.make_valid")
    minx, miny, maxx, maxy = geom.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        raise ValueError("area coordinates must be WGS84 longitude, latitude (x in -180..180, y in -90..90)")
    return json_safe(data)


def save_area(
    conn: Connection,
    area_id: str,
    name: str,
    geometry: dict[str, Any],
    properties: dict[str, Any],
    now: float,
) -> StoredArea:
    stmt = insert_for(conn, areas).values(
        id=area_id, name=name, geojson=json.dumps(geometry), properties=json_safe(properties), updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["id"],
        set_={k: stmt.excluded[k] for k in ("name", "geojson", "properties", "updated_at")},
    )
    conn.execute(stmt)
    return StoredArea(area_id, name, geometry, dict(properties), now)


def delete_area(conn: Connection, area_id: str) -> bool:
    return bool(conn.execute(delete(areas).where(areas.c.id == area_id)).rowcount)


def list_areas(conn: Connection) -> list[StoredArea]:
    rows = conn.execute(select(areas).order_by(areas.c.id))
    return [
        StoredArea(r.id, r.name, json.loads(r.geojson), dict(r.properties or {}), r.updated_at) for r in rows
    ]


def audit_change(
    conn: Connection, actor: str, org_id: str | None, action: str, obj: str, now: float, **detail: Any
) -> None:
    audit.record(conn, actor=actor, org_id=org_id, action=action, obj=obj, now=now, detail=detail)


def _entry_row(entry: WatchlistEntry, now: float) -> dict[str, Any]:
    if not entry.id:
        raise ValueError("a watch-list entry needs an id")
    return {
        "id": entry.id,
        "imo": entry.imo,
        "mmsis": [int(m) for m in entry.mmsis],
        "names": list(entry.names),
        "flag": entry.flag,
        "vessel_type": entry.vessel_type,
        "reason": entry.reason or "",
        "sources": list(entry.sources),
        "listed_since": entry.listed_since,
        "notes": getattr(entry, "notes", "") or "",
        "operator": getattr(entry, "operator", None),
        "updated_at": now,
    }
