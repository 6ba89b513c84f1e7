"""Webhook channel against a real HTTP server on 127.0.0.1."""

import time

import pytest

from seawarden.deliver import DeliveryError, DeliveryRequest, Dispatcher, Outcome, RetryPolicy, Subscription
from seawarden.deliver.config import WebhookConfig
from seawarden.deliver.webhook import (
    WebhookChannel,
    classify_status,
    parse_retry_after,
    sign,
    verify_signature,
)
from tests.deliver.peers import HttpReceiver

SECRET = "correct horse battery staple"
pytestmark = pytest.mark.anyio


def channel_for(url: str, timeout_s: float = 3.0) -> WebhookChannel:
    return WebhookChannel(
        WebhookConfig(name="fi-navy-hook", org="fi-navy", url=url, secret=SECRET, timeout_s=timeout_s),
        clock=lambda: 1735128030.0,
    )


SUB = Subscription(id="navy-hook", org="fi-navy", communities=frozenset({"JEF"}), channel="fi-navy-hook")


async def test_signed_post_is_verifiable_by_the_receiver(record):
    with HttpReceiver() as receiver:
        channel = channel_for(receiver.url)
        try:
            started = time.perf_counter()
            await channel.send(record, idempotency_key="a-1:v1:navy-hook")
            print(f"\nwebhook delivery latency: {1000 * (time.perf_counter() - started):.1f} ms")
        finally:
            await channel.close()
    (request,) = receiver.requests
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert request.path == "/hooks/seawarden?token=s3cret"
    signature, stamp = headers["x-seawarden-signature"], headers["x-seawarden-timestamp"]
    assert stamp == "1735128030"
    assert verify_signature(request.body, signature, SECRET, stamp, now=1735128030 + 60)
    assert signature.startswith("sha256=")
    assert not verify_signature(request.body, signature, SECRET + "x", stamp, now=1735128030)
    assert not verify_signature(request.body + b" ", signature, SECRET, stamp, now=1735128030)
    assert not verify_signature(request.body, signature, SECRET, "1735128031", now=1735128030)  # re-stamped
    assert not verify_signature(request.body, signature, SECRET, stamp, now=1735128030 + 3600)  # replayed
    assert headers["idempotency-key"] == "a-1:v1:navy-hook"
    assert headers["content-type"].startswith("application/json")
    assert request.json == record


async def test_failing_receiver_that_recovers_is_retried_until_delivered(record):
    """503, 503, then 200: two RETRY outcomes with growing back-off, then DELIVERED."""
    policy = RetryPolicy(base_delay_s=1, factor=2, jitter=0, max_attempts=5)
    with HttpReceiver(respond=lambda n: (503, {}) if n < 2 else (200, {})) as receiver:
        dispatcher = Dispatcher([channel_for(receiver.url)], policy, clock=lambda: 1000.0)
        try:
            outcomes = []
            for attempts_before in range(3):
                (result,) = await dispatcher.dispatch([DeliveryRequest(record, SUB, attempts_before)])
                outcomes.append(result)
        finally:
            await dispatcher.close()
    assert [o.outcome for o in outcomes] == [Outcome.RETRY, Outcome.RETRY, Outcome.DELIVERED]
    assert [o.next_attempt_at for o in outcomes] == [1001.0, 1002.0, None]
    assert "503" in outcomes[0].detail
    keys = {r.headers["Idempotency-Key"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(keys) == 1  # the receiver can drop the re-sends


async def test_400_is_dead_at_once(record):
    with HttpReceiver(respond=lambda n: (400, {})) as receiver:
        dispatcher = Dispatcher([channel_for(receiver.url)], RetryPolicy(max_attempts=10))
        try:
            (result,) = await dispatcher.dispatch([(record, SUB)])
        finally:
            await dispatcher.close()
    assert result.outcome is Outcome.DEAD
    assert "not retryable" in result.detail and "400" in result.detail and "scripted failure" in result.detail
    assert "s3cret" not in result.detail  # no URL credentials in logs and outcomes
    assert len(receiver.requests) == 1


async def test_429_honours_retry_after(record):
    with HttpReceiver(respond=lambda n: (429, {"Retry-After": "120"})) as receiver:
        dispatcher = Dispatcher(
            [channel_for(receiver.url)], RetryPolicy(base_delay_s=1, jitter=0), clock=lambda: 0.0
        )
        try:
            (result,) = await dispatcher.dispatch([(record, SUB)])
        finally:
            await dispatcher.close()
    assert result.outcome is Outcome.RETRY and result.next_attempt_at == 120.0


async def test_timeout_and_refused_connection_are_retryable(record):
    with HttpReceiver(delay_s=1.5) as slow:
        channel = channel_for(slow.url, timeout_s=0.3)
        try:
            with pytest.raises(DeliveryError) as caught:
                await channel.send(record, idempotency_key="k")
        finally:
            await channel.close()
    assert caught.value.retryable and "no answer" in caught.value.detail

    with HttpReceiver() as gone:
        url = gone.url
    channel = channel_for(url)
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(record, idempotency_key="k")
    finally:
        await channel.close()
    assert caught.value.retryable and "cannot reach" in caught.value.detail


async def test_unserialisable_record_is_not_retryable(record):
    channel = channel_for("http://127.0.0.1:9/")
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send({**record, "risk": float("nan")}, idempotency_key="k")
    finally:
        await channel.close()
    assert not caught.value.retryable


@pytest.mark.parametrize("status", range(100, 600))
def test_status_classification(status):
    error = classify_status(status)
    if 200 <= status < 300:
        assert error is None
    elif status in (408, 429) or status >= 500:
        assert error is not None and error.retryable
    else:
        assert error is not None and not error.retryable


def test_signature_and_retry_after_helpers():
    # A standard HMAC-SHA256 of "<timestamp>.<body>" that any receiver can recompute.
    import hashlib
    import hmac

    body = b"{}"
    expected = "sha256=" + hmac.new(b"Jefe", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert sign(body, "Jefe", "1700000000") == expected
    assert verify_signature(body, " " + sign(body, "k", "100") + " ", "k", "100", now=100)
    assert not verify_signature(body, None, "k", "100", now=100)
    assert not verify_signature(body, "", "k", "100", now=100)
    assert not verify_signature(body, sign(body, "k", "100"), "k", None, now=100)
    assert not verify_signature(body, sign(body, "k", "100"), "k", "abc", now=100)
    assert parse_retry_after("30", 0) == 30.0
    assert parse_retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 0.0) == 60.0
    assert parse_retry_after("soon", 0) is None and parse_retry_after(None, 0) is None
