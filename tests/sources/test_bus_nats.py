"""NATS JetStream feeder and durable pull-consumer source against nats-server on 127.0.0.1:4222."""

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections import defaultdict
from pathlib import Path

import nats
import pytest

from seawarden.sources import open_lines
from seawarden.sources.bus import RecordBatcher
from seawarden.sources.bus_nats import KEY_HEADER, JetStreamLineSource
from tests.deliver.conftest import NATS_ADDR, require_service
from tests.sources.bus_helpers import collect, publish_to_jetstream, wait_full

pytestmark = pytest.mark.anyio
URL = f"nats://{NATS_ADDR[0]}:{NATS_ADDR[1]}"
KYSTVERKET = Path(__file__).resolve().parents[1] / "data" / "corpora" / "kystverket" / "Ais1000Lines.nm4"
TYPE5 = [
    "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
    "!AIVDM,2,2,3,B,1@0000000000000,2*55",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def stream():
    """A fresh stream name and subject; the stream is deleted afterwards."""
    require_service("nats-server", NATS_ADDR)
    suffix = uuid.uuid4().hex[:8]
    name, subject = f"AIS_TEST_{suffix}", f"ais_test_{suffix}.raw"
    yield name, subject
    nc = await nats.connect(URL, connect_timeout=3, allow_reconnect=False)
    with contextlib.suppress(Exception):
        await nc.jetstream(timeout=3).delete_stream(name)
    await nc.close()


async def test_feeder_publishes_one_record_per_message_on_mmsi_subjects(stream):
    name, subject = stream
    records = list(RecordBatcher().records([*open_lines(str(KYSTVERKET)), *TYPE5]))
    feeder = await publish_to_jetstream(URL, name, subject, records)
    assert (feeder.delivered, feeder.failed) == (len(records), 0)

    nc = await nats.connect(URL, connect_timeout=3, allow_reconnect=False)
    try:
        js = nc.jetstream(timeout=3)
        info = await js.stream_info(name)
        assert info.state.messages == len(records)
        sub = await js.pull_subscribe(f"{subject}.>", durable=None, stream=name)
        stored = []
        while len(stored) < len(records):
            stored += await sub.fetch(500, timeout=2)
    finally:
        await nc.close()
    sent: dict[str, list[bytes]] = defaultdict(list)
    for record in records:
        sent[record.key].append(record.payload)
    seen: dict[str, list[bytes]] = defaultdict(list)
    for msg in stored:
        key = msg.subject.removeprefix(f"{subject}.")
        assert msg.headers[KEY_HEADER] == key
        seen[key].append(msg.data)
    assert seen == sent  # every vessel's records, in the order sent
    assert "\n".join(TYPE5).encode() in seen["369190000"]


async def test_source_counts_bad_records_and_resumes_without_loss_or_duplicates(stream):
    name, subject = stream
    nc = await nats.connect(URL, connect_timeout=3, allow_reconnect=False)
    js = nc.jetstream(timeout=3)
    from seawarden.sources.bus_nats import ensure_stream

    await ensure_stream(js, name, subject)
    good = [f"line-{i}" for i in range(300)]
    bad = [b"", b"\xff\xfe broken", b"\n".join([b"x"] * 100)]
    for i, line in enumerate(good):
        await js.publish(f"{subject}.{i % 7}", line.encode())
        if i == 150:
            for value in bad:
                await js.publish(f"{subject}.bad", value)
    await nc.close()

    def source() -> JetStreamLineSource:
        return JetStreamLineSource([URL], name, subject, "svc", name="bus", queue_size=50, batch=20)

    first = source()
    first.start()
    try:
        await wait_full(first)  # nobody reads yet: the source stops fetching, nothing is lost
        got1 = await collect(first, 120, timeout_s=10.0)
    finally:
        await first.stop(drain_timeout_s=0.5)  # nobody drains: queued records are nak'ed, not lost
    confirmed = got1[:-1]

    second = source()
    second.start()
    try:
        got2 = await collect(second, 300 - len(confirmed), timeout_s=10.0)
        await asyncio.sleep(0.3)
        extra = second.queue.qsize()
    finally:
        await second.stop(drain_timeout_s=0.5)
    assert sorted(confirmed + got2) == sorted(good)  # nothing lost, nothing twice
    assert extra == 0  # and nothing more arrives
    assert first.bad_records + second.bad_records == 3
    assert confirmed == good[: len(confirmed)]  # one stream, one order


class PrivateServer:
    """A nats-server of our own (JetStream on a temp dir) that the test may kill and start again."""

    def __init__(self, store: Path) -> None:
        binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        if not Path(binary).exists():
            message = "nats-server binary not found"
            if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
                pytest.fail(message + "; CI must install it")
            pytest.skip(message)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.args = [binary, "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(store)]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
                return
            time.sleep(0.05)
        raise RuntimeError("private nats-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


async def test_source_rides_out_a_server_restart(tmp_path):
    from seawarden.sources.bus_nats import ensure_stream

    server = PrivateServer(tmp_path)
    server.start()
    try:
        nc = await nats.connect(server.url, connect_timeout=3, allow_reconnect=False)
        js = nc.jetstream(timeout=3)
        await ensure_stream(js, "AIS", "ais.raw")
        for i in range(300):
            await js.publish(f"ais.raw.{i % 7}", f"line-{i}".encode())
        await nc.close()

        # A fetch answered just as the server stops never reaches us; JetStream redelivers those
        # records after ack_wait, so a short ack_wait keeps the test short (the default is 60 s).
        source = JetStreamLineSource(
            [server.url],
            "AIS",
            "ais.raw",
            "svc",
            queue_size=20,
            batch=10,
            initial_backoff_s=0.2,
            ack_wait_s=2.0,
        )
        source.start()
        got: list[str] = []

        async def run() -> None:
            async for line, _origin in source:
                got.append(line)
                if len(got) == 100:
                    await asyncio.to_thread(server.stop)  # the stream and consumer are on disk
                    await asyncio.sleep(0.3)
                    await asyncio.to_thread(server.start)
                if len(set(got)) == 300:
                    return

        try:
            await asyncio.wait_for(run(), 40)
        finally:
            await source.stop(drain_timeout_s=0.5)
        assert sorted(set(got)) == sorted(f"line-{i}" for i in range(300))  # nothing lost
        assert source.reconnects >= 1 and source.errors >= 1  # noticed, counted, recovered
    finally:
        server.stop()
