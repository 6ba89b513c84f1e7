"""Dead letters and outbox backlog.

Why admins of ``ApiSettings.admin_orgs`` only: the outbox holds every organisation's delivery
targets and errors, so it is an operator's view across organisations, like managing communities.
Every call is audited (retries by the store, with the outcome).
"""

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from seawarden.api.auth import Admin
from seawarden.api.context import ApiContext, get_ctx
from seawarden.api.deliveries.models import DeadLetterOut, DeadLettersOut, RetryOut, SummaryOut
from seawarden.api.orgs.service import require_global
from seawarden.store import NotFound, OutboxItem, Principal
from seawarden.types import iso_utc

router = APIRouter(prefix="/deliveries", tags=["deliveries"])

ItemId = Annotated[int, Path(ge=1, le=2**62, description="Outbox item id.")]
WHAT = "seeing and retrying deliveries of every organisation"


def _dead_out(item: OutboxItem) -> DeadLetterOut:
    record: dict[str, Any] = item.record
    severity = record.get("severity")  # the record's label ("high"); shown as stored
    mmsi = record.get("mmsi")
    return DeadLetterOut(
        id=item.id,
        alert_id=item.alert_id,
        version=item.version,
        channel=item.channel,
        attempts=item.attempts,
        last_error=item.last_error,
        created_at=iso_utc(item.created_at),
        last_attempt_at=iso_utc(item.next_attempt_at),
        kind=str(record["kind"]) if record.get("kind") is not None else None,
        severity=None if severity is None else str(severity),
        mmsi=mmsi if isinstance(mmsi, int) and not isinstance(mmsi, bool) else None,
    )


@router.get("/dead", response_model=DeadLettersOut, summary="Deliveries given up on, newest first")
def dead_letters(
    channel: Annotated[str | None, Query(min_length=1, max_length=64, description="One channel.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    who: Principal = Admin,
    ctx: ApiContext = Depends(get_ctx),
) -> DeadLettersOut:
    require_global(ctx, who, WHAT)
    items = ctx.store.dead_letters(channel, limit)
    ctx.audit(who, "delivery.dead.list", "outbox", channel=channel, count=len(items))
    return DeadLettersOut(items=[_dead_out(i) for i in items], count=len(items), limit=limit)


@router.post("/{item_id}/retry", response_model=RetryOut, summary="Queue a dead delivery again")
def retry(item_id: ItemId, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> RetryOut:
    require_global(ctx, who, WHAT)
    if not ctx.store.retry_dead(item_id, actor=who.user, org_id=who.org_id):
        raise NotFound(f"no dead delivery {item_id} (unknown, or already pending or delivered)")
    return RetryOut(id=item_id, state="pending")


@router.get("/summary", response_model=SummaryOut, summary="Outbox counts per channel and state")
def summary(who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> SummaryOut:
    require_global(ctx, who, WHAT)
    channels = ctx.store.outbox_counts()
    totals: Counter[str] = Counter()
    for by_state in channels.values():
        totals.update(by_state)
    ctx.audit(who, "delivery.summary", "outbox", channels=len(channels))
    return SummaryOut(channels=channels, totals=dict(totals))
