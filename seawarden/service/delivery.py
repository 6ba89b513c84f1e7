"""The outbox worker: claim due deliveries, send them, and record what became of each.

One outbox "channel" per subscription (its id): the idempotency key ``<alert>:v<version>:<subscription>``
is then stable across retries and restarts, and a slow receiver only delays its own subscription.
The worker wakes at once when the pipeline stores an alert and otherwise polls, so retries that
fall due are picked up. Before sending, the record's releasability is refreshed from the store (an
analyst may have narrowed it since the item was queued); the Dispatcher refuses what is no longer
releasable to the subscription's organisation.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from seawarden.deliver import DeliveryRequest, Dispatcher, Outcome, Subscription
from seawarden.service.metrics import ServiceMetrics
from seawarden.store import OutboxItem, Store

log = logging.getLogger(__name__)


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        dispatcher: Dispatcher,
        subscriptions: Sequence[Subscription],
        metrics: ServiceMetrics,
        *,
        poll_s: float = 1.0,
        claim_limit: int = 50,
        dead_retry_s: float = 600.0,
    ) -> None:
        self.store = store
        self.dispatcher = dispatcher
        self.subscriptions = {s.id: s for s in subscriptions if s.enabled}
        self.metrics = metrics
        self.poll_s = poll_s
        self.claim_limit = claim_limit
        self.dead_retry_s = dead_retry_s
        self.wake = asyncio.Event()
        self._stopping = False

    def notify(self) -> None:
        """Called on the event loop when the pipeline stored something to deliver."""
        self.wake.set()

    async def run(self) -> None:
        """Deliver until :meth:`stop`; a failing round is logged and retried, never fatal."""
        while not self._stopping:
            self.wake.clear()
            try:
                busy = await self.round()
            except Exception:
                self.metrics.inc("delivery_round_errors")
                log.exception("delivery round failed; retrying in %.1f s", self.poll_s)
                busy = 0
            if busy >= self.claim_limit:
                continue  # more may be due right now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_s)

    def stop(self) -> None:
        self._stopping = True
        self.wake.set()

    async def round(self) -> int:
        """One pass over every subscription; returns the largest batch claimed (0: nothing was due)."""
        largest = 0
        for sub in self.subscriptions.values():
            items = await asyncio.to_thread(self.store.claim_due, sub.id, None, self.claim_limit)
            if items:
                largest = max(largest, len(items))
                await self._send(sub, items)
        return largest

    async def drain(self, timeout_s: float) -> None:
        """Shutdown: deliver what is due now, for at most ``timeout_s``; the rest waits in the outbox."""
        deadline = time.monotonic() + timeout_s
        try:
            async with asyncio.timeout(timeout_s):
                while time.monotonic() < deadline and await self.round():
                    pass
        except TimeoutError:
            log.warning("shutdown: deliveries still due after %.0f s stay in the outbox", timeout_s)

    async def _send(self, sub: Subscription, items: list[OutboxItem]) -> None:
        requests = []
        for item in items:
            record = dict(item.record)
            record["releasability"] = await asyncio.to_thread(self.store.releasability, item.alert_id)
            requests.append(DeliveryRequest(record, sub, attempts_before=max(0, item.attempts - 1)))
        deliveries = await self.dispatcher.dispatch(requests)
        for item, delivery in zip(items, deliveries, strict=True):
            if delivery.outcome is Outcome.DELIVERED:
                await asyncio.to_thread(self.store.mark_delivered, item.id)
                self.metrics.inc("deliveries_ok")
                self.metrics.inc(f"deliveries_ok:{sub.channel}")
                continue
            self.metrics.inc(f"deliveries_{delivery.outcome}")
            # DEAD from the dispatcher (refused, not retryable, out of attempts): the store has no
            # "dead now" call, so the item waits long and the store buries it after its last attempt.
            next_at = delivery.next_attempt_at or (time.time() + self.dead_retry_s)
            await asyncio.to_thread(self.store.mark_failed, item.id, delivery.detail, next_at)
