"""``python -m benchmarks`` / ``seawarden bench``: every speed figure of issue 8 in one run.

In order, on one seeded, generated North Sea / Baltic feed (cached per seed and size):

1. decode-only: pyais against SeaWarden's fast decoder, on the mixed feed and a positions-only
   feed (:mod:`benchmarks.decode_bench`);
2. full replay (decode + track + assess + alerts) against pyais decode-only on the same slice,
   with peak memory (:mod:`benchmarks.replay_bench`);
3. live latency: the real service fed over TCP at a sustained rate, alerts timed on the WebSocket
   (:mod:`benchmarks.live_latency`), unless ``--no-live``.

Each part prints its figures and ratios as it goes; a summary of the target lines closes the run.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout

from benchmarks import decode_bench, live_latency, replay_bench

QUICK = {
    "messages": 5_000,
    "baseline_messages": 1_000,
    "replay_messages": 1_000,
    "live_rate": 1_000.0,
    "live_seconds": 6.0,
}
TARGET_WORDS = ("x pyais", "p99", "kept up", "target")


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2_000_000, help="feed size (default 2,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baseline-messages", type=int, default=200_000, help="lines for pyais decode")
    parser.add_argument("--replay-messages", type=int, default=200_000, help="lines for the full replay")
    parser.add_argument("--live-rate", type=float, default=10_000.0, help="lines/s pushed live (10,000)")
    parser.add_argument("--live-seconds", type=float, default=60.0, help="how long to push live (60 s)")
    parser.add_argument("--no-live", action="store_true", help="skip the live latency part")
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds), for smoke tests")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where generated feeds are kept")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    if min(args.messages, args.baseline_messages, args.replay_messages) < 1:
        parser.error("sizes must be positive")

    def part(title: str) -> None:
        print(f"\n== {title} ==", flush=True)

    part("1. decode-only")
    out = decode_bench.run_decode(args.messages, args.seed, args.baseline_messages, args.cache_dir)
    part("2. full replay")
    out += replay_bench.run(args.messages, args.seed, args.replay_messages, args.cache_dir)
    if not args.no_live:
        part("3. live latency")
        out += live_latency.run(args.live_rate, args.live_seconds, args.seed)
    part("summary")
    for line in out:
        if any(word in line for word in TARGET_WORDS) and not line.startswith("measurement"):
            print(line.strip(), flush=True)
    return out
