"""Watch-list CRUD and imports through the API (the EU list as a real file), merged, audited."""

from importlib import resources

EU_LIST = resources.files("seawarden.watchlist") / "data" / "eu_designated_vessels_2025-10-23.csv"


def test_import_eu_csv_by_multipart_upload(world):
    data = EU_LIST.read_bytes()
    response = world.client.post(
        "/api/v1/watchlist/import",
        files={"file": ("eu_designated_vessels_2025-10-23.csv", data, "text/csv")},
        data={"source": "EU 2025-10-23"},
        headers=world.headers("fi-navy", "analyst"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["report"]["format"] == "eu-csv"
    assert body["added"] >= 550 and body["total"] == body["added"]
    assert len(world.store.watchlist()) == body["total"]
    eagle = world.client.get("/api/v1/watchlist/imo:9329760", headers=world.headers("nato-marcom")).json()
    assert eagle["names"][0].upper() == "EAGLE S"
    actions = {e.action for e in world.store.audit_log(limit=1000)}
    assert {"watchlist.import", "watchlist.upsert", "watchlist.read"} <= actions


def test_import_merges_instead_of_overwriting(world):
    analyst = world.headers("fi-navy", "analyst")
    created = world.client.post(
        "/api/v1/watchlist",
        json={"imo": 9329760, "mmsis": [518998865], "names": ["EAGLE S"], "sources": ["press"]},
        headers=analyst,
    )
    assert created.status_code == 201
    text = EU_LIST.read_bytes().decode("cp1252")
    response = world.client.post("/api/v1/watchlist/import/json", json={"content": text}, headers=analyst)
    assert response.status_code == 200, response.text
    entry = world.client.get("/api/v1/watchlist/imo:9329760", headers=analyst).json()
    assert entry["mmsis"] == [518998865]  # the EU list (IMO only) did not wipe the MMSI
    assert "press" in entry["sources"] and len(entry["sources"]) == 2


def test_crud_and_search(world):
    analyst = world.headers("fi-navy", "analyst")
    entries = [{"imo": 9074729, "names": ["SAMPLE"]}, {"names": ["JAGUAR"], "mmsis": [273123450]}]
    body = {"entries": entries, "source": "ops"}
    imported = world.client.post("/api/v1/watchlist/import/json", json=body, headers=analyst)
    assert imported.status_code == 200 and imported.json()["added"] == 2
    found = world.client.get("/api/v1/watchlist?q=jaguar", headers=analyst).json()
    assert found["total"] == 1
    entry_id = found["items"][0]["id"]
    assert found["items"][0]["sources"] == ["ops"]
    put = world.client.put(
        f"/api/v1/watchlist/{entry_id}", json={"names": ["JAGUAR"], "reason": "renamed"}, headers=analyst
    )
    assert put.status_code == 200 and put.json()["reason"] == "renamed"
    assert world.client.delete(f"/api/v1/watchlist/{entry_id}", headers=analyst).status_code == 204
    assert world.client.delete(f"/api/v1/watchlist/{entry_id}", headers=analyst).status_code == 404
    assert world.client.get(f"/api/v1/watchlist/{entry_id}", headers=analyst).status_code == 404


def test_bad_imports_are_clear_400s_and_change_nothing(world):
    analyst = world.headers("fi-navy", "analyst")
    no_id = world.client.post("/api/v1/watchlist", json={"reason": "nothing to match on"}, headers=analyst)
    assert no_id.status_code == 400 and "IMO" in no_id.json()["detail"]
    both = world.client.post(
        "/api/v1/watchlist/import/json", json={"content": "x", "entries": []}, headers=analyst
    )
    assert both.status_code == 400
    junk = world.client.post(
        "/api/v1/watchlist/import",
        files={"file": ("x.bin", b"\x00\x01garbage", "application/octet-stream")},
        headers=analyst,
    )
    assert junk.status_code == 400
    empty_replace = world.client.post(
        "/api/v1/watchlist/import/json", json={"entries": [], "replace": True}, headers=analyst
    )
    assert empty_replace.status_code == 400
    assert world.store.watchlist() == []
