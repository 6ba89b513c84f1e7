"""Dispatcher: concurrency limits, outcomes, and that it never raises (in-memory channels)."""

import asyncio
import logging
from typing import Any

import pytest

from seawarden.deliver import (
    Channel,
    DeliveryError,
    DeliveryRequest,
    Dispatcher,
    Outcome,
    RetryPolicy,
    Subscription,
)
from tests.deliver.conftest import make_record

pytestmark = pytest.mark.anyio


class RecordingChannel:
    """A test double honouring the Channel protocol: runs ``behaviour`` per send and records it."""

    def __init__(self, name: str, org: str = "fi-navy", behaviour=None, delay_s: float = 0.0) -> None:
        self.name, self.org = name, org
        self.behaviour = behaviour
        self.delay_s = delay_s
        self.sent: list[tuple[dict[str, Any], str]] = []
        self.in_flight = self.max_in_flight = 0
        self.closed = False

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
            if self.behaviour is not None:
                self.behaviour(record)
            self.sent.append((record, idempotency_key))
        finally:
            self.in_flight -= 1

    async def close(self) -> None:
        self.closed = True


def sub(channel: str, org: str = "fi-navy", communities=("JEF",), sid: str | None = None) -> Subscription:
    return Subscription(
        id=sid or f"{org}-{channel}", org=org, communities=frozenset(communities), channel=channel
    )


def test_recording_channel_is_a_channel():
    assert isinstance(RecordingChannel("x"), Channel)


async def test_per_channel_concurrency_limits():
    slow = RecordingChannel("slow", delay_s=0.05)
    fast = RecordingChannel("fast", delay_s=0.05)
    dispatcher = Dispatcher([slow, fast], concurrency={"slow": 2}, default_concurrency=5)
    requests = [(make_record(id=f"a{i}"), sub("slow")) for i in range(8)]
    requests += [(make_record(id=f"b{i}"), sub("fast")) for i in range(8)]
    results = await asyncio.wait_for(dispatcher.dispatch(requests), 10)
    assert all(r.outcome is Outcome.DELIVERED for r in results)
    assert [r.alert_id for r in results] == [f"a{i}" for i in range(8)] + [f"b{i}" for i in range(8)]
    assert slow.max_in_flight == 2
    assert fast.max_in_flight == 5
    assert len({key for _, key in slow.sent}) == 8


async def test_failures_become_outcomes_never_exceptions(caplog):
    def boom(record):
        raise RuntimeError("library bug")

    def refuse(record):
        raise DeliveryError(False, "receiver says no")

    def flaky(record):
        raise DeliveryError(True, "broker restarting")

    channels = [
        RecordingChannel("boom", behaviour=boom),
        RecordingChannel("refuse", behaviour=refuse),
        RecordingChannel("flaky", behaviour=flaky),
        RecordingChannel("hang", delay_s=30),
    ]
    policy = RetryPolicy(base_delay_s=10, jitter=0, max_attempts=3)
    dispatcher = Dispatcher(channels, policy, send_timeout_s=0.2, clock=lambda: 100.0)
    record = make_record()
    with caplog.at_level(logging.WARNING):
        results = await asyncio.wait_for(
            dispatcher.dispatch(
                [
                    DeliveryRequest(record, sub("boom")),
                    DeliveryRequest(record, sub("refuse")),
                    DeliveryRequest(record, sub("flaky")),
                    DeliveryRequest(record, sub("flaky"), attempts_before=2),
                    DeliveryRequest(record, sub("hang")),
                ]
            ),
            10,
        )
    boom_r, refuse_r, flaky_r, last_r, hang_r = results
    assert boom_r.outcome is Outcome.RETRY and "RuntimeError" in boom_r.detail
    assert refuse_r.outcome is Outcome.DEAD and "receiver says no" in refuse_r.detail
    assert (flaky_r.outcome, flaky_r.next_attempt_at, flaky_r.attempt) == (Outcome.RETRY, 110.0, 1)
    assert last_r.outcome is Outcome.DEAD and "gave up after 3 attempts" in last_r.detail
    assert hang_r.outcome is Outcome.RETRY and "within 0.2s" in hang_r.detail
    assert "receiver says no" in caplog.text and "broker restarting" in caplog.text
    await dispatcher.close()
    assert all(c.closed for c in channels)


async def test_refuses_what_the_org_may_not_see_even_if_the_outbox_says_so(caplog):
    navy = RecordingChannel("navy", org="fi-navy")
    fingrid = RecordingChannel("fingrid", org="fingrid")
    dispatcher = Dispatcher([navy, fingrid])
    jef_only = make_record(releasability=["JEF"])
    with caplog.at_level(logging.ERROR):
        results = await dispatcher.dispatch(
            [
                (jef_only, sub("fingrid", org="fingrid", communities=["OPERATOR:fingrid"])),  # not releasable
                (jef_only, sub("navy", org="fingrid", communities=["JEF"])),  # another org's channel
                (jef_only, sub("nowhere")),  # unknown channel
                ("garbage", sub("navy")),  # type: ignore[list-item]
                (make_record(releasability=[]), sub("navy")),
                (make_record(id=None), sub("navy")),
            ]
        )
    assert [r.outcome for r in results] == [Outcome.DEAD] * 6
    assert "not releasable" in results[0].detail
    assert "belongs to org 'fi-navy'" in results[1].detail
    assert "no channel named" in results[2].detail
    assert navy.sent == [] and fingrid.sent == []
    assert "refused delivery" in caplog.text
