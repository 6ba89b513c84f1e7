"""Database engines: the embedded SQLite file and PostgreSQL (psycopg 3), configured for the store.

SQLite settings and why: WAL lets the API read while the pipeline writes; ``synchronous=FULL``
makes every committed alert survive a power cut, not only a process crash; foreign keys are off by
default in SQLite and the outbox relies on them; a busy timeout makes a second writer wait instead
of failing. pysqlite's own transaction handling is switched off (it would not begin a transaction
before a SELECT), and write transactions start with ``BEGIN IMMEDIATE`` so a read-then-write can
never fail half-way on a lock upgrade.
"""

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from seawarden.paths import data_dir
from seawarden.store.errors import StoreError

log = logging.getLogger(__name__)

#: File name of the embedded store inside the data directory.
SQLITE_FILE = "seawarden.db"
#: Execution option that marks a connection's next transaction as a write (SQLite: BEGIN IMMEDIATE).
WRITE_OPTION = "seawarden_write"


def default_url() -> str:
    """``sqlite:///<data dir>/seawarden.db`` (``$SEAWARDEN_DATA_DIR`` or the XDG data home)."""
    return f"sqlite:///{data_dir() / SQLITE_FILE}"


def resolve_url(url: str | None) -> URL:
    """A store URL: None -> the embedded default, a bare path -> SQLite, ``postgresql://`` -> psycopg 3."""
    text = url if url else os.environ.get("SEAWARDEN_STORE_URL") or default_url()
    if "://" not in text:
        text = f"sqlite:///{Path(text).expanduser()}"
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise StoreError(f"unusable store URL {text!r}: {exc}") from None
    backend = parsed.get_backend_name()
    if backend in {"postgresql", "postgres"}:
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise StoreError(
            f"unsupported store URL {parsed.render_as_string()}: use sqlite:///FILE or postgresql://"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise StoreError("the store needs a SQLite file (sqlite:///PATH), not an in-memory database")
    return parsed


def describe(url: URL) -> str:
    """The URL for messages and logs, password hidden."""
    return url.render_as_string(hide_password=True)


def create_store_engine(url: URL, *, busy_timeout_s: float = 10.0, connect_timeout_s: float = 10.0) -> Engine:
    """An engine for ``url`` with the store's connection settings (see module docstring)."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, busy_timeout_s)
    return _postgres_engine(url, connect_timeout_s)


def _sqlite_engine(url: URL, busy_timeout_s: float) -> Engine:
    path = Path(url.database or "")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the store directory {path.parent}: {exc.strerror}") from None
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_s},
        pool_pre_ping=False,
    )
    busy_ms = int(busy_timeout_s * 1000)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgres_engine(url: URL, connect_timeout_s: float) -> Engine:
    query = dict(url.query)
    query.setdefault("connect_timeout", str(max(1, int(connect_timeout_s))))
    query.setdefault("application_name", "seawarden")
    return create_engine(url.set(query=query), pool_pre_ping=True, pool_size=5, max_overflow=10)
