"""The Hub (bounded queues, drop oldest, thread-safe publish) and the WebSocket protocol."""

import asyncio
import threading

import pytest
from starlette.websockets import WebSocketDisconnect

from seawarden.api import Hub
from seawarden.deliver import AlertFilter, Audience
from tests.api.conftest import make_alert

JEF = Audience(org="fi-navy", communities=frozenset({"JEF"}))


def test_slow_client_loses_oldest_and_is_told_how_many():
    async def scenario():
        hub = Hub(max_queue=3)
        sub = hub.subscribe(JEF, AlertFilter(min_severity="info"))
        for n in range(5):
            hub.publish_alert(make_alert(f"a{n}", ("JEF",)).to_dict())
        items = await sub.wait(timeout=1)
        return hub, items

    hub, items = asyncio.run(scenario())
    assert items[0] == {"type": "dropped", "count": 2}
    assert [m["alert"]["id"] for m in items[1:]] == ["a2", "a3", "a4"]
    assert hub.stats == {"published": 5, "delivered": 5, "dropped": 2, "subscribers": 1}


def test_publish_from_other_threads_wakes_the_reader():
    async def scenario():
        hub = Hub()
        sub = hub.subscribe(JEF, None, want_vessels=True)
        workers = [
            threading.Thread(target=hub.publish_vessels, args=([{"mmsi": n, "lat": 60.0, "lon": 25.0}],))
            for n in range(10)
        ]
        for w in workers:
            w.start()
        got: list[dict] = []
        while len(got) < 10:
            got += await sub.wait(timeout=2)
        for w in workers:
            w.join()
        hub.unsubscribe(sub)
        return hub, got

    hub, got = asyncio.run(scenario())
    assert sorted(m["vessels"][0]["mmsi"] for m in got) == list(range(10))
    assert hub.stats["subscribers"] == 0


def test_malformed_records_reach_nobody():
    async def scenario():
        hub = Hub()
        sub = hub.subscribe(JEF)
        hub.publish_alert({"id": "x", "severity": "loud", "releasability": ["JEF"]})
        hub.publish_alert("not a record")  # type: ignore[arg-type]
        return await sub.wait(timeout=0.05)

    assert asyncio.run(scenario()) == []


def test_websocket_filters_vessels_and_ping_pong(world):
    url = f"/api/v1/stream?token={world.tokens[('fi-navy', 'viewer')]}&kinds=ais_gap&vessels=1"
    with world.client.websocket_connect(url) as ws:
        hello = ws.receive_json()
        assert hello["filter"]["kinds"] == ["ais_gap"]
        world.hub.publish_alert(make_alert("drag", ("JEF",)).to_dict())  # other kind: filtered out
        world.hub.publish_vessels([{"mmsi": 1, "lat": float("nan"), "lon": 25.0}])
        message = ws.receive_json()
        assert message == {"type": "vessels", "vessels": [{"mmsi": 1, "lat": None, "lon": 25.0}]}
        ws.send_json({"type": "ping"})
        assert ws.receive_json() == {"type": "pong"}
    assert ("stream.open", "stream") in [
        (e.action, e.object) for e in world.store.audit_log(org_id="fi-navy")
    ]


@pytest.mark.parametrize(
    ("query", "code", "error"),
    [
        ("", 4401, "authentication required"),
        ("?token=sw_bad_token", 4401, "invalid API key"),
        ("?min_severity=loud&token={token}", 4400, "bad filter"),
        ("?kinds=nonsense&token={token}", 4400, "bad filter"),
    ],
)
def test_websocket_refusals_say_why(world, query, code, error):
    url = "/api/v1/stream" + query.format(token=world.tokens[("fi-navy", "viewer")])
    with world.client.websocket_connect(url) as ws:
        message = ws.receive_json()
        assert message["type"] == "error" and message["error"] == error
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == code


def test_hub_says_whether_anyone_wants_vessels():
    async def scenario():
        hub = Hub()
        answers = [hub.wants_vessels()]
        alerts_only = hub.subscribe(JEF, None)
        answers.append(hub.wants_vessels())
        with_map = hub.subscribe(JEF, None, want_vessels=True)
        answers.append(hub.wants_vessels())
        hub.unsubscribe(with_map)
        answers.append(hub.wants_vessels())
        hub.unsubscribe(alerts_only)
        return answers

    assert asyncio.run(scenario()) == [False, False, True, False]
