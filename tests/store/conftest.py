"""Store fixtures: every store test runs against SQLite and a real PostgreSQL (+ PostGIS).

PostgreSQL: ``$SEAWARDEN_TEST_PG_URL`` (default: postgres on 127.0.0.1:5432, database ``test``,
trust auth, as ``scripts/ci_services.sh`` sets up). One throw-away database per test session
(``seawarden_test_<random>``), dropped at the end; tables are emptied between tests. When the
server cannot be reached the PostgreSQL cases fail under ``CI=true`` and are skipped elsewhere.
"""

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from seawarden.store import Store, open_store
from seawarden.store.schema import metadata
from seawarden.types import Alert, AlertKind, Severity

PG_ADMIN_URL = os.environ.get("SEAWARDEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")
CHANNELS = ("webhook", "mqtt")
T0 = 1_735_120_800.0  # 2024-12-25T10:00:00Z, the Eagle S / Estlink 2 morning


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class PostgresServer:
    """Creates and drops throw-away databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url).set(drivername="postgresql+psycopg")
        self.engine = create_engine(
            self.admin_url.update_query_dict({"connect_timeout": "3"}), isolation_level="AUTOCOMMIT"
        )
        self.created: list[str] = []

    def create_database(self, postgis: bool = True) -> URL:
        name = f"seawarden_test_{secrets.token_hex(4)}"
        with self.engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        url = self.admin_url.set(database=name)
        if postgis:
            engine = create_engine(url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
            engine.dispose()
        return url

    def drop_all(self) -> None:
        with self.engine.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    server = PostgresServer(PG_ADMIN_URL)
    try:
        with server.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        server.engine.dispose()
        message = f"PostgreSQL not reachable at {server.admin_url.render_as_string()}: {exc.orig}"
        if _in_ci():
            pytest.fail(message + " (CI must run scripts/ci_services.sh first)")
        pytest.skip(message + " (run scripts/ci_services.sh to start it)")
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def pg_url(pg_server: PostgresServer) -> str:
    """One migrated database for the session (tables emptied per test by ``store_url``)."""
    url = pg_server.create_database().render_as_string(hide_password=False)
    open_store(url).close()
    return url


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = request.getfixturevalue("pg_url")
    _empty_tables(url)
    return url


@dataclass
class FakeClock:
    now: float = T0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(store_url: str, clock: FakeClock) -> Iterator[Store]:
    opened = open_store(store_url, channels=CHANNELS, clock=clock, max_attempts=3)
    yield opened
    opened.close()


AlertFactory = Callable[..., Alert]


def make_alert(
    alert_id: str = "anchor_drag_suspected-230999000-20241225T100000Z",
    *,
    version: int = 1,
    severity: Severity = Severity.HIGH,
    releasability: tuple[str, ...] = ("JEF", "NATO"),
    kind: AlertKind = AlertKind.ANCHOR_DRAG_SUSPECTED,
    mmsi: int = 230999000,
    time: float = T0,
    area: str | None = "gof-estlink2",
    infrastructure: str | None = "estlink-2",
    risk: float | None = None,
) -> Alert:
    """An alert record shaped like the AlertManager's (evidence grows with the version)."""
    return Alert(
        id=alert_id,
        kind=kind,
        severity=severity,
        risk=float(risk if risk is not None else 20 * int(severity) + 5),
        mmsi=mmsi,
        time=time,
        lat=59.7,
        lon=25.9,
        imo=9329760,
        name="EAGLE S",
        flag="Cook Islands",
        area=area,
        infrastructure=infrastructure,
        evidence=[{"kind": str(kind), "time": f"v{n}", "speed_drop_pct": 26.0} for n in range(version)],
        explanation=f"EAGLE S: version {version}",
        first_time=T0,
        version=version,
        status="new" if version == 1 else "updated",
        releasability=list(releasability),
    )
