"""Apache Kafka: a feeder that publishes AIS records keyed by MMSI, and a consumer source for ``serve``.

confluent-kafka (librdkafka) rather than aiokafka: it is the one client in the ``kafka`` extra, the
same library serves the producer, the consumer and the delivery channel, and its mock cluster lets
CI test the real wire protocol. Its consumer is blocking, so each source owns one thread that makes
every consumer call (poll, commit, pause, close); librdkafka does the fetching and reconnecting.

The producer uses ``murmur2_random``, the Java client's partitioner, so a record lands in the same
partition whichever client wrote it, and idempotence, so its retries neither duplicate nor reorder.
"""

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from seawarden.sources.bus import DEFAULT_MAX_LINE, BusLineSource, BusRecord, InRecord, backoff

log = logging.getLogger(__name__)

T = TypeVar("T")
INSTALL_HINT = "Kafka support needs confluent-kafka: pip install 'seawarden[kafka]'"


def kafka_module() -> Any:
    """confluent_kafka, imported on first use (it is an optional extra)."""
    try:
        import confluent_kafka
    except ImportError as exc:
        raise RuntimeError(INSTALL_HINT) from exc
    return confluent_kafka


def producer_config(bootstrap: str, options: Mapping[str, str] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,  # acks=all, retries keep order and do not duplicate
        "partitioner": "murmur2_random",  # the Java client's: same key -> same partition everywhere
        "linger.ms": 20,
        "client.id": "seawarden",
    }
    config.update(options or {})
    return config


class KafkaFeeder:
    """Publishes records (synchronously, for the CLI); delivery reports are counted, never raised."""

    def __init__(self, bootstrap: str, topic: str, options: Mapping[str, str] | None = None) -> None:
        self.topic = topic
        self.delivered = 0
        self.failed = 0
        self.first_error = ""
        self._producer = kafka_module().Producer(producer_config(bootstrap, options))

    def _report(self, err: Any, _msg: Any) -> None:
        if err is None:
            self.delivered += 1
            return
        self.failed += 1
        if not self.first_error:
            self.first_error = str(err)
        if self.failed <= 5:
            log.error("Kafka delivery to %s failed: %s", self.topic, err)

    def publish(self, record: BusRecord) -> None:
        payload = record.payload
        while True:
            try:
                self._producer.produce(self.topic, payload, record.key.encode(), on_delivery=self._report)
                break
            except BufferError:  # local queue full: let librdkafka send some, then try again
                self._producer.poll(0.2)
        self._producer.poll(0)

    def flush(self, timeout_s: float = 30.0) -> int:
        """Wait for outstanding deliveries; returns how many are still not acknowledged."""
        left = self._producer.flush(timeout_s)
        return int(left)


class KafkaLineSource(BusLineSource):
    """Consumer-group member reading one topic; offsets committed only for lines handed on.

    Commits go out every ``commit_interval_s``, when partitions are revoked, and at stop. A full queue
    pauses the assigned partitions (the consumer keeps polling so it stays in the group).
    """

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        group_id: str,
        *,
        name: str | None = None,
        auto_offset_reset: str = "earliest",
        options: Mapping[str, str] | None = None,
        queue_size: int = 10_000,
        batch: int = 500,
        poll_timeout_s: float = 0.2,
        commit_interval_s: float = 1.0,
        initial_backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        max_line_bytes: int = DEFAULT_MAX_LINE,
    ) -> None:
        super().__init__(name or f"kafka:{topic}", queue_size, max_line_bytes)
        kafka_module()  # fail at construction, with the install hint, when the extra is missing
        self.topic = topic
        self.config: dict[str, Any] = {
            "bootstrap.servers": bootstrap,
            "group.id": group_id,
            "auto.offset.reset": auto_offset_reset,
            "enable.auto.commit": False,
            "enable.auto.offset.store": False,
            "client.id": f"seawarden-{self.name}",
            "reconnect.backoff.ms": int(initial_backoff_s * 1000),
            "reconnect.backoff.max.ms": int(max_backoff_s * 1000),
        }
        self.config.update(options or {})
        self.batch = batch
        self.poll_timeout_s = poll_timeout_s
        self.commit_interval_s = commit_interval_s
        self.initial_backoff_s, self.max_backoff_s = initial_backoff_s, max_backoff_s
        self.commits = 0
        self._consumer: Any = None
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"seawarden-{self.name}")
        self._done: dict[tuple[str, int], int] = {}  # next offset to commit, per partition handed on
        self._committed: dict[tuple[str, int], int] = {}
        # bumped on every assign/revoke: a queued record of an older assignment is not ours to hand on
        self._generation: dict[tuple[str, int], int] = {}
        self._carry: deque[Any] = deque()  # fetched while paused, not yet queued
        self._paused = False

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    # -- fetching (event loop; consumer calls on the one thread) ----------------------------------

    def _open(self) -> Any:
        consumer = kafka_module().Consumer(self.config, logger=log)
        consumer.subscribe([self.topic], on_assign=self._on_assign, on_revoke=self._on_revoke)
        return consumer

    def _on_assign(self, consumer: Any, partitions: list[Any]) -> None:
        for p in partitions:
            self._generation[(p.topic, p.partition)] = self._generation.get((p.topic, p.partition), 0) + 1
        log.info("%s: assigned %s", self.name, ", ".join(str(p.partition) for p in partitions) or "nothing")
        if self._paused:
            consumer.pause(partitions)

    def _on_revoke(self, consumer: Any, partitions: list[Any]) -> None:
        revoked = {(p.topic, p.partition) for p in partitions}
        self._commit_sync(consumer, only=revoked)
        for tp in revoked:
            self._done.pop(tp, None)
            self._committed.pop(tp, None)
            self._generation[tp] = self._generation.get(tp, 0) + 1  # queued records become stale

    def _commit_sync(self, consumer: Any, only: set[tuple[str, int]] | None = None) -> None:
        """Commit offsets of handed-on records (consumer thread); a failed commit is retried later."""
        pending = {
            tp: off
            for tp, off in dict(self._done).items()
            if (only is None or tp in only) and self._committed.get(tp) != off
        }
        if not pending:
            return
        tps = [kafka_module().TopicPartition(t, p, off) for (t, p), off in pending.items()]
        try:
            consumer.commit(offsets=tps, asynchronous=False)
        except Exception as exc:  # KafkaException; the offsets stay pending
            self.errors += 1
            log.warning("%s: offset commit failed: %s", self.name, exc)
            return
        self._committed.update(pending)
        self.commits += 1

    async def _run(self) -> None:
        attempt = 0
        last_commit = time.monotonic()
        while not self._stopping.is_set():
            try:
                if self._consumer is None:
                    self._consumer = await self._call(self._open)
                    log.info("%s: consumer for %s started", self.name, self.topic)
                await self._fetch_once()
                attempt = 0
                if time.monotonic() - last_commit >= self.commit_interval_s:
                    await self._call(self._commit_sync, self._consumer)
                    last_commit = time.monotonic()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # KafkaException or a closed consumer: start over
                self.errors += 1
                attempt += 1
                delay = backoff(attempt, self.initial_backoff_s, self.max_backoff_s)
                log.warning("%s: consumer failed (%s); new consumer in %.1f s", self.name, exc, delay)
                await self._drop_consumer()
                self.reconnects += 1
                await self._sleep_or_stop(delay)

    async def _fetch_once(self) -> None:
        while self._carry and self.room() > 0:
            self._enqueue(self._carry.popleft())
        room = self.room()
        if room <= 0 or self._carry:
            if not self._paused:
                self.pauses += 1
                await self._call(self._pause, True)
            # keep polling (stays a group member, serves rebalances); partitions are paused
            for msg in await self._call(self._consumer.consume, 1, self.poll_timeout_s):
                self._carry.append(msg)
            return
        if self._paused:
            await self._call(self._pause, False)
        for msg in await self._call(self._consumer.consume, min(room, self.batch), self.poll_timeout_s):
            self._enqueue(msg)

    def _pause(self, pause: bool) -> None:
        assignment = self._consumer.assignment()
        if assignment:
            (self._consumer.pause if pause else self._consumer.resume)(assignment)
        self._paused = pause

    def _enqueue(self, msg: Any) -> None:
        err = msg.error()
        if err is not None:
            self.errors += 1
            if err.fatal():
                raise kafka_module().KafkaException(err)
            log.warning("%s: %s", self.name, err)
            return
        where = f"{msg.topic()}[{msg.partition()}]@{msg.offset()}"
        tp = (msg.topic(), msg.partition())
        ack = (*tp, msg.offset(), self._generation.get(tp, 0))
        self.queue.put_nowait(self.record(msg.value(), ack, where))

    async def _drop_consumer(self) -> None:
        consumer, self._consumer = self._consumer, None
        self._carry.clear()
        self._paused = False
        if consumer is not None:
            with contextlib.suppress(Exception):
                await self._call(consumer.close)

    # -- hand-off and shutdown ----------------------------------------------------------------------

    def _stale(self, record: InRecord) -> bool:
        """Fetched before its partition was revoked: its new owner reads it again from the commit."""
        topic, partition, _offset, generation = record.ack
        return self._generation.get((topic, partition)) != generation

    async def _handed_on(self, record: InRecord) -> None:
        topic, partition, offset, _generation = record.ack
        self._done[(topic, partition)] = offset + 1

    async def _finish(self) -> None:
        consumer, self._consumer = self._consumer, None
        try:
            if consumer is not None:
                await self._call(self._commit_sync, consumer)
                await self._call(consumer.close)
                log.info("%s: closed after %d commits", self.name, self.commits)
        finally:
            self._executor.shutdown(wait=False)
