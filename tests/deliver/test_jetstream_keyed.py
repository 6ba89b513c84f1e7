"""JetStream alerts keyed by MMSI: the Seawarden-Mmsi header always, a subject token when asked."""

import contextlib
import uuid

import nats
import pytest

from seawarden.deliver.config import NatsConfig
from seawarden.deliver.jetstream import MMSI_HEADER, NatsChannel, subject_for
from tests.deliver.conftest import NATS_ADDR, make_record, require_service

pytestmark = pytest.mark.anyio
URL = f"nats://{NATS_ADDR[0]}:{NATS_ADDR[1]}"


def test_subject_with_mmsi_token():
    record = make_record()
    assert subject_for("p", record) == "p.high.anchor_drag_suspected"
    assert subject_for("p", record, mmsi=True) == "p.high.anchor_drag_suspected.518998865"
    assert subject_for("p", make_record(mmsi=None), mmsi=True).endswith(".unknown")


async def test_mmsi_travels_in_header_and_subject(record):
    require_service("nats-server", NATS_ADDR)
    suffix = uuid.uuid4().hex[:8]
    cfg = NatsConfig(
        name="n",
        org="o",
        servers=[URL],
        stream=f"SEAWARDEN_KEYED_{suffix}",
        subject_prefix=f"keyed_{suffix}.alerts",
        timeout_s=3,
        max_age_s=600,
        duplicate_window_s=300,
        mmsi_subject=True,
    )
    channel = NatsChannel(cfg)
    nc = await nats.connect(URL, connect_timeout=3, allow_reconnect=False)
    js = nc.jetstream(timeout=3)
    try:
        await channel.send(record, idempotency_key="a:v1:s")
        await channel.send(make_record(mmsi=230000001, id="a-2"), idempotency_key="a-2:v1:s")
        first = await js.get_msg(cfg.stream, seq=1)
        second = await js.get_msg(cfg.stream, seq=2)
        assert first.subject == f"{cfg.subject_prefix}.high.anchor_drag_suspected.518998865"
        assert first.headers[MMSI_HEADER] == "518998865"
        assert second.subject.endswith(".230000001") and second.headers[MMSI_HEADER] == "230000001"
    finally:
        await channel.close()
        with contextlib.suppress(Exception):
            await js.delete_stream(cfg.stream)
        await nc.close()
