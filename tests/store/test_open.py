"""Opening stores: defaults, URLs, SQLite settings, clear errors, one writer with readers."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from seawarden.store import Role, StoreError, open_store
from seawarden.store.engine import resolve_url
from tests.store.conftest import T0, make_alert


def test_default_is_a_sqlite_file_in_the_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SEAWARDEN_STORE_URL", raising=False)
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path / "data"))
    with open_store() as store:
        assert store.backend == "sqlite"
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
    assert (tmp_path / "data" / "seawarden.db").exists()


def test_urls_are_resolved_and_bad_ones_refused(tmp_path: Path) -> None:
    assert resolve_url(str(tmp_path / "x.db")).drivername == "sqlite"
    assert resolve_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    with pytest.raises(StoreError, match="unsupported"):
        resolve_url("mysql://u@h/db")
    with pytest.raises(StoreError, match="file"):
        resolve_url("sqlite://")


def test_an_unreachable_server_is_a_clear_error_without_the_password() -> None:
    with pytest.raises(StoreError, match="cannot open the store") as info:
        open_store("postgresql://postgres:hunter2@127.0.0.1:1/none?connect_timeout=2")
    assert "hunter2" not in str(info.value)


def test_one_writer_and_several_readers_at_once(store_url: str) -> None:
    store = open_store(store_url, channels=("webhook",))
    store.create_org("nato", "NATO", ["NATO"])
    store.create_user("nato", "ops", Role.ANALYST)
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for n in range(60):
                store.save_alert(make_alert(f"w{n}", time=T0 + n))
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            seen = 0
            while not done.is_set() or seen < 60:
                page = store.list_alerts("nato", limit=100)
                assert page.total >= seen  # never goes backwards
                seen = page.total
                for item in store.claim_due("webhook", limit=5):
                    store.mark_delivered(item.id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    try:
        assert errors == []
        assert store.list_alerts("nato").total == 60
        with store.engine.connect() as conn:
            delivered = conn.execute(text("SELECT count(*) FROM outbox WHERE state = 'delivered'")).scalar()
        assert delivered == 60
    finally:
        store.close()
