"""Sources -> the pipeline's bounded work queue, with back-pressure instead of silent loss.

Network sources (``seawarden.sources.network``) already pause a TCP peer when their own queue is
full; the forwarders here move their lines into the one work queue and, when that is full, wait (and
count the wait) rather than drop, so the pause reaches the TCP reader. UDP cannot be paused: its
source drops and counts. Message-bus sources (Kafka, NATS JetStream) stop fetching when full and
acknowledge a record only once its lines are in the work queue. Recorded files are read and decoded
in a thread of their own, paced by their event times (N x real time) and played one source after
another, in configuration order.
"""

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from seawarden.decode import Decoder
from seawarden.service.config import (
    FileSource,
    KafkaSource,
    NatsJetStreamSource,
    SourceConfig,
    TcpConnectSource,
    TcpListenSource,
    UdpSource,
)
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.worker import RawLine, WorkItem
from seawarden.sources import SourceError, read_messages
from seawarden.sources.bus import BusLineSource
from seawarden.sources.network import TcpClientSource, TcpServerSource
from seawarden.sources.network import UdpSource as UdpListener

log = logging.getLogger(__name__)

NetworkSource = TcpServerSource | TcpClientSource | UdpListener | BusLineSource

#: How often a producer blocked on a full queue looks again (and at the stop flag).
FULL_QUEUE_POLL_S = 0.005


def build_network_source(config: SourceConfig, queue_size: int) -> NetworkSource:
    if isinstance(config, TcpListenSource):
        return TcpServerSource(config.host, config.port, name=config.name, queue_size=queue_size)
    if isinstance(config, TcpConnectSource):
        return TcpClientSource(config.host, config.port, name=config.name, queue_size=queue_size)
    if isinstance(config, UdpSource):
        return UdpListener(config.host, config.port, name=config.name, queue_size=queue_size)
    if isinstance(config, KafkaSource):
        return build_kafka_source(config, queue_size)
    if isinstance(config, NatsJetStreamSource):
        return build_jetstream_source(config, queue_size)
    raise TypeError(f"not a network source: {type(config).__name__}")


def build_kafka_source(config: KafkaSource, queue_size: int) -> BusLineSource:
    """Kafka consumer source (confluent-kafka imported here: it is an optional extra)."""
    from seawarden.sources.bus_kafka import KafkaLineSource

    options = config.client_options()
    return KafkaLineSource(
        config.bootstrap_servers,
        config.topic,
        config.group_id,
        name=config.name,
        auto_offset_reset=config.auto_offset_reset,
        options=options,
        queue_size=queue_size,
        commit_interval_s=config.commit_interval_s,
    )


def build_jetstream_source(config: NatsJetStreamSource, queue_size: int) -> BusLineSource:
    from seawarden.sources.bus_nats import JetStreamLineSource

    connect: dict[str, object] = {}
    if config.user:
        connect["user"] = config.user
    if config.password is not None:
        connect["password"] = config.password.get_secret_value()
    if config.token is not None:
        connect["token"] = config.token.get_secret_value()
    if config.credentials_file:
        connect["user_credentials"] = config.credentials_file
    return JetStreamLineSource(
        config.servers,
        config.stream,
        config.subject,
        config.durable,
        name=config.name,
        create_stream=config.create_stream,
        connect_options=connect,
        queue_size=queue_size,
        ack_wait_s=config.ack_wait_s,
    )


async def put_work(work: "queue.Queue[WorkItem]", item: WorkItem, metrics: ServiceMetrics) -> None:
    """Enqueue from the event loop without blocking it; a full queue makes the caller wait (counted)."""
    try:
        work.put_nowait(item)
        return
    except queue.Full:
        metrics.inc("queue_full_waits")
    while True:
        await asyncio.sleep(FULL_QUEUE_POLL_S)
        try:
            work.put_nowait(item)
            return
        except queue.Full:
            continue


async def forward(source: NetworkSource, work: "queue.Queue[WorkItem]", metrics: ServiceMetrics) -> None:
    """Move every line of ``source`` to the work queue until the source ends (after ``stop``)."""
    async for line, origin in source:
        metrics.inc("lines_received")
        await put_work(work, RawLine(line, origin), metrics)


class Pacer:
    """Sleeps so event time runs ``speed`` x faster than wall time; re-bases after long stalls."""

    def __init__(self, speed: float | None, sleep: Callable[[float], object] = time.sleep) -> None:
        self.speed = speed
        self._sleep = sleep
        self._origin: tuple[float, float] | None = None

    def wait(self, event_time: float) -> None:
        if not self.speed:
            return
        now = time.monotonic()
        if self._origin is None or event_time < self._origin[0]:
            self._origin = (event_time, now)  # first message, or a file whose clock starts earlier
            return
        t0, w0 = self._origin
        due = w0 + (event_time - t0) / self.speed
        if due > now:
            self._sleep(min(due - now, 5.0))
        elif now - due > 30.0:  # far behind (slow consumer): re-base instead of bursting
            self._origin = (event_time, now)


class FilePlayer(threading.Thread):
    """Plays file sources in order into the work queue; sets ``done`` at the end (or on stop)."""

    def __init__(
        self,
        sources: Sequence[FileSource],
        work: "queue.Queue[WorkItem]",
        metrics: ServiceMetrics,
        decoder_factory: Callable[[], Decoder],
    ) -> None:
        super().__init__(name="seawarden-files", daemon=True)
        self.sources = list(sources)
        self.work = work
        self.metrics = metrics
        self.decoder_factory = decoder_factory
        self.stop_requested = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        try:
            for source in self.sources:
                if self.stop_requested.is_set():
                    break
                self._play(source)
        finally:
            self.done.set()

    def _play(self, source: FileSource) -> None:
        decoder = self.decoder_factory()
        pacer = Pacer(source.speed, sleep=self.stop_requested.wait)
        label = source.name or ", ".join(source.paths)
        log.info("playing %s at %s", label, f"{source.speed:g}x" if source.speed else "full speed")
        try:
            for msg in read_messages(source.paths, decoder=decoder):
                pacer.wait(msg.timestamp)
                if self.stop_requested.is_set() or not self._put(msg):
                    return
                self.metrics.inc("file_messages")
        except SourceError as exc:
            self.metrics.inc("file_errors")
            log.error("file source %s stopped: %s", label, exc)
        finally:
            self.metrics.inc("file_rejects", sum(decoder.stats.rejects.values()))
            log.info(
                "file source %s: %s lines, %s messages", label, decoder.stats.lines, decoder.stats.messages
            )

    def _put(self, item: WorkItem) -> bool:
        """Blocking put that still notices a stop request; False when stopped."""
        try:
            self.work.put_nowait(item)
            return True
        except queue.Full:
            self.metrics.inc("queue_full_waits")
        while not self.stop_requested.is_set():
            try:
                self.work.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False
