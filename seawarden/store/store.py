"""The :class:`Store` facade: one object the pipeline thread writes to and the API reads from.

Why one facade over small domain modules: callers get short, named operations with the
transaction handled for them (each call is one transaction), while ``alerts``, ``outbox``,
``access``, ``vessels`` and ``registers`` stay small and testable. Threading: the engine's pool
gives each call its own connection; writes are serialised by a lock (one writer, any number of
readers), and on SQLite they also take the database write lock up front (``BEGIN IMMEDIATE``).
"""

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError

from seawarden.store import access, alerts, audit, migrate, outbox, registers, vessels
from seawarden.store.engine import WRITE_OPTION, create_store_engine, describe, resolve_url
from seawarden.store.errors import NotFound, StoreError
from seawarden.store.models import (
    AlertPage,
    AlertQuery,
    AlertStatus,
    ApiKeyInfo,
    AuditEntry,
    Comment,
    Organisation,
    OutboxItem,
    OutboxState,
    Principal,
    Role,
    SaveOutcome,
    SaveResult,
    StatusChange,
    StoredAlert,
    StoredArea,
    TrackPoint,
    User,
    VesselRecord,
)
from seawarden.store.schema import outbox as outbox_table
from seawarden.types import Alert
from seawarden.watchlist.entry import WatchlistEntry

log = logging.getLogger("seawarden.store")

Clock = Callable[[], float]
Viewer = str | Principal  # an organisation id, or a principal (its communities are used)


class Store:
    """Persistent state of the live service (see ``docs`` in the module docstrings for the rules)."""

    def __init__(
        self,
        engine: Engine,
        *,
        channels: Sequence[str] = (),
        max_attempts: int = outbox.DEFAULT_MAX_ATTEMPTS,
        lease_s: float = outbox.DEFAULT_LEASE_S,
        track_interval_s: float = 30.0,
        clock: Clock = time.time,
    ) -> None:
        self.engine = engine
        self.channels = tuple(dict.fromkeys(channels))
        self.max_attempts = max_attempts
        self.lease_s = lease_s
        self.clock = clock
        self.stats: Counter[str] = Counter()
        self._sampler = vessels.TrackSampler(track_interval_s)
        self._write_lock = threading.RLock()

    # -- plumbing --------------------------------------------------------------------------------

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self._write_lock, self.engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _communities(self, conn: Connection, viewer: Viewer) -> tuple[str, ...]:
        if isinstance(viewer, Principal):
            return viewer.communities
        try:
            return access.get_org(conn, viewer).communities
        except NotFound:
            return ()

    # -- alerts ----------------------------------------------------------------------------------

    def save_alert(self, alert: Alert, channels: Sequence[str] | None = None) -> SaveResult:
        """Store ``alert`` and enqueue its deliveries atomically (idempotent on id + version)."""
        chosen = self.channels if channels is None else tuple(channels)
        try:
            with self._write() as conn:
                result = alerts.save(conn, alert, chosen, self.clock())
        except (
            IntegrityError
        ) as exc:  # e.g. an id already used with another meaning; never crash the pipeline
            result = SaveResult(str(alert.id), 0, SaveOutcome.REJECTED, reason=f"integrity: {exc.orig}")
        self.stats[f"alerts_{result.outcome}"] += 1
        self.stats["outbox_enqueued"] += result.enqueued
        if result.outcome is SaveOutcome.REJECTED:
            log.warning("alert %s not stored: %s", alert.id, result.reason)
        elif result.outcome is SaveOutcome.STALE:
            log.info("alert %s v%s ignored: %s", alert.id, alert.version, result.reason)
        if result.reopened:
            log.warning("alert %s reopened: severity rose after it was closed", alert.id)
        return result

    def save_alerts(self, batch: Iterable[Alert]) -> list[SaveResult]:
        return [self.save_alert(a) for a in batch]

    def get_alert(self, viewer: Viewer, alert_id: str) -> StoredAlert | None:
        """The alert if ``viewer``'s organisation may see it, else None (unknown looks the same)."""
        with self._read() as conn:
            return alerts.get(conn, self._communities(conn, viewer), alert_id)

    def list_alerts(self, viewer: Viewer, query: AlertQuery | None = None, **filters: Any) -> AlertPage:
        """Visible alerts, most severe then newest first; filters as :class:`AlertQuery` fields."""
        query = query or AlertQuery(**filters)
        with self._read() as conn:
            return alerts.page(conn, self._communities(conn, viewer), query)

    def export_alerts(
        self, viewer: Viewer, query: AlertQuery | None = None, chunk_size: int = 500, **filters: Any
    ) -> Iterator[dict[str, Any]]:
        """Flat rows (CSV-ready) of every visible matching alert, oldest first, read in short chunks."""
        query = query or AlertQuery(**filters)
        after: tuple[float, str] | None = None
        while True:
            with self._read() as conn:
                rows, after = alerts.export_chunk(
                    conn, self._communities(conn, viewer), query, after, chunk_size
                )
            yield from rows
            if len(rows) < chunk_size or after is None:
                return

    def alert_versions(self, viewer: Viewer, alert_id: str) -> list[dict[str, Any]]:
        with self._read() as conn:
            return alerts.versions(conn, self._communities(conn, viewer), alert_id)

    def acknowledge(self, who: Principal, alert_id: str, note: str = "") -> StoredAlert:
        return self._change(who, alert_id, AlertStatus.ACKNOWLEDGED, note)

    def escalate(self, who: Principal, alert_id: str, note: str = "") -> StoredAlert:
        return self._change(who, alert_id, AlertStatus.ESCALATED, note)

    def close_alert(self, who: Principal, alert_id: str, note: str = "") -> StoredAlert:
        return self._change(who, alert_id, AlertStatus.CLOSED, note)

    def _change(self, who: Principal, alert_id: str, target: AlertStatus, note: str) -> StoredAlert:
        with self._write() as conn:
            return alerts.change_status(conn, who, alert_id, target, note, self.clock())

    def set_releasability(
        self, who: Principal, alert_id: str, communities: Sequence[str], reason: str
    ) -> StoredAlert:
        """An analyst's edit of who may see the alert (audited); see :func:`alerts.set_releasability`."""
        with self._write() as conn:
            return alerts.set_releasability(conn, who, alert_id, communities, reason, self.clock())

    def releasability(self, alert_id: str) -> list[str]:
        """The alert's stored communities, whoever they are (for the service, never for API callers)."""
        with self._read() as conn:
            return alerts.releasability(conn, alert_id)

    def comment(self, who: Principal, alert_id: str, text: str) -> Comment:
        with self._write() as conn:
            return alerts.add_comment(conn, who, alert_id, text, self.clock())

    def comments(self, viewer: Viewer, alert_id: str) -> list[Comment]:
        with self._read() as conn:
            return alerts.comments(conn, self._communities(conn, viewer), alert_id)

    def status_history(self, viewer: Viewer, alert_id: str) -> list[StatusChange]:
        with self._read() as conn:
            return alerts.history(conn, self._communities(conn, viewer), alert_id)

    # -- outbox ----------------------------------------------------------------------------------

    def claim_due(self, channel: str, now: float | None = None, limit: int = 50) -> list[OutboxItem]:
        """Lease due items of ``channel``; send them, then ``mark_delivered`` / ``mark_failed``."""
        with self._write() as conn:
            return outbox.claim(
                conn, channel, self.clock() if now is None else now, limit, self.lease_s, self.max_attempts
            )

    def mark_delivered(self, item_id: int, now: float | None = None) -> bool:
        with self._write() as conn:
            done = outbox.mark_delivered(conn, item_id, self.clock() if now is None else now)
        self.stats["outbox_delivered"] += int(done)
        return done

    def mark_failed(
        self, item_id: int, error: str, next_attempt: float | None = None, now: float | None = None
    ) -> OutboxState | None:
        """Record a failure; ``next_attempt`` defaults to exponential back-off from ``now``."""
        with self._write() as conn:
            if next_attempt is None:
                attempts = self._attempts(conn, item_id)
                next_attempt = (self.clock() if now is None else now) + outbox.backoff_delay(attempts)
            state = outbox.mark_failed(conn, item_id, error, next_attempt, self.max_attempts)
        if state is OutboxState.DEAD:
            self.stats["outbox_dead"] += 1
            log.error(
                "delivery of outbox item %s gave up after %s attempts: %s", item_id, self.max_attempts, error
            )
        return state

    @staticmethod
    def _attempts(conn: Connection, item_id: int) -> int:
        value = conn.execute(select(outbox_table.c.attempts).where(outbox_table.c.id == item_id)).scalar()
        return int(value or 1)

    def dead_letters(self, channel: str | None = None, limit: int = 100) -> list[OutboxItem]:
        with self._read() as conn:
            return outbox.dead_letters(conn, channel, limit)

    def retry_dead(self, item_id: int, actor: str, org_id: str | None = None) -> bool:
        with self._write() as conn:
            now = self.clock()
            done = outbox.retry_dead(conn, item_id, now)
            if done:
                audit.record(
                    conn, actor=actor, org_id=org_id, action="outbox.retry", obj=f"outbox:{item_id}", now=now
                )
            return done

    def outbox_counts(self) -> dict[str, dict[str, int]]:
        with self._read() as conn:
            return outbox.counts(conn)

    def outbox_items(self, alert_id: str) -> list[OutboxItem]:
        """Every delivery item of one alert (for operators checking what was sent where)."""
        with self._read() as conn:
            return outbox.items_for(conn, alert_id)

    # -- organisations, users, keys ------------------------------------------------------------------

    def create_org(self, org_id: str, name: str, communities: Sequence[str]) -> Organisation:
        with self._write() as conn:
            return access.create_org(conn, org_id, name, communities, self.clock())

    def get_org(self, org_id: str) -> Organisation:
        with self._read() as conn:
            return access.get_org(conn, org_id)

    def set_communities(self, org_id: str, communities: Sequence[str], actor: str) -> Organisation:
        with self._write() as conn:
            return access.set_communities(conn, org_id, communities, actor, self.clock())

    def create_user(self, org_id: str, name: str, role: Role | str) -> User:
        with self._write() as conn:
            return access.create_user(conn, org_id, name, role, self.clock())

    def principal(self, org_id: str, user_name: str) -> Principal:
        with self._read() as conn:
            return access.principal(conn, org_id, user_name)

    def create_api_key(self, user_id: int, label: str = "") -> tuple[str, ApiKeyInfo]:
        """Returns (token, info); show the token once, it cannot be recovered later."""
        with self._write() as conn:
            return access.create_api_key(conn, user_id, label, self.clock())

    def verify_api_key(self, token: str) -> Principal | None:
        now = self.clock()
        with self._read() as conn:
            found = access.verify_api_key(conn, token, now)
        if found is None:
            return None
        who, stale = found
        key_id = access.key_id_of(token)
        if stale and key_id is not None:
            with self._write() as conn:
                access.touch_api_key(conn, key_id, now)
        return who

    def api_keys(self, user_id: int) -> list[ApiKeyInfo]:
        with self._read() as conn:
            return access.list_api_keys(conn, user_id)

    def revoke_api_key(self, key_id: str, actor: str) -> bool:
        with self._write() as conn:
            return access.revoke_api_key(conn, key_id, actor, self.clock())

    # -- audit -----------------------------------------------------------------------------------

    def audit(self, actor: str, org_id: str | None, action: str, obj: str, **detail: Any) -> None:
        """Record an action done elsewhere (the API audits reads of alerts and watch-lists with this)."""
        with self._write() as conn:
            audit.record(
                conn, actor=actor, org_id=org_id, action=action, obj=obj, now=self.clock(), detail=detail
            )

    def audit_log(
        self, org_id: str | None = None, obj: str | None = None, since: float | None = None, limit: int = 100
    ) -> list[AuditEntry]:
        with self._read() as conn:
            return audit.entries(conn, org_id=org_id, obj=obj, since=since, limit=limit)

    # -- vessels and tracks ----------------------------------------------------------------------

    def save_vessels(self, states: Iterable[Any], track: bool = True) -> int:
        """Snapshot ``VesselState``s or ``VesselRecord``s; with ``track`` also their latest fix (sampled)."""
        records: list[VesselRecord] = []
        for state in states:
            try:
                records.append(state if isinstance(state, VesselRecord) else VesselRecord.from_state(state))
            except (AttributeError, TypeError, ValueError) as exc:
                self.stats["vessels_rejected"] += 1
                log.warning("vessel snapshot skipped: %s", exc)
        points = [p for p in (r.last_point() for r in records) if p is not None] if track else []
        with self._write() as conn:
            count = vessels.upsert(conn, records, self.clock())
            self._add_points(conn, points)
        self.stats["vessels_saved"] += count
        return count

    def add_track_points(self, points: Iterable[TrackPoint], sample: bool = True) -> int:
        """Store fixes (thinned to one per vessel per interval unless ``sample`` is False)."""
        with self._write() as conn:
            return self._add_points(conn, list(points), sample)

    def _add_points(self, conn: Connection, points: list[TrackPoint], sample: bool = True) -> int:
        good, bad = vessels.valid_points(points)
        for point, problem in bad:
            log.warning("track point of %s at %s skipped: %s", point.mmsi, point.t, problem)
        self.stats["track_points_rejected"] += len(bad)
        kept = [p for p in good if self._sampler.keep(p.mmsi, p.t)] if sample else good
        self.stats["track_points_thinned"] += len(good) - len(kept)
        written = vessels.add_points(conn, kept)
        self.stats["track_points_written"] += written
        return written

    def prune_tracks(self, older_than: float) -> int:
        """Delete track points older than ``older_than`` (epoch seconds); returns how many."""
        with self._write() as conn:
            removed = vessels.prune(conn, older_than)
        log.info("pruned %s track points older than %s", removed, older_than)
        return removed

    def vessel(self, mmsi: int) -> VesselRecord | None:
        with self._read() as conn:
            return vessels.get(conn, mmsi)

    def vessel_track(
        self, mmsi: int, since: float | None = None, until: float | None = None, limit: int = 5000
    ) -> list[TrackPoint]:
        with self._read() as conn:
            return vessels.track(conn, mmsi, since, until, limit)

    def search_vessels(self, text: str, limit: int = 20) -> list[VesselRecord]:
        with self._read() as conn:
            return vessels.search(conn, text, limit)

    # -- watch-list and areas --------------------------------------------------------------------

    def save_watchlist(self, entries: Iterable[WatchlistEntry], actor: str, replace: bool = False) -> int:
        entries = list(entries)
        with self._write() as conn:
            now = self.clock()
            count = (registers.replace_entries if replace else registers.upsert_entries)(conn, entries, now)
            action = "watchlist.replace" if replace else "watchlist.upsert"
            registers.audit_change(conn, actor, None, action, "watchlist", now, count=count)
        return count

    def watchlist(self) -> list[WatchlistEntry]:
        with self._read() as conn:
            return registers.entries(conn)

    def delete_watchlist_entry(self, entry_id: str, actor: str) -> bool:
        with self._write() as conn:
            done = registers.delete_entry(conn, entry_id)
            if done:
                registers.audit_change(
                    conn, actor, None, "watchlist.delete", f"watchlist:{entry_id}", self.clock()
                )
            return done

    def save_area(
        self,
        area_id: str,
        name: str,
        geometry: dict[str, Any] | str,
        actor: str,
        properties: dict[str, Any] | None = None,
    ) -> StoredArea:
        """Add or replace an area; ValueError (with the reason) for unusable GeoJSON."""
        checked = registers.check_area_geometry(geometry)
        with self._write() as conn:
            now = self.clock()
            area = registers.save_area(conn, area_id, name, checked, properties or {}, now)
            registers.audit_change(conn, actor, None, "area.save", f"area:{area_id}", now, name=name)
            return area

    def areas(self) -> list[StoredArea]:
        with self._read() as conn:
            return registers.list_areas(conn)

    def delete_area(self, area_id: str, actor: str) -> bool:
        with self._write() as conn:
            done = registers.delete_area(conn, area_id)
            if done:
                registers.audit_change(conn, actor, None, "area.delete", f"area:{area_id}", self.clock())
            return done


def open_store(
    url: str | None = None,
    *,
    channels: Sequence[str] = (),
    upgrade: bool = True,
    **options: Any,
) -> Store:
    """Open (and by default migrate to the newest schema) the store at ``url``.

    ``None``: ``$SEAWARDEN_STORE_URL``, else ``seawarden.db`` in the data directory
    (``$SEAWARDEN_DATA_DIR``). A bare path means a SQLite file; ``postgresql://`` uses psycopg 3.
    Options go to :class:`Store` (``max_attempts``, ``lease_s``, ``track_interval_s``, ``clock``).
    """
    resolved = resolve_url(url)
    engine = create_store_engine(resolved)
    try:
        if upgrade:
            migrate.upgrade(engine)
        else:
            with engine.connect():
                pass
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the store at {describe(resolved)}: {str(exc.orig).strip()}") from None
    except CommandError as exc:
        engine.dispose()
        raise StoreError(
            f"the store at {describe(resolved)} has a schema this SeaWarden does not know ({exc}); "
            "it was written by a newer version: upgrade SeaWarden or use another database"
        ) from None
    except RuntimeError as exc:  # e.g. PostGIS missing (raised by the migration)
        engine.dispose()
        raise StoreError(f"cannot prepare the store at {describe(resolved)}: {exc}") from None
    log.info("store open: %s", describe(resolved))
    return Store(engine, channels=channels, **options)
