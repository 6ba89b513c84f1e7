"""NATS JetStream: a feeder publishing AIS records on ``<subject>.<mmsi>``, and a pull-consumer source.

A stream is one ordered log, so one consumer sees each vessel's records in publish order; the MMSI
token lets a consumer filter one vessel, or a server subject mapping spread vessels over partitions
(``partition(n, wildcard)``) while keeping each in one. The feeder publishes asynchronously but in
order on one connection (JetStream stores in arrival order) and counts acknowledgements.
"""

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType, StreamConfig

from seawarden.sources.bus import DEFAULT_MAX_LINE, BusLineSource, BusRecord, InRecord, backoff

log = logging.getLogger(__name__)

#: Header with the record's key, for consumers that read the payload without parsing the subject.
KEY_HEADER = "Seawarden-Key"


async def ensure_stream(js: JetStreamContext, stream: str, subject: str, create: bool = True) -> None:
    """The stream exists and covers ``<subject>.>``; created (file storage) if missing and allowed."""
    try:
        info = await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        if not create:
            raise RuntimeError(f"JetStream stream {stream} does not exist") from None
        await js.add_stream(
            StreamConfig(
                name=stream,
                subjects=[f"{subject}.>"],
                storage=StorageType.FILE,
                description="SeaWarden raw AIS, one record per AIS message, subject token = MMSI",
            )
        )
        log.info("created JetStream stream %s for %s.>", stream, subject)
        return
    subjects = info.config.subjects or []
    if f"{subject}.>" not in subjects and ">" not in subjects:
        log.warning("stream %s has subjects %s; %s.> may not be stored there", stream, subjects, subject)


class NatsFeeder:
    """Publishes records to JetStream with up to ``max_pending`` acknowledgements outstanding."""

    def __init__(self, servers: str | list[str], stream: str, subject: str, max_pending: int = 2000) -> None:
        self.servers = servers
        self.stream, self.subject = stream, subject
        self.max_pending = max_pending
        self.delivered = 0
        self.failed = 0
        self.first_error = ""
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._pending: deque[asyncio.Future[Any]] = deque()

    async def _error_cb(self, exc: Exception) -> None:
        log.debug("NATS feeder: %r", exc)  # connect failures are raised by connect() itself

    async def connect(self, timeout_s: float = 5.0) -> None:
        self._nc = await nats.connect(
            self.servers,
            connect_timeout=timeout_s,
            allow_reconnect=False,
            name="seawarden-feed",
            error_cb=self._error_cb,
        )
        self._js = self._nc.jetstream(timeout=timeout_s, publish_async_max_pending=self.max_pending)
        await ensure_stream(self._js, self.stream, self.subject)

    async def publish(self, record: BusRecord) -> None:
        assert self._js is not None, "connect() first"
        future = await self._js.publish_async(
            f"{self.subject}.{record.key}",
            record.payload,
            stream=self.stream,
            headers={KEY_HEADER: record.key},
        )
        self._pending.append(future)
        while self._pending and self._pending[0].done():
            self._settle(self._pending.popleft())

    def _settle(self, future: asyncio.Future[Any]) -> None:
        exc = future.exception() if not future.cancelled() else asyncio.CancelledError()
        if exc is None:
            self.delivered += 1
            return
        self.failed += 1
        if not self.first_error:
            self.first_error = repr(exc)
        if self.failed <= 5:
            log.error("JetStream publish to %s failed: %r", self.stream, exc)

    async def flush(self, timeout_s: float = 30.0) -> int:
        """Wait for outstanding acknowledgements; returns how many never came (counted as failed)."""
        if self._pending:
            await asyncio.wait(list(self._pending), timeout=timeout_s)
        left = 0
        while self._pending:
            future = self._pending.popleft()
            if future.done():
                self._settle(future)
            else:
                future.cancel()
                left += 1
        self.failed += left
        return left

    async def close(self) -> None:
        if self._nc is not None and not self._nc.is_closed:
            with contextlib.suppress(Exception):
                await self._nc.close()


class JetStreamLineSource(BusLineSource):
    """Durable pull consumer on ``<subject>.>``; each record acked once its lines were handed on.

    Fetches ask for no more records than the queue has room for, so unacknowledged records never
    wait long in our queue (``ack_wait_s`` must exceed the time the pipeline needs for one queue).
    """

    def __init__(
        self,
        servers: list[str],
        stream: str,
        subject: str,
        durable: str,
        *,
        name: str | None = None,
        create_stream: bool = True,
        connect_options: dict[str, Any] | None = None,
        queue_size: int = 10_000,
        batch: int = 500,
        poll_timeout_s: float = 0.5,
        ack_wait_s: float = 60.0,
        initial_backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        max_line_bytes: int = DEFAULT_MAX_LINE,
    ) -> None:
        super().__init__(name or f"nats:{stream}", queue_size, max_line_bytes)
        self.servers, self.stream, self.subject, self.durable = servers, stream, subject, durable
        self.create_stream = create_stream
        self.connect_options = dict(connect_options or {})
        self.batch = batch
        self.poll_timeout_s = poll_timeout_s
        self.ack_wait_s = ack_wait_s
        self.initial_backoff_s, self.max_backoff_s = initial_backoff_s, max_backoff_s
        self.ack_failures = 0
        self._nc: NatsClient | None = None
        self._sub: Any = None

    async def _error_cb(self, exc: Exception) -> None:
        self.errors += 1
        log.warning("%s: %s", self.name, exc or type(exc).__name__)

    async def _reconnected_cb(self) -> None:
        self.reconnects += 1
        log.info("%s: reconnected", self.name)

    async def _connect(self) -> None:
        nc = await nats.connect(
            self.servers,
            name=f"seawarden-{self.name}",
            connect_timeout=5,
            allow_reconnect=True,  # the client rides out outages itself; the pull consumer is durable
            max_reconnect_attempts=-1,
            reconnect_time_wait=self.initial_backoff_s,
            error_cb=self._error_cb,
            reconnected_cb=self._reconnected_cb,
            **self.connect_options,
        )
        self._nc = nc
        js = nc.jetstream(timeout=10)
        await ensure_stream(js, self.stream, self.subject, self.create_stream)
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            ack_wait=self.ack_wait_s,
            max_ack_pending=max(self.queue.maxsize * 2, 1000),
            filter_subject=f"{self.subject}.>",
        )
        self._sub = await js.pull_subscribe(
            f"{self.subject}.>", durable=self.durable, stream=self.stream, config=config
        )
        log.info("%s: pulling %s.> from %s as %s", self.name, self.subject, self.stream, self.durable)

    async def _run(self) -> None:
        attempt = 0
        full = False
        while not self._stopping.is_set():
            try:
                if self._sub is None:
                    await self._connect()
                room = self.room()
                if room <= 0:
                    if not full:
                        self.pauses += 1
                    full = True
                    await asyncio.sleep(0.02)
                    continue
                full = False
                try:
                    msgs = await self._sub.fetch(min(room, self.batch), timeout=self.poll_timeout_s)
                except TimeoutError:  # nothing to fetch (nats.errors.TimeoutError is one too)
                    msgs = []
                attempt = 0
                for msg in msgs:
                    meta = msg.metadata
                    where = f"{self.stream} seq {meta.sequence.stream}" if meta else self.stream
                    self.queue.put_nowait(self.record(msg.data, msg, where))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # connection, stream or consumer trouble: start over
                self.errors += 1
                attempt += 1
                delay = backoff(attempt, self.initial_backoff_s, self.max_backoff_s)
                log.warning("%s: %r; reconnecting in %.1f s", self.name, exc, delay)
                await self._disconnect()
                self.reconnects += 1
                await self._sleep_or_stop(delay)

    async def _disconnect(self) -> None:
        nc, self._nc, self._sub = self._nc, None, None
        if nc is not None and not nc.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(nc.close(), 5)

    async def _handed_on(self, record: InRecord) -> None:
        try:
            await record.ack.ack()
        except Exception as exc:  # JetStream redelivers it after ack_wait (at least once)
            self.ack_failures += 1
            log.warning("%s: ack failed (%s); the record will be redelivered", self.name, exc)

    async def _finish(self) -> None:
        """Nak what was not handed on (redelivered at once to the next consumer), flush the acks."""
        nc = self._nc
        for record in self.unhanded():
            with contextlib.suppress(Exception):
                await record.ack.nak()
        if nc is not None and not nc.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(nc.flush(), 5)  # the last acks reach the server
        await self._disconnect()
