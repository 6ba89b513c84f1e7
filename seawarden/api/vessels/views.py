"""Vessel routes: search, dossier, track (JSON, or streamed GeoJSON/CSV export)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse

from seawarden.api.auth import Viewer
from seawarden.api.context import ApiContext, get_ctx
from seawarden.api.exports import MEDIA_TYPES, ExportFormat, csv_lines, geojson_lines
from seawarden.api.timeutil import epoch
from seawarden.api.vessels import service
from seawarden.api.vessels.models import TrackPointOut, VesselDetail, VesselSummary
from seawarden.store import NotFound, Principal

router = APIRouter(prefix="/vessels", tags=["vessels"])

Mmsi = Annotated[int, Path(ge=0, le=999_999_999, description="MMSI (9 digits).")]
TRACK_COLUMNS = ("mmsi", "time", "lat", "lon", "sog", "cog", "heading", "nav_status")
MAX_TRACK = 50_000


@router.get("", response_model=list[VesselSummary], summary="Search vessels, or the live picture")
def vessels(
    q: Annotated[str, Query(max_length=100, description="Name, MMSI or IMO; empty: live vessels.")] = "",
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
    _who: Principal = Viewer,
    ctx: ApiContext = Depends(get_ctx),
) -> list[VesselSummary]:
    if q.strip():
        return service.search(ctx, q.strip(), limit)
    return service.current(ctx, limit)


@router.get("/{mmsi}", response_model=VesselDetail, summary="Vessel dossier")
def vessel(mmsi: Mmsi, who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)) -> VesselDetail:
    found = service.dossier(ctx, who, mmsi)
    if found is None:
        raise NotFound(f"no vessel {mmsi} is tracked or stored")
    source, data = found
    match = service.watchlist_match(ctx, mmsi, data)
    ctx.audit(who, "vessel.read", f"vessel:{mmsi}", watchlist=None if match is None else match.entry["id"])
    return VesselDetail(
        mmsi=mmsi,
        source=source,
        vessel=data,
        watchlist=match,
        recent_alerts=service.recent_alerts(ctx, who, mmsi),
    )


def _points(ctx: ApiContext, mmsi: int, since: datetime | None, until: datetime | None, limit: int):
    start, end = epoch(since), epoch(until)
    if start is not None and end is not None and end <= start:
        raise ValueError("'until' must be after 'since'")
    return ctx.store.vessel_track(mmsi, start, end, limit)


@router.get("/{mmsi}/track", response_model=list[TrackPointOut], summary="Stored track, oldest first")
def track(
    mmsi: Mmsi,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_TRACK)] = 5000,
    _who: Principal = Viewer,
    ctx: ApiContext = Depends(get_ctx),
) -> list[TrackPointOut]:
    points = _points(ctx, mmsi, since, until, limit)
    return [TrackPointOut(**row) for row in service.track_rows(points)]


@router.get(
    "/{mmsi}/track/export",
    summary="Export the track (streamed GeoJSON points or CSV)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/geo+json": {}, "text/csv": {}}}},
)
def export_track(
    mmsi: Mmsi,
    format: ExportFormat = ExportFormat.GEOJSON,
    since: datetime | None = None,
    until: datetime | None = None,
    _who: Principal = Viewer,
    ctx: ApiContext = Depends(get_ctx),
) -> StreamingResponse:
    rows = service.track_rows(_points(ctx, mmsi, since, until, MAX_TRACK))
    body = (
        geojson_lines(rows, id_field=None)
        if format is ExportFormat.GEOJSON
        else csv_lines(rows, TRACK_COLUMNS)
    )
    filename = f"track-{mmsi}.{format.value}"
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
