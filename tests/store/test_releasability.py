"""An organisation never sees an alert it may not see (exhaustive check on random data)."""

import random

from seawarden.store import NotFound, Role, Store
from seawarden.types import Severity
from tests.store.conftest import T0, make_alert

COMMUNITIES = ["JEF", "NATO", "OPERATOR:fingrid", "OPERATOR:elering", "EU"]


def test_every_listing_and_lookup_respects_releasability(store: Store) -> None:
    rng = random.Random(20241225)
    orgs: dict[str, set[str]] = {}
    for n in range(6):
        communities = set(rng.sample(COMMUNITIES, rng.randint(0, 2)))
        org_id = f"org-{n}"
        store.create_org(org_id, f"Org {n}", sorted(communities))
        orgs[org_id] = communities
    releasability: dict[str, set[str]] = {}
    for n in range(60):
        rel = set(rng.sample(COMMUNITIES, rng.randint(0, 3)))
        alert_id = f"alert-{n:03d}"
        severity = Severity(rng.randint(0, 4))
        store.save_alert(make_alert(alert_id, releasability=tuple(rel), severity=severity, time=T0 + n))
        releasability[alert_id] = rel
    # a later version may narrow who can see it
    store.save_alert(make_alert("alert-000", version=2, releasability=("OPERATOR:fingrid",)))
    releasability["alert-000"] = {"OPERATOR:fingrid"}

    for org_id, communities in orgs.items():
        expected = {a for a, rel in releasability.items() if rel & communities}
        seen: list[str] = []
        offset = 0
        while True:
            page = store.list_alerts(org_id, limit=7, offset=offset)
            assert page.total == len(expected)
            seen += [a.id for a in page.items]
            offset += 7
            if offset >= page.total:
                break
        assert len(seen) == len(set(seen))
        assert set(seen) == expected, org_id
        assert {r["id"] for r in store.export_alerts(org_id, chunk_size=9)} == expected
        for alert_id in releasability:
            visible = store.get_alert(org_id, alert_id) is not None
            assert visible == (alert_id in expected), (org_id, alert_id)


def test_an_organisation_cannot_act_on_or_read_around_an_alert_it_may_not_see(store: Store) -> None:
    store.create_org("ee-operator", "Elering", ["OPERATOR:elering"])
    store.create_user("ee-operator", "duty", Role.ANALYST)
    duty = store.principal("ee-operator", "duty")
    store.save_alert(make_alert("nato-only", releasability=("NATO",)))
    for action in (
        lambda: store.acknowledge(duty, "nato-only"),
        lambda: store.comment(duty, "nato-only", "seen?"),
        lambda: store.comments(duty, "nato-only"),
        lambda: store.status_history(duty, "nato-only"),
        lambda: store.alert_versions(duty, "nato-only"),
    ):
        try:
            action()
        except NotFound:
            continue
        raise AssertionError("an invisible alert was reachable")
    assert store.list_alerts("no-such-org").total == 0


def test_an_alert_with_no_releasability_is_visible_to_nobody(store: Store) -> None:
    store.create_org("all", "Everyone", COMMUNITIES)
    store.save_alert(make_alert("unmarked", releasability=()))
    assert store.get_alert("all", "unmarked") is None
