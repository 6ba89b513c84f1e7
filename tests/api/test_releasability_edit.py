"""PUT /alerts/{id}/releasability: analysts widen or narrow who sees an alert, audited, JSON errors."""

from tests.api.conftest import World

URL = "/api/v1/alerts/{}/releasability"


def _ids(world: World, org: str) -> set[str]:
    body = world.client.get("/api/v1/alerts", headers=world.headers(org)).json()
    return {a["id"] for a in body["items"]}


def test_widening_makes_the_alert_visible_to_the_newly_allowed_org(world: World) -> None:
    assert "a-jef" not in _ids(world, "fingrid")
    r = world.client.put(
        URL.format("a-jef"),
        json={"communities": ["JEF", "OPERATOR:fingrid"], "reason": "Fingrid must inspect Estlink 2"},
        headers=world.headers("fi-navy", "analyst"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["id"] == "a-jef" and r.json()["releasability"] == ["JEF", "OPERATOR:fingrid"]
    assert "a-jef" in _ids(world, "fingrid")
    assert world.client.get("/api/v1/alerts/a-jef", headers=world.headers("fingrid")).status_code == 200


def test_narrowing_hides_it_from_an_org_that_saw_it(world: World) -> None:
    assert "a-jef-nato" in _ids(world, "nato-marcom")
    r = world.client.put(
        URL.format("a-jef-nato"),
        json={"communities": ["JEF"], "reason": "national investigation"},
        headers=world.headers("fi-navy", "admin"),
    )
    assert r.status_code == 200, r.text
    assert "a-jef-nato" not in _ids(world, "nato-marcom")
    assert (
        world.client.get("/api/v1/alerts/a-jef-nato", headers=world.headers("nato-marcom")).status_code == 404
    )
    history = world.client.get("/api/v1/alerts/a-jef-nato/history", headers=world.headers("fi-navy")).json()
    assert "national investigation" in history["status_changes"][-1]["note"]


def test_the_edit_is_audited(world: World) -> None:
    world.client.put(
        URL.format("a-jef"),
        json={"communities": ["JEF", "NATO"], "reason": "allies asked"},
        headers=world.headers("fi-navy", "analyst"),
    ).raise_for_status()
    entries = [e for e in world.store.audit_log(obj="alert:a-jef") if e.action == "alert.releasability"]
    assert len(entries) == 1
    assert entries[0].actor == "analyst@fi-navy" and entries[0].detail["to"] == ["JEF", "NATO"]


def test_removing_ones_own_organisation_answers_once_then_404(world: World) -> None:
    headers = world.headers("fi-navy", "analyst")
    r = world.client.put(
        URL.format("a-jef-nato"), json={"communities": ["NATO"], "reason": "NATO leads"}, headers=headers
    )
    assert r.status_code == 200 and r.json()["releasability"] == ["NATO"]
    assert world.client.get("/api/v1/alerts/a-jef-nato", headers=headers).status_code == 404
    assert "a-jef-nato" in _ids(world, "nato-marcom")


def test_errors_are_json_and_nothing_changes(world: World) -> None:
    body = {"communities": ["JEF", "OPERATOR:fingrid"], "reason": "why"}
    cases = [
        ("a-jef", {"communities": [], "reason": "x"}, ("fi-navy", "analyst"), 400),
        ("a-jef", {"communities": ["JEF", " "], "reason": "x"}, ("fi-navy", "analyst"), 400),
        ("a-jef", {"communities": ["JEF"], "reason": ""}, ("fi-navy", "analyst"), 400),
        ("a-jef", {"reason": "x"}, ("fi-navy", "analyst"), 422),
        ("a-jef", body, ("fi-navy", "viewer"), 403),
        ("a-jef", body, ("fingrid", "analyst"), 404),  # invisible looks like unknown
        ("no-such-alert", body, ("fi-navy", "admin"), 404),
    ]
    for alert_id, payload, (org, role), status in cases:
        r = world.client.put(URL.format(alert_id), json=payload, headers=world.headers(org, role))
        assert r.status_code == status, (payload, org, role, r.text)
        assert set(r.json()) == {"error", "detail"}
    assert world.store.releasability("a-jef") == ["JEF"]
    assert world.client.put(URL.format("a-jef"), json=body).status_code == 401
