"""Response shapes of the vessels domain."""

from typing import Any

from pydantic import BaseModel, Field


class VesselSummary(BaseModel):
    mmsi: int
    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    flag: str | None = None
    lat: float | None = None
    lon: float | None = None
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    risk: float | None = None
    time: str | None = Field(None, description="Time of the last position (ISO-8601 UTC).")


class WatchlistMatchOut(BaseModel):
    entry: dict[str, Any]
    method: str = Field(description="imo | mmsi | name")
    confidence: float
    matched_value: str
    fuzzy: bool
    note: str


class VesselDetail(BaseModel):
    mmsi: int
    source: str = Field(description="'live' (the running pipeline) or 'store' (last saved snapshot).")
    vessel: dict[str, Any] = Field(
        description="Identity, identity history, risk with its breakdown, monitoring state, recent track."
    )
    watchlist: WatchlistMatchOut | None
    recent_alerts: list[dict[str, Any]] = Field(description="Latest alerts my organisation may see.")


class TrackPointOut(BaseModel):
    mmsi: int
    time: str | None
    lat: float
    lon: float
    sog: float | None = None
    cog: float | None = None
    heading: float | None = None
    nav_status: int | None = None
