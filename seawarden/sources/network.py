"""Live AIS feeds over the network (asyncio): TCP client, TCP listener, UDP listener.

Each source puts ``(line, source)`` pairs on a bounded queue and is consumed with ``async for``.
Lines are split by :class:`LineSplitter`, which never buffers more than ``max_line_bytes`` of one
line: an over-long line is cut there and passed on (the decoder rejects it as malformed), the rest
of it is skipped, so a peer that never sends a newline cannot exhaust memory.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator

log = logging.getLogger(__name__)

DEFAULT_MAX_LINE = 1024
_END = object()


class LineSplitter:
    """Bytes -> complete lines (str), with a hard cap on the bytes kept for one line."""

    def __init__(self, max_line_bytes: int = DEFAULT_MAX_LINE) -> None:
        self.max_line_bytes = max_line_bytes
        self._buffer = bytearray()
        self._skipping = False  # inside the tail of an over-long line
        self.oversized = 0

    def feed(self, data: bytes) -> list[str]:
        lines: list[str] = []
        start = 0
        while True:
            end = data.find(b"\n", start)
            chunk = data[start:] if end < 0 else data[start:end]
            if not self._skipping:
                room = self.max_line_bytes + 1 - len(self._buffer)
                self._buffer += chunk[:room]
                if len(self._buffer) > self.max_line_bytes:
                    self.oversized += 1
                    lines.append(self._take())  # cut: the decoder rejects it as too long
                    self._skipping = end < 0
            if end < 0:
                return lines
            if self._skipping:
                self._skipping = False
            elif self._buffer or chunk == b"":
                lines.append(self._take())
            start = end + 1

    def flush(self) -> list[str]:
        """End of stream: a last line without newline."""
        if self._buffer and not self._skipping:
            return [self._take()]
        self._buffer.clear()
        return []

    def _take(self) -> str:
        text = self._buffer.decode("utf-8", errors="replace").rstrip("\r")
        self._buffer.clear()
        return text


class _QueueSource:
    """Common part: a bounded queue of ``(line, source)`` and async iteration over it."""

    def __init__(self, name: str, queue_size: int, max_line_bytes: int) -> None:
        self.name = name
        self.max_line_bytes = max_line_bytes
        self.queue: asyncio.Queue[tuple[str, str] | object] = asyncio.Queue(queue_size)
        self.lines_received = 0

    async def _put(self, line: str, source: str) -> None:
        self.lines_received += 1
        await self.queue.put((line, source))

    async def __aiter__(self) -> AsyncIterator[tuple[str, str]]:
        while True:
            item = await self.queue.get()
            if item is _END:
                return
            yield item  # type: ignore[misc]

    async def _pump(self, reader: asyncio.StreamReader, source: str) -> None:
        splitter = LineSplitter(self.max_line_bytes)
        while data := await reader.read(65536):
            for line in splitter.feed(data):
                await self._put(line, source)
        for line in splitter.flush():
            await self._put(line, source)
        if splitter.oversized:
            log.warning(
                "%s: %d over-long lines cut at %d bytes", source, splitter.oversized, self.max_line_bytes
            )


class TcpClientSource(_QueueSource):
    """Connects to a TCP feed (AISHub, a receiver's NMEA port) and reconnects for ever.

    Back-off doubles from ``initial_backoff_s`` to ``max_backoff_s`` with +/-``jitter`` (fraction) so
    many clients do not reconnect in lock-step; it resets after a connection delivered data.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        name: str | None = None,
        initial_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        jitter: float = 0.2,
        connect_timeout_s: float = 10.0,
        queue_size: int = 10_000,
        max_line_bytes: int = DEFAULT_MAX_LINE,
    ) -> None:
        super().__init__(name or f"tcp:{host}:{port}", queue_size, max_line_bytes)
        self.host, self.port = host, port
        self.initial_backoff_s, self.max_backoff_s, self.jitter = initial_backoff_s, max_backoff_s, jitter
        self.connect_timeout_s = connect_timeout_s
        self.connections = 0
        self.reconnects = 0
        self._task: asyncio.Task[None] | None = None

    def backoff(self, attempt: int) -> float:
        """Delay before reconnect attempt ``attempt`` (1-based): capped exponential with jitter."""
        base = min(self.max_backoff_s, self.initial_backoff_s * 2 ** (attempt - 1))
        return max(0.0, base * (1 + random.uniform(-self.jitter, self.jitter)))

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.queue.put(_END)

    async def _run(self) -> None:
        attempt = 0
        while True:
            got_data = False
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), self.connect_timeout_s
                )
            except (OSError, TimeoutError) as exc:
                log.warning("%s: connect failed: %s", self.name, exc or type(exc).__name__)
            else:
                self.connections += 1
                log.info("%s: connected", self.name)
                before = self.lines_received
                try:
                    await self._pump(reader, self.name)
                    log.warning("%s: connection closed by peer", self.name)
                except OSError as exc:
                    log.warning("%s: connection lost: %s", self.name, exc)
                finally:
                    writer.close()
                    with contextlib.suppress(OSError):
                        await writer.wait_closed()
                got_data = self.lines_received > before
            attempt = 1 if got_data else attempt + 1
            delay = self.backoff(attempt)
            self.reconnects += 1
            log.warning("%s: reconnecting in %.1f s (attempt %d)", self.name, delay, attempt)
            await asyncio.sleep(delay)


class TcpServerSource(_QueueSource):
    """Listens for receivers pushing NMEA over TCP; any number of clients, each its own source."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        name: str | None = None,
        queue_size: int = 10_000,
        max_line_bytes: int = DEFAULT_MAX_LINE,
    ) -> None:
        super().__init__(name or f"tcp-listen:{host}:{port}", queue_size, max_line_bytes)
        self.host, self.port = host, port
        self._auto_name = name is None  # port 0: the name gets the real port at start()
        self.clients = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._client, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        if self._auto_name:
            self.name = f"tcp-listen:{self.host}:{self.port}"
        log.info("%s: listening on %s:%d", self.name, self.host, self.port)

    async def stop(self) -> None:
        """Stop listening; the iterator ends after the lines already queued (waits for the consumer)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self.queue.put(_END)

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername") or ("?", 0)
        source = f"{self.name}/{peer[0]}:{peer[1]}"
        self.clients += 1
        log.info("%s: client connected", source)
        try:
            await self._pump(reader, source)
        except OSError as exc:
            log.warning("%s: client connection lost: %s", source, exc)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            log.info("%s: client disconnected", source)


class UdpSource(_QueueSource):
    """Listens for NMEA datagrams (the usual receiver/AIS-catcher output); one or more lines each.

    UDP has no back-pressure: when the queue is full, lines are dropped and counted in ``dropped``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        name: str | None = None,
        queue_size: int = 10_000,
        max_line_bytes: int = DEFAULT_MAX_LINE,
    ) -> None:
        super().__init__(name or f"udp:{host}:{port}", queue_size, max_line_bytes)
        self.host, self.port = host, port
        self._auto_name = name is None
        self.dropped = 0
        self._transport: asyncio.DatagramTransport | None = None

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        source = self

        class _Protocol(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
                source._datagram(data, addr)

        self._transport, _ = await loop.create_datagram_endpoint(_Protocol, local_addr=(self.host, self.port))
        self.port = self._transport.get_extra_info("sockname")[1]
        if self._auto_name:
            self.name = f"udp:{self.host}:{self.port}"
        log.info("%s: listening on %s:%d", self.name, self.host, self.port)

    async def stop(self) -> None:
        if self._transport is not None:
            self._transport.close()
        await self.queue.put(_END)

    def _datagram(self, data: bytes, addr: tuple[str, int]) -> None:
        splitter = LineSplitter(self.max_line_bytes)
        source = f"{self.name}/{addr[0]}:{addr[1]}"
        for line in [*splitter.feed(data), *splitter.flush()]:
            try:
                self.queue.put_nowait((line, source))
                self.lines_received += 1
            except asyncio.QueueFull:
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    log.warning("%s: queue full, %d lines dropped so far", self.name, self.dropped)
