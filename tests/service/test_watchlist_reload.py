"""Watch-list edits made through the REST API reach the running pipeline without a restart.

A vessel sails inside an area while unlisted (no watch-list alert); an analyst lists its IMO over HTTP
and its next reports raise ``watchlist_in_area``; the entry is removed and a fresh visit raises none.
"""

import asyncio

import httpx
import pytest
from shapely.geometry import box

from seawarden.config import Settings
from seawarden.geo import Area, GeoContext
from seawarden.service import Runtime, ServeSettings
from seawarden.types import AlertKind, Message
from seawarden.watchlist import Watchlist
from tests.service.peers import free_port

pytest.importorskip("seawarden.api.app")

T0 = 1_735_120_000.0
MMSI = 518998865
IMO = 9329760
OTHER = 230000001  # a marker vessel far from the area: its report proves earlier batches are recorded
AREA = Area("gof-test", "Test Gulf", ("FI", "EE"), (), "test", box(24.3, 59.4, 25.0, 59.8))
GEO = GeoContext([AREA], [], [], land_path=None)
WATCH = str(AlertKind.WATCHLIST_IN_AREA)


def position(t: float, lon: float, mmsi: int = MMSI, lat: float = 59.6) -> Message:
    return Message(msg_type=1, mmsi=mmsi, timestamp=t, lat=lat, lon=lon, sog=10.0, cog=90.0)


def leg(t0: float, lons: list[float]) -> list[Message]:
    """Reports at 10 kn along 59.6 N (1 degree of longitude is ~56.3 km there): plausible, not spoofed."""
    out, t = [], t0
    for i, lon in enumerate(lons):
        if i:
            t += abs(lon - lons[i - 1]) * 56_300.0 / (10.0 * 1852 / 3600)
        out.append(position(t, lon))
    return out


def test_analyst_listing_a_vessel_over_the_api_is_matched_at_once_and_removal_stops_it(tmp_path) -> None:
    alerts: list[dict] = []
    serve = ServeSettings(
        http={"port": free_port()},
        sources=[],
        store_url=f"sqlite:///{tmp_path / 'sw.db'}",
        organisations=[{"id": "jef", "name": "JEF navy", "communities": ["JEF"]}],
        delivery_poll_s=0.2,
    )
    runtime = Runtime(
        Settings(data_dir=tmp_path), serve, geo=GEO, watchlist=Watchlist([]), on_alert=alerts.append
    )
    sent = 0
    markers = 0

    async def push(messages: list[Message]) -> None:
        """Queue messages, then one marker, and wait until the pipeline took the marker too."""
        nonlocal sent, markers
        markers += 1
        marker = position(messages[-1].timestamp + 1, 20.0 + markers * 0.01, mmsi=OTHER, lat=57.0)
        for batch in (messages, [marker]):  # the marker lands in a later batch than ``messages``
            for msg in batch:
                await asyncio.to_thread(runtime.work.put, msg)
            sent += len(batch)
            while runtime.metrics.get("messages") < sent:
                assert runtime.worker.is_alive()
                await asyncio.sleep(0.02)

    def watch_alerts() -> list[dict]:
        return [a for a in alerts if a["kind"] == WATCH and a["mmsi"] == MMSI]

    async def scenario() -> None:
        task = asyncio.create_task(runtime.run(install_signals=False))
        await runtime.started.wait()
        token = runtime.issued_keys[0].token
        async with httpx.AsyncClient(base_url=runtime.http_url, headers={"X-API-Key": token}) as api:
            static = Message(msg_type=5, mmsi=MMSI, timestamp=T0 - 10, imo=IMO, name="EAGLE S", ship_type=80)
            await push([static, *leg(T0, [24.1, 24.2, 24.35, 24.4, 24.45])])
            assert watch_alerts() == []  # inside the area, but nobody listed it yet

            created = await api.post("/api/v1/watchlist", json={"imo": IMO, "reason": "analyst tip"})
            assert created.status_code == 201, created.text
            await push(leg(T0 + 3 * 3600, [24.5, 24.55]))
            listed = watch_alerts()
            assert len(listed) == 1  # no restart: the very next report matched the new entry
            assert listed[0]["area"] == "gof-test"
            assert runtime.metrics.get("watchlist_reloads") == 1
            assert runtime.pipeline.watchlist.get(IMO) is not None
            assert runtime.app.state.ctx.watchlist is runtime.pipeline.watchlist  # dossiers agree

            removed = await api.delete(f"/api/v1/watchlist/imo:{IMO}")
            assert removed.status_code == 204, removed.text
            # Leave the area and come back: a still-cached (sticky) match would alert again.
            await push(leg(T0 + 5 * 3600, [24.6, 24.7, 24.8, 24.9, 25.05, 25.1, 25.05, 24.95, 24.9]))
            assert len(watch_alerts()) == 1
            assert runtime.metrics.get("watchlist_reloads") == 2
            assert runtime.pipeline.watchlist.get(IMO) is None
        runtime.request_stop("test done")
        assert await task == 0

    asyncio.run(scenario())


def test_entries_in_the_store_are_watched_from_the_start(tmp_path) -> None:
    """What an analyst added before a restart is in the register the pipeline starts with."""
    from seawarden.store import open_store
    from seawarden.watchlist import WatchlistEntry

    store_url = f"sqlite:///{tmp_path / 'sw.db'}"
    with open_store(store_url) as store:
        store.save_watchlist([WatchlistEntry(id=f"imo:{IMO}", imo=IMO, reason="earlier")], actor="analyst")
    serve = ServeSettings(http_enabled=False, sources=[], store_url=store_url)
    base = Watchlist([WatchlistEntry(id="imo:9321483", imo=9321483, reason="base")])
    runtime = Runtime(Settings(data_dir=tmp_path), serve, geo=GEO, watchlist=base)

    async def scenario() -> None:
        task = asyncio.create_task(runtime.run(install_signals=False))
        await runtime.started.wait()
        register = runtime.pipeline.watchlist
        assert register.get(IMO) is not None and register.get(9321483) is not None
        assert len(base) == 1  # the caller's register is not changed by the merge
        runtime.request_stop("test done")
        assert await task == 0

    asyncio.run(scenario())
