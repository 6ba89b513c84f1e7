"""Alert lifecycle through the API, filters, paging, and the audit trail of every read and change."""

from seawarden.types import AlertKind, Severity
from tests.api.conftest import T0, make_alert


def _actions(world, org_id=None):
    return [(e.action, e.object, e.actor) for e in world.store.audit_log(org_id=org_id, limit=1000)]


def test_lifecycle_acknowledge_escalate_close_with_history(world):
    analyst = world.headers("fi-navy", "analyst")
    ack = world.client.post("/api/v1/alerts/a-jef/acknowledge", json={"note": "on it"}, headers=analyst)
    assert ack.status_code == 200
    assert ack.json()["status"] == "acknowledged"
    assert ack.json()["status_by"] == "analyst@fi-navy"
    assert world.client.post("/api/v1/alerts/a-jef/escalate", headers=analyst).json()["status"] == "escalated"
    comment = world.client.post(
        "/api/v1/alerts/a-jef/comments", json={"text": "coast guard informed"}, headers=analyst
    )
    assert comment.status_code == 201
    assert (
        world.client.post(
            "/api/v1/alerts/a-jef/close", json={"note": "anchored"}, headers=analyst
        ).status_code
        == 200
    )
    # going back is a conflict, not a crash
    back = world.client.post("/api/v1/alerts/a-jef/acknowledge", headers=analyst)
    assert back.status_code == 409
    assert back.json()["error"] == "invalid status change"

    history = world.client.get("/api/v1/alerts/a-jef/history", headers=world.headers("fi-navy")).json()
    assert [c["to_status"] for c in history["status_changes"]] == ["acknowledged", "escalated", "closed"]
    assert history["comments"][0]["text"] == "coast guard informed"
    assert len(history["versions"]) == 1


def test_versions_grow_with_updates(world):
    world.store.save_alert(make_alert("a-jef", ("JEF",), version=2, severity=Severity.CRITICAL))
    versions = world.client.get("/api/v1/alerts/a-jef/versions", headers=world.headers("fi-navy")).json()
    assert [v["version"] for v in versions] == [1, 2]
    latest = world.client.get("/api/v1/alerts/a-jef", headers=world.headers("fi-navy")).json()
    assert latest["severity"] == "critical"


def test_filters_and_paging(world):
    world.store.save_alert(
        make_alert(
            "gap-1", ("JEF",), kind=AlertKind.AIS_GAP, severity=Severity.LOW, mmsi=230999000, time=T0 + 3600
        )
    )
    headers = world.headers("fi-navy")
    get = world.client.get
    assert {a["id"] for a in get("/api/v1/alerts?kind=ais_gap", headers=headers).json()["items"]} == {"gap-1"}
    high = get("/api/v1/alerts?min_severity=high", headers=headers).json()["items"]
    assert {a["id"] for a in high} == {"a-jef", "a-jef-nato"}
    assert {a["id"] for a in get("/api/v1/alerts?mmsi=230999000", headers=headers).json()["items"]} == {
        "gap-1"
    }
    since = get("/api/v1/alerts?since=2024-12-25T10:30:00Z", headers=headers).json()["items"]
    assert [a["id"] for a in since] == ["gap-1"]
    until = get("/api/v1/alerts?until=2024-12-25T10:30:00", headers=headers).json()["items"]
    assert {a["id"] for a in until} == {"a-jef", "a-jef-nato"}
    page = get("/api/v1/alerts?limit=1&offset=1", headers=headers).json()
    assert page["total"] == 3 and len(page["items"]) == 1 and page["offset"] == 1
    assert get("/api/v1/alerts?status=closed", headers=headers).json()["total"] == 0
    assert get("/api/v1/alerts?area=nowhere", headers=headers).json()["total"] == 0


def test_every_alert_read_and_change_is_audited(world):
    viewer, analyst = world.headers("nato-marcom"), world.headers("nato-marcom", "analyst")
    world.client.get("/api/v1/alerts?kind=anchor_drag_suspected", headers=viewer)
    world.client.get("/api/v1/alerts/a-jef-nato", headers=viewer)
    world.client.get("/api/v1/alerts/export?format=csv", headers=viewer)
    world.client.post("/api/v1/alerts/a-jef-nato/acknowledge", headers=analyst)
    actions = _actions(world, "nato-marcom")
    assert ("alert.list", "alerts", "viewer@nato-marcom") in actions
    assert ("alert.read", "alert:a-jef-nato", "viewer@nato-marcom") in actions
    assert ("alert.export", "alerts", "viewer@nato-marcom") in actions
    assert ("alert.acknowledge", "alert:a-jef-nato", "analyst@nato-marcom") in actions
    listed = next(e for e in world.store.audit_log(org_id="nato-marcom") if e.action == "alert.list")
    assert listed.detail["kinds"] == ["anchor_drag_suspected"]


def test_comment_validation(world):
    analyst = world.headers("fi-navy", "analyst")
    assert (
        world.client.post("/api/v1/alerts/a-jef/comments", json={"text": ""}, headers=analyst).status_code
        == 422
    )
    assert (
        world.client.post("/api/v1/alerts/a-jef/comments", json={"text": "   "}, headers=analyst).status_code
        == 400
    )
