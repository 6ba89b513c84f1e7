"""Vessel snapshots, downsampled tracks, retention and search."""

import math

from seawarden.store import Store, TrackPoint, VesselRecord
from seawarden.track import Tracker
from seawarden.types import Message, TimeSource
from tests.store.conftest import T0, FakeClock


def _eagle(t: float, lat: float = 59.70, **extra) -> VesselRecord:
    return VesselRecord(
        mmsi=518998000,
        imo=9329760,
        name="EAGLE S",
        flag="Cook Islands",
        last_seen=t,
        position_at=t,
        lat=lat,
        lon=25.90,
        sog=6.2,
        risk=72.0,
        monitoring="watch",
        quality=("jump",),
        **extra,
    )


def test_snapshots_from_the_tracker_and_a_thinned_track(store: Store, clock: FakeClock) -> None:
    tracker = Tracker()
    for n in range(40):  # a report every 10 s for 400 s
        msg = Message(
            msg_type=1,
            mmsi=518998000,
            timestamp=T0 + 10 * n,
            time_source=TimeSource.TAG_BLOCK,
            lat=59.70 + 0.0003 * n,
            lon=25.90,
            sog=6.0,
            cog=0.0,
            nav_status=0,
        )
        store.save_vessels([tracker.update(msg).state])
    track = store.vessel_track(518998000)
    assert [p.t - T0 for p in track] == [0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330, 360, 390]
    vessel = store.vessel(518998000)
    assert vessel is not None and vessel.last_seen == T0 + 390 and vessel.lat == track[-1].lat
    assert store.stats["track_points_thinned"] == 40 - len(track)


def test_an_older_snapshot_never_replaces_a_newer_one(store: Store) -> None:
    store.save_vessels([_eagle(T0 + 100, lat=59.8)], track=False)
    store.save_vessels([_eagle(T0, lat=59.1)], track=False)
    vessel = store.vessel(518998000)
    assert vessel is not None and vessel.lat == 59.8 and vessel.quality == ("jump",)


def test_track_range_retention_and_bad_points(store: Store) -> None:
    points = [TrackPoint(230000001, T0 + 60 * n, 60.0, 24.0 + 0.01 * n, sog=math.nan) for n in range(10)]
    points.append(TrackPoint(230000001, T0 + 9999, 95.0, 24.0))  # impossible latitude
    assert store.add_track_points(points) == 10
    assert store.stats["track_points_rejected"] == 1
    window = store.vessel_track(230000001, since=T0 + 120, until=T0 + 300)
    assert [p.t - T0 for p in window] == [120, 180, 240]
    assert window[0].sog is None
    assert [p.t - T0 for p in store.vessel_track(230000001, limit=2)] == [480, 540]
    assert store.prune_tracks(older_than=T0 + 300) == 5
    assert len(store.vessel_track(230000001)) == 5


def test_search_by_name_mmsi_and_imo(store: Store) -> None:
    store.save_vessels(
        [
            _eagle(T0),
            VesselRecord(mmsi=413000001, imo=9224489, name="NEWNEW POLAR BEAR", last_seen=T0),
            VesselRecord(mmsi=230000002, name="100%_MATCH", last_seen=T0),
        ],
        track=False,
    )
    assert [v.mmsi for v in store.search_vessels("eagle-s")] == [518998000]
    assert [v.mmsi for v in store.search_vessels("M/V Polar")] == [413000001]
    assert [v.mmsi for v in store.search_vessels("518998000")] == [518998000]
    assert [v.mmsi for v in store.search_vessels("IMO 9224489")] == [413000001]
    assert [v.mmsi for v in store.search_vessels("9329760")] == [518998000]
    assert store.search_vessels("%") == []  # wildcards are text, not patterns
    assert store.search_vessels("  ") == []
