"""TAK channel: Cursor-on-Target XML over TCP, TLS (a TAK server's 8089 with a client certificate) or UDP.

TCP keeps one connection open; a background reader drains whatever the server sends back (pings,
other clients' events) and notices when the server hangs up, so the next send reconnects instead of
writing into a dead socket. UDP is fire-and-forget by nature: "delivered" means "sent".
"""

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import Callable
from typing import Any

from seawarden.deliver.config import TakConfig
from seawarden.deliver.cot import alert_to_cot, to_bytes
from seawarden.deliver.errors import DeliveryError

log = logging.getLogger(__name__)


class _Connection:
    """One TCP stream plus the task that drains it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.alive = True
        self._drain = asyncio.create_task(self._discard(reader))

    async def _discard(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(Exception):
            while await reader.read(65536):
                pass
        self.alive = False

    async def close(self) -> None:
        self.alive = False
        self._drain.cancel()
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 2.0)


class TakChannel:
    def __init__(self, config: TakConfig, *, clock: Callable[[], float] = time.time) -> None:
        self.name = config.name
        self.org = config.org
        self.config = config
        self._clock = clock
        self._tcp: _Connection | None = None
        self._udp: asyncio.DatagramTransport | None = None
        self._ssl: ssl.SSLContext | None = None
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> bool:
        """A live TCP stream is open (False after the server hung up, until the next send)."""
        return self._tcp is not None and self._tcp.alive

    def render(self, record: dict[str, Any]) -> bytes:
        cfg = self.config
        return to_bytes(
            alert_to_cot(
                record,
                now=self._clock(),
                stale_minutes=cfg.stale_minutes,
                ce_m=cfg.ce_m,
                hostile_min=cfg.hostile_min_severity,
                suspect_min=cfg.suspect_min_severity,
            )
        )

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        payload = self.render(record)
        where = f"{self.config.protocol}://{self.config.host}:{self.config.port}"
        try:
            async with self._lock:  # one writer at a time: events must not interleave on the stream
                if self.config.protocol == "udp":
                    await self._send_udp(payload)
                else:
                    await self._send_tcp(payload)
        except ssl.SSLCertVerificationError as exc:
            # Either the wrong CA is configured or someone is in the middle: an operator must look.
            raise DeliveryError(
                False, f"TAK server {where} certificate rejected: {exc.verify_message}"
            ) from exc
        except (OSError, TimeoutError, ConnectionError) as exc:  # ssl.SSLError is an OSError
            raise DeliveryError(True, f"cannot send CoT to TAK {where}: {type(exc).__name__}: {exc}") from exc

    async def _send_tcp(self, payload: bytes) -> None:
        if self._tcp is not None and (not self._tcp.alive or self._tcp.writer.is_closing()):
            await self._tcp.close()
            self._tcp = None
        if self._tcp is None:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.config.host, self.config.port, ssl=self._tls_context()),
                self.config.timeout_s,
            )
            self._tcp = _Connection(reader, writer)
        try:
            self._tcp.writer.write(payload)
            await asyncio.wait_for(self._tcp.writer.drain(), self.config.timeout_s)
        except BaseException:
            await self._tcp.close()
            self._tcp = None
            raise

    def _tls_context(self) -> ssl.SSLContext | None:
        cfg = self.config
        if cfg.protocol != "tls":
            return None
        if self._ssl is None:
            try:
                context = ssl.create_default_context(cafile=cfg.cafile)
                context.check_hostname = cfg.check_hostname
                if cfg.certfile:
                    password = cfg.key_password.get_secret_value() if cfg.key_password else None
                    context.load_cert_chain(cfg.certfile, cfg.keyfile, password)
            except (OSError, ssl.SSLError) as exc:  # missing or unreadable files: configuration, not weather
                raise DeliveryError(False, f"cannot load TAK TLS files: {exc}") from exc
            self._ssl = context
        return self._ssl

    async def _send_udp(self, payload: bytes) -> None:
        if self._udp is None or self._udp.is_closing():
            loop = asyncio.get_running_loop()
            self._udp, _ = await asyncio.wait_for(
                loop.create_datagram_endpoint(
                    asyncio.DatagramProtocol, remote_addr=(self.config.host, self.config.port)
                ),
                self.config.timeout_s,
            )
        if len(payload) > 65000:
            raise DeliveryError(False, f"CoT event of {len(payload)} bytes is too large for UDP")
        self._udp.sendto(payload)

    async def close(self) -> None:
        async with self._lock:
            if self._tcp is not None:
                await self._tcp.close()
                self._tcp = None
            if self._udp is not None:
                self._udp.close()
                self._udp = None
