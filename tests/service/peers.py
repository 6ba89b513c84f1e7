"""Test peers for the service: a webhook receiver that records what arrives, and a TCP line sender."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "eagle_s_unlisted.nmea"
SAMPLE = ROOT / "samples" / "dma-2010-06-11.nmea"
SECRET = "test-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebhookReceiver:
    """Records (path, Idempotency-Key, record, arrival time) of every POST; answers 204."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict, float]] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    receiver.received.append(
                        (self.path, self.headers.get("Idempotency-Key", ""), json.loads(body), time.time())
                    )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def items(self, path: str | None = None) -> list[tuple[str, str, dict, float]]:
        with self._lock:
            return [r for r in self.received if path is None or r[0] == path]


def send_lines(port: int, lines: list[str], sent_at: dict[str, float] | None = None) -> None:
    """Push lines over one TCP connection; records the wall time each tag-block time was first sent."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        for line in lines:
            sock.sendall(line.encode() + b"\n")
            if sent_at is not None and line.startswith("\\") and "c:" in line:
                stamp = line.split("c:", 1)[1].split("*", 1)[0].split(",", 1)[0]
                sent_at.setdefault(stamp, time.time())


def wait_for(predicate, timeout_s: float, interval_s: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval_s)
    return predicate()
