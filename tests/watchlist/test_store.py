"""The user's register file: atomic JSON persistence and Watchlist.default()."""

import json
import os
from pathlib import Path

import pytest

from seawarden.watchlist import (
    JsonFileStore,
    RegisterData,
    Watchlist,
    WatchlistEntry,
    WatchlistStoreError,
    default_register_path,
    load_watchlist,
)
from tests.conftest import TEST_DATA


def manual(imo: int | None, name: str, mmsis: tuple[int, ...] = ()) -> WatchlistEntry:
    entry_id = f"imo:{imo}" if imo else f"name:{name.lower()}"
    return WatchlistEntry(id=entry_id, imo=imo, mmsis=list(mmsis), names=[name], sources=["manual"])


def test_register_path_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path))
    assert default_register_path() == tmp_path / "watchlist.json"
    monkeypatch.delenv("SEAWARDEN_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_register_path() == tmp_path / "xdg" / "seawarden" / "watchlist.json"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_register_path() == tmp_path / "home" / ".local" / "share" / "seawarden" / "watchlist.json"


def test_missing_file_is_an_empty_register(tmp_path: Path) -> None:
    data = JsonFileStore(tmp_path / "nothing.json").load()
    assert data.entries == [] and data.removed == set()


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    store = JsonFileStore(tmp_path / "sub" / "watchlist.json")
    entries = [manual(9074729, "Sample Trader", (273999001,)), manual(None, "Nameless")]
    entries[0].notes = "seen loitering"
    store.save(RegisterData(entries, {"imo:9329760"}))
    loaded = store.load()
    assert [e.to_dict() for e in loaded.entries] == [e.to_dict() for e in entries]
    assert loaded.removed == {"imo:9329760"}
    assert [p.name for p in store.path.parent.iterdir()] == ["watchlist.json"]  # no temp files left
    document = json.loads(store.path.read_text())
    assert document["format"] == "seawarden-watchlist" and document["version"] == 1


def test_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = JsonFileStore(tmp_path / "watchlist.json")
    store.save(RegisterData([manual(9074729, "First")]))
    before = store.path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(WatchlistStoreError, match="cannot write"):
        store.save(RegisterData([manual(9224984, "Second")]))
    assert store.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["watchlist.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{broken", "not valid JSON"), ('{"entries": 5}', "no 'entries' list"), ("[1, 2]", "no 'entries' list")],
)
def test_corrupt_register_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "watchlist.json"
    path.write_text(content)
    with pytest.raises(WatchlistStoreError, match=message):
        JsonFileStore(path).load()


def test_bad_entries_in_the_register_are_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "watchlist.json"
    good = manual(9074729, "Good").to_dict()
    path.write_text(json.dumps({"entries": [good, "junk", {"names": []}]}))
    data = JsonFileStore(path).load()
    assert [e.id for e in data.entries] == ["imo:9074729"]
    assert "entry 2 skipped" in caplog.text and "entry 3 skipped" in caplog.text


def test_default_is_bundled_eu_list_plus_user_register(tmp_path: Path) -> None:
    store = JsonFileStore(tmp_path / "watchlist.json")
    assert len(Watchlist.default(store=store)) == 556
    eagle_extra = manual(9329760, "EAGLE S", (518998865,))
    store.save(RegisterData([eagle_extra, manual(9074729, "Sample Trader")], {"imo:9179842"}))
    watchlist = Watchlist.default(store=store)
    assert len(watchlist) == 556  # +1 new, -1 removed (Angara), Eagle S merged
    eagle = watchlist.get(9329760)
    assert eagle is not None and eagle.mmsis == [518998865]
    assert eagle.sources == ["EU Annex XLII 2025-10-23", "manual"]
    assert watchlist.get(9179842) is None
    match = watchlist.match(mmsi=518998865)
    assert match is not None and match.entry.imo == 9329760


def test_default_uses_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path))
    JsonFileStore().save(RegisterData([manual(9074729, "Sample Trader")]))
    assert Watchlist.default().get(9074729) is not None


def test_default_refuses_an_unreadable_register(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path))
    (tmp_path / "watchlist.json").write_text("{not json")
    with pytest.raises(OSError, match="not valid JSON"):  # WatchlistStoreError is an OSError
        Watchlist.default()


def test_load_watchlist_adds_extra_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SEAWARDEN_DATA_DIR", str(tmp_path))
    watchlist = load_watchlist([TEST_DATA / "watchlist" / "opensanctions_ftm_sample.jsonl"])
    assert len(watchlist) == 556 + 3
    assert watchlist.get("ftm:sample-vessel-no-imo") is not None
    with pytest.raises(ValueError, match="no such file"):
        load_watchlist([tmp_path / "missing.csv"])
    only_extra = load_watchlist(
        [TEST_DATA / "watchlist" / "opensanctions_ftm_sample.jsonl"], include_default=False
    )
    assert len(only_extra) == 4
