"""``seawarden feed``: publish recorded raw AIS to Kafka or NATS JetStream, one record per AIS message."""

from __future__ import annotations

import asyncio
import itertools
import queue
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator

import typer

from seawarden.cli.common import fail
from seawarden.sources import SourceError, open_lines
from seawarden.sources.bus import BusRecord, BusTarget, RecordBatcher, parse_target
from seawarden.sources.detect import InputFormat, detect_format
from seawarden.sources.reader import DETECT_LINES, source_name

PROGRESS_EVERY_S = 2.0
_DONE = object()


def nmea_lines(paths: list[str]) -> Iterator[str]:
    """Lines of every input in order; CSV exports are refused (they are not AIS sentences)."""
    for path in paths:
        lines = open_lines(path)
        head = list(itertools.islice(lines, DETECT_LINES))
        kind = detect_format(head)
        if kind is not InputFormat.NMEA:
            raise SourceError(
                f"{source_name(path)} is {kind} (a decoded CSV export); feed publishes raw NMEA"
            )
        yield from head
        yield from lines


async def read_in_thread(records: Iterator[BusRecord], size: int = 10_000) -> AsyncIterator[BusRecord]:
    """Records read by a thread: a blocking read (a live pipe on stdin) never stalls the NATS client."""
    handoff: queue.Queue[object] = queue.Queue(size)

    def reader() -> None:
        try:
            for record in records:
                handoff.put(record)
        except Exception as exc:  # SourceError and the like: raised again on the loop
            handoff.put(exc)
        finally:
            handoff.put(_DONE)

    threading.Thread(target=reader, name="seawarden-feed-reader", daemon=True).start()
    while True:
        try:
            item = handoff.get_nowait()
        except queue.Empty:
            await asyncio.sleep(0.005)
            continue
        if item is _DONE:
            return
        if isinstance(item, Exception):
            raise item
        yield item  # type: ignore[misc]


def until_interrupted(records: Iterator[BusRecord]) -> Iterator[BusRecord]:
    """Ctrl-C while reading (a live pipe on stdin) ends the input; what was read is still flushed."""
    try:
        yield from records
    except KeyboardInterrupt:
        print("interrupted: flushing what was read", file=sys.stderr)


class Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.started = time.perf_counter()
        self._last = self.started

    def tick(self, batcher: RecordBatcher, force: bool = False) -> None:
        now = time.perf_counter()
        if self.quiet or (not force and now - self._last < PROGRESS_EVERY_S):
            return
        self._last = now
        rate = batcher.stats.records / max(now - self.started, 1e-9)
        print(
            f"... {batcher.stats.lines:,} lines, {batcher.stats.records:,} records ({rate:,.0f}/s)",
            file=sys.stderr,
            flush=True,
        )


def _feed_kafka(
    target: BusTarget,
    records: Iterator[BusRecord],
    options: dict[str, str],
    progress: Progress,
    batcher: RecordBatcher,
    timeout_s: float,
) -> tuple[int, int, str]:
    from seawarden.sources.bus_kafka import KafkaFeeder

    feeder = KafkaFeeder(target.servers, target.topic, options)
    for record in records:
        feeder.publish(record)
        progress.tick(batcher)
    left = feeder.flush(timeout_s)
    return (
        feeder.delivered,
        feeder.failed + left,
        feeder.first_error or (f"{left} not acknowledged" if left else ""),
    )


async def _feed_nats(
    target: BusTarget,
    records: Iterator[BusRecord],
    progress: Progress,
    batcher: RecordBatcher,
    timeout_s: float,
) -> tuple[int, int, str]:
    from seawarden.sources.bus_nats import NatsFeeder

    feeder = NatsFeeder(target.servers, target.stream, target.subject)
    try:
        await feeder.connect()
        async for record in read_in_thread(records):
            await feeder.publish(record)
            progress.tick(batcher)
        left = await feeder.flush(timeout_s)
    finally:
        await feeder.close()
    return feeder.delivered, feeder.failed, feeder.first_error or (f"{left} not acknowledged" if left else "")


def feed_command(
    files: list[str] = typer.Argument(
        ..., help="Raw NMEA files (tag blocks, $PGHP and prefixes kept as they are), .gz, or '-' for stdin."
    ),
    to: str = typer.Option(
        ..., "--to", help="kafka://HOST:PORT[,HOST:PORT]/TOPIC or nats://HOST:PORT/STREAM/SUBJECT."
    ),
    kafka_option: list[str] = typer.Option(
        [], "--kafka-option", "-X", help="Extra librdkafka setting KEY=VALUE (e.g. security.protocol=SSL)."
    ),
    timeout: float = typer.Option(30.0, "--timeout", help="Seconds to wait for the last acknowledgements."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
) -> None:
    """Publish recorded AIS to a message bus, one record per AIS message keyed by its MMSI.

    A multipart message and the tag-block/$PGHP lines that time it travel as one record, so a
    consumer sees them together; lines whose MMSI cannot be read go under the key 'unkeyed'.
    Exits 1 when the bus did not acknowledge every record, 2 on unusable input.
    """
    try:
        target = parse_target(to)
    except ValueError as exc:
        fail(str(exc))
    options: dict[str, str] = {}
    for item in kafka_option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            fail(f"--kafka-option {item!r}: expected KEY=VALUE")
        options[key.strip()] = value.strip()
    if options and target.scheme != "kafka":
        fail("--kafka-option applies only to kafka:// targets")

    batcher = RecordBatcher()
    progress = Progress(quiet)
    records = until_interrupted(batcher.records(nmea_lines(files)))
    try:
        if target.scheme == "kafka":
            delivered, failed, error = _feed_kafka(target, records, options, progress, batcher, timeout)
        else:
            delivered, failed, error = asyncio.run(_feed_nats(target, records, progress, batcher, timeout))
    except SourceError as exc:
        fail(str(exc))
    except RuntimeError as exc:  # the kafka extra is missing
        fail(str(exc))
    except (OSError, TimeoutError) as exc:
        fail(f"cannot reach {target}: {exc or type(exc).__name__}", code=1)
    except Exception as exc:  # client library errors (NATS, Kafka settings): say which
        fail(f"{target}: {type(exc).__name__}: {exc}", code=1)
    stats = batcher.stats
    elapsed = time.perf_counter() - progress.started
    print(
        f"fed {stats.lines:,} lines as {stats.records:,} records to {target} in {elapsed:.1f} s: "
        f"{delivered:,} acknowledged, {failed:,} failed; {stats.unkeyed_lines:,} unkeyed lines, "
        f"{stats.incomplete_groups:,} incomplete multipart groups, "
        f"{stats.skipped:,} blank/comment lines skipped",
        file=sys.stderr,
    )
    if failed:
        fail(f"{failed:,} records were not stored: {error}", code=1)


def register(app: typer.Typer) -> None:
    app.command("feed")(feed_command)
