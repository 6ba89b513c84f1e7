"""Dead letters and outbox summary: admins of an admin organisation only; retries are audited."""

from seawarden.store import OutboxState, Store
from tests.api.conftest import World, make_alert

DEAD = "/api/v1/deliveries/dead"


def _bury(store: Store, alert_id: str, channel: str) -> int:
    """Save an alert for ``channel`` and fail its delivery until the store gives up on it."""
    store.save_alert(make_alert(alert_id, ("JEF",)), channels=[channel])
    now = store.clock() + 3600  # the store stamps items with its own (real) clock
    while True:
        [item] = store.claim_due(channel, now=now)
        if store.mark_failed(item.id, "HTTP 503 from receiver", next_attempt=now) is OutboxState.DEAD:
            return item.id


def test_an_admin_of_an_admin_org_lists_and_retries_dead_letters(world: World) -> None:
    dead_id = _bury(world.store, "a-dead", "sub-fingrid-webhook")
    _bury(world.store, "a-dead-2", "sub-navy-mqtt")
    admin = world.headers("fi-navy", "admin")

    r = world.client.get(DEAD, params={"channel": "sub-fingrid-webhook"}, headers=admin)
    assert r.status_code == 200, r.text
    [item] = r.json()["items"]
    assert item["id"] == dead_id and item["alert_id"] == "a-dead" and item["channel"] == "sub-fingrid-webhook"
    assert item["last_error"] == "HTTP 503 from receiver" and item["severity"] == "high"
    assert world.client.get(DEAD, params={"limit": 1}, headers=admin).json()["count"] == 1
    assert world.client.get(DEAD, headers=admin).json()["count"] == 2

    summary = world.client.get("/api/v1/deliveries/summary", headers=admin).json()
    assert summary["channels"]["sub-fingrid-webhook"] == {"dead": 1}
    assert summary["totals"] == {"dead": 2}

    r = world.client.post(f"/api/v1/deliveries/{dead_id}/retry", headers=admin)
    assert r.status_code == 200 and r.json() == {"id": dead_id, "state": "pending"}
    assert (
        world.client.get(DEAD, params={"channel": "sub-fingrid-webhook"}, headers=admin).json()["count"] == 0
    )
    assert [i.id for i in world.store.claim_due("sub-fingrid-webhook", now=world.store.clock() + 7200)] == [
        dead_id
    ]

    again = world.client.post(f"/api/v1/deliveries/{dead_id}/retry", headers=admin)
    assert again.status_code == 404 and set(again.json()) == {"error", "detail"}
    actions = {e.action for e in world.store.audit_log(org_id="fi-navy")}
    assert {"delivery.dead.list", "delivery.summary", "outbox.retry"} <= actions


def test_everyone_else_is_refused(world: World) -> None:
    dead_id = _bury(world.store, "a-dead", "sub-fingrid-webhook")
    for org, role in (
        ("fingrid", "admin"),
        ("nato-marcom", "admin"),
        ("fi-navy", "analyst"),
        ("fi-navy", "viewer"),
    ):
        headers = world.headers(org, role)
        for method, url in (
            ("GET", DEAD),
            ("GET", "/api/v1/deliveries/summary"),
            ("POST", f"/api/v1/deliveries/{dead_id}/retry"),
        ):
            r = world.client.request(method, url, headers=headers)
            assert r.status_code == 403, (org, role, url, r.text)
            assert set(r.json()) == {"error", "detail"}
    assert world.client.get(DEAD).status_code == 401
    assert [i.id for i in world.store.dead_letters()] == [dead_id]


def test_bad_parameters_are_json_errors(world: World) -> None:
    admin = world.headers("fi-navy", "admin")
    for params in ({"limit": 0}, {"limit": 501}, {"channel": ""}):
        r = world.client.get(DEAD, params=params, headers=admin)
        assert r.status_code == 422 and set(r.json()) == {"error", "detail"}
    assert world.client.post("/api/v1/deliveries/0/retry", headers=admin).status_code == 422
    assert world.client.post("/api/v1/deliveries/999/retry", headers=admin).status_code == 404
