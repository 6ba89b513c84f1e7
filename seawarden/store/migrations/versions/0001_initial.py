"""Initial schema: organisations, users, API keys, vessels, tracks, alerts and their lifecycle,
the delivery outbox, the audit log, the watch-list mirror and areas.

Written once from ``seawarden.store.schema`` and frozen: later schema changes get new revisions.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.String(length=160), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("risk", sa.Double(), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("imo", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("time", sa.Double(), nullable=False),
        sa.Column("first_time", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("area", sa.String(length=120), nullable=True),
        sa.Column("infrastructure", sa.String(length=120), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="new", nullable=False),
        sa.Column("status_at", sa.Double(), nullable=True),
        sa.Column("status_by", sa.String(length=200), nullable=True),
        sa.Column("closed_severity", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'escalated', 'closed')", name=op.f("ck_alerts_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_area"), "alerts", ["area"])
    op.create_index(op.f("ix_alerts_infrastructure"), "alerts", ["infrastructure"])
    op.create_index(op.f("ix_alerts_kind"), "alerts", ["kind"])
    op.create_index(op.f("ix_alerts_mmsi_time"), "alerts", ["mmsi", "time"])
    op.create_index(op.f("ix_alerts_severity_time"), "alerts", ["severity", "time"])
    op.create_index(op.f("ix_alerts_status"), "alerts", ["status"])
    op.create_index(op.f("ix_alerts_time"), "alerts", ["time"])

    op.create_table(
        "areas",
        sa.Column("id", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("geojson", sa.Text(), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
    )
    op.create_table(
        "audit_log",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object", sa.String(length=240), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index(op.f("ix_audit_log_org_id_at"), "audit_log", ["org_id", "at"])

    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("communities", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "track_points",
        sa.Column("mmsi", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("t", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("sog", sa.Double(), nullable=True),
        sa.Column("cog", sa.Double(), nullable=True),
        sa.Column("heading", sa.Double(), nullable=True),
        sa.Column("nav_status", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("mmsi", "t", name=op.f("pk_track_points")),
    )
    op.create_index(op.f("ix_track_points_t"), "track_points", ["t"])

    op.create_table(
        "vessels",
        sa.Column("mmsi", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("imo", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("name_key", sa.String(length=120), nullable=True),
        sa.Column("callsign", sa.String(length=20), nullable=True),
        sa.Column("ship_type", sa.Integer(), nullable=True),
        sa.Column("flag", sa.String(length=80), nullable=True),
        sa.Column("flag_code", sa.String(length=2), nullable=True),
        sa.Column("length_m", sa.Double(), nullable=True),
        sa.Column("destination", sa.String(length=40), nullable=True),
        sa.Column("first_seen", sa.Double(), nullable=True),
        sa.Column("last_seen", sa.Double(), nullable=True),
        sa.Column("position_at", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("sog", sa.Double(), nullable=True),
        sa.Column("cog", sa.Double(), nullable=True),
        sa.Column("heading", sa.Double(), nullable=True),
        sa.Column("nav_status", sa.Integer(), nullable=True),
        sa.Column("risk", sa.Double(), server_default="0", nullable=False),
        sa.Column("monitoring", sa.String(length=32), server_default="normal", nullable=False),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("mmsi", name=op.f("pk_vessels")),
    )
    op.create_index(op.f("ix_vessels_imo"), "vessels", ["imo"])
    op.create_index(op.f("ix_vessels_last_seen"), "vessels", ["last_seen"])
    op.create_index(op.f("ix_vessels_name_key"), "vessels", ["name_key"])

    op.create_table(
        "watchlist_entries",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("imo", sa.Integer(), nullable=True),
        sa.Column("mmsis", sa.JSON(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("flag", sa.String(length=80), nullable=True),
        sa.Column("vessel_type", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("listed_since", sa.String(length=10), nullable=True),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("updated_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watchlist_entries")),
    )
    op.create_index(op.f("ix_watchlist_entries_imo"), "watchlist_entries", ["imo"])

    op.create_table(
        "alert_comments",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("alert_id", sa.String(length=160), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_comments_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_comments")),
    )
    op.create_index(op.f("ix_alert_comments_alert_id"), "alert_comments", ["alert_id"])

    op.create_table(
        "alert_releasability",
        sa.Column("alert_id", sa.String(length=160), nullable=False),
        sa.Column("community", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_releasability_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", "community", name=op.f("pk_alert_releasability")),
    )
    op.create_index(
        op.f("ix_alert_releasability_community_alert_id"), "alert_releasability", ["community", "alert_id"]
    )

    op.create_table(
        "alert_status_history",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("alert_id", sa.String(length=160), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.Double(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_status_history_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_status_history")),
    )
    op.create_index(op.f("ix_alert_status_history_alert_id"), "alert_status_history", ["alert_id"])

    op.create_table(
        "alert_versions",
        sa.Column("alert_id", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_versions_alert_id_alerts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("alert_id", "version", name=op.f("pk_alert_versions")),
    )
    op.create_table(
        "users",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("disabled_at", sa.Double(), nullable=True),
        sa.CheckConstraint("role IN ('admin', 'analyst', 'viewer')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_users_org_id_organisations"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_users_org_id_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("last_used_at", sa.Double(), nullable=True),
        sa.Column("revoked_at", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
    )
    op.create_index(op.f("ix_api_keys_user_id"), "api_keys", ["user_id"])

    op.create_table(
        "outbox",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("alert_id", sa.String(length=160), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("state", sa.String(length=12), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.Double(), nullable=False),
        sa.Column("claimed_until", sa.Double(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.Double(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'delivered', 'dead')", name=op.f("ck_outbox_state")),
        sa.ForeignKeyConstraint(
            ["alert_id", "version"],
            ["alert_versions.alert_id", "alert_versions.version"],
            name=op.f("fk_outbox_alert_id_alert_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint(
            "alert_id", "version", "channel", name=op.f("uq_outbox_alert_id_version_channel")
        ),
    )
    op.create_index(
        op.f("ix_outbox_channel_state_next_attempt_at"), "outbox", ["channel", "state", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("api_keys")
    op.drop_table("users")
    op.drop_table("alert_versions")
    op.drop_table("alert_status_history")
    op.drop_table("alert_releasability")
    op.drop_table("alert_comments")
    op.drop_table("watchlist_entries")
    op.drop_table("vessels")
    op.drop_table("track_points")
    op.drop_table("organisations")
    op.drop_table("audit_log")
    op.drop_table("areas")
    op.drop_table("alerts")
