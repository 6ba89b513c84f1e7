"""``serve`` end to end on buses: AIS from a JetStream stream in, alerts to Kafka (mock cluster) out."""

import asyncio
import contextlib
import json
import uuid

import nats
import pytest

from seawarden.config import Settings
from seawarden.service import Runtime, ServeSettings
from seawarden.sources import open_lines
from seawarden.sources.bus import RecordBatcher
from seawarden.store import open_store
from tests.deliver.conftest import NATS_ADDR, require_service
from tests.service.peers import SCENARIO
from tests.sources.bus_helpers import publish_to_jetstream

kafka = pytest.importorskip("confluent_kafka", reason="the kafka extra is not installed")
URL = f"nats://{NATS_ADDR[0]}:{NATS_ADDR[1]}"
EAGLE_S = 518100274  # the scenario's vessel that drags its anchor


async def feed(stream: str, subject: str) -> int:
    records = list(RecordBatcher().records(open_lines(str(SCENARIO))))
    await publish_to_jetstream(URL, stream, subject, records)
    return sum(len(r.lines) for r in records)


async def consumer_state(stream: str, durable: str) -> tuple[int, int]:
    nc = await nats.connect(URL, connect_timeout=3, allow_reconnect=False)
    try:
        info = await nc.jetstream(timeout=3).consumer_info(stream, durable)
        return info.num_pending, info.num_ack_pending
    finally:
        with contextlib.suppress(Exception):
            await nc.jetstream(timeout=3).delete_stream(stream)
        await nc.close()


def test_serve_from_jetstream_with_alerts_to_kafka(tmp_path):
    require_service("nats-server", NATS_ADDR)
    owner = kafka.Producer({"test.mock.num.brokers": 1, "log_level": 3})
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in owner.list_topics(timeout=5).brokers.values())
    suffix = uuid.uuid4().hex[:8]
    stream, subject, topic = f"AIS_SERVE_{suffix}", f"serve_{suffix}.raw", "alerts"
    store_url = f"sqlite:///{tmp_path / 'sw.db'}"
    serve = ServeSettings.model_validate(
        {
            "http_enabled": False,
            "store_url": store_url,
            "line_queue_size": 50,  # small: the bus source must wait, never drop
            "delivery_poll_s": 0.2,
            "sources": [
                {
                    "type": "nats_jetstream",
                    "name": "bus",
                    "servers": [URL],
                    "stream": stream,
                    "subject": subject,
                    "durable": "serve",
                }
            ],
            "organisations": [{"id": "jef", "name": "JEF navy", "communities": ["JEF"]}],
            "delivery": {
                "channels": [
                    {
                        "type": "kafka",
                        "name": "jef-kafka",
                        "org": "jef",
                        "bootstrap_servers": bootstrap,
                        "topic": topic,
                        "timeout_s": 5,
                    }
                ],
                "subscriptions": [
                    {"id": "jef-all", "org": "jef", "communities": ["JEF"], "channel": "jef-kafka"}
                ],
            },
        }
    )
    runtime = Runtime(Settings(data_dir=tmp_path), serve)

    async def scenario() -> tuple[int, tuple[int, int]]:
        lines = await feed(stream, subject)
        task = asyncio.create_task(runtime.run(install_signals=False))
        await runtime.started.wait()
        while runtime.metrics.get("lines_in") < lines and not task.done():
            await asyncio.sleep(0.05)
        runtime.request_stop("test done")
        assert await task == 0
        return lines, await consumer_state(stream, "serve")

    lines, (pending, ack_pending) = asyncio.run(scenario())
    counters = runtime.metrics_snapshot()
    assert counters["lines_in"] == lines == counters["source_lines:bus"]
    assert (pending, ack_pending) == (0, 0)  # every record handed on was acknowledged
    with open_store(store_url) as store:
        drag = [a for a in store.list_alerts("jef", limit=100).items if a.kind == "anchor_drag_suspected"]
        assert len(drag) == 1 and drag[0].mmsi == EAGLE_S
        delivered = store.outbox_counts()["jef-all"]["delivered"]

    reader = kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": "reader"})
    partitions = reader.list_topics(topic, timeout=5).topics[topic].partitions
    reader.assign([kafka.TopicPartition(topic, p, kafka.OFFSET_BEGINNING) for p in partitions])
    got = []
    for _ in range(50):
        got += [m for m in reader.consume(100, 0.1) if m.error() is None]
        if len(got) >= delivered:
            break
    reader.close()
    assert len(got) == delivered
    records = [json.loads(m.value()) for m in got]
    assert all(m.key() == str(r["mmsi"]).encode() for m, r in zip(got, records, strict=True))
    assert any(r["kind"] == "anchor_drag_suspected" and r["mmsi"] == EAGLE_S for r in records)
