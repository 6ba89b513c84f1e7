"""Vessel search, dossier (live first, store otherwise), watch-list match, tracks and their exports."""

import csv
import io
import json

import pytest

from seawarden.api import LiveView
from seawarden.store import TrackPoint, VesselRecord
from seawarden.watchlist import Watchlist, WatchlistEntry
from tests.api.conftest import T0, build_world

EAGLE = 518998865


class FakeLive:
    """What the service's LiveView returns, for one tracked vessel."""

    def vessels(self):
        return [
            {
                "mmsi": 230999000,
                "lat": 60.1,
                "lon": 24.9,
                "sog": 0.4,
                "cog": None,
                "heading": None,
                "name": "SAMPLE LIVE",
                "risk": 72.0,
                "time": T0 + 60,
            }
        ]

    def vessel(self, mmsi):
        if mmsi != 230999000:
            return None
        return {
            "mmsi": mmsi,
            "identity": {"name": "SAMPLE LIVE", "imo": None},
            "identity_history": [{"time": T0, "field": "name", "old": "EAGLE S", "new": "SAMPLE LIVE"}],
            "risk": 72.0,
            "risk_breakdown": [{"factor": "anchor_drag", "points": 40, "why": "speed drop over cable"}],
            "monitoring": "watch",
            "track": [{"t": T0, "lat": 60.1, "lon": 24.9, "sog": float("nan")}],
        }


@pytest.fixture
def live_world(tmp_path, geo, seed):
    watchlist = Watchlist([WatchlistEntry(id="imo:9329760", imo=9329760, names=["EAGLE S"], mmsis=[EAGLE])])
    world = build_world(tmp_path, geo, seed, live=FakeLive(), watchlist=watchlist)
    world.store.save_vessels(
        [
            VesselRecord(
                mmsi=EAGLE,
                imo=9329760,
                name="EAGLE S",
                flag="Cook Islands",
                lat=59.7,
                lon=25.9,
                position_at=T0,
                last_seen=T0,
                risk=88.0,
            )
        ]
    )
    world.store.add_track_points(
        [TrackPoint(EAGLE, T0 + i * 600, 59.7 + i * 0.01, 25.9, 6.0 - i) for i in range(5)], sample=False
    )
    with world.client:
        yield world
    world.store.close()


def test_fake_live_satisfies_the_protocol():
    assert isinstance(FakeLive(), LiveView)


def test_search_by_name_mmsi_and_imo(live_world):
    headers = live_world.headers("fingrid")
    for q in ("eagle", str(EAGLE), "9329760"):
        found = live_world.client.get(f"/api/v1/vessels?q={q}", headers=headers).json()
        assert [v["mmsi"] for v in found] == [EAGLE], q
    live = live_world.client.get("/api/v1/vessels?q=sample", headers=headers).json()
    assert [v["mmsi"] for v in live] == [230999000]
    picture = live_world.client.get("/api/v1/vessels", headers=headers).json()
    assert picture[0]["mmsi"] == 230999000 and picture[0]["time"].startswith("2024-12-25T10:01")


def test_dossier_from_store_with_watchlist_match_and_only_visible_alerts(live_world):
    response = live_world.client.get(f"/api/v1/vessels/{EAGLE}", headers=live_world.headers("fingrid"))
    assert response.status_code == 200
    body = response.json()
    assert body["source"] == "store"
    assert body["vessel"]["name"] == "EAGLE S" and body["vessel"]["risk"] == 88.0
    assert body["watchlist"]["method"] == "imo" and body["watchlist"]["entry"]["id"] == "imo:9329760"
    assert [a["id"] for a in body["recent_alerts"]] == ["a-operator"]  # releasability holds here too


def test_dossier_from_live_uses_identity_history(live_world):
    body = live_world.client.get("/api/v1/vessels/230999000", headers=live_world.headers("fi-navy")).json()
    assert body["source"] == "live"
    assert body["vessel"]["risk_breakdown"][0]["factor"] == "anchor_drag"
    assert body["vessel"]["track"][0]["sog"] is None  # NaN made JSON-safe
    assert body["watchlist"]["method"] == "name"  # matched on the former name EAGLE S


def test_unknown_vessel_is_404(live_world):
    assert (
        live_world.client.get("/api/v1/vessels/123456789", headers=live_world.headers("fi-navy")).status_code
        == 404
    )


def test_track_and_exports(live_world):
    headers = live_world.headers("nato-marcom")
    track = live_world.client.get(
        f"/api/v1/vessels/{EAGLE}/track?since=2024-12-25T10:05:00Z&until=2024-12-25T10:35:00Z",
        headers=headers,
    ).json()
    assert [p["time"] for p in track] == [
        "2024-12-25T10:10:00Z",
        "2024-12-25T10:20:00Z",
        "2024-12-25T10:30:00Z",
    ]
    geo = live_world.client.get(f"/api/v1/vessels/{EAGLE}/track/export?format=geojson", headers=headers)
    features = json.loads(geo.text)["features"]
    assert len(features) == 5 and features[0]["geometry"]["coordinates"] == [25.9, 59.7]
    text = live_world.client.get(f"/api/v1/vessels/{EAGLE}/track/export?format=csv", headers=headers).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5 and rows[-1]["sog"] == "2.0"
    bad = live_world.client.get(
        f"/api/v1/vessels/{EAGLE}/track?since=2024-12-25T11:00:00Z&until=2024-12-25T10:00:00Z",
        headers=headers,
    )
    assert bad.status_code == 400
