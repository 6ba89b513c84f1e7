"""Persistent store of the live service: alerts with their lifecycle, the delivery outbox,
organisations/users/API keys, vessels and tracks, the audit log, watch-list and areas.

SQLAlchemy Core over SQLite (embedded default) or PostgreSQL + PostGIS, one schema, Alembic
migrations shipped in the package and applied by :func:`open_store`.
"""

from seawarden.store.errors import InvalidTransition, NotFound, PermissionDenied, StoreError
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
from seawarden.store.outbox import backoff_delay
from seawarden.store.store import Store, open_store

__all__ = [
    "AlertPage",
    "AlertQuery",
    "AlertStatus",
    "ApiKeyInfo",
    "AuditEntry",
    "Comment",
    "InvalidTransition",
    "NotFound",
    "Organisation",
    "OutboxItem",
    "OutboxState",
    "PermissionDenied",
    "Principal",
    "Role",
    "SaveOutcome",
    "SaveResult",
    "StatusChange",
    "Store",
    "StoreError",
    "StoredAlert",
    "StoredArea",
    "TrackPoint",
    "User",
    "VesselRecord",
    "backoff_delay",
    "open_store",
]
