"""The runtime in-process: TCP feed -> pipeline thread -> store outbox -> webhooks, with back-pressure."""

import asyncio

from seawarden.config import Settings
from seawarden.service import ReleasabilityPolicy, ReleasabilityRule, Runtime, ServeSettings, TcpListenSource
from seawarden.store import open_store
from tests.service.peers import SCENARIO, SECRET, WebhookReceiver, send_lines

GOF_POLICY = ReleasabilityPolicy(
    rules=[ReleasabilityRule(areas=["gof-*"], communities=["JEF", "OPERATOR:fingrid"])]
)


def delivery_settings(receiver: WebhookReceiver) -> dict:
    return {
        "channels": [
            {"type": "webhook", "name": f"{o}-hook", "org": o, "url": receiver.url(f"/{o}"), "secret": SECRET}
            for o in ("jef", "nato")
        ],
        "subscriptions": [
            {"id": "jef-all", "org": "jef", "communities": ["JEF"], "channel": "jef-hook"},
            {"id": "nato-all", "org": "nato", "communities": ["NATO"], "channel": "nato-hook"},
        ],
    }  # fmt: skip


def test_tcp_feed_to_store_and_webhooks_with_backpressure_and_releasability(tmp_path) -> None:
    lines = SCENARIO.read_text(encoding="utf-8").splitlines()
    store_url = f"sqlite:///{tmp_path / 'sw.db'}"
    with WebhookReceiver() as receiver:
        serve = ServeSettings(
            http_enabled=False,
            sources=[TcpListenSource(port=0, name="feed")],
            store_url=store_url,
            delivery=delivery_settings(receiver),
            organisations=[
                {"id": "jef", "name": "JEF navy", "communities": ["JEF"]},
                {"id": "nato", "name": "NATO partner", "communities": ["NATO"]},
            ],
            releasability=GOF_POLICY,
            line_queue_size=10,  # tiny: the feed must be slowed down, never dropped
            delivery_poll_s=0.2,
        )
        runtime = Runtime(Settings(data_dir=tmp_path), serve)

        async def scenario() -> None:
            task = asyncio.create_task(runtime.run(install_signals=False))
            await runtime.started.wait()
            assert len(runtime.issued_keys) == 2
            await asyncio.to_thread(send_lines, runtime.sources[0].port, lines)
            while runtime.metrics.get("lines_in") < len(lines) and not task.done():
                await asyncio.sleep(0.05)
            runtime.request_stop("test done")
            assert await task == 0

        asyncio.run(scenario())
        counters = runtime.metrics_snapshot()
        assert counters["lines_in"] == len(lines)  # nothing lost...
        assert counters["queue_full_waits"] > 0  # ...although the queue was full and the feed waited

        with open_store(store_url) as store:
            jef_alerts = store.list_alerts("jef", limit=100).items
            assert store.list_alerts("nato", limit=100).items == []  # Gulf of Finland: not for NATO
            drag = [a for a in jef_alerts if a.kind == "anchor_drag_suspected"]
            assert len(drag) == 1 and drag[0].record["releasability"] == ["JEF", "OPERATOR:fingrid"]
            assert store.outbox_counts()["jef-all"] == {"delivered": drag[0].version + _others(jef_alerts)}
            assert store.vessel(518100274) is not None  # snapshot saved at shutdown

        jef = receiver.items("/jef")
        keys = [key for _, key, _, _ in jef]
        assert len(keys) == len(set(keys))
        expected = {f"{a.id}:v{v}:jef-all" for a in jef_alerts for v in range(1, a.version + 1)}
        assert set(keys) == expected
        assert receiver.items("/nato") == []


def _others(alerts) -> int:
    return sum(a.version for a in alerts if a.kind != "anchor_drag_suspected")
