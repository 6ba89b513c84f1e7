"""Memory of the tracker with many concurrently tracked vessels (target: 200,000 in < 2 GB).

Run: ``.venv/bin/python benchmarks/track_memory.py [--vessels 200000] [--sample 600]``

Two measurements, both printed:

1. *Sample, real path*: ``--sample`` vessels fed through ``Tracker.update`` at their real AIS
   reporting rates for 3 hours (identity reports, every position), measured with tracemalloc.
   This gives bytes/vessel for exactly what production builds.
2. *Scale*: ``--vessels`` vessels, each created through ``Tracker.update`` (identity and first
   position), whose tracks are then filled point by point to the size the sample showed for
   its profile (feeding 30+ million updates through Python would take too long here). Measured
   as the growth of the process's resident memory (RSS), which includes allocator overhead.

Traffic mix (a busy sea area, ITU-R M.1371 rates): 45 % class A under way reporting every
10 s, 35 % class A at anchor or moored every 3 min, 10 % class B under way every 30 s, 10 %
class B stationary every 3 min.
"""

import argparse
import gc
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable without installing

from seawarden.track import Tracker
from seawarden.types import Message

T0 = 1_700_000_000.0
HOURS = 3.0
# (share, class B, interval s, speed kn)
PROFILES = [
    (0.45, False, 10.0, 12.0),
    (0.35, False, 180.0, 0.0),
    (0.10, True, 30.0, 7.0),
    (0.10, True, 180.0, 0.0),
]


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def profile_of(i: int) -> tuple[bool, float, float]:
    x = (i * 0.6180339887) % 1.0  # deterministic, evenly spread
    for share, class_b, interval, speed in PROFILES:
        if x < share:
            return class_b, interval, speed
        x -= share
    return PROFILES[-1][1:]


def identity_messages(mmsi: int, class_b: bool, t: float) -> list[Message]:
    rng = random.Random(mmsi)  # a stable identity per vessel
    first = rng.choice(["NORDIC", "BALTIC", "SEA", "OCEAN", "STAR"])
    name = f"{first} {rng.choice(['SPIRIT', 'QUEEN', 'TRADER'])} {mmsi % 1000}"
    if class_b:
        return [
            Message(msg_type=24, mmsi=mmsi, timestamp=t, part_num=0, name=name),
            Message(
                msg_type=24,
                mmsi=mmsi,
                timestamp=t,
                part_num=1,
                callsign=f"OU{mmsi % 10000}",
                ship_type=37,
                to_bow=8,
                to_stern=4,
                to_port=2,
                to_starboard=2,
            ),
        ]
    return [
        Message(
            msg_type=5,
            mmsi=mmsi,
            timestamp=t,
            imo=9_000_000 + mmsi % 999_999,
            name=name,
            callsign=f"OJ{mmsi % 10000}",
            ship_type=70,
            to_bow=150,
            to_stern=30,
            to_port=14,
            to_starboard=14,
            draught=8.4,
            destination=rng.choice(["PRIMORSK", "GDANSK", "ROTTERDAM", "UST-LUGA"]),
            eta="12-24T08:00",
        )
    ]


def position(mmsi: int, t: float, lat: float, lon: float, sog: float, class_b: bool) -> Message:
    return Message(
        msg_type=18 if class_b else 1,
        mmsi=mmsi,
        timestamp=t,
        lat=lat,
        lon=lon,
        sog=sog,
        cog=45.0,
        heading=None if class_b else 44,
        nav_status=None if class_b else (0 if sog else 5),
        second=int(t) % 60,
    )


def feed_vessel(tracker: Tracker, mmsi: int, rng: random.Random) -> None:
    """Three hours of one vessel's traffic at its real rate (identity every 6 min)."""
    class_b, interval, speed = profile_of(mmsi)
    lat, lon = rng.uniform(54.0, 60.0), rng.uniform(10.0, 28.0)
    step_deg = speed * 1852 / 3600 * interval / 111_195 / 1.414
    t = T0 + rng.uniform(0, interval)
    next_identity = t
    while t < T0 + HOURS * 3600:
        if t >= next_identity:
            for msg in identity_messages(mmsi, class_b, t):
                tracker.update(msg)
            next_identity += 360.0
        jitter = 0.0 if speed else rng.uniform(-2e-4, 2e-4)
        tracker.update(position(mmsi, t, lat + jitter, lon, speed, class_b))
        lat, lon = lat + step_deg, lon + step_deg * 1.7
        t += interval * rng.uniform(0.9, 1.1)


def sample_real_path(n: int) -> tuple[float, float, dict[tuple[bool, float], int]]:
    """Bytes/vessel (tracemalloc), mean and per-profile track length, through Tracker.update."""
    rng = random.Random(1)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracker = Tracker()
    for i in range(n):
        feed_vessel(tracker, 230_000_000 + i, rng)
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    lengths: dict[tuple[bool, float], int] = {}
    mean_points = sum(len(s.track) for s in tracker) / max(1, len(tracker))
    for state in tracker:
        class_b, interval, _ = profile_of(state.mmsi)
        lengths[(class_b, interval)] = max(lengths.get((class_b, interval), 0), len(state.track))
    return used / n, mean_points, lengths


def build_at_scale(n: int, lengths: dict[tuple[bool, float], int]) -> tuple[Tracker, int]:
    rng = random.Random(2)
    tracker = Tracker()
    fixes = 0
    for i in range(n):
        mmsi = 200_000_000 + i * 37
        mmsi = 230_000_000 + i if i < 999_999 else mmsi
        class_b, interval, speed = profile_of(mmsi)
        t = T0
        for msg in identity_messages(mmsi, class_b, t):
            tracker.update(msg)
        lat, lon = rng.uniform(54.0, 60.0), rng.uniform(10.0, 28.0)
        tracker.update(position(mmsi, t, lat, lon, speed, class_b))
        state = tracker.get(mmsi)
        track = state.track
        spacing = max(interval, 30.0)
        count = lengths[(class_b, interval)]
        # Same arrays and growth pattern as FixTrack.append, without 30 M Python-level updates.
        for k in range(1, count):
            track._t.append(t + k * spacing)
            track._latlon.append(int((lat + k * 1e-4) * 1e7))
            track._latlon.append(int((lon + k * 1e-4) * 1e7))
            track._small.extend((int(speed * 10), 450, -1 if class_b else 440, -1 if class_b else 0))
        state.last = track[-1]
        fixes += len(track)
    return tracker, fixes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=600)
    args = parser.parse_args()

    started = time.perf_counter()
    per_vessel_sample, mean_points, lengths = sample_real_path(args.sample)
    print(f"sample via Tracker.update: {args.sample} vessels, 3 h of traffic at real rates")
    for (class_b, interval), length in sorted(lengths.items()):
        print(f"  class {'B' if class_b else 'A'} every {interval:>5.0f} s -> {length} track points kept")
    print(f"  tracemalloc: {per_vessel_sample:,.0f} bytes/vessel")

    gc.collect()
    base = rss_bytes()
    tracker, fixes = build_at_scale(args.vessels, lengths)
    gc.collect()
    used = rss_bytes() - base
    print(f"scale: {len(tracker):,} vessels, {fixes:,} track points ({fixes / len(tracker):.0f}/vessel)")
    print(f"  RSS growth: {used / 2**20:,.0f} MiB total, {used / len(tracker):,.0f} bytes/vessel")
    print(f"  projected from the sample: {per_vessel_sample * args.vessels / 2**20:,.0f} MiB")
    cap = tracker.config.track_max_fixes
    worst = per_vessel_sample + (cap - mean_points) * 24  # 24 bytes per stored point
    print(f"  worst case (every vessel at the {cap}-point cap): ~{worst * args.vessels / 2**20:,.0f} MiB")
    verdict = "fits" if used < 2 * 2**30 else "DOES NOT FIT"
    print(f"{verdict} in 2 GiB ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
