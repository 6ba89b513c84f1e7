"""TAK channel: CoT conversion, and delivery to a real local TCP/UDP listener that parses the XML."""

import asyncio
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from seawarden.deliver import DeliveryError
from seawarden.deliver.config import TakConfig
from seawarden.deliver.cot import alert_to_cot, cot_type
from seawarden.deliver.tak import TakChannel
from seawarden.types import Severity
from tests.deliver.conftest import make_record
from tests.deliver.peers import CotListener

pytestmark = pytest.mark.anyio
NOW = 1735128030.0


@pytest.mark.parametrize(
    ("severity", "expected"),
    [
        (Severity.INFO, "a-u-S"),
        (Severity.LOW, "a-u-S"),
        (Severity.MEDIUM, "a-u-S"),
        (Severity.HIGH, "a-s-S"),
        (Severity.CRITICAL, "a-h-S"),
    ],
)
def test_affiliation_follows_severity(severity, expected):
    assert cot_type(severity, hostile_min=Severity.CRITICAL, suspect_min=Severity.HIGH) == expected
    event = alert_to_cot(make_record(severity=severity.label), now=NOW)
    assert event.get("type") == expected


def test_event_fields():
    event = alert_to_cot(make_record(), now=NOW, stale_minutes=15, ce_m=25)
    assert event.get("uid") == "SeaWarden.alert.a-518998865-1735128000"
    assert event.get("time") == event.get("start") == "2024-12-25T12:00:30.000Z"
    assert event.get("stale") == "2024-12-25T12:15:30.000Z"
    point = event.find("point")
    assert (point.get("lat"), point.get("lon"), point.get("ce")) == ("59.980000", "25.250000", "25.0")
    assert event.find("detail/contact").get("callsign") == "EAGLE S"
    remarks = event.find("detail/remarks").text
    assert remarks.startswith("REL TO JEF, NATO. [HIGH] anchor_drag_suspected: Slow, erratic track")
    assert event.find("detail/seawarden").get("infrastructure") == "estlink-2"
    nameless = alert_to_cot(make_record(name=None), now=NOW)
    assert nameless.find("detail/contact").get("callsign") == "MMSI 518998865"


def test_alert_without_position_is_not_retryable():
    for bad in ({"lat": None}, {"lon": None}, {"lat": 91.0}, {"severity": "bogus"}):
        with pytest.raises(DeliveryError) as caught:
            alert_to_cot(make_record(**bad), now=NOW)
        assert not caught.value.retryable


def channel_for(port: int, protocol: str = "tcp") -> TakChannel:
    cfg = TakConfig(name="tak", org="fi-navy", host="127.0.0.1", port=port, protocol=protocol, timeout_s=3)
    return TakChannel(cfg, clock=lambda: NOW)


async def test_tcp_stream_delivers_parseable_events_and_survives_a_server_hangup(record):
    async with CotListener() as tak:
        channel = channel_for(tak.tcp_port)
        try:
            started = time.perf_counter()
            await channel.send(record, idempotency_key="k1")
            print(f"\nTAK/CoT TCP latency (incl. connect): {1000 * (time.perf_counter() - started):.1f} ms")
            await channel.send(make_record(version=2, severity="critical"), idempotency_key="k2")
            events = await tak.wait_for(2)
            assert [e.get("type") for e in events] == ["a-s-S", "a-h-S"]
            assert events[0].get("uid") == events[1].get("uid")  # an update moves the same marker
            assert tak.connections == 1
            await tak.drop_clients()
            async with asyncio.timeout(5):  # the channel's reader notices the hang-up
                while channel.connected:
                    await asyncio.sleep(0.01)
            await channel.send(make_record(version=3), idempotency_key="k3")
            await tak.wait_for(3)
            assert tak.connections == 2
        finally:
            await channel.close()


async def test_udp_datagram(record):
    async with CotListener() as tak:
        channel = channel_for(tak.udp_port, "udp")
        try:
            await channel.send(record, idempotency_key="k1")
            (event,) = await tak.wait_for(1)
        finally:
            await channel.close()
    assert event.find("detail/contact").get("callsign") == "EAGLE S"


async def test_no_listener_is_retryable(record):
    async with CotListener() as tak:
        port = tak.tcp_port
    channel = channel_for(port)
    with pytest.raises(DeliveryError) as caught:
        await channel.send(record, idempotency_key="k")
    await channel.close()
    assert caught.value.retryable


def make_cert(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed P-256 certificate for 127.0.0.1 (openssl CLI)."""
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=20,
    )
    return cert, key


@pytest.fixture
def certs(tmp_path: Path) -> dict[str, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not installed; needed to make test certificates")
    server_cert, server_key = make_cert(tmp_path, "tak-server")
    client_cert, client_key = make_cert(tmp_path, "seawarden")
    other_cert, _ = make_cert(tmp_path, "someone-else")
    return {
        "server_cert": server_cert,
        "server_key": server_key,
        "client_cert": client_cert,
        "client_key": client_key,
        "other_cert": other_cert,
    }


def tls_server(certs: dict[str, Path]) -> ssl.SSLContext:
    """Like a TAK server on 8089: its own certificate, and client certificates required."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs["client_cert"]))
    context.load_cert_chain(str(certs["server_cert"]), str(certs["server_key"]))
    context.verify_mode = ssl.CERT_REQUIRED
    return context


async def test_tls_with_client_certificate(record, certs):
    async with CotListener(tls=tls_server(certs)) as tak:
        cfg = TakConfig(
            name="tak",
            org="o",
            port=tak.tcp_port,
            protocol="tls",
            timeout_s=3,
            cafile=str(certs["server_cert"]),
            certfile=str(certs["client_cert"]),
            keyfile=str(certs["client_key"]),
        )
        channel = TakChannel(cfg, clock=lambda: NOW)
        try:
            await channel.send(record, idempotency_key="k1")
            (event,) = await tak.wait_for(1)
        finally:
            await channel.close()
    assert event.get("type") == "a-s-S"


async def test_tls_refuses_an_unknown_server_certificate(record, certs):
    async with CotListener(tls=tls_server(certs)) as tak:
        cfg = TakConfig(
            name="tak",
            org="o",
            port=tak.tcp_port,
            protocol="tls",
            timeout_s=3,
            cafile=str(certs["other_cert"]),
            certfile=str(certs["client_cert"]),
            keyfile=str(certs["client_key"]),
        )
        channel = TakChannel(cfg, clock=lambda: NOW)
        try:
            with pytest.raises(DeliveryError) as caught:
                await channel.send(record, idempotency_key="k1")
        finally:
            await channel.close()
    assert not caught.value.retryable and "certificate rejected" in caught.value.detail
    assert tak.events == []


async def test_tls_missing_key_file_is_a_configuration_error(record, tmp_path):
    cfg = TakConfig(name="tak", org="o", port=8089, protocol="tls", certfile=str(tmp_path / "missing.pem"))
    with pytest.raises(DeliveryError) as caught:
        await TakChannel(cfg).send(record, idempotency_key="k")
    assert not caught.value.retryable and "TLS files" in caught.value.detail
