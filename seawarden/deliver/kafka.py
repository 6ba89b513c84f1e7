"""Kafka channel: the alert record's JSON on one topic, keyed by MMSI.

The key puts every alert of one vessel in one partition, so receivers read them in the order they
were sent (with idempotence on, librdkafka's own retries neither duplicate nor reorder). ``send``
returns only after the broker acknowledged the record (acks=all). A send that times out may still be
stored later and then re-sent by the outbox: receivers drop duplicates by the ``idempotency-key``
header, which is the same for every attempt of one (alert version, subscription).
"""

import asyncio
import logging
import threading
from typing import Any

from seawarden.deliver.channel import record_payload
from seawarden.deliver.config import KafkaConfig
from seawarden.deliver.errors import DeliveryError

log = logging.getLogger(__name__)

#: Delivery-report errors that retrying cannot fix (record or permissions are wrong).
_FINAL_ERRORS = (
    "MSG_SIZE_TOO_LARGE",
    "_MSG_SIZE_TOO_LARGE",
    "TOPIC_AUTHORIZATION_FAILED",
    "CLUSTER_AUTHORIZATION_FAILED",
    "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
    "INVALID_RECORD",
    "TOPIC_EXCEPTION",
    "_INVALID_ARG",
)


def _kafka() -> Any:
    try:
        import confluent_kafka
    except ImportError as exc:
        raise DeliveryError(
            False, "Kafka channel needs confluent-kafka: pip install 'seawarden[kafka]'"
        ) from exc
    return confluent_kafka


class KafkaChannel:
    def __init__(self, config: KafkaConfig) -> None:
        self.name = config.name
        self.org = config.org
        self.config = config
        self._producer: Any = None
        self._poller: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def _settings(self) -> dict[str, Any]:
        cfg = self.config
        settings: dict[str, Any] = {
            "bootstrap.servers": cfg.bootstrap_servers,
            "client.id": f"seawarden-deliver-{cfg.name}",
            "enable.idempotence": True,
            "partitioner": "murmur2_random",  # the Java client's: same key -> same partition everywhere
            "linger.ms": 5,
            "message.timeout.ms": int(cfg.timeout_s * 1000),
        }
        settings.update(cfg.client_options())
        return settings

    def _ready(self) -> Any:
        with self._lock:
            if self._producer is None:
                kafka = _kafka()
                try:
                    self._producer = kafka.Producer(self._settings(), logger=log)
                except (kafka.KafkaException, ValueError, TypeError) as exc:
                    raise DeliveryError(False, f"Kafka producer settings refused: {exc}") from exc
                self._stop = threading.Event()  # one per producer: a discarded one's poller ends
                self._poller = threading.Thread(
                    target=self._poll,
                    args=(self._producer, self._stop),
                    name=f"kafka-{self.name}",
                    daemon=True,
                )
                self._poller.start()
            return self._producer

    @staticmethod
    def _poll(producer: Any, stop: threading.Event) -> None:
        """Serve delivery reports (they resolve the futures ``send`` waits on)."""
        while not stop.is_set():
            producer.poll(0.1)

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        payload = record_payload(record)
        mmsi = record.get("mmsi")
        key = str(mmsi).encode() if mmsi not in (None, "") else None
        producer = self._ready()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[Any] = loop.create_future()

        def report(err: Any, msg: Any) -> None:  # librdkafka's thread: hand over to the loop
            def resolve() -> None:
                if not done.done():
                    done.set_result((err, msg))

            loop.call_soon_threadsafe(resolve)

        kafka = _kafka()
        try:
            producer.produce(
                self.config.topic,
                payload,
                key,
                headers=[
                    ("idempotency-key", idempotency_key.encode()),
                    ("content-type", b"application/json"),
                ],
                on_delivery=report,
            )
        except BufferError as exc:
            raise DeliveryError(True, "Kafka producer queue is full") from exc
        except kafka.KafkaException as exc:
            raise self._error(exc.args[0] if exc.args else exc, "produce") from exc
        try:
            err, msg = await asyncio.wait_for(done, self.config.timeout_s + 2.0)
        except TimeoutError as exc:
            raise DeliveryError(
                True, f"Kafka {self.config.topic} did not acknowledge within {self.config.timeout_s:g} s"
            ) from exc
        if err is not None:
            raise self._error(err, "delivery")
        log.debug("Kafka %s[%s]@%s: %s", msg.topic(), msg.partition(), msg.offset(), idempotency_key)

    def _error(self, err: Any, stage: str) -> DeliveryError:
        kafka = _kafka()
        if not isinstance(err, kafka.KafkaError):
            return DeliveryError(True, f"Kafka {stage} to {self.config.topic} failed: {err}")
        if err.fatal():  # the producer is unusable (e.g. fenced); a fresh one on the next try
            self._discard()
            return DeliveryError(True, f"Kafka producer failed for good, recreating: {err.str()}")
        retryable = err.name() not in _FINAL_ERRORS
        return DeliveryError(
            retryable, f"Kafka {stage} to {self.config.topic} failed: {err.name()}: {err.str()}"
        )

    def _discard(self) -> None:
        with self._lock:
            self._stop.set()
            self._producer = None

    async def close(self) -> None:
        producer = self._producer
        if producer is not None:
            left = await asyncio.to_thread(producer.flush, self.config.timeout_s)
            if left:
                log.warning("Kafka channel %s closed with %d records unacknowledged", self.name, left)
        self._stop.set()
        if self._poller is not None:
            await asyncio.to_thread(self._poller.join, 1.0)
        self._producer = None
