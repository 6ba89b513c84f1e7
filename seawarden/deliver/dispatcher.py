"""Send routed (record, subscription) pairs concurrently, and say what became of each. Never raises.

Per-channel semaphores keep a slow receiver from hogging the pool (and a receiver from being flooded);
a hard time-out bounds every send whatever the channel library does. Releasability is checked again
here, just before the bytes leave: the outbox may hold items routed under an older subscription.
"""

import asyncio
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from seawarden.deliver.channel import Channel, Delivery, DeliveryRequest, Outcome
from seawarden.deliver.errors import DeliveryError
from seawarden.deliver.retry import RetryPolicy
from seawarden.deliver.routing import Subscription, idempotency_key
from seawarden.types import iso_utc

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        channels: Mapping[str, Channel] | Iterable[Channel],
        retry: RetryPolicy | None = None,
        *,
        concurrency: Mapping[str, int] | None = None,
        default_concurrency: int = 4,
        send_timeout_s: float = 60.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        items = channels.values() if isinstance(channels, Mapping) else channels
        self.channels: dict[str, Channel] = {c.name: c for c in items}
        self.retry = retry or RetryPolicy()
        self.send_timeout_s = send_timeout_s
        self._clock = clock
        self._rng = rng or random.Random()
        limits = dict(concurrency or {})
        self._slots = {
            name: asyncio.Semaphore(max(1, limits.get(name, default_concurrency))) for name in self.channels
        }

    async def dispatch(
        self, requests: Iterable[DeliveryRequest | tuple[dict[str, Any], Subscription]]
    ) -> list[Delivery]:
        """Deliver all, concurrently; outcomes in the order of ``requests``."""
        normalised = [r if isinstance(r, DeliveryRequest) else DeliveryRequest(r[0], r[1]) for r in requests]
        return list(await asyncio.gather(*(self.deliver(r) for r in normalised)))

    async def deliver(self, request: DeliveryRequest) -> Delivery:
        """One delivery attempt; every failure becomes a RETRY or DEAD outcome, logged with its reason."""
        record, sub = request.record, request.subscription
        attempt = max(0, request.attempts_before) + 1
        alert_id = str(record.get("id", "?")) if isinstance(record, Mapping) else "?"
        version = record.get("version") if isinstance(record, Mapping) else None
        key = request.idempotency_key or (
            idempotency_key(record, sub) if isinstance(record, Mapping) and "id" in record else f"?:{sub.id}"
        )

        def outcome(
            kind: Outcome, detail: str = "", latency: float = 0.0, at: float | None = None
        ) -> Delivery:
            return Delivery(
                alert_id=alert_id,
                version=version if isinstance(version, int) else None,
                subscription_id=sub.id,
                org=sub.org,
                channel=sub.channel,
                idempotency_key=key,
                outcome=kind,
                attempt=attempt,
                next_attempt_at=at,
                detail=detail,
                latency_s=latency,
            )

        refusal = self._refusal(record, sub)
        if refusal:
            log.error(
                "refused delivery of alert %s to org %s via %s: %s", alert_id, sub.org, sub.channel, refusal
            )
            return outcome(Outcome.DEAD, refusal)
        channel = self.channels[sub.channel]
        started = time.perf_counter()
        try:
            async with self._slots[sub.channel]:
                started = time.perf_counter()
                async with asyncio.timeout(self.send_timeout_s):
                    await channel.send(record, idempotency_key=key)
        except DeliveryError as exc:
            error = exc
        except TimeoutError:
            error = DeliveryError(True, f"send did not finish within {self.send_timeout_s:g}s")
        except Exception as exc:  # a channel bug must not take the service down; it may be transient
            log.exception("channel %s raised unexpectedly for alert %s", sub.channel, alert_id)
            error = DeliveryError(True, f"unexpected {type(exc).__name__}: {exc}")
        else:
            latency = time.perf_counter() - started
            log.debug(
                "delivered alert %s v%s to %s via %s in %.3fs",
                alert_id,
                version,
                sub.org,
                sub.channel,
                latency,
            )
            return outcome(Outcome.DELIVERED, latency=latency)
        latency = time.perf_counter() - started
        return self._failed(outcome, error, attempt, alert_id, sub, latency)

    def _refusal(self, record: Any, sub: Subscription) -> str:
        if not isinstance(record, Mapping):
            return "record is not a JSON object"
        if not isinstance(record.get("id"), str) or not record["id"]:
            return "record has no alert id"
        if not sub.may_see(record):
            return (
                f"not releasable: record is for {record.get('releasability')!r}, "
                f"org {sub.org} is in {sorted(sub.communities)!r}"
            )
        channel = self.channels.get(sub.channel)
        if channel is None:
            return f"no channel named {sub.channel!r} is configured"
        owner = getattr(channel, "org", None)
        if owner is not None and owner != sub.org:
            return f"channel {sub.channel!r} belongs to org {owner!r}, not {sub.org!r}"
        return ""

    def _failed(
        self,
        outcome: Callable[..., Delivery],
        error: DeliveryError,
        attempt: int,
        alert_id: str,
        sub: Subscription,
        latency: float,
    ) -> Delivery:
        now = self._clock()
        at = self.retry.next_attempt(attempt, now, self._rng) if error.retryable else None
        if at is not None and error.retry_after_s is not None:
            at = max(at, now + min(error.retry_after_s, self.retry.max_delay_s))
        if at is None:
            why = "not retryable" if not error.retryable else f"gave up after {attempt} attempts"
            log.error(
                "delivery of alert %s to org %s via %s is dead (%s): %s",
                alert_id,
                sub.org,
                sub.channel,
                why,
                error.detail,
            )
            return outcome(Outcome.DEAD, f"{why}: {error.detail}", latency)
        log.warning(
            "delivery of alert %s to org %s via %s failed (attempt %d): %s; retry at %s",
            alert_id,
            sub.org,
            sub.channel,
            attempt,
            error.detail,
            iso_utc(at),
        )
        return outcome(Outcome.RETRY, error.detail, latency, at)

    async def close(self) -> None:
        """Close every channel; one failing close does not keep the others open."""
        for channel in self.channels.values():
            try:
                await channel.close()
            except Exception:
                log.exception("closing channel %s failed", channel.name)
