"""Authentication (401), roles (403), rate limit (429) and the JSON error shape."""

import pytest

from seawarden.api import ApiSettings
from tests.api.conftest import build_world


def test_missing_key_is_401_json(world):
    response = world.client.get("/api/v1/alerts")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication required"
    assert "Bearer" in response.headers["www-authenticate"]


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer sw_0000_nope"},
        {"X-API-Key": "not-a-key"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_invalid_key_is_401(world, headers):
    response = world.client.get("/api/v1/alerts", headers=headers)
    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail"}


def test_x_api_key_header_works(world):
    token = world.tokens[("fi-navy", "viewer")]
    assert world.client.get("/api/v1/alerts", headers={"X-API-Key": token}).status_code == 200


def test_revoked_key_is_refused(world):
    headers = world.headers("fi-navy", "viewer")
    key_id = world.store.api_keys(world.user_ids[("fi-navy", "viewer")])[0].id
    world.store.revoke_api_key(key_id, actor="test")
    assert world.client.get("/api/v1/alerts", headers=headers).status_code == 401


def test_viewer_cannot_change_alerts(world):
    for action in ("acknowledge", "escalate", "close"):
        response = world.client.post(f"/api/v1/alerts/a-jef/{action}", headers=world.headers("fi-navy"))
        assert response.status_code == 403
        assert "analyst" in response.json()["detail"]
    response = world.client.post(
        "/api/v1/alerts/a-jef/comments", json={"text": "seen"}, headers=world.headers("fi-navy")
    )
    assert response.status_code == 403


def test_viewer_and_analyst_cannot_administer(world):
    for role in ("viewer", "analyst"):
        response = world.client.post(
            "/api/v1/orgs",
            json={"id": "x", "name": "X", "communities": ["NATO"]},
            headers=world.headers("fi-navy", role),
        )
        assert response.status_code == 403


def test_viewer_cannot_edit_watchlist(world):
    response = world.client.post(
        "/api/v1/watchlist", json={"imo": 9329760, "names": ["EAGLE S"]}, headers=world.headers("fi-navy")
    )
    assert response.status_code == 403


def test_rate_limit_answers_429_with_retry_after(tmp_path, geo, seed):
    world = build_world(tmp_path, geo, seed, ApiSettings(rate_per_s=0.01, rate_burst=3))
    with world.client:
        headers = world.headers("fi-navy")
        statuses = [world.client.get("/api/v1/alerts", headers=headers).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = world.client.get("/api/v1/alerts", headers=headers)
        assert limited.json()["error"] == "too many requests"
        assert int(limited.headers["retry-after"]) >= 1
        # another key has its own bucket
        assert world.client.get("/api/v1/alerts", headers=world.headers("fingrid")).status_code == 200
    world.store.close()


def test_unknown_route_and_method_are_json(world):
    response = world.client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not found"
    response = world.client.delete("/api/v1/alerts", headers=world.headers("fi-navy"))
    assert response.status_code == 405
    assert response.json()["error"] == "method not allowed"


def test_validation_errors_are_json_and_say_which_field(world):
    response = world.client.get("/api/v1/alerts?limit=0&min_severity=loud", headers=world.headers("fi-navy"))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid request"
    assert {tuple(d["loc"]) for d in body["detail"]} == {("query", "limit"), ("query", "min_severity")}
