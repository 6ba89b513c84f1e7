"""Vessel dossiers: the live picture when the pipeline tracks the vessel, else the stored snapshot."""

import dataclasses
from collections.abc import Iterable
from typing import Any

from seawarden.api.context import ApiContext
from seawarden.api.vessels.models import VesselSummary, WatchlistMatchOut
from seawarden.store import Principal, TrackPoint, VesselRecord
from seawarden.store.codec import json_safe
from seawarden.types import iso_utc

_TIME_FIELDS = ("first_seen", "last_seen", "position_at")
RECENT_ALERTS = 20


def record_dict(record: VesselRecord) -> dict[str, Any]:
    out = dataclasses.asdict(record)
    for name in _TIME_FIELDS:
        out[name] = iso_utc(out[name])
    out["quality"] = list(record.quality)
    out.setdefault("identity_history", [])
    return out


def summary_from_record(record: VesselRecord) -> VesselSummary:
    return VesselSummary(
        mmsi=record.mmsi,
        name=record.name,
        imo=record.imo,
        callsign=record.callsign,
        flag=record.flag,
        lat=record.lat,
        lon=record.lon,
        sog=record.sog,
        cog=record.cog,
        heading=record.heading,
        risk=record.risk,
        time=iso_utc(record.position_at),
    )


def summary_from_live(item: dict[str, Any]) -> VesselSummary | None:
    """A live snapshot dict as a summary; None when it is unusable (counted by the caller)."""
    safe = json_safe(item)
    try:
        time = safe.get("time")
        if isinstance(time, int | float):
            safe["time"] = iso_utc(float(time))
        fields = {k: safe.get(k) for k in VesselSummary.model_fields if k in safe}
        return VesselSummary.model_validate(fields)
    except (AttributeError, ValueError, TypeError):
        return None


def search(ctx: ApiContext, text: str, limit: int) -> list[VesselSummary]:
    """Stored vessels by name/MMSI/IMO, plus tracked ones the store has not saved yet."""
    found: dict[int, VesselSummary] = {
        r.mmsi: summary_from_record(r) for r in ctx.store.search_vessels(text, limit)
    }
    if ctx.live is not None and len(found) < limit:
        needle = text.strip().casefold()
        for item in ctx.live.vessels():
            summary = summary_from_live(item)
            if summary is None or summary.mmsi in found:
                continue
            haystack = [str(summary.mmsi), str(summary.imo or ""), (summary.name or "").casefold()]
            if any(needle in h for h in haystack if h):
                found[summary.mmsi] = summary
            if len(found) >= limit:
                break
    return list(found.values())[:limit]


def current(ctx: ApiContext, limit: int) -> list[VesselSummary]:
    """The live picture (what the map shows); empty when no pipeline runs in this process."""
    if ctx.live is None:
        return []
    out = [s for s in (summary_from_live(v) for v in ctx.live.vessels()) if s is not None]
    out.sort(key=lambda s: -(s.risk or 0.0))
    return out[:limit]


def dossier(ctx: ApiContext, who: Principal, mmsi: int) -> tuple[str, dict[str, Any]] | None:
    """(source, vessel dict) from the live view when tracked there, else from the store."""
    if ctx.live is not None:
        live = ctx.live.vessel(mmsi)
        if live is not None:
            return "live", json_safe(live)
    record = ctx.store.vessel(mmsi)
    if record is None:
        return None
    return "store", record_dict(record)


def _values(vessel: dict[str, Any], field: str) -> list[Any]:
    """Current and past values of an identity field (from the identity history when present)."""
    identity = vessel.get("identity") if isinstance(vessel.get("identity"), dict) else {}
    values = [vessel.get(field), identity.get(field)]
    history = vessel.get("identity_history")
    if isinstance(history, list):
        for change in history:
            if isinstance(change, dict) and change.get("field") == field:
                values.extend([change.get("old"), change.get("new")])
    return [v for v in values if v not in (None, "")]


def watchlist_match(ctx: ApiContext, mmsi: int, vessel: dict[str, Any]) -> WatchlistMatchOut | None:
    if ctx.watchlist is None:
        return None
    imos = [int(v) for v in _values(vessel, "imo") if isinstance(v, int) or str(v).isdigit()]
    names = [str(v) for v in _values(vessel, "name")]
    found = ctx.watchlist.match(imos=imos, mmsi=mmsi, names=names)
    if found is None:
        return None
    return WatchlistMatchOut(
        entry=found.entry.to_dict(),
        method=found.method,
        confidence=found.confidence,
        matched_value=found.matched_value,
        fuzzy=found.fuzzy,
        note=found.note,
    )


def recent_alerts(ctx: ApiContext, who: Principal, mmsi: int) -> list[dict[str, Any]]:
    page = ctx.store.list_alerts(who, mmsi=mmsi, limit=RECENT_ALERTS)
    return [a.to_dict() for a in page.items]


def track_rows(points: Iterable[TrackPoint]) -> Iterable[dict[str, Any]]:
    for p in points:
        row = dataclasses.asdict(p)
        row["time"] = iso_utc(row.pop("t"))
        yield row
