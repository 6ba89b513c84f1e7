"""An organisation never sees an alert it may not see: REST list, get, versions, export, WebSocket."""

import csv
import io
import json

import pytest

from tests.api.conftest import ALERTS, VISIBLE, make_alert

ORGS = sorted(VISIBLE)


@pytest.mark.parametrize("org", ORGS)
def test_list_shows_exactly_the_releasable_alerts(world, org):
    response = world.client.get("/api/v1/alerts", headers=world.headers(org))
    assert response.status_code == 200
    body = response.json()
    assert {a["id"] for a in body["items"]} == VISIBLE[org]
    assert body["total"] == len(VISIBLE[org])


@pytest.mark.parametrize("org", ORGS)
def test_get_hides_other_organisations_alerts_as_not_found(world, org):
    for alert_id in ALERTS:
        response = world.client.get(f"/api/v1/alerts/{alert_id}", headers=world.headers(org))
        if alert_id in VISIBLE[org]:
            assert response.status_code == 200
            assert response.json()["id"] == alert_id
        else:
            assert response.status_code == 404, (org, alert_id)
            assert response.json()["error"] == "not found"
        for sub in ("versions", "history", "comments"):
            status = world.client.get(
                f"/api/v1/alerts/{alert_id}/{sub}", headers=world.headers(org)
            ).status_code
            assert status == (200 if alert_id in VISIBLE[org] else 404), (org, alert_id, sub)


@pytest.mark.parametrize("org", ORGS)
def test_exports_contain_only_releasable_alerts(world, org):
    geo = world.client.get("/api/v1/alerts/export?format=geojson", headers=world.headers(org))
    assert geo.status_code == 200
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = json.loads(geo.text)["features"]
    assert {f["id"] for f in features} == VISIBLE[org]
    assert all(f["geometry"]["type"] == "Point" for f in features)

    text = world.client.get("/api/v1/alerts/export?format=csv", headers=world.headers(org)).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["id"] for r in rows} == VISIBLE[org]
    # attacker-controlled text cannot become a spreadsheet formula
    assert all(r["explanation"].startswith("'=") for r in rows)


def test_analyst_cannot_act_on_an_alert_it_may_not_see(world):
    response = world.client.post(
        "/api/v1/alerts/a-jef/acknowledge", headers=world.headers("fingrid", "analyst")
    )
    assert response.status_code == 404
    assert world.store.get_alert("fi-navy", "a-jef").status == "new"


def _stream_messages(ws, until_type: str, limit: int = 20) -> list[dict]:
    out = []
    for _ in range(limit):
        message = ws.receive_json()
        out.append(message)
        if message["type"] == until_type:
            break
    return out


def test_websocket_pushes_only_releasable_alerts(world):
    with (
        world.client.websocket_connect(f"/api/v1/stream?token={world.tokens[('fingrid', 'viewer')]}") as op,
        world.client.websocket_connect(
            "/api/v1/stream?min_severity=info", headers=world.headers("nato-marcom")
        ) as nato,
    ):
        assert op.receive_json()["type"] == "hello"
        assert nato.receive_json()["type"] == "hello"
        for alert_id, releasability in ALERTS.items():
            world.hub.publish_alert(make_alert(f"live-{alert_id}", releasability).to_dict())
        world.hub.publish_alert(make_alert("live-end", ("JEF", "NATO", "OPERATOR:fingrid")).to_dict())
        seen_op = [m["alert"]["id"] for m in _stream_messages(op, "alert", 1)]
        seen_op += [m["alert"]["id"] for m in _stream_messages(op, "alert", 1)]
        seen_nato = [m["alert"]["id"] for m in _stream_messages(nato, "alert", 1)]
        seen_nato += [m["alert"]["id"] for m in _stream_messages(nato, "alert", 1)]
    assert seen_op == ["live-a-operator", "live-end"]
    assert seen_nato == ["live-a-jef-nato", "live-end"]
