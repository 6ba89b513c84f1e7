"""The delivery outbox: alerts are written before they are sent.

Why: "a crash or a failing receiver loses nothing and sends nothing twice". Each saved alert
version gets one outbox item per delivery channel in the same transaction as the alert itself,
so a crash either keeps both or neither. A worker ``claim``s due items (a lease, so two workers
never send the same item at once and an item held by a crashed worker comes back after the lease),
sends them, and marks them delivered or failed. A delivered item is never handed out again.

What "never twice" can and cannot mean: if a process dies after the receiver got an item but
before ``mark_delivered`` committed, the item is sent again after its lease; no outbox can avoid
that. Receivers therefore deduplicate on the idempotency key ``<alert id>:<version>``
(:attr:`OutboxItem.idempotency_key`), which is stable across retries and restarts.

Order: for one alert and channel, a version is only handed out when no older version of it is
still pending, so receivers see versions in order even when an early one needed retries.
Attempts are counted when an item is claimed, so an item that crashes its worker every time still
reaches the dead-letter state instead of looping forever.
"""

import random
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, exists, func, or_, select, update

from seawarden.store.codec import clip_error
from seawarden.store.models import OutboxItem, OutboxState
from seawarden.store.schema import alert_versions, outbox
from seawarden.store.sql import insert_for

DEFAULT_MAX_ATTEMPTS = 8
DEFAULT_LEASE_S = 120.0


def backoff_delay(
    attempts: int,
    *,
    base_s: float = 15.0,
    factor: float = 2.0,
    max_s: float = 3600.0,
    jitter: float = 0.2,
    rng: Callable[[], float] = random.random,
) -> float:
    """Seconds to wait after the ``attempts``-th failure: base x factor^(attempts-1), capped, +/- jitter.

    Jitter spreads the retries of many items so a receiver coming back is not hit all at once.
    """
    exponent = max(0, attempts - 1)
    delay = min(max_s, base_s * factor**exponent)
    return max(0.0, delay * (1.0 + jitter * (2.0 * rng() - 1.0)))


def enqueue(conn: Connection, alert_id: str, version: int, channels: Sequence[str], now: float) -> int:
    """One pending item per channel; an existing (alert, version, channel) is left alone."""
    created = 0
    for channel in dict.fromkeys(channels):
        stmt = (
            insert_for(conn, outbox)
            .values(
                alert_id=alert_id,
                version=version,
                channel=channel,
                created_at=now,
                state=OutboxState.PENDING.value,
                attempts=0,
                next_attempt_at=now,
            )
            .on_conflict_do_nothing(index_elements=["alert_id", "version", "channel"])
            .returning(outbox.c.id)
        )
        created += len(conn.execute(stmt).all())
    return created


def claim(
    conn: Connection, channel: str, now: float, limit: int, lease_s: float, max_attempts: int
) -> list[OutboxItem]:
    """Lease up to ``limit`` due items of ``channel`` (oldest due first) and count the attempt."""
    _bury_abandoned(conn, channel, now, max_attempts)
    earlier = outbox.alias("earlier")
    older_pending = exists().where(
        earlier.c.alert_id == outbox.c.alert_id,
        earlier.c.channel == outbox.c.channel,
        earlier.c.state == OutboxState.PENDING.value,
        earlier.c.version < outbox.c.version,
    )
    ids = list(
        conn.execute(
            select(outbox.c.id)
            .where(
                outbox.c.channel == channel,
                outbox.c.state == OutboxState.PENDING.value,
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= now),
                ~older_pending,
            )
            .order_by(outbox.c.next_attempt_at, outbox.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=outbox)
        ).scalars()
    )
    if not ids:
        return []
    conn.execute(
        update(outbox)
        .where(outbox.c.id.in_(ids))
        .values(claimed_until=now + lease_s, attempts=outbox.c.attempts + 1)
    )
    return _items(conn, outbox.c.id.in_(ids), order=(outbox.c.next_attempt_at, outbox.c.id))


def mark_delivered(conn: Connection, item_id: int, now: float) -> bool:
    """True when this call delivered it; False when it was already delivered, dead or unknown."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id, outbox.c.state == OutboxState.PENDING.value)
        .values(state=OutboxState.DELIVERED.value, delivered_at=now, claimed_until=None)
    )
    return (result.rowcount or 0) == 1


def mark_failed(
    conn: Connection, item_id: int, error: str, next_attempt: float, max_attempts: int
) -> OutboxState | None:
    """Record a failed attempt: retry at ``next_attempt``, or dead once ``max_attempts`` are used.

    Returns the item's new state (None: unknown item or no longer pending).
    """
    row = conn.execute(
        select(outbox.c.attempts, outbox.c.state).where(outbox.c.id == item_id).with_for_update()
    ).first()
    if row is None or row.state != OutboxState.PENDING.value:
        return None
    attempts = max(1, row.attempts)
    state = OutboxState.DEAD if attempts >= max_attempts else OutboxState.PENDING
    conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id)
        .values(
            state=state.value,
            attempts=attempts,
            next_attempt_at=next_attempt,
            claimed_until=None,
            last_error=clip_error(error),
        )
    )
    return state


def dead_letters(conn: Connection, channel: str | None, limit: int) -> list[OutboxItem]:
    condition = outbox.c.state == OutboxState.DEAD.value
    if channel is not None:
        condition = condition & (outbox.c.channel == channel)
    return _items(conn, condition, order=(outbox.c.next_attempt_at.desc(), outbox.c.id.desc()), limit=limit)


def retry_dead(conn: Connection, item_id: int, now: float) -> bool:
    """Put a dead item back in the queue (an operator fixed the receiver); True when it was dead."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.id == item_id, outbox.c.state == OutboxState.DEAD.value)
        .values(state=OutboxState.PENDING.value, attempts=0, next_attempt_at=now, claimed_until=None)
    )
    return (result.rowcount or 0) == 1


def counts(conn: Connection) -> dict[str, dict[str, int]]:
    """``{channel: {state: n}}`` for health pages and metrics."""
    out: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        select(outbox.c.channel, outbox.c.state, func.count()).group_by(outbox.c.channel, outbox.c.state)
    )
    for channel, state, n in rows:
        out.setdefault(channel, {})[state] = int(n)
    return out


def items_for(conn: Connection, alert_id: str) -> list[OutboxItem]:
    return _items(conn, outbox.c.alert_id == alert_id, order=(outbox.c.version, outbox.c.channel))


def _bury_abandoned(conn: Connection, channel: str, now: float, max_attempts: int) -> None:
    """Items whose last allowed attempt was claimed and never reported (the worker died) are dead."""
    conn.execute(
        update(outbox)
        .where(
            outbox.c.channel == channel,
            outbox.c.state == OutboxState.PENDING.value,
            outbox.c.attempts >= max_attempts,
            outbox.c.claimed_until <= now,
        )
        .values(
            state=OutboxState.DEAD.value,
            claimed_until=None,
            last_error=func.coalesce(outbox.c.last_error, "no result reported for the last attempt"),
        )
    )


def _items(
    conn: Connection, condition: Any, order: tuple[Any, ...], limit: int | None = None
) -> list[OutboxItem]:
    query = (
        select(outbox, alert_versions.c.record)
        .join(
            alert_versions,
            (alert_versions.c.alert_id == outbox.c.alert_id) & (alert_versions.c.version == outbox.c.version),
        )
        .where(condition)
        .order_by(*order)
    )
    if limit is not None:
        query = query.limit(limit)
    return [_item(r) for r in conn.execute(query)]


def _item(row: Row[Any]) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        alert_id=row.alert_id,
        version=row.version,
        channel=row.channel,
        state=OutboxState(row.state),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        record=dict(row.record),
        last_error=row.last_error,
        delivered_at=row.delivered_at,
    )
