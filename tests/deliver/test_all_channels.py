"""End to end on every real channel: route -> dispatch -> receivers; nobody gets what they may not see."""

import asyncio
import contextlib
import json
import uuid

import aiomqtt
import nats
import pytest

from seawarden.deliver import DeliverySettings, Outcome, build_dispatcher, route
from tests.deliver.conftest import MQTT_ADDR, NATS_ADDR, make_record, require_service
from tests.deliver.peers import CotListener, HttpReceiver, SmtpSink

pytestmark = pytest.mark.anyio

ORGS = {"fi-navy": ["JEF"], "fingrid": ["OPERATOR:fingrid"]}
RELEASABILITY = {
    "r-jef": ["JEF"],
    "r-fingrid": ["OPERATOR:fingrid"],
    "r-both": ["JEF", "OPERATOR:fingrid"],
    "r-nato": ["NATO"],
    "r-none": [],
    "r-case": ["operator:FINGRID"],
}


def allowed(org: str) -> set[str]:
    mine = {c.casefold() for c in ORGS[org]}
    return {rid for rid, rel in RELEASABILITY.items() if mine & {c.casefold() for c in rel}}


async def test_every_channel_carries_only_releasable_alerts():
    require_service("Mosquitto", MQTT_ADDR)
    require_service("nats-server", NATS_ADDR)
    run = uuid.uuid4().hex[:8]
    nats_url = f"nats://{NATS_ADDR[0]}:{NATS_ADDR[1]}"
    with HttpReceiver() as hook_navy, HttpReceiver() as hook_fingrid, SmtpSink() as smtp:
        async with CotListener() as tak_navy, CotListener() as tak_fingrid:
            hooks = {"fi-navy": hook_navy, "fingrid": hook_fingrid}
            taks = {"fi-navy": tak_navy, "fingrid": tak_fingrid}
            channels, subscriptions = [], []
            for org, communities in ORGS.items():
                tag = f"{org.replace('-', '')}{run}"
                channels += [
                    {
                        "type": "webhook",
                        "name": f"{org}-hook",
                        "org": org,
                        "url": hooks[org].url,
                        "secret": "a-very-long-shared-secret",
                    },
                    {
                        "type": "mqtt",
                        "name": f"{org}-mqtt",
                        "org": org,
                        "host": MQTT_ADDR[0],
                        "port": MQTT_ADDR[1],
                        "topic_prefix": f"sw-test/{run}/{tag}",
                    },
                    {
                        "type": "nats",
                        "name": f"{org}-nats",
                        "org": org,
                        "servers": [nats_url],
                        "stream": f"SW_TEST_{tag}",
                        "subject_prefix": f"swtest.{tag}",
                        "max_age_s": 600,
                        "duplicate_window_s": 300,
                    },
                    {
                        "type": "email",
                        "name": f"{org}-mail",
                        "org": org,
                        "port": smtp.port,
                        "security": "none",
                        "sender": "alerts@seawarden.example",
                        "recipients": [f"watch@{org}.example"],
                    },
                    {"type": "tak", "name": f"{org}-tak", "org": org, "port": taks[org].tcp_port},
                ]
                subscriptions += [
                    {
                        "id": f"{org}-{kind}",
                        "org": org,
                        "communities": communities,
                        "channel": f"{org}-{kind}",
                        "min_severity": "info",
                    }
                    for kind in ("hook", "mqtt", "nats", "mail", "tak")
                ]
            settings = DeliverySettings(channels=channels, subscriptions=subscriptions)
            records = [make_record(id=rid, releasability=rel) for rid, rel in RELEASABILITY.items()]
            pairs = [(record, s) for record in records for s in route(record, settings.subscriptions)]
            assert len(pairs) == 5 * (len(allowed("fi-navy")) + len(allowed("fingrid")))

            dispatcher = build_dispatcher(settings)
            mqtt_seen: dict[str, set[str]] = {org: set() for org in ORGS}
            async with aiomqtt.Client(MQTT_ADDR[0], MQTT_ADDR[1], timeout=3) as subscriber:
                await subscriber.subscribe(f"sw-test/{run}/#", qos=1)
                try:
                    results = await asyncio.wait_for(dispatcher.dispatch(pairs), 20)
                finally:
                    await dispatcher.close()
                assert [r.outcome for r in results] == [Outcome.DELIVERED] * len(pairs), results
                latency = {}
                for r in results:
                    latency.setdefault(r.channel.split("-")[-1], []).append(r.latency_s)
                print(
                    "\nper-channel delivery latency, median of this run (ms): "
                    + ", ".join(
                        f"{k} {1000 * sorted(v)[len(v) // 2]:.1f}" for k, v in sorted(latency.items())
                    )
                )
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(3):
                        async for message in subscriber.messages:
                            org = "fi-navy" if "finavy" in str(message.topic) else "fingrid"
                            mqtt_seen[org].add(json.loads(message.payload)["id"])
                            if sum(map(len, mqtt_seen.values())) == len(allowed("fi-navy")) + len(
                                allowed("fingrid")
                            ):
                                break

            nc = await nats.connect(nats_url, connect_timeout=3, allow_reconnect=False)
            js = nc.jetstream(timeout=3)
            nats_seen: dict[str, set[str]] = {}
            try:
                for org in ORGS:
                    stream = f"SW_TEST_{org.replace('-', '')}{run}"
                    info = await js.stream_info(stream)
                    nats_seen[org] = {
                        json.loads((await js.get_msg(stream, seq=s)).data)["id"]
                        for s in range(1, info.state.messages + 1)
                    }
                    await js.delete_stream(stream)
            finally:
                await nc.close()

            for org in ORGS:
                expected = allowed(org)
                assert {r.json["id"] for r in hooks[org].requests} == expected
                assert mqtt_seen[org] == expected
                assert nats_seen[org] == expected
                mails = [m for rcpts, m in smtp.messages if rcpts == [f"watch@{org}.example"]]
                assert {json.loads(next(m.iter_attachments()).get_content())["id"] for m in mails} == expected
                events = await taks[org].wait_for(len(expected))
                assert {e.find("detail/seawarden").get("alert_id") for e in events} == expected
            assert len(smtp.messages) == len(allowed("fi-navy")) + len(allowed("fingrid"))
