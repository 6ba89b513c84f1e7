"""NATS JetStream channel against nats-server on 127.0.0.1:4222: created stream, de-duplication."""

import contextlib
import json
import time
import uuid

import nats
import pytest

from seawarden.deliver import DeliveryError
from seawarden.deliver.config import NatsConfig
from seawarden.deliver.jetstream import NatsChannel, subject_for
from tests.deliver.conftest import NATS_ADDR, free_port, make_record, require_service

pytestmark = pytest.mark.anyio
URL = f"nats://{NATS_ADDR[0]}:{NATS_ADDR[1]}"


def test_subject_tokens():
    assert subject_for("seawarden.alerts", make_record()) == "seawarden.alerts.high.anchor_drag_suspected"
    assert subject_for("p", make_record(kind="a.b>*")) == "p.high.a_b__"


async def test_duplicate_publish_is_stored_once(record):
    require_service("nats-server", NATS_ADDR)
    suffix = uuid.uuid4().hex[:8]
    cfg = NatsConfig(
        name="n",
        org="fi-navy",
        servers=[URL],
        stream=f"SEAWARDEN_ALERTS_TEST_{suffix}",
        subject_prefix=f"seawarden_test_{suffix}.alerts",
        timeout_s=3,
        max_age_s=600,
        duplicate_window_s=300,
    )
    channel = NatsChannel(cfg)
    nc = await nats.connect(URL, connect_timeout=3, allow_reconnect=False)
    js = nc.jetstream(timeout=3)
    try:
        started = time.perf_counter()
        await channel.send(record, idempotency_key="a-1:v1:s")  # creates the stream
        print(
            f"\nJetStream publish latency (incl. connect + stream create): "
            f"{1000 * (time.perf_counter() - started):.1f} ms"
        )
        started = time.perf_counter()
        await channel.send(record, idempotency_key="a-1:v1:s")  # a re-send: dropped by JetStream
        print(f"JetStream publish latency (warm): {1000 * (time.perf_counter() - started):.1f} ms")
        info = await js.stream_info(cfg.stream)
        assert info.state.messages == 1
        assert info.config.duplicate_window == cfg.duplicate_window_s
        await channel.send(make_record(version=2), idempotency_key="a-1:v2:s")
        info = await js.stream_info(cfg.stream)
        assert info.state.messages == 2
        stored = await js.get_msg(cfg.stream, seq=1)
        assert stored.subject == f"{cfg.subject_prefix}.high.anchor_drag_suspected"
        assert stored.headers["Nats-Msg-Id"] == "a-1:v1:s"
        assert json.loads(stored.data) == record
    finally:
        await channel.close()
        with contextlib.suppress(Exception):
            await js.delete_stream(cfg.stream)
        await nc.close()


async def test_missing_stream_without_create_is_dead(record):
    require_service("nats-server", NATS_ADDR)
    cfg = NatsConfig(
        name="n",
        org="o",
        servers=[URL],
        stream=f"NOPE_{uuid.uuid4().hex[:8]}",
        subject_prefix=f"nope_{uuid.uuid4().hex[:8]}",
        create_stream=False,
        timeout_s=3,
    )
    channel = NatsChannel(cfg)
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(record, idempotency_key="k")
    finally:
        await channel.close()
    assert not caught.value.retryable and "does not exist" in caught.value.detail


async def test_server_down_is_retryable(record):
    channel = NatsChannel(
        NatsConfig(name="n", org="o", servers=[f"nats://127.0.0.1:{free_port()}"], timeout_s=3)
    )
    try:
        with pytest.raises(DeliveryError) as caught:
            await channel.send(record, idempotency_key="k")
    finally:
        await channel.close()
    assert caught.value.retryable
