"""Kafka feeder and consumer source against librdkafka's mock cluster (a real Kafka-protocol broker).

The mock auto-creates topics with 4 partitions, so keying and per-partition order are really tested.
"""

import asyncio
import contextlib
import uuid
from collections import defaultdict
from pathlib import Path

import pytest

from seawarden.sources import open_lines
from seawarden.sources.bus import RecordBatcher
from tests.sources.bus_helpers import collect, wait_full

kafka = pytest.importorskip("confluent_kafka", reason="the kafka extra is not installed")

from seawarden.sources.bus_kafka import KafkaFeeder, KafkaLineSource  # noqa: E402

KYSTVERKET = Path(__file__).resolve().parents[1] / "data" / "corpora" / "kystverket" / "Ais1000Lines.nm4"
TYPE5 = [
    "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
    "!AIVDM,2,2,3,B,1@0000000000000,2*55",
]


@pytest.fixture(scope="module")
def bootstrap():
    """One mock cluster for the module; it lives as long as the producer that created it."""
    owner = kafka.Producer({"test.mock.num.brokers": 1, "log_level": 3})
    brokers = owner.list_topics(timeout=5).brokers.values()
    yield ",".join(f"{b.host}:{b.port}" for b in brokers)
    owner.flush(1)


def topic_name() -> str:
    return f"ais-{uuid.uuid4().hex[:8]}"


def read_partitions(bootstrap: str, topic: str, expected: int) -> dict[int, list]:
    """Every message of the topic by partition, with assign() (no group join)."""
    consumer = kafka.Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "reader", "enable.auto.commit": False}
    )
    partitions = consumer.list_topics(topic, timeout=5).topics[topic].partitions
    consumer.assign([kafka.TopicPartition(topic, p, kafka.OFFSET_BEGINNING) for p in partitions])
    out: dict[int, list] = defaultdict(list)
    got = 0
    for _ in range(100):
        for msg in consumer.consume(1000, 0.1):
            assert msg.error() is None
            out[msg.partition()].append(msg)
            got += 1
        if got >= expected:
            break
    consumer.close()
    return out


def test_feeder_keys_by_mmsi_one_partition_per_vessel_in_order(bootstrap):
    topic = topic_name()
    lines = [*open_lines(str(KYSTVERKET)), *TYPE5]
    records = list(RecordBatcher().records(lines))
    feeder = KafkaFeeder(bootstrap, topic)
    for record in records:
        feeder.publish(record)
    assert feeder.flush(10) == 0 and feeder.failed == 0 and feeder.delivered == len(records)

    by_partition = read_partitions(bootstrap, topic, len(records))
    assert len(by_partition) > 1  # the vessels really spread over partitions
    partition_of: dict[str, set[int]] = defaultdict(set)
    seen: dict[str, list[bytes]] = defaultdict(list)
    for partition, messages in by_partition.items():
        for msg in messages:
            partition_of[msg.key().decode()].add(partition)
            seen[msg.key().decode()].append(msg.value())
    assert all(len(p) == 1 for p in partition_of.values())  # one vessel, one partition
    sent: dict[str, list[bytes]] = defaultdict(list)
    for record in records:
        sent[record.key].append(record.payload)
    assert seen == sent  # and within it, the order they were sent in
    assert "\n".join(TYPE5).encode() in sent["369190000"]  # the multipart message is one record


def produce(bootstrap: str, topic: str, values: list[bytes | None], keys: int = 7) -> None:
    producer = kafka.Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random"})
    for i, value in enumerate(values):
        producer.produce(topic, value, f"k{i % keys}".encode())
    assert producer.flush(10) == 0


@pytest.mark.anyio
async def test_source_counts_bad_records_and_resumes_without_loss_or_duplicates(bootstrap):
    topic = topic_name()
    good = [f"line-{i}".encode() for i in range(300)]
    bad: list[bytes | None] = [None, b"\xff\xfe broken", b"\n".join([b"x"] * 100), b"y" * 5000]
    produce(bootstrap, topic, good[:150] + bad + good[150:])

    # The mock cluster ignores LeaveGroup: the next member waits out the last one's session timeout,
    # so keep it at the broker minimum (6 s) to keep the test short.
    quick = {"session.timeout.ms": "6000", "heartbeat.interval.ms": "500"}

    def source() -> KafkaLineSource:
        return KafkaLineSource(
            bootstrap, topic, "svc", name="bus", queue_size=50, batch=20, commit_interval_s=0.2, options=quick
        )

    first = source()
    first.start()
    try:
        await wait_full(first)  # nobody reads yet: the source stops fetching, nothing is lost
        assert first._paused
        got1 = await collect(
            first, 120, timeout_s=20.0
        )  # a consumer that stops mid-stream (a crash of its loop)
    finally:
        await first.stop(drain_timeout_s=0.5)
    assert first.commits >= 1
    confirmed = got1[:-1]  # the last line was handed out but the consumer never asked for more

    second = source()
    second.start()
    try:
        got2 = await collect(second, 300 - len(confirmed), timeout_s=20.0)
    finally:
        await second.stop(drain_timeout_s=0.5)
    assert sorted(confirmed + got2) == sorted(v.decode() for v in good)  # nothing lost, none twice
    assert first.bad_records + second.bad_records == 4  # counted, skipped, not fatal
    values = good[:150] + bad + good[150:]
    key_of = {v.decode(): i % 7 for i, v in enumerate(values) if v in good}
    for got in (got1, got2):  # within one key (one partition) the produced order holds
        for k in range(7):
            numbers = [int(line.split("-")[1]) for line in got if key_of[line] == k]
            assert numbers == sorted(numbers)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_stop_before_any_record_is_clean(bootstrap):
    source = KafkaLineSource(bootstrap, topic_name(), "svc", poll_timeout_s=0.1)
    source.start()
    await asyncio.sleep(0.3)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(source.stop(drain_timeout_s=0.5), 5)
    assert source.bad_records == 0
