"""End to end: real AIS (DMA 2010) plus a SIMULATED anchor drag over Estlink 2, streamed over TCP into a
running service; two organisations with different releasability receive the alert, or do not, on
WebSocket, webhook and MQTT. The latency from the triggering line to each delivery is printed."""

import asyncio
import calendar
import json
import shutil
import socket
import subprocess
import time

import pytest

from seawarden.config import Settings
from seawarden.service import Runtime, ServeSettings, TcpListenSource
from tests.service.peers import SAMPLE, SCENARIO, SECRET, WebhookReceiver, free_port, send_lines, wait_for
from tests.service.test_runtime import GOF_POLICY

aiomqtt = pytest.importorskip("aiomqtt")
websockets_client = pytest.importorskip("websockets.asyncio.client")
pytest.importorskip("seawarden.api.app")

DRAG = "anchor_drag_suspected"


@pytest.fixture
def mosquitto():
    binary = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if shutil.os.path.exists("/usr/sbin/mosquitto") else None
    )
    if binary is None:
        pytest.skip("mosquitto is not installed")
    port = free_port()
    proc = subprocess.Popen([binary, "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def up() -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    assert wait_for(up, 10), "mosquitto did not start"
    yield port
    proc.terminate()
    proc.wait(10)


def _delivery(receiver: WebhookReceiver, mqtt_port: int) -> dict:
    channels, subscriptions = [], []
    for org, community in (("jef", "JEF"), ("nato", "NATO")):
        channels += [
            {
                "type": "webhook",
                "name": f"{org}-hook",
                "org": org,
                "url": receiver.url(f"/{org}"),
                "secret": SECRET,
            },
            {
                "type": "mqtt",
                "name": f"{org}-mqtt",
                "org": org,
                "port": mqtt_port,
                "topic_prefix": f"sw/{org}",
            },
        ]
        subscriptions += [
            {"id": f"{org}-hook", "org": org, "communities": [community], "channel": f"{org}-hook"},
            {"id": f"{org}-mqtt", "org": org, "communities": [community], "channel": f"{org}-mqtt"},
        ]
    return {"channels": channels, "subscriptions": subscriptions}  # fmt: skip


def test_anchor_drag_reaches_the_right_orgs_on_every_channel(tmp_path, mosquitto) -> None:
    lines = (
        SAMPLE.read_text(encoding="utf-8").splitlines() + SCENARIO.read_text(encoding="utf-8").splitlines()
    )
    sent_at: dict[str, float] = {}
    got: dict[str, list[tuple[dict, float]]] = {"ws:jef": [], "ws:nato": [], "mqtt:jef": [], "mqtt:nato": []}
    http_port = free_port()
    with WebhookReceiver() as receiver:
        serve = ServeSettings(
            http={"port": http_port},
            sources=[TcpListenSource(port=0, name="feed")],
            store_url=f"sqlite:///{tmp_path / 'sw.db'}",
            delivery=_delivery(receiver, mosquitto),
            organisations=[
                {"id": "jef", "name": "JEF navy", "communities": ["JEF"]},
                {"id": "nato", "name": "NATO partner", "communities": ["NATO"]},
            ],
            releasability=GOF_POLICY,
            delivery_poll_s=0.2,
        )
        runtime = Runtime(Settings(data_dir=tmp_path), serve)

        async def websocket(org: str, token: str, ready: asyncio.Event) -> None:
            url = f"ws://127.0.0.1:{http_port}/api/v1/stream"
            async with websockets_client.connect(url, additional_headers={"X-API-Key": token}) as ws:
                ready.set()
                async for frame in ws:
                    message = json.loads(frame)
                    if message.get("type") == "alert":
                        got[f"ws:{org}"].append((message["alert"], time.time()))

        async def mqtt(ready: asyncio.Event) -> None:
            async with aiomqtt.Client("127.0.0.1", mosquitto) as client:
                await client.subscribe("sw/#", qos=1)
                ready.set()
                async for msg in client.messages:
                    org = str(msg.topic).split("/")[1]
                    got[f"mqtt:{org}"].append((json.loads(msg.payload), time.time()))

        async def scenario() -> None:
            task = asyncio.create_task(runtime.run(install_signals=False))
            await runtime.started.wait()
            keys = {k.org: k.token for k in runtime.issued_keys}
            readies = [asyncio.Event() for _ in range(3)]
            listeners = [
                asyncio.create_task(websocket("jef", keys["jef"], readies[0])),
                asyncio.create_task(websocket("nato", keys["nato"], readies[1])),
                asyncio.create_task(mqtt(readies[2])),
            ]
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 10)
            await asyncio.to_thread(send_lines, runtime.sources[0].port, lines, sent_at)

            def drag_everywhere() -> bool:
                return bool(_drag(got["ws:jef"]) and _drag(got["mqtt:jef"]) and _drag(_hook(receiver, "jef")))

            deadline = time.monotonic() + 40
            while not drag_everywhere() and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.0)  # let anything wrongly routed to NATO arrive too
            runtime.request_stop("test done")
            await task
            for listener in listeners:
                listener.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)

        asyncio.run(scenario())
        hooks = {org: _hook(receiver, org) for org in ("jef", "nato")}

    channels = {
        "websocket": got["ws:jef"], "webhook": hooks["jef"], "mqtt": got["mqtt:jef"],
    }  # fmt: skip
    for name, items in channels.items():
        assert _drag(items), f"JEF did not get the anchor-drag alert on {name}"
    for name, items in {
        "websocket": got["ws:nato"],
        "webhook": hooks["nato"],
        "mqtt": got["mqtt:nato"],
    }.items():
        assert not [r for r, _ in items if (r.get("area") or "").startswith("gof-")], (
            f"NATO got a GoF alert on {name}"
        )
    first = _drag(channels["webhook"])[0][0]
    stamp = str(int(calendar.timegm(time.strptime(first["time"], "%Y-%m-%dT%H:%M:%SZ"))))
    sent = sent_at.get(stamp)
    report = []
    for name, items in channels.items():
        v1 = [t for r, t in items if r["kind"] == DRAG and r["version"] == 1]
        if sent is not None and v1:
            report.append(f"{name} {1000 * (v1[0] - sent):.0f} ms")
    print(f"\nanchor-drag v1 latency, trigger line sent over TCP -> delivered: {', '.join(report) or 'n/a'}")


def _drag(items: list[tuple[dict, float]]) -> list[tuple[dict, float]]:
    return [(r, t) for r, t in items if r.get("kind") == DRAG]


def _hook(receiver: WebhookReceiver, org: str) -> list[tuple[dict, float]]:
    return [(record, t) for _, _, record, t in receiver.items(f"/{org}")]
