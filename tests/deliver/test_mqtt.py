"""MQTT channel against the Mosquitto broker on 127.0.0.1:1883, checked by a real subscriber."""

import asyncio
import json
import time
import uuid

import aiomqtt
import pytest

from seawarden.deliver import DeliveryError
from seawarden.deliver.config import MqttConfig
from seawarden.deliver.mqtt import MqttChannel, topic_for
from tests.deliver.conftest import MQTT_ADDR, free_port, make_record, require_service

pytestmark = pytest.mark.anyio


def test_topic_levels_are_safe():
    assert topic_for("sw", make_record()) == "sw/alerts/high/anchor_drag_suspected"
    assert topic_for("sw", make_record(kind="a/b#+", severity=None)) == "sw/alerts/unknown/a_b__"


async def test_publish_qos1_reaches_a_subscriber(record):
    require_service("Mosquitto", MQTT_ADDR)
    prefix = f"seawarden-test-{uuid.uuid4().hex[:8]}"
    channel = MqttChannel(
        MqttConfig(
            name="m", org="fi-navy", host=MQTT_ADDR[0], port=MQTT_ADDR[1], topic_prefix=prefix, timeout_s=3
        )
    )
    async with aiomqtt.Client(
        MQTT_ADDR[0], MQTT_ADDR[1], protocol=aiomqtt.ProtocolVersion.V5, timeout=3
    ) as sub:
        await sub.subscribe(f"{prefix}/alerts/#", qos=1)
        try:
            started = time.perf_counter()
            await channel.send(record, idempotency_key="a-1:v1:s")
            print(f"\nMQTT QoS1 publish latency (PUBACK): {1000 * (time.perf_counter() - started):.1f} ms")
            await channel.send(make_record(severity="critical", kind="ais_gap"), idempotency_key="a-2:v1:s")
            received = []
            async with asyncio.timeout(5):
                async for message in sub.messages:
                    received.append(message)
                    if len(received) == 2:
                        break
        finally:
            await channel.close()
    first, second = received
    assert str(first.topic) == f"{prefix}/alerts/high/anchor_drag_suspected"
    assert str(second.topic) == f"{prefix}/alerts/critical/ais_gap"
    assert json.loads(first.payload) == record
    assert first.qos == 1
    assert ("idempotency-key", "a-1:v1:s") in first.properties.UserProperty
    assert first.properties.ContentType == "application/json"


async def test_broker_down_is_retryable(record):
    channel = MqttChannel(MqttConfig(name="m", org="o", host="127.0.0.1", port=free_port(), timeout_s=2))
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(record, idempotency_key="k")
    finally:
        await channel.close()
    assert caught.value.retryable and "cannot connect" in caught.value.detail


async def test_record_without_severity_is_not_retryable(record):
    channel = MqttChannel(MqttConfig(name="m", org="o", port=free_port()))
    with pytest.raises(DeliveryError) as caught:
        await channel.send({**record, "severity": None}, idempotency_key="k")
    assert not caught.value.retryable
