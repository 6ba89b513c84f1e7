"""Administration: organisations, users, API keys (token shown once), scope of an admin."""


def test_global_admin_creates_org_user_and_key_that_works(world):
    admin = world.headers("fi-navy", "admin")
    org = world.client.post(
        "/api/v1/orgs", json={"id": "se-navy", "name": "Swedish Navy", "communities": ["JEF"]}, headers=admin
    )
    assert org.status_code == 201 and org.json()["communities"] == ["JEF"]
    dup = world.client.post("/api/v1/orgs", json={"id": "se-navy", "name": "again"}, headers=admin)
    assert dup.status_code == 409
    user = world.client.post(
        "/api/v1/orgs/se-navy/users", json={"name": "watch", "role": "viewer"}, headers=admin
    )
    assert user.status_code == 201
    key = world.client.post(
        f"/api/v1/users/{user.json()['id']}/keys", json={"label": "ops room"}, headers=admin
    )
    assert key.status_code == 201
    token = key.json()["token"]
    seen = world.client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"}).json()
    assert {a["id"] for a in seen["items"]} == {"a-jef", "a-jef-nato"}
    listed = world.client.get(f"/api/v1/users/{user.json()['id']}/keys", headers=admin).json()
    assert listed[0]["label"] == "ops room" and "token" not in listed[0]
    assert world.client.delete(f"/api/v1/keys/{listed[0]['id']}", headers=admin).status_code == 204
    assert world.client.get("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    users = world.client.get("/api/v1/orgs/se-navy/users", headers=admin).json()
    assert [u["name"] for u in users] == ["watch"]


def test_operator_admin_cannot_widen_its_releasability_or_touch_other_orgs(world):
    admin = world.headers("fingrid", "admin")
    widen = world.client.put(
        "/api/v1/orgs/fingrid/communities", json={"communities": ["NATO"]}, headers=admin
    )
    assert widen.status_code == 403
    assert world.store.get_org("fingrid").communities == ("OPERATOR:fingrid",)
    assert world.client.get("/api/v1/orgs/fi-navy", headers=admin).status_code == 404
    other_user = world.user_ids[("fi-navy", "viewer")]
    assert world.client.post(f"/api/v1/users/{other_user}/keys", headers=admin).status_code == 404
    own = world.client.post(
        "/api/v1/orgs/fingrid/users", json={"name": "night", "role": "analyst"}, headers=admin
    )
    assert own.status_code == 201
    assert world.client.get("/api/v1/orgs/fingrid", headers=admin).json()["id"] == "fingrid"
