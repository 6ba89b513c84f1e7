"""Real local receivers for channel tests: an HTTP server, an SMTP sink and a TAK (CoT) listener.

All bind 127.0.0.1 on ephemeral ports and record what they receive, so tests check the bytes that
actually crossed a socket.
"""

import asyncio
import contextlib
import json
import ssl
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.deliver.conftest import free_port


@dataclass
class HttpRequest:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class HttpReceiver:
    """Answers POSTs with ``respond(request_number) -> (status, headers)`` (0-based), in a thread."""

    respond: Callable[[int], tuple[int, dict[str, str]]] = lambda n: (200, {})
    delay_s: float = 0.0
    requests: list[HttpRequest] = field(default_factory=list)

    def __enter__(self) -> "HttpReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                number = len(receiver.requests)
                receiver.requests.append(HttpRequest(self.path, dict(self.headers.items()), body))
                if receiver.delay_s:
                    threading.Event().wait(receiver.delay_s)
                status, headers = receiver.respond(number)
                reply = b'{"ok": true}' if status < 300 else b'{"error": "scripted failure"}'
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                with contextlib.suppress(OSError):  # the client may have timed out and gone
                    self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/seawarden?token=s3cret"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class _SmtpHandler:
    def __init__(self, sink: "SmtpSink") -> None:
        self.sink = sink

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options):
        if self.sink.rcpt_reply:
            return self.sink.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.sink.data_reply:
            return self.sink.data_reply
        message = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        self.sink.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"


class SmtpSink:
    """aiosmtpd on an ephemeral port; ``rcpt_reply`` / ``data_reply`` script failures."""

    def __init__(self, rcpt_reply: str | None = None, data_reply: str | None = None) -> None:
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.port = free_port()
        self.controller = Controller(
            _SmtpHandler(self), hostname="127.0.0.1", port=self.port, ready_timeout=5
        )

    def __enter__(self) -> "SmtpSink":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class CotListener:
    """A TAK-server stand-in: accepts TCP streams (and UDP datagrams) and parses each ``<event>``."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.events: list[ET.Element] = []
        self.arrived = asyncio.Event()
        self.connections = 0
        self._writers: list[asyncio.StreamWriter] = []

    def _take(self, xml: bytes) -> None:
        self.events.append(ET.fromstring(xml.split(b"?>", 1)[-1].strip()))
        self.arrived.set()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.append(writer)
        buffer = b""
        with contextlib.suppress(OSError):  # a client failing the TLS handshake is not our problem here
            while chunk := await reader.read(65536):
                buffer += chunk
                while b"</event>" in buffer:
                    xml, buffer = buffer.split(b"</event>", 1)
                    self._take(xml + b"</event>")

    async def __aenter__(self) -> "CotListener":
        self.tcp = await asyncio.start_server(self._client, "127.0.0.1", 0, ssl=self.tls)
        self.tcp_port = self.tcp.sockets[0].getsockname()[1]
        listener = self

        class Udp(asyncio.DatagramProtocol):
            def datagram_received(self, data: bytes, addr: object) -> None:
                listener._take(data)

        loop = asyncio.get_running_loop()
        self.udp, _ = await loop.create_datagram_endpoint(Udp, local_addr=("127.0.0.1", 0))
        self.udp_port = self.udp.get_extra_info("sockname")[1]
        return self

    async def drop_clients(self) -> None:
        """Hang up on every connected client (a TAK server restart)."""
        for writer in self._writers:
            writer.close()
        self._writers.clear()

    async def wait_for(self, count: int, timeout: float = 5.0) -> list[ET.Element]:
        async with asyncio.timeout(timeout):
            while len(self.events) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.events

    async def __aexit__(self, *exc: object) -> None:
        await self.drop_clients()
        self.tcp.close()
        self.udp.close()
        await asyncio.wait_for(self.tcp.wait_closed(), 5)
