"""``seawarden feed`` to Kafka (mock cluster) and NATS JetStream, and ``serve`` consuming the bus."""

import asyncio
import contextlib
import queue
import threading
import uuid
from pathlib import Path

import nats
import pytest
import typer
from typer.testing import CliRunner

from seawarden.cli.feed import register
from seawarden.service.config import KafkaSource, NatsJetStreamSource, ServeSettings
from seawarden.service.ingest import build_network_source, forward
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.worker import RawLine
from seawarden.sources import open_lines
from seawarden.sources.bus import RecordBatcher
from tests.deliver.conftest import NATS_ADDR, require_service

KYSTVERKET = Path(__file__).resolve().parents[1] / "data" / "corpora" / "kystverket" / "Ais1000Lines.nm4"
TYPE5 = [
    "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
    "!AIVDM,2,2,3,B,1@0000000000000,2*55",
]
NATS_URL = f"nats://{NATS_ADDR[0]}:{NATS_ADDR[1]}"


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Keeps ``feed`` a sub-command, as in the real CLI."""

    register(app)
    return app


@pytest.fixture
def extra_file(tmp_path: Path) -> Path:
    path = tmp_path / "more.nmea"
    path.write_text("# a comment\n" + TYPE5[0] + "\ngarbage line\n" + TYPE5[1] + "\n")
    return path


def expected_records(*paths: Path) -> list:
    return list(RecordBatcher().records(line for p in paths for line in open_lines(str(p))))


def test_feed_to_kafka(cli, extra_file):
    kafka = pytest.importorskip("confluent_kafka", reason="the kafka extra is not installed")
    owner = kafka.Producer({"test.mock.num.brokers": 1, "log_level": 3})
    bootstrap = ",".join(f"{b.host}:{b.port}" for b in owner.list_topics(timeout=5).brokers.values())
    records = expected_records(KYSTVERKET, extra_file)
    result = CliRunner().invoke(
        cli, ["feed", str(KYSTVERKET), str(extra_file), "--to", f"kafka://{bootstrap}/ais.raw", "-q"]
    )
    assert result.exit_code == 0, result.output
    assert f"fed 1,003 lines as {len(records):,} records" in result.output
    assert f"{len(records):,} acknowledged, 0 failed; 1 unkeyed lines" in result.output
    consumer = kafka.Consumer({"bootstrap.servers": bootstrap, "group.id": "r"})
    parts = consumer.list_topics("ais.raw", timeout=5).topics["ais.raw"].partitions
    total = sum(
        consumer.get_watermark_offsets(kafka.TopicPartition("ais.raw", p), timeout=5)[1] for p in parts
    )
    consumer.close()
    assert total == len(records)


def test_feed_refuses_csv_and_bad_targets(cli, tmp_path):
    csv = tmp_path / "dma.csv"
    csv.write_text(
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude\n01/01/2024 00:00:00,Class A,1,55,12\n"
    )
    result = CliRunner().invoke(cli, ["feed", str(csv), "--to", "kafka://127.0.0.1:1/t"])
    assert result.exit_code == 2 and "feed publishes raw NMEA" in result.output
    result = CliRunner().invoke(cli, ["feed", str(KYSTVERKET), "--to", "mqtt://x/y"])
    assert result.exit_code == 2 and "kafka:// or nats://" in result.output
    result = CliRunner().invoke(cli, ["feed", str(KYSTVERKET), "--to", "nats://h:1/S/s", "-X", "a=b"])
    assert result.exit_code == 2


def test_feed_to_nats_then_serve_source_hands_lines_to_the_work_queue(cli, extra_file):
    require_service("nats-server", NATS_ADDR)
    suffix = uuid.uuid4().hex[:8]
    stream, subject = f"AIS_FEED_{suffix}", f"feed_{suffix}.raw"
    records = expected_records(KYSTVERKET, extra_file)
    try:
        result = CliRunner().invoke(
            cli, ["feed", str(KYSTVERKET), str(extra_file), "--to", f"{NATS_URL}/{stream}/{subject}"]
        )
        assert result.exit_code == 0, result.output
        assert f"{len(records):,} acknowledged, 0 failed" in result.output

        settings = ServeSettings.model_validate(
            {
                "sources": [
                    {
                        "type": "nats_jetstream",
                        "name": "bus",
                        "servers": [NATS_URL],
                        "stream": stream,
                        "subject": subject,
                        "durable": "serve",
                    }
                ]
            }
        )
        lines = asyncio.run(consume_into_work_queue(settings.sources[0], sum(len(r.lines) for r in records)))
        assert lines == [line for r in records for line in r.lines]  # one stream: the order fed
    finally:
        asyncio.run(delete_stream(stream))


async def consume_into_work_queue(config, n: int) -> list[str]:
    work: queue.Queue = queue.Queue(100)
    source = build_network_source(config, 50)
    source.start()
    task = asyncio.create_task(forward(source, work, ServiceMetrics()))
    got: list[str] = []
    try:
        while len(got) < n:
            try:
                item = work.get_nowait()
            except queue.Empty:
                await asyncio.sleep(0.005)
                continue
            assert isinstance(item, RawLine) and item.source == "bus"
            got.append(item.line)
    finally:
        await source.stop(drain_timeout_s=2)
        await asyncio.wait_for(task, 5)
    return got


async def delete_stream(name: str) -> None:
    nc = await nats.connect(NATS_URL, connect_timeout=3, allow_reconnect=False)
    with contextlib.suppress(Exception):
        await nc.jetstream(timeout=3).delete_stream(name)
    await nc.close()


def test_serve_settings_build_bus_sources():
    settings = ServeSettings.model_validate(
        {
            "sources": [
                {
                    "type": "kafka",
                    "bootstrap_servers": "k1:9092,k2:9092",
                    "topic": "ais.raw",
                    "group_id": "sw",
                    "options": {"security.protocol": "SASL_SSL"},
                    "sasl_password": "s3cret",
                },
                {"type": "nats_jetstream", "stream": "AIS", "subject": "ais.raw"},
            ]
        }
    )
    kafka_cfg, nats_cfg = settings.sources
    assert isinstance(kafka_cfg, KafkaSource) and isinstance(nats_cfg, NatsJetStreamSource)
    pytest.importorskip("confluent_kafka", reason="the kafka extra is not installed")
    source = build_network_source(kafka_cfg, 100)
    assert source.config["sasl.password"] == "s3cret" and source.config["enable.auto.commit"] is False
    assert source.name == "kafka:ais.raw"
    assert build_network_source(nats_cfg, 100).name == "nats:AIS"
    with pytest.raises(ValueError):
        ServeSettings.model_validate({"sources": [{"type": "kafka", "options": {"sasl.password": "x"}}]})


def test_records_read_in_a_thread_flow_while_the_input_blocks():
    from seawarden.cli.feed import read_in_thread
    from seawarden.sources.bus import BusRecord
    from seawarden.sources.files import SourceError

    release = threading.Event()

    def live_input():
        yield BusRecord("1", ["first"])
        if not release.wait(3):  # a pipe with nothing more to read yet
            raise RuntimeError("the first record was not passed on while the input blocked")
        yield BusRecord("2", ["second"])
        raise SourceError("stdin: read failed")

    async def run() -> list[str]:
        got: list[str] = []
        with pytest.raises(SourceError):
            async for record in read_in_thread(live_input()):
                got.append(record.lines[0])
                release.set()  # reached while the reader is still blocked
        return got

    assert asyncio.run(run()) == ["first", "second"]
