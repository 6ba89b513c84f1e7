"""In-process fan-out of live alerts and vessel updates to WebSocket clients.

The pipeline thread publishes; each connected client owns a bounded queue that its own asyncio
task drains. Publishing never blocks on a client: a slow client loses its *oldest* messages (the
newest picture matters most at sea), the loss is counted and the client is told how many it
missed. Releasability and the client's filter are applied at publish time with
:func:`seawarden.deliver.visible`, so a queue never holds a record its reader may not see.
"""

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

from seawarden.deliver import AlertFilter, Audience, visible
from seawarden.types import Severity

log = logging.getLogger("seawarden.api.hub")


class Subscriber:
    """One WebSocket client's queue; created and drained on the event loop, fed from any thread."""

    def __init__(
        self,
        audience: Audience,
        wanted: AlertFilter | None,
        want_vessels: bool,
        max_queue: int,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.audience = audience
        self.wanted = wanted
        self.want_vessels = want_vessels
        self._queue: deque[dict[str, Any]] = deque()
        self._max = max_queue
        self._lock = threading.Lock()
        self._loop = loop
        self._ready = asyncio.Event()
        self.dropped_total = 0
        self._dropped_unreported = 0

    def offer(self, message: dict[str, Any]) -> int:
        """Queue a message (thread-safe); returns how many old messages it pushed out (0 or 1)."""
        dropped = 0
        with self._lock:
            if len(self._queue) >= self._max:
                self._queue.popleft()
                dropped = 1
                self.dropped_total += 1
                self._dropped_unreported += 1
            self._queue.append(message)
        with contextlib.suppress(RuntimeError):  # the client's loop is closed: it is going away
            self._loop.call_soon_threadsafe(self._ready.set)
        return dropped

    def drain(self) -> list[dict[str, Any]]:
        """Everything queued, preceded by a ``dropped`` notice when messages were lost."""
        with self._lock:
            items = list(self._queue)
            self._queue.clear()
            lost, self._dropped_unreported = self._dropped_unreported, 0
            self._ready.clear()
        if lost:
            items.insert(0, {"type": "dropped", "count": lost})
        return items

    async def wait(self, timeout: float) -> list[dict[str, Any]]:
        """Messages as soon as there are any, or an empty list after ``timeout`` seconds."""
        deadline = self._loop.time() + timeout
        while True:
            remaining = deadline - self._loop.time()
            if not self._ready.is_set():
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(self._ready.wait(), remaining)
                except TimeoutError:
                    return []
            items = self.drain()
            if items:  # else a wake-up for messages an earlier drain already took
                return items


class Hub:
    """Thread-safe publisher of alert records and vessel updates to the connected subscribers."""

    def __init__(self, max_queue: int = 1000) -> None:
        if max_queue < 1:
            raise ValueError("max_queue must be at least 1")
        self.max_queue = max_queue
        self._subscribers: set[Subscriber] = set()
        self._lock = threading.Lock()
        self.stats: dict[str, int] = {"published": 0, "delivered": 0, "dropped": 0, "subscribers": 0}

    def subscribe(
        self, audience: Audience, wanted: AlertFilter | None = None, want_vessels: bool = False
    ) -> Subscriber:
        """A new subscriber queue; call from the event loop that will drain it.

        Without a filter every severity is wanted, but a record whose severity or kind cannot be
        read still reaches nobody (the filter is what checks them: fail closed).
        """
        wanted = wanted or AlertFilter(min_severity=Severity.INFO)
        sub = Subscriber(audience, wanted, want_vessels, self.max_queue, asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(sub)
            self.stats["subscribers"] = len(self._subscribers)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(sub)
            self.stats["subscribers"] = len(self._subscribers)

    def publish_alert(self, record: dict[str, Any]) -> None:
        """Fan one alert record out to every subscriber allowed to see it and wanting it."""
        if not isinstance(record, Mapping):
            log.warning("hub: not an alert record, ignored: %.200r", record)
            return
        message = {"type": "alert", "alert": record}
        self._fan_out(message, lambda sub: visible(record, sub.audience, sub.wanted))

    def wants_vessels(self) -> bool:
        """Whether any subscriber asked for vessel positions (else the service need not build them)."""
        with self._lock:
            return any(sub.want_vessels for sub in self._subscribers)

    def publish_vessels(self, updates: list[dict[str, Any]]) -> None:
        """Fan a batch of vessel positions out to the subscribers that asked for vessels."""
        if not updates:
            return
        message = {"type": "vessels", "vessels": list(updates)}
        self._fan_out(message, lambda sub: sub.want_vessels)

    def _fan_out(self, message: dict[str, Any], accepts: Any) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
            self.stats["published"] += 1
        delivered = dropped = 0
        for sub in subscribers:
            try:
                if not accepts(sub):
                    continue
            except Exception:  # a malformed record reaches nobody rather than crashing the pipeline
                log.exception("hub: filter failed; message not sent to %s", sub.audience.org)
                continue
            dropped += sub.offer(message)
            delivered += 1
        with self._lock:
            self.stats["delivered"] += delivered
            self.stats["dropped"] += dropped
