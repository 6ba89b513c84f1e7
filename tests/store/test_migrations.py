"""Migrations: empty -> head on both back-ends, the result matches the code's schema, and back."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from seawarden.store import StoreError, migrate, open_store
from seawarden.store.engine import create_store_engine, resolve_url
from seawarden.store.schema import GEOMETRY_TABLES, metadata
from tests.store.conftest import PostgresServer

# SQLAlchemy has no type for PostGIS ``geometry`` when reflecting; the columns are checked by name.
pytestmark = pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry':sqlalchemy.exc.SAWarning")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database(postgis=False).render_as_string(hide_password=False)


def _postgis_object(obj, name, type_, reflected, compare_to) -> bool:
    """Ignore what PostGIS and the ``postgis`` revision add beyond the portable schema."""
    if type_ == "table" and reflected and compare_to is None:
        return name in metadata.tables  # spatial_ref_sys and other extension tables
    if type_ == "column" and name == "geom":
        return False
    return not (type_ == "index" and name and name.endswith("_geom"))


def test_upgrade_from_empty_to_head_matches_the_schema(empty_url: str) -> None:
    engine = create_store_engine(resolve_url(empty_url))
    try:
        assert migrate.current_revision(engine) is None
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": _postgis_object}
            )
            assert compare_metadata(context, metadata) == []
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) & set(metadata.tables) == set()
        migrate.upgrade(engine)  # and up again
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_postgis_geometry_follows_lat_lon(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        store.add_track_points([])
        engine = create_engine(pg_url)
        with engine.begin() as conn:
            columns = {t: {c["name"] for c in inspect(conn).get_columns(t)} for t in GEOMETRY_TABLES}
            assert all("geom" in cols for cols in columns.values())
            conn.execute(text("INSERT INTO track_points (mmsi, t, lat, lon) VALUES (1, 0, 59.7, 25.9)"))
            near = conn.execute(
                text(
                    "SELECT count(*) FROM track_points WHERE ST_DWithin(geom::geography, "
                    "ST_SetSRID(ST_MakePoint(25.9, 59.701), 4326)::geography, 200)"
                )
            ).scalar_one()
            assert near == 1
            conn.execute(text("DELETE FROM track_points"))
        engine.dispose()
        store.save_area(
            "box", "box", {"type": "Polygon", "coordinates": [[[25, 59], [26, 59], [26, 60], [25, 59]]]}, "t"
        )
        engine = create_engine(pg_url)
        with engine.begin() as conn:
            inside = conn.execute(
                text("SELECT ST_Contains(geom, ST_SetSRID(ST_MakePoint(25.9, 59.5), 4326)) FROM areas")
            ).scalar_one()
            assert inside is True
            conn.execute(text("DELETE FROM areas"))
        engine.dispose()
    finally:
        store.close()


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    open_store(url).close()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer version"):
        open_store(url)
