"""PostGIS geometry on PostgreSQL (a no-op on SQLite).

Why generated columns: the Python code writes lat/lon floats on both back-ends; PostgreSQL derives
``geom`` (SRID 4326) from them itself, so the two can never disagree and production gets GiST
indexes for spatial SQL (``ST_DWithin`` against cables, areas) without a second write path.
Areas derive theirs from the stored GeoJSON geometry.

Revision ID: 0002_postgis
Revises: 0001_initial
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_postgis"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POINT_TABLES = ("vessels", "track_points", "alerts")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _ensure_postgis() -> None:
    bind = op.get_bind()
    installed = bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first()
    if installed:
        return
    available = bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").first()
    if not available:
        raise RuntimeError(
            "PostGIS is not installed on the PostgreSQL server; install it "
            "(Debian: apt-get install postgresql-15-postgis-3) and open the store again"
        )
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def upgrade() -> None:
    if not _postgres():
        return
    _ensure_postgis()
    for table in POINT_TABLES:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")
    op.execute(
        "ALTER TABLE areas ADD COLUMN geom geometry(Geometry, 4326) "
        "GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(geojson), 4326)) STORED"
    )
    op.execute("CREATE INDEX ix_areas_geom ON areas USING gist (geom)")


def downgrade() -> None:
    if not _postgres():
        return
    for table in (*POINT_TABLES, "areas"):
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_geom")
        op.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS geom")
