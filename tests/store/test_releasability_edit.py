"""An analyst's releasability edit: who may do it, what it changes, that it is audited and survives."""

from typing import Any

import pytest

from seawarden.service.alerts import AlertRecorder
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.releasability import ReleasabilityPolicy
from seawarden.store import AlertStatus, NotFound, PermissionDenied, Principal, Role, Store
from tests.store.conftest import make_alert

ALERT = "edit-me"


class _Hub:
    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def publish_alert(self, record: dict[str, Any]) -> None:
        self.records.append(record)

    def publish_vessels(self, updates: list[dict[str, Any]]) -> None:
        pass


def _people(store: Store) -> dict[str, Principal]:
    store.create_org("fi-navy", "Finnish Navy", ["JEF"])
    store.create_org("nato", "NATO MARCOM", ["NATO"])
    store.create_org("fingrid", "Fingrid", ["OPERATOR:fingrid"])
    out = {}
    for org, role in (("fi-navy", Role.ANALYST), ("fi-navy", Role.VIEWER), ("fingrid", Role.ANALYST)):
        store.create_user(org, f"{role}@{org}", role)
        out[f"{role}@{org}"] = store.principal(org, f"{role}@{org}")
    return out


def test_widening_and_narrowing_change_who_sees_the_alert(store: Store) -> None:
    who = _people(store)
    store.save_alert(make_alert(ALERT, releasability=("JEF", "NATO")))
    analyst = who["analyst@fi-navy"]

    widened = store.set_releasability(analyst, ALERT, ["JEF", "NATO", "OPERATOR:fingrid"], "grid must act")
    assert widened.record["releasability"] == ["JEF", "NATO", "OPERATOR:fingrid"]
    assert store.get_alert("fingrid", ALERT) is not None
    assert store.list_alerts("fingrid").total == 1

    store.set_releasability(analyst, ALERT, ["JEF", "OPERATOR:fingrid"], "national matter")
    assert store.get_alert("nato", ALERT) is None
    assert store.list_alerts("nato").total == 0
    assert store.releasability(ALERT) == ["JEF", "OPERATOR:fingrid"]
    assert store.get_alert("fi-navy", ALERT).record["releasability"] == ["JEF", "OPERATOR:fingrid"]


def test_the_edit_is_audited_and_in_the_alert_history(store: Store) -> None:
    who = _people(store)
    store.save_alert(make_alert(ALERT, releasability=("JEF",)))
    store.set_releasability(who["analyst@fi-navy"], ALERT, ["JEF", "NATO"], "  allies asked  ")
    [entry] = [e for e in store.audit_log(obj=f"alert:{ALERT}") if e.action == "alert.releasability"]
    assert (entry.actor, entry.org_id) == ("analyst@fi-navy", "fi-navy")
    assert entry.detail["from"] == ["JEF"] and entry.detail["to"] == ["JEF", "NATO"]
    assert entry.detail["reason"] == "allies asked"
    [change] = store.status_history("fi-navy", ALERT)
    assert change.from_status is change.to_status is AlertStatus.NEW
    assert change.actor == "analyst@fi-navy" and "JEF -> JEF, NATO: allies asked" in change.note


def test_the_same_set_again_is_a_no_op(store: Store) -> None:
    who = _people(store)
    store.save_alert(make_alert(ALERT, releasability=("JEF", "NATO")))
    store.set_releasability(who["analyst@fi-navy"], ALERT, ["NATO", "JEF"], "retry")
    assert store.status_history("fi-navy", ALERT) == []
    assert not [e for e in store.audit_log(obj=f"alert:{ALERT}") if e.action == "alert.releasability"]


def test_communities_are_checked_deduplicated_and_kept_as_given(store: Store) -> None:
    who = _people(store)
    store.save_alert(make_alert(ALERT, releasability=("JEF",)))
    analyst = who["analyst@fi-navy"]
    for bad in ([], [""], ["  "], ["JEF", None], "JEF", ["x" * 101]):
        with pytest.raises(ValueError):
            store.set_releasability(analyst, ALERT, bad, "why")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reason"):
        store.set_releasability(analyst, ALERT, ["NATO"], "   ")
    stored = store.set_releasability(analyst, ALERT, [" JEF ", "jef", "NATO", "nato"], "dupes")
    assert stored.record["releasability"] == ["JEF", "NATO"]
    assert store.releasability(ALERT) == ["JEF", "NATO"]
    assert store.releasability("no-such-alert") == []


def test_viewers_and_organisations_that_cannot_see_it_are_refused(store: Store) -> None:
    who = _people(store)
    store.save_alert(make_alert(ALERT, releasability=("JEF",)))
    with pytest.raises(PermissionDenied):
        store.set_releasability(who["viewer@fi-navy"], ALERT, ["JEF", "NATO"], "want more")
    with pytest.raises(NotFound):
        store.set_releasability(who["analyst@fingrid"], ALERT, ["OPERATOR:fingrid"], "let us see")
    with pytest.raises(NotFound):
        store.set_releasability(who["analyst@fi-navy"], "no-such-alert", ["JEF"], "typo")
    assert store.releasability(ALERT) == ["JEF"]


def test_narrowing_out_ones_own_organisation_returns_the_record_once(store: Store) -> None:
    who = _people(store)
    store.save_alert(make_alert(ALERT, releasability=("JEF",)))
    stored = store.set_releasability(who["analyst@fi-navy"], ALERT, ["NATO"], "hand over to NATO")
    assert stored.id == ALERT and stored.record["releasability"] == ["NATO"]
    assert store.get_alert("fi-navy", ALERT) is None
    assert store.get_alert("nato", ALERT) is not None


def test_later_pipeline_versions_keep_the_analysts_releasability(store: Store) -> None:
    """The service gives a known alert its stored releasability; the policy would say otherwise."""
    who = _people(store)
    recorder = AlertRecorder(store, _Hub(), ReleasabilityPolicy(), [], ServiceMetrics())
    recorder.record(make_alert(ALERT, releasability=()))  # gof-* rule: JEF, NATO, OPERATOR:fingrid
    assert store.releasability(ALERT) == ["JEF", "NATO", "OPERATOR:fingrid"]
    store.set_releasability(who["analyst@fi-navy"], ALERT, ["JEF"], "not for the operator yet")

    recorder.record(make_alert(ALERT, version=2, releasability=("JEF", "NATO", "OPERATOR:fingrid")))
    fresh = AlertRecorder(store, _Hub(), ReleasabilityPolicy(), [], ServiceMetrics())  # after a restart
    fresh.record(make_alert(ALERT, version=3, releasability=("JEF", "NATO", "OPERATOR:fingrid")))

    assert store.releasability(ALERT) == ["JEF"]
    latest = store.get_alert("fi-navy", ALERT)
    assert latest is not None and latest.version == 3 and latest.record["releasability"] == ["JEF"]
    assert store.get_alert("fingrid", ALERT) is None
