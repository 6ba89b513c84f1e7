"""Alert persistence, the operators' lifecycle, and releasability-filtered queries.

Rules (tested in ``tests/store/test_alerts.py``):

* one row per alert id holding the latest record; every version's record is kept in
  ``alert_versions``; a version lower than or equal to the stored one changes nothing;
* saving a version and enqueueing its deliveries happen in one transaction (see ``outbox``);
* the pipeline never resets what an operator decided: a new version keeps the status
  acknowledged, escalated or closed;
* a *closed* alert is reopened (status back to ``new``, recorded in its history and the audit
  log) only when a later version is more severe than it was when closed: the officer closed what
  they saw, and a worse situation is new information that must not stay silent. Updates to a
  closed alert that are not more severe are stored but not delivered again, which keeps an alert
  someone judged harmless from paging people all night;
* an organisation sees an alert only when the alert's releasability shares a community with the
  organisation's; an alert with empty releasability is visible to nobody (fail closed). Unknown
  and invisible alerts are indistinguishable (``NotFound``/``None``);
* an analyst may replace an alert's releasability (:func:`set_releasability`, audited, with a
  reason). ``save`` itself writes whatever the saved version carries; the service
  (``seawarden.service.alerts``) gives later versions the stored releasability, so the edit survives.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from seawarden.deliver.routing import normalise_community
from seawarden.store import audit, outbox
from seawarden.store.codec import alert_problem, finite_or_none, json_safe
from seawarden.store.errors import InvalidTransition, NotFound, PermissionDenied
from seawarden.store.models import (
    AlertPage,
    AlertQuery,
    AlertStatus,
    Comment,
    Principal,
    SaveOutcome,
    SaveResult,
    StatusChange,
    StoredAlert,
)
from seawarden.store.schema import (
    alert_comments,
    alert_releasability,
    alert_status_history,
    alert_versions,
    alerts,
)
from seawarden.types import Alert, AlertKind, Severity, iso_utc

#: Actor name used for changes the pipeline (not a person) causes.
SYSTEM_ACTOR = "seawarden"
MAX_PAGE = 500
MAX_COMMENT = 10_000
MAX_REASON = 2000
MAX_COMMUNITY = 100  # the width of alert_releasability.community

#: Which statuses each operator action may start from (same status again: no-op).
_ALLOWED_FROM: dict[AlertStatus, frozenset[AlertStatus]] = {
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.NEW}),
    AlertStatus.ESCALATED: frozenset({AlertStatus.NEW, AlertStatus.ACKNOWLEDGED}),
    AlertStatus.CLOSED: frozenset({AlertStatus.NEW, AlertStatus.ACKNOWLEDGED, AlertStatus.ESCALATED}),
}
_VERB = {
    AlertStatus.ACKNOWLEDGED: "acknowledge",
    AlertStatus.ESCALATED: "escalate",
    AlertStatus.CLOSED: "close",
}


def visible_to(communities: Iterable[str]) -> ColumnElement[bool]:
    """SQL condition: the alert shares at least one community with ``communities``."""
    return exists().where(
        alert_releasability.c.alert_id == alerts.c.id,
        alert_releasability.c.community.in_(list(communities)),
    )


# -- writing -------------------------------------------------------------------------------------


def save(conn: Connection, alert: Alert, channels: Sequence[str], now: float) -> SaveResult:
    """Upsert ``alert`` and enqueue its deliveries, inside the caller's (write) transaction."""
    problem = alert_problem(alert)
    if problem is not None:
        return SaveResult(str(alert.id), _int_or_zero(alert.version), SaveOutcome.REJECTED, reason=problem)
    record = json_safe(alert.to_dict())
    current = conn.execute(
        select(alerts.c.version, alerts.c.status, alerts.c.closed_severity)
        .where(alerts.c.id == alert.id)
        .with_for_update()
    ).first()
    if current is not None and current.version >= alert.version:
        outcome = SaveOutcome.DUPLICATE if current.version == alert.version else SaveOutcome.STALE
        return SaveResult(alert.id, alert.version, outcome, reason=f"stored version is {current.version}")

    columns = _columns(alert, record, now)
    reopened = suppressed = False
    if current is None:
        conn.execute(insert(alerts).values(**columns, status=AlertStatus.NEW.value, created_at=now))
    else:
        status = AlertStatus(current.status)
        if status is AlertStatus.CLOSED:
            closed_at = Severity(current.closed_severity or 0)
            if alert.severity > closed_at:
                reopened = True
                note = f"reopened: severity rose from {closed_at.label} to {Severity(alert.severity).label}"
                columns.update(status=AlertStatus.NEW.value, status_at=now, status_by=SYSTEM_ACTOR)
                columns.update(closed_severity=None)
                _history(conn, alert.id, status, AlertStatus.NEW, SYSTEM_ACTOR, None, now, note)
                audit.record(
                    conn,
                    actor=SYSTEM_ACTOR,
                    org_id=None,
                    action="alert.reopen",
                    obj=f"alert:{alert.id}",
                    now=now,
                    detail={"version": alert.version, "note": note},
                )
            else:
                suppressed = True
        conn.execute(
            update(alerts).where(alerts.c.id == alert.id, alerts.c.version < alert.version).values(**columns)
        )
    conn.execute(delete(alert_releasability).where(alert_releasability.c.alert_id == alert.id))
    communities = sorted({str(c).strip() for c in alert.releasability if str(c).strip()})
    if communities:
        conn.execute(
            insert(alert_releasability), [{"alert_id": alert.id, "community": c} for c in communities]
        )
    conn.execute(
        insert(alert_versions).values(alert_id=alert.id, version=alert.version, record=record, saved_at=now)
    )
    enqueued = 0 if suppressed else outbox.enqueue(conn, alert.id, alert.version, channels, now)
    reason = "closed by an operator and not more severe: stored, not delivered" if suppressed else ""
    return SaveResult(alert.id, alert.version, SaveOutcome.STORED, enqueued, reopened, reason)


def change_status(
    conn: Connection, who: Principal, alert_id: str, target: AlertStatus, note: str, now: float
) -> StoredAlert:
    """An operator's lifecycle action; same status again is a no-op (safe for retries)."""
    if not who.can_change_alerts:
        raise PermissionDenied(f"{who.user} ({who.role}) may read alerts but not {_VERB[target]} them")
    row = _visible_row(conn, who.communities, alert_id, lock=True)
    current = AlertStatus(row.status)
    if current is target:
        return _stored(row)
    if current not in _ALLOWED_FROM[target]:
        raise InvalidTransition(
            f"alert {alert_id} is {current}: it cannot be {target} "
            f"(allowed from: {', '.join(sorted(_ALLOWED_FROM[target]))})"
        )
    values: dict[str, Any] = {"status": target.value, "status_at": now, "status_by": who.user}
    values["closed_severity"] = row.severity if target is AlertStatus.CLOSED else None
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))
    _history(conn, alert_id, current, target, who.user, who.org_id, now, note)
    audit.record(
        conn,
        actor=who.user,
        org_id=who.org_id,
        action=f"alert.{_VERB[target]}",
        obj=f"alert:{alert_id}",
        now=now,
        detail={"from": str(current), "to": str(target), "note": note, "version": row.version},
    )
    return _stored(_visible_row(conn, who.communities, alert_id))


def add_comment(conn: Connection, who: Principal, alert_id: str, text: str, now: float) -> Comment:
    if not who.can_change_alerts:
        raise PermissionDenied(f"{who.user} ({who.role}) may read alerts but not comment on them")
    body = text.strip()
    if not body:
        raise ValueError("a comment needs some text")
    if len(body) > MAX_COMMENT:
        raise ValueError(f"a comment may have at most {MAX_COMMENT} characters, this one has {len(body)}")
    _visible_row(conn, who.communities, alert_id)
    new_id = conn.execute(
        insert(alert_comments)
        .values(alert_id=alert_id, org_id=who.org_id, author=who.user, at=now, text=body)
        .returning(alert_comments.c.id)
    ).scalar_one()
    audit.record(
        conn,
        actor=who.user,
        org_id=who.org_id,
        action="alert.comment",
        obj=f"alert:{alert_id}",
        now=now,
        detail={"comment_id": new_id, "length": len(body)},
    )
    return Comment(new_id, alert_id, who.org_id, who.user, now, body)


def checked_communities(communities: Sequence[str]) -> list[str]:
    """Communities as given (trimmed), without case-insensitive duplicates; ValueError says what is wrong.

    Names compare like ``seawarden.deliver.routing.normalise_community`` ("jef" is "JEF"), but the
    first spelling is kept: visibility in SQL matches the organisations' spelling exactly.
    """
    if isinstance(communities, str) or not isinstance(communities, Sequence):
        raise ValueError('communities must be a list of community names, e.g. ["JEF", "NATO"]')
    kept: dict[str, str] = {}
    for value in communities:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"every community must be a non-empty name, got {value!r}")
        name = value.strip()
        if len(name) > MAX_COMMUNITY:
            raise ValueError(f"a community name may have at most {MAX_COMMUNITY} characters: {name[:40]!r}")
        kept.setdefault(normalise_community(name), name)
    if not kept:
        raise ValueError(
            "releasability needs at least one community (an alert releasable to nobody is hidden from "
            "everyone; close it instead)"
        )
    return list(kept.values())


def set_releasability(
    conn: Connection, who: Principal, alert_id: str, communities: Sequence[str], reason: str, now: float
) -> StoredAlert:
    """Replace the communities that may see the alert (analyst/admin of an organisation that sees it).

    Returns the alert as now stored, even when the caller's organisation is no longer in the set
    (they see it this once and lose sight of it afterwards). The same set again is a no-op.
    """
    if not who.can_change_alerts:
        raise PermissionDenied(f"{who.user} ({who.role}) may read alerts but not change their releasability")
    new = checked_communities(communities)
    why = reason.strip() if isinstance(reason, str) else ""
    if not why:
        raise ValueError("say why the releasability changes (reason); it is kept in the alert's history")
    if len(why) > MAX_REASON:
        raise ValueError(f"a reason may have at most {MAX_REASON} characters, this one has {len(why)}")
    row = _visible_row(conn, who.communities, alert_id, lock=True)
    old = releasability(conn, alert_id)
    if set(old) == set(new):
        return _stored(row)
    conn.execute(delete(alert_releasability).where(alert_releasability.c.alert_id == alert_id))
    conn.execute(insert(alert_releasability), [{"alert_id": alert_id, "community": c} for c in new])
    record = dict(row.record)
    record["releasability"] = list(new)  # the latest record tells readers and exports the truth
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(record=json_safe(record)))
    status = AlertStatus(row.status)
    note = f"releasability {', '.join(old) or '(none)'} -> {', '.join(new)}: {why}"
    _history(conn, alert_id, status, status, who.user, who.org_id, now, note)
    audit.record(
        conn,
        actor=who.user,
        org_id=who.org_id,
        action="alert.releasability",
        obj=f"alert:{alert_id}",
        now=now,
        detail={"from": old, "to": new, "reason": why, "version": row.version},
    )
    return _stored(conn.execute(select(alerts).where(alerts.c.id == alert_id)).one())


# -- reading -------------------------------------------------------------------------------------


def releasability(conn: Connection, alert_id: str) -> list[str]:
    """The communities stored for ``alert_id`` (sorted; empty when unknown). Unfiltered: service use."""
    rows = conn.execute(
        select(alert_releasability.c.community)
        .where(alert_releasability.c.alert_id == alert_id)
        .order_by(alert_releasability.c.community)
    )
    return [r.community for r in rows]


def get(conn: Connection, communities: Sequence[str], alert_id: str) -> StoredAlert | None:
    if not communities:
        return None
    row = conn.execute(select(alerts).where(alerts.c.id == alert_id, visible_to(communities))).first()
    return None if row is None else _stored(row)


def page(conn: Connection, communities: Sequence[str], query: AlertQuery) -> AlertPage:
    """Visible alerts matching ``query``: most severe first, then newest."""
    limit, offset = _page_bounds(query)
    if not communities:
        return AlertPage([], 0, limit, offset)
    conditions = [visible_to(communities), *_filters(query)]
    total = conn.execute(select(func.count()).select_from(alerts).where(*conditions)).scalar_one()
    rows = conn.execute(
        select(alerts)
        .where(*conditions)
        .order_by(alerts.c.severity.desc(), alerts.c.time.desc(), alerts.c.id)
        .limit(limit)
        .offset(offset)
    )
    return AlertPage([_stored(r) for r in rows], int(total), limit, offset)


def export_chunk(
    conn: Connection,
    communities: Sequence[str],
    query: AlertQuery,
    after: tuple[float, str] | None,
    size: int,
) -> tuple[list[dict[str, Any]], tuple[float, str] | None]:
    """Flat export rows in time order after the key ``(time, id)``, and the key of the last row.

    Keyset pagination keeps a long export stable while the pipeline keeps adding alerts.
    """
    if not communities:
        return [], None
    conditions = [visible_to(communities), *_filters(query)]
    if after is not None:
        t, last_id = after
        conditions.append(or_(alerts.c.time > t, and_(alerts.c.time == t, alerts.c.id > last_id)))
    rows = list(
        conn.execute(select(alerts).where(*conditions).order_by(alerts.c.time, alerts.c.id).limit(size))
    )
    last = (rows[-1].time, rows[-1].id) if rows else None
    return [_export_row(r) for r in rows], last


def comments(conn: Connection, communities: Sequence[str], alert_id: str) -> list[Comment]:
    _visible_row(conn, communities, alert_id)
    rows = conn.execute(
        select(alert_comments)
        .where(alert_comments.c.alert_id == alert_id)
        .order_by(alert_comments.c.at, alert_comments.c.id)
    )
    return [Comment(r.id, r.alert_id, r.org_id, r.author, r.at, r.text) for r in rows]


def history(conn: Connection, communities: Sequence[str], alert_id: str) -> list[StatusChange]:
    _visible_row(conn, communities, alert_id)
    rows = conn.execute(
        select(alert_status_history)
        .where(alert_status_history.c.alert_id == alert_id)
        .order_by(alert_status_history.c.at, alert_status_history.c.id)
    )
    return [
        StatusChange(
            r.alert_id, AlertStatus(r.from_status), AlertStatus(r.to_status), r.actor, r.org_id, r.at, r.note
        )
        for r in rows
    ]


def versions(conn: Connection, communities: Sequence[str], alert_id: str) -> list[dict[str, Any]]:
    """Every stored version's record, oldest first (how the alert grew)."""
    _visible_row(conn, communities, alert_id)
    rows = conn.execute(
        select(alert_versions.c.record)
        .where(alert_versions.c.alert_id == alert_id)
        .order_by(alert_versions.c.version)
    )
    return [dict(r.record) for r in rows]


# -- internals -----------------------------------------------------------------------------------


def _int_or_zero(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _columns(alert: Alert, record: dict[str, Any], now: float) -> dict[str, Any]:
    return {
        "id": alert.id,
        "kind": str(alert.kind),
        "severity": int(alert.severity),
        "risk": float(alert.risk),
        "mmsi": alert.mmsi,
        "imo": alert.imo,
        "name": alert.name,
        "time": float(alert.time),
        "first_time": finite_or_none(alert.first_time),
        "lat": finite_or_none(alert.lat),
        "lon": finite_or_none(alert.lon),
        "area": alert.area,
        "infrastructure": alert.infrastructure,
        "version": alert.version,
        "record": record,
        "updated_at": now,
    }


def _history(
    conn: Connection,
    alert_id: str,
    old: AlertStatus,
    new: AlertStatus,
    actor: str,
    org_id: str | None,
    now: float,
    note: str,
) -> None:
    conn.execute(
        insert(alert_status_history).values(
            alert_id=alert_id,
            from_status=old.value,
            to_status=new.value,
            actor=actor,
            org_id=org_id,
            at=now,
            note=note,
        )
    )


def _visible_row(conn: Connection, communities: Sequence[str], alert_id: str, lock: bool = False) -> Row[Any]:
    if not communities:
        raise NotFound(f"no alert {alert_id!r} visible to this organisation")
    query = select(alerts).where(alerts.c.id == alert_id, visible_to(communities))
    if lock:
        query = query.with_for_update(of=alerts)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no alert {alert_id!r} visible to this organisation")
    return row


def _stored(row: Row[Any]) -> StoredAlert:
    return StoredAlert(
        id=row.id,
        kind=row.kind,
        severity=Severity(row.severity),
        risk=row.risk,
        mmsi=row.mmsi,
        time=row.time,
        version=row.version,
        status=AlertStatus(row.status),
        status_at=row.status_at,
        status_by=row.status_by,
        record=dict(row.record),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _page_bounds(query: AlertQuery) -> tuple[int, int]:
    if not 1 <= query.limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}, got {query.limit}")
    if query.offset < 0:
        raise ValueError(f"offset must be 0 or more, got {query.offset}")
    return query.limit, query.offset


def _enum_values(enum: type, values: Iterable[str], what: str) -> list[str]:
    """Sorted distinct enum values of ``values``; ValueError naming the accepted ones otherwise."""
    try:
        return sorted({enum(v).value for v in values})
    except ValueError:
        known = ", ".join(member.value for member in enum)
        raise ValueError(f"unknown {what} in {list(values)}; use: {known}") from None


def _filters(query: AlertQuery) -> list[ColumnElement[bool]]:
    """SQL conditions for the query's filters; unknown kinds/statuses/severities raise ValueError."""
    out: list[ColumnElement[bool]] = []
    if query.kinds:
        out.append(alerts.c.kind.in_(_enum_values(AlertKind, query.kinds, "alert kind")))
    if query.min_severity is not None:
        out.append(alerts.c.severity >= int(Severity.parse(query.min_severity)))
    if query.statuses:
        out.append(alerts.c.status.in_(_enum_values(AlertStatus, query.statuses, "alert status")))
    if query.area is not None:
        out.append(alerts.c.area == query.area)
    if query.infrastructure is not None:
        out.append(alerts.c.infrastructure == query.infrastructure)
    if query.mmsi is not None:
        out.append(alerts.c.mmsi == query.mmsi)
    if query.since is not None:
        out.append(alerts.c.time >= query.since)
    if query.until is not None:
        out.append(alerts.c.time < query.until)
    return out


def _export_row(row: Row[Any]) -> dict[str, Any]:
    record = row.record or {}
    return {
        "id": row.id,
        "kind": row.kind,
        "severity": Severity(row.severity).label,
        "risk": round(float(row.risk), 1),
        "mmsi": row.mmsi,
        "imo": row.imo,
        "name": row.name,
        "flag": record.get("flag"),
        "time": iso_utc(row.time),
        "first_time": iso_utc(row.first_time),
        "lat": row.lat,
        "lon": row.lon,
        "area": row.area,
        "infrastructure": row.infrastructure,
        "version": row.version,
        "status": row.status,
        "status_by": row.status_by,
        "status_at": iso_utc(row.status_at),
        "releasability": ";".join(record.get("releasability") or []),
        "evidence_count": len(record.get("evidence") or []),
        "explanation": record.get("explanation", ""),
    }
