"""Alembic environment: runs on the connection that :mod:`seawarden.store.migrate` hands over.

Why programmatic: the service migrates its own database on start (``open_store``), so operators
never run a separate tool. The ``alembic`` command line still works for developers through
``sqlalchemy.url`` in an ini file or ``$SEAWARDEN_STORE_URL``.
"""

import os

from alembic import context
from sqlalchemy import Connection, create_engine

from seawarden.store.schema import metadata

#: Serialises concurrent ``upgrade`` calls of several processes on one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x5EA3A2DE


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
        context.run_migrations()


def _main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("SEAWARDEN_STORE_URL")
    if not url:
        raise RuntimeError("no database: set sqlalchemy.url or SEAWARDEN_STORE_URL")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


_main()
