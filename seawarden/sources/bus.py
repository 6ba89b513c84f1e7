"""Message-bus plumbing shared by the Kafka and NATS JetStream adapters.

Records on a bus are keyed by MMSI so that every message of one vessel lands in one partition (Kafka)
or under one subject token (NATS) and so stays in order. A record holds the raw lines of *one* AIS
message: the sentence plus the tag-block/``$PGHP`` lines that give it its time, and for a multipart
message all of its fragments, joined by ``\\n``. Splitting a group over records would let another
vessel's records come between its fragments on the consumer side, or send them to different
partitions.

The consumer side (:class:`BusLineSource`) has the shape of the TCP/UDP sources: ``async for line,
origin in source``. A record is acknowledged (Kafka offset committed, JetStream message acked) only
after all its lines were handed on, i.e. when the consumer asks for the next line.
"""

import asyncio
import contextlib
import logging
import random
from collections import OrderedDict
from collections.abc import AsyncIterator, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from seawarden.decode.nmea import FramingError, LineKind, parse_line

log = logging.getLogger(__name__)

#: Key of records whose MMSI cannot be read (not AIS, broken framing, short payload).
UNKEYED = "unkeyed"
#: Most lines one record may carry on the consumer side (a 9-fragment message with tag lines fits).
MAX_RECORD_LINES = 64
DEFAULT_MAX_LINE = 1024
_END = object()


def mmsi_of_payload(payload: str) -> int | None:
    """MMSI from the first 38 bits of six-bit armoured AIS payload (bits 8-37 in every message type)."""
    if len(payload) < 7:
        return None
    bits = 0
    for char in payload[:7]:
        value = ord(char) - 48
        if value > 40:
            value -= 8
        if not 0 <= value < 64:
            return None
        bits = (bits << 6) | value
    return (bits >> 4) & 0x3FFFFFFF  # 42 bits read; drop the 4 after the MMSI


@dataclass(slots=True)
class BusRecord:
    """One bus message: its partition key and the raw lines of one AIS message."""

    key: str
    lines: list[str]

    @property
    def payload(self) -> bytes:
        return "\n".join(self.lines).encode("utf-8")


@dataclass(slots=True)
class BatcherStats:
    lines: int = 0  # non-blank, non-comment lines taken in
    records: int = 0
    unkeyed_lines: int = 0  # lines sent under UNKEYED
    skipped: int = 0  # blank and comment lines
    incomplete_groups: int = 0  # multipart groups sent before all fragments arrived


@dataclass(slots=True)
class _Group:
    count: int
    age: int  # line counter when the group opened
    key: str | None = None
    numbers: set[int] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)


class RecordBatcher:
    """Raw lines -> :class:`BusRecord` per AIS message, keyed by MMSI (framing checked, payload not decoded).

    Multipart fragments are held until the group is complete (or superseded, or older than
    ``max_group_age`` lines, or too many are open), then sent as one record keyed by fragment 1's MMSI.
    Tag-block-only and ``$PGHP`` lines travel with the sentence they describe.
    """

    def __init__(
        self, max_open_groups: int = 256, max_group_age: int = 2000, max_prefix_lines: int = 4
    ) -> None:
        self.max_open_groups = max_open_groups
        self.max_group_age = max_group_age
        self.max_prefix_lines = max_prefix_lines
        self.stats = BatcherStats()
        self._groups: OrderedDict[Hashable, _Group] = OrderedDict()
        self._prefix: list[str] = []

    def feed(self, line: str) -> list[BusRecord]:
        text = line.strip()
        if not text or text.startswith("#"):
            self.stats.skipped += 1
            return []
        self.stats.lines += 1
        out = self._expire()
        try:
            framed = parse_line(text)
        except FramingError:
            out.append(self._record(None, [text]))
            return out
        if framed.kind in (LineKind.TAG_ONLY, LineKind.GATEHOUSE):
            self._prefix.append(text)
            if len(self._prefix) > self.max_prefix_lines:  # a run of them with no sentence: pass on
                out.append(self._record(None, [self._prefix.pop(0)]))
            return out
        if framed.kind is not LineKind.AIS or framed.sentence is None:
            out.append(self._record(None, [text]))
            return out
        sentence, lines, self._prefix = framed.sentence, [*self._prefix, text], []
        if sentence.frag_count == 1:
            out.append(self._record(mmsi_of_payload(sentence.payload), lines))
            return out
        tag = framed.tag
        source = tag.source if tag is not None else None
        gkey: Hashable = (
            ("g", tag.group[2], source)
            if tag is not None and tag.group is not None
            else (sentence.talker, sentence.channel, sentence.seq_id, sentence.frag_count, source)
        )
        group = self._groups.get(gkey)
        if group is not None and (sentence.frag_num in group.numbers or group.count != sentence.frag_count):
            out.append(self._close(gkey))  # a new message reuses the key: the old one stays incomplete
            group = None
        if group is None:
            group = self._groups[gkey] = _Group(sentence.frag_count, self.stats.lines)
            if len(self._groups) > self.max_open_groups:
                out.append(self._close(next(iter(self._groups))))
        group.numbers.add(sentence.frag_num)
        group.lines += lines
        if sentence.frag_num == 1:
            mmsi = mmsi_of_payload(sentence.payload)
            group.key = str(mmsi) if mmsi is not None else None
        if len(group.numbers) == group.count:
            del self._groups[gkey]
            out.append(self._emit(group.key, group.lines))
        return out

    def flush(self) -> list[BusRecord]:
        """End of input: open groups (incomplete) and dangling tag lines go out as they are."""
        out = [self._close(k) for k in list(self._groups)]
        if self._prefix:
            out.append(self._record(None, self._prefix))
            self._prefix = []
        return out

    def records(self, lines: Iterable[str]) -> Iterator[BusRecord]:
        for line in lines:
            yield from self.feed(line)
        yield from self.flush()

    def _expire(self) -> list[BusRecord]:
        out: list[BusRecord] = []
        while self._groups:
            gkey, group = next(iter(self._groups.items()))
            if self.stats.lines - group.age <= self.max_group_age:
                break
            out.append(self._close(gkey))
        return out

    def _close(self, gkey: Hashable) -> BusRecord:
        group = self._groups.pop(gkey)
        self.stats.incomplete_groups += 1
        return self._emit(group.key, group.lines)

    def _record(self, mmsi: int | None, lines: list[str]) -> BusRecord:
        return self._emit(str(mmsi) if mmsi is not None else None, lines)

    def _emit(self, key: str | None, lines: list[str]) -> BusRecord:
        self.stats.records += 1
        if key is None:
            self.stats.unkeyed_lines += len(lines)
        return BusRecord(key if key is not None else UNKEYED, list(lines))


# -- targets -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusTarget:
    """``kafka://host:port[,host:port]/topic`` or ``nats://host:port/STREAM/subject``."""

    scheme: str  # "kafka" | "nats"
    servers: str  # Kafka bootstrap list, or the NATS server URL
    topic: str = ""  # Kafka topic
    stream: str = ""  # JetStream stream
    subject: str = ""  # JetStream subject prefix; records go to <subject>.<key>

    def __str__(self) -> str:
        if self.scheme == "kafka":
            return f"kafka://{self.servers}/{self.topic}"
        return f"{self.servers}/{self.stream}/{self.subject}"


def parse_target(url: str) -> BusTarget:
    """Parse a feed target URL; raises ValueError with what is wrong and what is expected."""
    parts = urlsplit(url)
    path = [unquote(p) for p in parts.path.split("/") if p]
    if parts.scheme == "kafka":
        if not parts.netloc or len(path) != 1:
            raise ValueError(f"{url!r}: expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC")
        if not all(c.isascii() and (c.isalnum() or c in "._-") for c in path[0]) or len(path[0]) > 249:
            raise ValueError(f"{url!r}: Kafka topic names use only letters, digits, '.', '_' and '-'")
        return BusTarget("kafka", parts.netloc, topic=path[0])
    if parts.scheme in ("nats", "tls"):
        if not parts.netloc or len(path) != 2:
            raise ValueError(f"{url!r}: expected nats://HOST:PORT/STREAM/SUBJECT")
        stream, subject = path
        if not all(c.isascii() and (c.isalnum() or c in "_-") for c in stream):
            raise ValueError(f"{url!r}: JetStream stream names use only letters, digits, '_' and '-'")
        if not check_subject(subject):
            raise ValueError(f"{url!r}: the subject must be literal tokens like ais.raw (no wildcards)")
        return BusTarget("nats", f"{parts.scheme}://{parts.netloc}", stream=stream, subject=subject)
    raise ValueError(f"{url!r}: the target must start with kafka:// or nats://")


def check_subject(subject: str) -> bool:
    """A literal NATS subject prefix: dot-separated tokens of [A-Za-z0-9_-]."""
    tokens = subject.split(".")
    return all(t and all(c.isascii() and (c.isalnum() or c in "_-") for c in t) for t in tokens)


def backoff(attempt: int, initial_s: float, max_s: float, jitter: float = 0.2) -> float:
    """Capped exponential delay with +/- jitter, as the TCP client uses (attempt is 1-based)."""
    base = min(max_s, initial_s * 2 ** (attempt - 1))
    return max(0.0, base * (1 + random.uniform(-jitter, jitter)))


# -- consumer side ---------------------------------------------------------------------------------


@dataclass(slots=True)
class InRecord:
    """A received record: its lines (empty when it was bad) and what the bus needs to acknowledge it."""

    lines: list[str]
    ack: Any
    bad: str = ""  # why the record is unusable (then ``lines`` is empty); counted when reached
    where: str = ""


class BusLineSource:
    """Bounded queue of received records, iterated as ``(line, origin)``; acks after hand-off.

    Subclasses run a fetch task that only asks the bus for as many records as the queue has room
    for (back-pressure reaches the broker, nothing is dropped) and implement ``_handed_on`` and
    ``_finish``.
    """

    def __init__(self, name: str, queue_size: int, max_line_bytes: int = DEFAULT_MAX_LINE) -> None:
        self.name = name
        self.max_line_bytes = max_line_bytes
        self.queue: asyncio.Queue[InRecord | object] = asyncio.Queue(max(1, queue_size))
        self.records_received = 0
        self.lines_received = 0
        self.bad_records = 0
        self.errors = 0
        self.reconnects = 0
        self.pauses = 0  # times the queue was full and fetching stopped
        self.stale_records = 0  # dropped unread because their partition was revoked meanwhile
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._finished = asyncio.Event()
        self._finish_lock = asyncio.Lock()
        self._ended = False
        self._current: InRecord | None = None  # being handed on: not acknowledged yet

    def record(self, value: bytes | None, ack: Any, where: str) -> InRecord:
        """A received payload as its lines, or marked bad with the reason (nothing here raises)."""
        self.records_received += 1
        if not value:
            return InRecord([], ack, "empty record", where)
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            return InRecord([], ack, f"not UTF-8 ({exc.reason} at byte {exc.start})", where)
        lines = [ln.rstrip("\r") for ln in text.split("\n") if ln.strip()]
        reason = ""
        if not lines:
            reason = "no lines"
        elif len(lines) > MAX_RECORD_LINES:
            reason = f"{len(lines)} lines (at most {MAX_RECORD_LINES} per record)"
        elif any(len(ln) > self.max_line_bytes for ln in lines):
            reason = f"a line longer than {self.max_line_bytes} bytes"
        return InRecord([] if reason else lines, ack, reason, where)

    def _skip_bad(self, record: InRecord) -> None:
        self.bad_records += 1
        if self.bad_records <= 10 or self.bad_records % 1000 == 0:
            log.warning(
                "%s: bad record at %s skipped: %s (%d so far)",
                self.name,
                record.where,
                record.bad,
                self.bad_records,
            )

    def counters(self) -> dict[str, int]:
        """This source's counters, for the service's metrics."""
        return {
            "records": self.records_received,
            "lines": self.lines_received,
            "bad_records": self.bad_records,
            "errors": self.errors,
            "reconnects": self.reconnects,
            "paused": self.pauses,
            "stale_records": self.stale_records,
        }

    def room(self) -> int:
        return self.queue.maxsize - self.queue.qsize()

    async def __aiter__(self) -> AsyncIterator[tuple[str, str]]:
        while True:
            item = await self.queue.get()
            if item is _END:
                await self._close_once()
                return
            assert isinstance(item, InRecord)
            if self._stale(item):
                self.stale_records += 1
                continue
            self._current = item
            if item.bad:
                self._skip_bad(item)  # counted once it is reached, so a redelivery is not counted twice
            for line in item.lines:
                self.lines_received += 1
                yield line, self.name
            # reached only when the consumer asked for more: every line of the record was handed on
            self._current = None
            await self._handed_on(item)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self, drain_timeout_s: float = 30.0) -> None:
        """Stop fetching; the iterator ends after the records already queued, then acks and closes."""
        self._stopping.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, drain_timeout_s)
            except TimeoutError:  # wait_for cancelled it
                log.warning("%s: fetch task did not stop within %.0f s", self.name, drain_timeout_s)
            except Exception as exc:  # the fetch task's failure was logged there
                log.debug("%s: fetch task ended with %r", self.name, exc)
        if not self._ended:
            self._ended = True
            try:
                await asyncio.wait_for(self.queue.put(_END), drain_timeout_s)
                await asyncio.wait_for(self._finished.wait(), drain_timeout_s)
            except TimeoutError:
                log.warning(
                    "%s: queued records not consumed within %.0f s; closing", self.name, drain_timeout_s
                )
        await self._close_once()

    async def _close_once(self) -> None:
        async with self._finish_lock:
            if not self._finished.is_set():
                try:
                    await self._finish()
                except Exception as exc:  # closing must not raise into shutdown
                    log.warning("%s: closing failed: %r", self.name, exc)
                self._finished.set()

    def unhanded(self) -> list[InRecord]:
        """Records received but not handed on (the one in hand and the queued ones); empties the queue."""
        left = [self._current] if self._current is not None else []
        self._current = None
        while not self.queue.empty():
            item = self.queue.get_nowait()
            if isinstance(item, InRecord):
                left.append(item)
        return left

    async def _sleep_or_stop(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _stale(self, record: InRecord) -> bool:
        """True for a record that must not be handed on any more (a Kafka partition moved away)."""
        return False

    async def _run(self) -> None:
        raise NotImplementedError

    async def _handed_on(self, record: InRecord) -> None:
        raise NotImplementedError

    async def _finish(self) -> None:
        raise NotImplementedError
