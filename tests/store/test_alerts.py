"""Alert persistence, lifecycle and queries (each test runs on SQLite and PostgreSQL)."""

import math

import pytest

from seawarden.store import (
    AlertQuery,
    AlertStatus,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Principal,
    Role,
    SaveOutcome,
    Store,
)
from seawarden.types import AlertKind, Severity
from tests.store.conftest import CHANNELS, T0, FakeClock, make_alert

ALERT_ID = "anchor_drag_suspected-230999000-20241225T100000Z"


@pytest.fixture
def officer(store: Store) -> Principal:
    store.create_org("fi-navy", "Finnish Navy", ["JEF", "NATO"])
    store.create_user("fi-navy", "watch-officer", Role.ANALYST)
    return store.principal("fi-navy", "watch-officer")


def test_save_stores_the_record_and_enqueues_one_item_per_channel(store: Store, officer: Principal) -> None:
    alert = make_alert()
    result = store.save_alert(alert)
    assert result.outcome is SaveOutcome.STORED
    assert result.enqueued == len(CHANNELS)
    stored = store.get_alert(officer, ALERT_ID)
    assert stored is not None
    assert stored.record == alert.to_dict()
    assert stored.status is AlertStatus.NEW
    assert stored.severity is Severity.HIGH
    assert {i.channel for i in store.outbox_items(ALERT_ID)} == set(CHANNELS)


def test_same_version_twice_is_a_no_op(store: Store) -> None:
    assert store.save_alert(make_alert()).outcome is SaveOutcome.STORED
    again = store.save_alert(make_alert())
    assert again.outcome is SaveOutcome.DUPLICATE
    assert again.enqueued == 0
    assert len(store.outbox_items(ALERT_ID)) == len(CHANNELS)


def test_a_lower_version_never_overwrites(store: Store, officer: Principal) -> None:
    store.save_alert(make_alert(version=3, severity=Severity.CRITICAL))
    late = store.save_alert(make_alert(version=2, severity=Severity.MEDIUM))
    assert late.outcome is SaveOutcome.STALE
    stored = store.get_alert(officer, ALERT_ID)
    assert stored is not None and stored.version == 3 and stored.severity is Severity.CRITICAL
    assert [i.version for i in store.outbox_items(ALERT_ID)] == [3, 3]


def test_each_version_keeps_its_own_record(store: Store, officer: Principal) -> None:
    for version in (1, 2, 3):
        store.save_alert(make_alert(version=version))
    records = store.alert_versions(officer, ALERT_ID)
    assert [r["version"] for r in records] == [1, 2, 3]
    assert [len(r["evidence"]) for r in records] == [1, 2, 3]
    items = {(i.version, i.channel): i for i in store.outbox_items(ALERT_ID)}
    assert items[(1, "webhook")].record["version"] == 1  # an old version is delivered as it was


def test_unusable_records_are_rejected_with_a_reason_not_raised(store: Store) -> None:
    bad = make_alert()
    bad.time = math.nan
    result = store.save_alert(bad)
    assert result.outcome is SaveOutcome.REJECTED and "time" in result.reason
    assert store.save_alert(make_alert(version=0)).outcome is SaveOutcome.REJECTED
    assert store.stats["alerts_rejected"] == 2
    assert store.outbox_counts() == {}


def test_non_json_values_in_evidence_are_made_safe(store: Store, officer: Principal) -> None:
    alert = make_alert()
    alert.evidence = [{"kind": "anchor_drag_suspected", "distance_m": math.inf, "flags": {"b", "a"}}]
    assert store.save_alert(alert).outcome is SaveOutcome.STORED
    stored = store.get_alert(officer, ALERT_ID)
    assert stored is not None
    assert stored.record["evidence"] == [
        {"kind": "anchor_drag_suspected", "distance_m": None, "flags": ["a", "b"]}
    ]


def test_lifecycle_with_audit_and_history(store: Store, officer: Principal, clock: FakeClock) -> None:
    store.save_alert(make_alert())
    clock.advance(60)
    acked = store.acknowledge(officer, ALERT_ID, "watching it")
    assert acked.status is AlertStatus.ACKNOWLEDGED and acked.status_by == "watch-officer"
    assert acked.to_dict()["status"] == "acknowledged"
    assert store.acknowledge(officer, ALERT_ID).status is AlertStatus.ACKNOWLEDGED  # retry: no-op
    clock.advance(60)
    store.escalate(officer, ALERT_ID, "to MOC")
    store.comment(officer, ALERT_ID, "Coast guard vessel tasked.")
    clock.advance(60)
    closed = store.close_alert(officer, ALERT_ID, "anchor recovered")
    assert closed.status is AlertStatus.CLOSED
    history = store.status_history(officer, ALERT_ID)
    assert [(h.from_status, h.to_status) for h in history] == [
        (AlertStatus.NEW, AlertStatus.ACKNOWLEDGED),
        (AlertStatus.ACKNOWLEDGED, AlertStatus.ESCALATED),
        (AlertStatus.ESCALATED, AlertStatus.CLOSED),
    ]
    assert [c.text for c in store.comments(officer, ALERT_ID)] == ["Coast guard vessel tasked."]
    actions = [e.action for e in store.audit_log(obj=f"alert:{ALERT_ID}")]
    assert actions == ["alert.close", "alert.comment", "alert.escalate", "alert.acknowledge"]
    with pytest.raises(InvalidTransition, match="closed"):
        store.acknowledge(officer, ALERT_ID)


def test_viewers_cannot_change_alerts(store: Store, officer: Principal) -> None:
    store.save_alert(make_alert())
    store.create_user("fi-navy", "liaison", Role.VIEWER)
    viewer = store.principal("fi-navy", "liaison")
    assert store.get_alert(viewer, ALERT_ID) is not None
    with pytest.raises(PermissionDenied):
        store.acknowledge(viewer, ALERT_ID)
    with pytest.raises(PermissionDenied):
        store.comment(viewer, ALERT_ID, "hello")
    assert store.get_alert(viewer, ALERT_ID).status is AlertStatus.NEW  # type: ignore[union-attr]


def test_a_pipeline_update_keeps_the_operators_status(store: Store, officer: Principal) -> None:
    store.save_alert(make_alert(version=1, severity=Severity.MEDIUM))
    store.acknowledge(officer, ALERT_ID)
    result = store.save_alert(make_alert(version=2, severity=Severity.CRITICAL))
    assert result.enqueued == len(CHANNELS)  # still delivered: the situation got worse
    stored = store.get_alert(officer, ALERT_ID)
    assert stored is not None and stored.status is AlertStatus.ACKNOWLEDGED and stored.version == 2


def test_closed_alert_reopens_only_when_more_severe(store: Store, officer: Principal) -> None:
    store.save_alert(make_alert(version=1, severity=Severity.HIGH))
    store.close_alert(officer, ALERT_ID, "false alarm: pilot boarding")
    quiet = store.save_alert(make_alert(version=2, severity=Severity.HIGH))
    assert quiet.outcome is SaveOutcome.STORED and quiet.enqueued == 0 and not quiet.reopened
    stored = store.get_alert(officer, ALERT_ID)
    assert stored is not None and stored.status is AlertStatus.CLOSED and stored.version == 2

    worse = store.save_alert(make_alert(version=3, severity=Severity.CRITICAL))
    assert worse.reopened and worse.enqueued == len(CHANNELS)
    stored = store.get_alert(officer, ALERT_ID)
    assert stored is not None and stored.status is AlertStatus.NEW and stored.status_by == "seawarden"
    last = store.status_history(officer, ALERT_ID)[-1]
    assert (last.from_status, last.to_status) == (AlertStatus.CLOSED, AlertStatus.NEW)
    assert "high to critical" in last.note
    assert store.audit_log(obj=f"alert:{ALERT_ID}")[0].action == "alert.reopen"


def test_unknown_alert_is_not_found(store: Store, officer: Principal) -> None:
    with pytest.raises(NotFound):
        store.acknowledge(officer, "no-such-alert")
    assert store.get_alert(officer, "no-such-alert") is None


def _seed(store: Store) -> None:
    specs = [
        ("a1", AlertKind.ANCHOR_DRAG_SUSPECTED, Severity.CRITICAL, 0, "gof", 230000001),
        ("a2", AlertKind.AIS_GAP, Severity.MEDIUM, 100, "gof", 230000002),
        ("a3", AlertKind.AREA_ENTRY, Severity.LOW, 200, "bornholm", 230000003),
        ("a4", AlertKind.ANCHOR_DRAG_SUSPECTED, Severity.HIGH, 300, "bornholm", 230000001),
        ("a5", AlertKind.AIS_GAP, Severity.MEDIUM, 400, "gof", 230000004),
    ]
    for alert_id, kind, severity, dt, area, mmsi in specs:
        store.save_alert(
            make_alert(alert_id, kind=kind, severity=severity, time=T0 + dt, area=area, mmsi=mmsi)
        )


def test_list_orders_most_severe_then_newest_and_paginates(store: Store, officer: Principal) -> None:
    _seed(store)
    page = store.list_alerts(officer)
    assert [a.id for a in page.items] == ["a1", "a4", "a5", "a2", "a3"]
    assert page.total == 5
    second = store.list_alerts(officer, limit=2, offset=2)
    assert [a.id for a in second.items] == ["a5", "a2"] and second.total == 5


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": ("ais_gap",)}, {"a2", "a5"}),
        ({"min_severity": "high"}, {"a1", "a4"}),
        ({"area": "bornholm"}, {"a3", "a4"}),
        ({"mmsi": 230000001}, {"a1", "a4"}),
        ({"since": T0 + 100, "until": T0 + 400}, {"a2", "a3", "a4"}),
        ({"statuses": ("acknowledged",)}, {"a2"}),
        ({"kinds": (AlertKind.ANCHOR_DRAG_SUSPECTED,), "area": "gof"}, {"a1"}),
    ],
)
def test_list_filters(store: Store, officer: Principal, filters: dict, expected: set[str]) -> None:
    _seed(store)
    store.acknowledge(officer, "a2")
    assert {a.id for a in store.list_alerts(officer, **filters).items} == expected


def test_bad_filters_raise_clear_value_errors(store: Store, officer: Principal) -> None:
    with pytest.raises(ValueError, match="unknown alert kind"):
        store.list_alerts(officer, kinds=("anchor_dragging",))
    with pytest.raises(ValueError, match="limit"):
        store.list_alerts(officer, limit=0)
    with pytest.raises(ValueError, match="severity"):
        store.list_alerts(officer, AlertQuery(min_severity="huge"))


def test_export_streams_every_visible_row_in_time_order(store: Store, officer: Principal) -> None:
    for n in range(7):
        store.save_alert(make_alert(f"e{n}", time=T0 + (n % 3), mmsi=230000000 + n))
    store.save_alert(make_alert("secret", releasability=("OPERATOR:fingrid",)))
    rows = list(store.export_alerts(officer, chunk_size=3))
    assert [r["id"] for r in rows] == ["e0", "e3", "e6", "e1", "e4", "e2", "e5"]
    assert rows[0]["severity"] == "high" and rows[0]["releasability"] == "JEF;NATO"
    assert rows[0]["time"] == "2024-12-25T10:00:00Z"
