"""Helpers shared by the message-bus source tests (Kafka and NATS JetStream behave alike here)."""

import asyncio
from collections.abc import Iterable

from seawarden.sources.bus import BusRecord
from seawarden.sources.bus_nats import NatsFeeder


async def wait_full(source, timeout_s: float = 15.0) -> None:
    """Until nobody reads and the source's queue is full and stays full (it stopped fetching)."""

    async def full() -> None:
        while source.room() > 0 or source.pauses == 0:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # and it stays full: no more records are taken

    await asyncio.wait_for(full(), timeout_s)
    assert source.room() == 0 and source.records_received == source.queue.maxsize


async def collect(source, n: int, timeout_s: float) -> list[str]:
    """The first ``n`` lines the source hands out; the last one is handed out but never confirmed."""
    got: list[str] = []

    async def run() -> None:
        async for line, origin in source:
            assert origin == source.name
            got.append(line)
            if len(got) == n:
                return

    await asyncio.wait_for(run(), timeout_s)
    return got


async def publish_to_jetstream(
    url: str, stream: str, subject: str, records: Iterable[BusRecord]
) -> NatsFeeder:
    """Publish every record and wait for every acknowledgement; returns the (closed) feeder."""
    feeder = NatsFeeder(url, stream, subject)
    await feeder.connect()
    try:
        for record in records:
            await feeder.publish(record)
        assert await feeder.flush(10) == 0
    finally:
        await feeder.close()
    return feeder
