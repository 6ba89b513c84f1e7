"""Alert routes. Visibility is the store's job (releasability); every read and change is audited."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse

from seawarden.api.alerts.models import (
    ActionIn,
    AlertPageOut,
    CommentIn,
    CommentOut,
    HistoryOut,
    ReleasabilityIn,
    SeverityName,
    StatusChangeOut,
)
from seawarden.api.auth import Analyst, Viewer
from seawarden.api.context import ApiContext, get_ctx
from seawarden.api.exports import MEDIA_TYPES, ExportFormat, csv_lines, geojson_lines
from seawarden.api.timeutil import epoch
from seawarden.store import AlertQuery, AlertStatus, Comment, NotFound, Principal, StatusChange
from seawarden.types import AlertKind, iso_utc

router = APIRouter(prefix="/alerts", tags=["alerts"])

EXPORT_COLUMNS = (
    "id", "kind", "severity", "risk", "mmsi", "imo", "name", "flag", "time", "first_time", "lat", "lon",
    "area", "infrastructure", "version", "status", "status_by", "status_at", "releasability",
    "evidence_count", "explanation",
)  # fmt: skip

AlertId = Annotated[str, Path(min_length=1, max_length=300, description="Alert id.")]


class AlertFilters:
    """The filters shared by the list and the export (query parameters)."""

    def __init__(
        self,
        kind: Annotated[list[AlertKind] | None, Query(description="Alert kinds (repeat).")] = None,
        min_severity: Annotated[SeverityName | None, Query(description="Lowest severity.")] = None,
        area: Annotated[str | None, Query(max_length=200, description="Area id.")] = None,
        infrastructure: Annotated[str | None, Query(max_length=200, description="Asset id.")] = None,
        mmsi: Annotated[int | None, Query(ge=0, le=999_999_999)] = None,
        since: Annotated[datetime | None, Query(description="Alert time >= since (ISO-8601).")] = None,
        until: Annotated[datetime | None, Query(description="Alert time < until (ISO-8601).")] = None,
        status: Annotated[list[AlertStatus] | None, Query(description="Lifecycle statuses (repeat).")] = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "kinds": tuple(kind or ()),
            "min_severity": None if min_severity is None else str(min_severity.value),
            "area": area,
            "infrastructure": infrastructure,
            "mmsi": mmsi,
            "since": epoch(since),
            "until": epoch(until),
            "statuses": tuple(status or ()),
        }

    def query(self, limit: int = 50, offset: int = 0) -> AlertQuery:
        return AlertQuery(**self.values, limit=limit, offset=offset)

    def audit_detail(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.values.items() if v}


@router.get("", response_model=AlertPageOut, summary="Alerts visible to my organisation")
def list_alerts(
    filters: Annotated[AlertFilters, Depends()],
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    who: Principal = Viewer,
    ctx: ApiContext = Depends(get_ctx),
) -> AlertPageOut:
    page = ctx.store.list_alerts(who, filters.query(limit, offset))
    ctx.audit(who, "alert.list", "alerts", count=len(page.items), **filters.audit_detail())
    return AlertPageOut(
        items=[a.to_dict() for a in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/export",
    summary="Export visible alerts (streamed GeoJSON or CSV, oldest first)",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/geo+json": {}, "text/csv": {}}}},
)
def export_alerts(
    filters: Annotated[AlertFilters, Depends()],
    format: ExportFormat = ExportFormat.GEOJSON,
    who: Principal = Viewer,
    ctx: ApiContext = Depends(get_ctx),
) -> StreamingResponse:
    ctx.audit(who, "alert.export", "alerts", format=str(format), **filters.audit_detail())
    rows = ctx.store.export_alerts(who, filters.query())
    body = geojson_lines(rows) if format is ExportFormat.GEOJSON else csv_lines(rows, EXPORT_COLUMNS)
    filename = f"seawarden-alerts.{'geojson' if format is ExportFormat.GEOJSON else 'csv'}"
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _visible(ctx: ApiContext, who: Principal, alert_id: str) -> dict[str, Any]:
    stored = ctx.store.get_alert(who, alert_id)
    if stored is None:
        raise NotFound(f"no alert {alert_id!r} visible to organisation {who.org_id!r}")
    return stored.to_dict()


@router.get("/{alert_id}", summary="One alert (the latest version)")
def get_alert(
    alert_id: AlertId, who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)
) -> dict[str, Any]:
    record = _visible(ctx, who, alert_id)
    ctx.audit(who, "alert.read", f"alert:{alert_id}", version=record.get("version"))
    return record


@router.get("/{alert_id}/versions", summary="Every version of the alert record, oldest first")
def alert_versions(
    alert_id: AlertId, who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)
) -> list[dict[str, Any]]:
    versions = ctx.store.alert_versions(who, alert_id)
    ctx.audit(who, "alert.versions", f"alert:{alert_id}", count=len(versions))
    return versions


@router.get("/{alert_id}/history", response_model=HistoryOut, summary="Status changes, comments, versions")
def alert_history(
    alert_id: AlertId, who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)
) -> HistoryOut:
    changes = ctx.store.status_history(who, alert_id)
    comments = ctx.store.comments(who, alert_id)
    versions = ctx.store.alert_versions(who, alert_id)
    ctx.audit(who, "alert.history", f"alert:{alert_id}")
    return HistoryOut(
        alert_id=alert_id,
        status_changes=[_change_out(c) for c in changes],
        comments=[_comment_out(c) for c in comments],
        versions=versions,
    )


@router.get("/{alert_id}/comments", response_model=list[CommentOut], summary="Comments on the alert")
def alert_comments(
    alert_id: AlertId, who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)
) -> list[CommentOut]:
    comments = ctx.store.comments(who, alert_id)
    ctx.audit(who, "alert.comments", f"alert:{alert_id}", count=len(comments))
    return [_comment_out(c) for c in comments]


@router.post("/{alert_id}/acknowledge", summary="Acknowledge (new -> acknowledged)")
def acknowledge(
    alert_id: AlertId,
    body: ActionIn | None = None,
    who: Principal = Analyst,
    ctx: ApiContext = Depends(get_ctx),
) -> dict[str, Any]:
    return ctx.store.acknowledge(who, alert_id, (body or ActionIn()).note).to_dict()


@router.post("/{alert_id}/escalate", summary="Escalate (new/acknowledged -> escalated)")
def escalate(
    alert_id: AlertId,
    body: ActionIn | None = None,
    who: Principal = Analyst,
    ctx: ApiContext = Depends(get_ctx),
) -> dict[str, Any]:
    return ctx.store.escalate(who, alert_id, (body or ActionIn()).note).to_dict()


@router.post("/{alert_id}/close", summary="Close (reopens by itself if the situation gets worse)")
def close(
    alert_id: AlertId,
    body: ActionIn | None = None,
    who: Principal = Analyst,
    ctx: ApiContext = Depends(get_ctx),
) -> dict[str, Any]:
    return ctx.store.close_alert(who, alert_id, (body or ActionIn()).note).to_dict()


@router.put(
    "/{alert_id}/releasability",
    summary="Set who may see the alert (analyst; audited)",
    description="Replaces the alert's communities. The response is the alert as now stored. If your "
    "organisation is no longer in the new set you see it in this response only: afterwards the alert "
    "is not found for you. Later versions from the pipeline keep this releasability.",
)
def set_releasability(
    alert_id: AlertId, body: ReleasabilityIn, who: Principal = Analyst, ctx: ApiContext = Depends(get_ctx)
) -> dict[str, Any]:
    return ctx.store.set_releasability(who, alert_id, body.communities, body.reason).to_dict()


@router.post("/{alert_id}/comments", response_model=CommentOut, status_code=201, summary="Comment")
def comment(
    alert_id: AlertId, body: CommentIn, who: Principal = Analyst, ctx: ApiContext = Depends(get_ctx)
) -> CommentOut:
    return _comment_out(ctx.store.comment(who, alert_id, body.text))


def _comment_out(c: Comment) -> CommentOut:
    return CommentOut(
        id=c.id, alert_id=c.alert_id, org_id=c.org_id, author=c.author, at=iso_utc(c.at), text=c.text
    )


def _change_out(c: StatusChange) -> StatusChangeOut:
    return StatusChangeOut(
        from_status=str(c.from_status),
        to_status=str(c.to_status),
        actor=c.actor,
        org_id=c.org_id,
        at=iso_utc(c.at),
        note=c.note,
    )
