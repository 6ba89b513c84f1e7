"""The audit log: who did what to which object, when (every change the store makes for a person)."""

from typing import Any

from sqlalchemy import Connection, insert, select

from seawarden.store.codec import json_safe
from seawarden.store.models import AuditEntry
from seawarden.store.schema import audit_log


def record(
    conn: Connection,
    *,
    actor: str,
    org_id: str | None,
    action: str,
    obj: str,
    now: float,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit row inside the caller's transaction (so it commits with the change)."""
    conn.execute(
        insert(audit_log).values(
            at=now,
            actor=actor,
            org_id=org_id,
            action=action,
            object=obj[:240],
            detail=json_safe(detail or {}),
        )
    )


def entries(
    conn: Connection,
    *,
    org_id: str | None = None,
    obj: str | None = None,
    since: float | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """Newest first."""
    query = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if org_id is not None:
        query = query.where(audit_log.c.org_id == org_id)
    if obj is not None:
        query = query.where(audit_log.c.object == obj)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    return [
        AuditEntry(r.id, r.at, r.actor, r.org_id, r.action, r.object, dict(r.detail or {}))
        for r in conn.execute(query)
    ]
