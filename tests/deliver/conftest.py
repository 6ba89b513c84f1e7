"""Fixtures for delivery tests: sample alert records and the real local brokers.

Mosquitto (127.0.0.1:1883) and nats-server with JetStream (127.0.0.1:4222) are services of the test
machine. When one does not answer, its tests FAIL under CI=true (CI must provide it) and skip elsewhere.
"""

import os
import socket
from typing import Any

import pytest

from seawarden.types import Alert, AlertKind, Severity

MQTT_ADDR = ("127.0.0.1", int(os.environ.get("SEAWARDEN_TEST_MQTT_PORT", "1883")))
NATS_ADDR = ("127.0.0.1", int(os.environ.get("SEAWARDEN_TEST_NATS_PORT", "4222")))


def require_service(name: str, addr: tuple[str, int]) -> None:
    """Fail in CI, skip elsewhere, when a broker the test needs is not listening."""
    try:
        with socket.create_connection(addr, timeout=1.0):
            return
    except OSError as exc:
        message = f"{name} not answering on {addr[0]}:{addr[1]} ({exc})"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message + "; CI must run it")
    pytest.skip(message + "; start it to run this test")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_record(**overrides: Any) -> dict[str, Any]:
    """An alert record through the real ``Alert.to_dict`` (the contract), modelled on Eagle S / Estlink 2."""
    alert = Alert(
        id="a-518998865-1735128000",
        kind=AlertKind.ANCHOR_DRAG_SUSPECTED,
        severity=Severity.HIGH,
        risk=78.4,
        mmsi=518998865,
        time=1735128000.0,
        lat=59.98,
        lon=25.25,
        imo=9329760,
        name="EAGLE S",
        flag="Cook Islands",
        area="gulf-of-finland",
        infrastructure="estlink-2",
        evidence=[
            {
                "kind": "anchor_drag_suspected",
                "time": "2024-12-25T12:00:00Z",
                "explanation": "speed 6.1 kn with anchor-like track wobble over the cable",
            }
        ],
        explanation="Slow, erratic track across Estlink 2 consistent with a dragged anchor.",
        first_time=1735127400.0,
        releasability=["JEF", "NATO"],
    )
    record = alert.to_dict()
    record.update(overrides)
    return record


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def record() -> dict[str, Any]:
    return make_record()
