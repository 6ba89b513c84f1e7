"""Kafka delivery channel against librdkafka's mock cluster: keyed by MMSI, acknowledged, errors sorted."""

import json
import socket
import uuid
from collections import defaultdict

import pytest
from pydantic import ValidationError

from seawarden.deliver import DeliveryError, DeliverySettings, build_channel
from seawarden.deliver.config import KafkaConfig
from tests.deliver.conftest import make_record

kafka = pytest.importorskip("confluent_kafka", reason="the kafka extra is not installed")

from seawarden.deliver.kafka import KafkaChannel  # noqa: E402

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def bootstrap():
    owner = kafka.Producer({"test.mock.num.brokers": 1, "log_level": 3})
    yield ",".join(f"{b.host}:{b.port}" for b in owner.list_topics(timeout=5).brokers.values())
    owner.flush(1)


def read_all(bootstrap: str, topic: str, expected: int) -> list:
    consumer = kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": "reader"})
    partitions = consumer.list_topics(topic, timeout=5).topics[topic].partitions
    consumer.assign([kafka.TopicPartition(topic, p, kafka.OFFSET_BEGINNING) for p in partitions])
    got: list = []
    for _ in range(100):
        got += [m for m in consumer.consume(100, 0.1) if m.error() is None]
        if len(got) >= expected:
            break
    consumer.close()
    return got


async def test_records_keyed_by_mmsi_in_send_order(bootstrap):
    topic = f"alerts-{uuid.uuid4().hex[:8]}"
    config = KafkaConfig(name="k", org="fi-navy", bootstrap_servers=bootstrap, topic=topic, timeout_s=5)
    channel = build_channel(config)
    assert isinstance(channel, KafkaChannel)
    sent = [
        make_record(mmsi=mmsi, version=v, id=f"a-{mmsi}") for v in range(1, 6) for mmsi in (1, 2, 3, 4, 5)
    ]
    try:
        for record in sent:
            await channel.send(record, idempotency_key=f"{record['id']}:v{record['version']}:s")
    finally:
        await channel.close()
    got = read_all(bootstrap, topic, len(sent))
    assert len(got) == len(sent)
    partitions: dict[bytes, set[int]] = defaultdict(set)
    versions: dict[bytes, list[int]] = defaultdict(list)
    for msg in got:
        partitions[msg.key()].add(msg.partition())
        record = json.loads(msg.value())
        assert msg.key() == str(record["mmsi"]).encode()
        assert dict(msg.headers())["idempotency-key"] == f"{record['id']}:v{record['version']}:s".encode()
        versions[msg.key()].append(record["version"])
    assert all(len(p) == 1 for p in partitions.values())
    assert all(v == [1, 2, 3, 4, 5] for v in versions.values())  # one vessel's alerts stay in order
    assert len({p for ps in partitions.values() for p in ps}) > 1


async def test_unreachable_broker_is_a_retryable_failure(record):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once closed
    channel = KafkaChannel(KafkaConfig(name="k", org="o", bootstrap_servers=f"127.0.0.1:{port}", timeout_s=1))
    try:
        with pytest.raises(DeliveryError) as info:
            await channel.send(record, idempotency_key="a:v1:s")
        assert info.value.retryable
    finally:
        await channel.close()


async def test_bad_record_and_bad_settings_are_not_retryable(bootstrap, record):
    channel = KafkaChannel(KafkaConfig(name="k", org="o", bootstrap_servers=bootstrap, timeout_s=2))
    with pytest.raises(DeliveryError) as info:
        await channel.send({**record, "kind": None}, idempotency_key="x")
    assert not info.value.retryable
    with pytest.raises(DeliveryError) as info:
        await channel.send({**record, "bad": float("nan")}, idempotency_key="x")
    assert not info.value.retryable
    await channel.close()
    broken = KafkaChannel(
        KafkaConfig(name="k", org="o", bootstrap_servers=bootstrap, options={"acks": "maybe"})
    )
    with pytest.raises(DeliveryError) as info:
        await broken.send(record, idempotency_key="x")
    assert not info.value.retryable
    await broken.close()


def test_config_is_part_of_delivery_settings():
    settings = DeliverySettings.model_validate(
        {
            "channels": [{"type": "kafka", "name": "bus", "org": "o", "bootstrap_servers": "k:9092"}],
            "subscriptions": [{"id": "s", "org": "o", "communities": ["JEF"], "channel": "bus"}],
        }
    )
    assert isinstance(settings.channels[0], KafkaConfig) and settings.channels[0].topic == "seawarden.alerts"
    with pytest.raises(ValidationError):
        KafkaConfig(name="k", org="o", options={"sasl.password": "x"})
    with pytest.raises(ValidationError):
        KafkaConfig(name="k", org="o", topic="bad topic")
