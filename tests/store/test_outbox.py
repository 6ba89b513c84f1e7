"""Outbox semantics: nothing lost, nothing delivered twice, back-off, dead letters, crash safety."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from seawarden.store import OutboxState, SaveOutcome, Store, backoff_delay, open_store
from seawarden.store import outbox as outbox_module
from seawarden.types import Severity
from tests.store.conftest import CHANNELS, T0, FakeClock, make_alert

ROOT = Path(__file__).resolve().parents[2]


def test_claim_deliver_and_never_again(store: Store, clock: FakeClock) -> None:
    store.save_alert(make_alert("a"))
    store.save_alert(make_alert("b"))
    items = store.claim_due("webhook", limit=10)
    assert [i.alert_id for i in items] == ["a", "b"]
    assert all(i.attempts == 1 for i in items)
    assert store.claim_due("webhook") == []  # leased
    assert store.mark_delivered(items[0].id)
    assert not store.mark_delivered(items[0].id)  # second report changes nothing
    clock.advance(store.lease_s + 1)
    again = store.claim_due("webhook")
    assert [i.alert_id for i in again] == ["b"]  # the unreported one comes back, the delivered never
    assert len(store.claim_due("mqtt")) == 2  # channels are independent


def test_failure_backs_off_and_dies_after_max_attempts(store: Store, clock: FakeClock) -> None:
    store.save_alert(make_alert("a"))
    (item,) = store.claim_due("webhook")
    assert store.mark_failed(item.id, "HTTP 503 Service Unavailable") is OutboxState.PENDING
    assert store.claim_due("webhook") == []  # waiting for its back-off
    clock.advance(3600)
    (item,) = store.claim_due("webhook")
    assert item.attempts == 2 and item.last_error == "HTTP 503 Service Unavailable"
    store.mark_failed(item.id, "timeout", next_attempt=clock.now)
    (item,) = store.claim_due("webhook")
    assert store.mark_failed(item.id, "connection refused", next_attempt=clock.now) is OutboxState.DEAD
    assert store.claim_due("webhook") == []
    (dead,) = store.dead_letters("webhook")
    assert dead.alert_id == "a" and dead.attempts == 3 and dead.last_error == "connection refused"
    assert store.outbox_counts()["webhook"] == {"dead": 1}
    assert store.retry_dead(dead.id, actor="admin")
    assert [i.alert_id for i in store.claim_due("webhook")] == ["a"]


def test_a_worker_that_dies_on_the_last_attempt_leaves_a_dead_letter(store: Store, clock: FakeClock) -> None:
    store.save_alert(make_alert("poison"))
    for _ in range(store.max_attempts):
        assert store.claim_due("webhook")  # the worker crashes every time: no report
        clock.advance(store.lease_s + 1)
    assert store.claim_due("webhook") == []
    (dead,) = store.dead_letters("webhook")
    assert "no result reported" in (dead.last_error or "")


def test_versions_of_one_alert_are_delivered_in_order(store: Store, clock: FakeClock) -> None:
    store.save_alert(make_alert("a", version=1))
    (v1,) = store.claim_due("webhook")
    store.mark_failed(v1.id, "HTTP 500", next_attempt=clock.now + 60)
    store.save_alert(make_alert("a", version=2, severity=Severity.CRITICAL))
    assert store.claim_due("webhook") == []  # v2 waits behind v1
    clock.advance(61)
    (again,) = store.claim_due("webhook")
    assert again.version == 1
    store.mark_delivered(again.id)
    (v2,) = store.claim_due("webhook")
    assert v2.version == 2 and v2.record["severity"] == "critical"
    assert v2.idempotency_key == "a:2"


def test_alert_and_outbox_commit_together_or_not_at_all(store: Store, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox_module, "enqueue", broken)
    with pytest.raises(RuntimeError):
        store.save_alert(make_alert("a"))
    monkeypatch.undo()
    assert store.outbox_counts() == {}
    store.create_org("nato", "NATO", ["NATO"])
    assert store.get_alert("nato", "a") is None
    assert store.save_alert(make_alert("a")).outcome is SaveOutcome.STORED  # and it can be saved again


def test_backoff_grows_is_capped_and_jittered() -> None:
    delays = [backoff_delay(n, jitter=0.0) for n in range(1, 12)]
    assert delays[:4] == [15.0, 30.0, 60.0, 120.0]
    assert max(delays) == 3600.0
    assert backoff_delay(3, rng=lambda: 0.0) == pytest.approx(60 * 0.8)
    assert backoff_delay(3, rng=lambda: 1.0) == pytest.approx(60 * 1.2)


CRASHER = """
import os, sys, json
sys.path.insert(0, {root!r})
from seawarden.store import open_store
from tests.store.conftest import make_alert, FakeClock, T0
store = open_store({url!r}, channels=("webhook",), clock=FakeClock(T0))
for n in range(10):
    store.save_alert(make_alert(f"c{{n}}"))
delivered = []
for item in store.claim_due("webhook", limit=4):   # four sent and confirmed
    store.mark_delivered(item.id)
    delivered.append(item.alert_id)
store.claim_due("webhook", limit=2)                 # two in flight when the power goes
print(json.dumps(delivered), flush=True)
os._exit(137)                                       # no close, no dispose, no atexit
"""


def test_crash_loses_nothing_and_delivers_nothing_twice(store_url: str) -> None:
    code = CRASHER.format(root=str(ROOT), url=store_url)
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env={**os.environ}
    )
    assert proc.returncode == 137, proc.stderr
    delivered_before = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert len(delivered_before) == 4

    clock = FakeClock(T0 + outbox_module.DEFAULT_LEASE_S + 1)  # the crashed worker's leases expired
    reopened = open_store(store_url, channels=("webhook",), clock=clock)
    try:
        assert reopened.outbox_counts()["webhook"] == {"delivered": 4, "pending": 6}
        claimed = reopened.claim_due("webhook", limit=100)
        assert {i.alert_id for i in claimed} == {f"c{n}" for n in range(10)} - delivered_before
        for item in claimed:
            assert reopened.mark_delivered(item.id)
        assert reopened.claim_due("webhook", limit=100) == []
        assert reopened.outbox_counts()["webhook"] == {"delivered": 10}
    finally:
        reopened.close()


def test_channels_can_be_chosen_per_save(store: Store) -> None:
    result = store.save_alert(make_alert("x"), channels=["tak"])
    assert result.enqueued == 1
    assert [i.channel for i in store.outbox_items("x")] == ["tak"]
    assert set(CHANNELS).isdisjoint(store.outbox_counts())
