"""Schema migrations through Alembic's API, with the revisions shipped inside the package.

Why on open: a service that starts on a fresh or older database must bring it to the schema its
code expects before touching it; doing it in-process (one transaction, a PostgreSQL advisory lock
against racing processes) removes a manual step an operator could forget at 3 a.m.
"""

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

SCRIPT_LOCATION = "seawarden.store:migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged revisions (and the given connection)."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found in the seawarden.store package")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (default: head) in one transaction.

    A database already at head is only checked (one query), so opening a store stays cheap.
    """
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Step the database back to ``revision`` (``"base"``: drop everything the store created)."""
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), revision)
