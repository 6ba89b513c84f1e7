"""The store's tables, as SQLAlchemy Core metadata (one schema for SQLite and PostgreSQL).

Why Core and plain columns: every query here must run unchanged on the embedded SQLite file and
on PostgreSQL, so positions are lat/lon floats and times are UTC epoch seconds (``float``, as in
the pipeline core). PostgreSQL additionally gets PostGIS geometry columns, generated from those
floats by the ``postgis`` migration, so production can use spatial indexes without the Python code
writing two shapes of row. The migrations in ``migrations/versions`` create exactly these tables;
a test compares the migrated database against this metadata.
"""

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Stable constraint names, so migrations can refer to them on both back-ends.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

#: Surrogate keys of the append-heavy tables: 64-bit on PostgreSQL, SQLite's rowid alias there.
RowId = BigInteger().with_variant(Integer(), "sqlite")

ROLES = ("admin", "analyst", "viewer")
ALERT_STATUSES = ("new", "acknowledged", "escalated", "closed")
OUTBOX_STATES = ("pending", "delivered", "dead")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


organisations = Table(
    "organisations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("communities", JSON, nullable=False),  # e.g. ["JEF"], ["NATO"], ["OPERATOR:fingrid"]
    Column("created_at", Double, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("org_id", String(64), ForeignKey("organisations.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("disabled_at", Double),
    UniqueConstraint("org_id", "name"),
    CheckConstraint(_in("role", ROLES), name="role"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", String(32), primary_key=True),  # the public prefix of the token, for lookup
    Column("user_id", RowId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("secret_sha256", String(64), nullable=False),  # the token itself is never stored
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", Double, nullable=False),
    Column("last_used_at", Double),
    Column("revoked_at", Double),
)

vessels = Table(
    "vessels",
    metadata,
    Column("mmsi", BigInteger, primary_key=True, autoincrement=False),
    Column("imo", Integer, index=True),
    Column("name", String(120)),
    Column("name_key", String(120), index=True),  # normalised name for search
    Column("callsign", String(20)),
    Column("ship_type", Integer),
    Column("flag", String(80)),
    Column("flag_code", String(2)),
    Column("length_m", Double),
    Column("destination", String(40)),
    Column("first_seen", Double),
    Column("last_seen", Double, index=True),
    Column("position_at", Double),  # time of the latest accepted fix
    Column("lat", Double),
    Column("lon", Double),
    Column("sog", Double),
    Column("cog", Double),
    Column("heading", Double),
    Column("nav_status", Integer),
    Column("risk", Double, nullable=False, server_default="0"),
    Column("monitoring", String(32), nullable=False, server_default="normal"),
    Column("quality", JSON, nullable=False),
    Column("updated_at", Double, nullable=False),
)

track_points = Table(
    "track_points",
    metadata,
    Column("mmsi", BigInteger, primary_key=True, autoincrement=False),
    Column("t", Double, primary_key=True),
    Column("lat", Double, nullable=False),
    Column("lon", Double, nullable=False),
    Column("sog", Double),
    Column("cog", Double),
    Column("heading", Double),
    Column("nav_status", Integer),
    Index(None, "t"),  # retention prunes by age
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(160), primary_key=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("severity", SmallInteger, nullable=False),  # seawarden.types.Severity value (0-4)
    Column("risk", Double, nullable=False),
    Column("mmsi", BigInteger, nullable=False),
    Column("imo", Integer),
    Column("name", String(120)),
    Column("time", Double, nullable=False, index=True),
    Column("first_time", Double),
    Column("lat", Double),
    Column("lon", Double),
    Column("area", String(120), index=True),
    Column("infrastructure", String(120), index=True),
    Column("version", Integer, nullable=False),
    Column("record", JSON, nullable=False),  # the latest alert record exactly as emitted
    Column("status", String(16), nullable=False, server_default="new", index=True),
    Column("status_at", Double),
    Column("status_by", String(200)),
    Column("closed_severity", SmallInteger),  # severity when an operator closed it (reopen rule)
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    CheckConstraint(_in("status", ALERT_STATUSES), name="status"),
    Index(None, "severity", "time"),
    Index(None, "mmsi", "time"),
)

alert_releasability = Table(
    "alert_releasability",
    metadata,
    Column("alert_id", String(160), ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("community", String(100), primary_key=True),
    Index(None, "community", "alert_id"),
)

alert_comments = Table(
    "alert_comments",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("alert_id", String(160), ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", String(64)),
    Column("author", String(200), nullable=False),
    Column("at", Double, nullable=False),
    Column("text", Text, nullable=False),
)

alert_status_history = Table(
    "alert_status_history",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("alert_id", String(160), ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("from_status", String(16), nullable=False),
    Column("to_status", String(16), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("org_id", String(64)),
    Column("at", Double, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
)

alert_versions = Table(
    "alert_versions",
    metadata,
    Column("alert_id", String(160), ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("record", JSON, nullable=False),  # exactly what was emitted for this version
    Column("saved_at", Double, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("alert_id", String(160), nullable=False),
    Column("version", Integer, nullable=False),
    Column("channel", String(64), nullable=False),
    Column("created_at", Double, nullable=False),
    Column("state", String(12), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Double, nullable=False),
    Column("claimed_until", Double),
    Column("last_error", Text),
    Column("delivered_at", Double),
    UniqueConstraint("alert_id", "version", "channel"),  # the idempotency key, per channel
    ForeignKeyConstraint(
        ["alert_id", "version"],
        ["alert_versions.alert_id", "alert_versions.version"],
        ondelete="CASCADE",
    ),
    CheckConstraint(_in("state", OUTBOX_STATES), name="state"),
    Index(None, "channel", "state", "next_attempt_at"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("at", Double, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("org_id", String(64)),
    Column("action", String(64), nullable=False),
    Column("object", String(240), nullable=False),
    Column("detail", JSON, nullable=False),
    Index(None, "org_id", "at"),
)

watchlist_entries = Table(
    "watchlist_entries",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("imo", Integer, index=True),
    Column("mmsis", JSON, nullable=False),
    Column("names", JSON, nullable=False),
    Column("flag", String(80)),
    Column("vessel_type", String(120)),
    Column("reason", Text, nullable=False, server_default=""),
    Column("sources", JSON, nullable=False),
    Column("listed_since", String(10)),
    Column("notes", Text, nullable=False, server_default=""),
    Column("operator", String(200)),
    Column("updated_at", Double, nullable=False),
)

areas = Table(
    "areas",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("geojson", Text, nullable=False),  # the GeoJSON geometry object (WGS84 lon/lat)
    Column("properties", JSON, nullable=False),
    Column("updated_at", Double, nullable=False),
)

#: Tables with a PostGIS ``geom`` column on PostgreSQL (added by the ``postgis`` revision).
GEOMETRY_TABLES = ("vessels", "track_points", "alerts", "areas")
