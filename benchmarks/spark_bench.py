"""Spark local-mode throughput of the batch job at 1 and 2 executor cores, and the per-core cost.

``python -m benchmarks.spark_bench [--messages 2000000] [--quick]``

Generates a seeded feed (benchmarks/feed.py), splits it into files (one decode task each, never
splitting a multipart group), then runs ``seawarden.scale.spark_batch.run_batch`` in
``local[1]`` and ``local[2]`` and prints msg/s per stage and the 2-core/1-core ratio. For
reference it also times one plain :class:`Pipeline` over the same messages in this process: the
per-core cost that the Spark job divides among cores.

Time: on a 2-core machine 300k messages take about 5 minutes in all (local[1] 168 s, local[2]
110 s, measured under load; docs/scale-out.md), so the default 2 M messages take about 30 minutes.
``--quick`` (50k messages) takes about two and a half minutes, mostly Spark's fixed costs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.feed import feed_path


def split_feed(path: Path, parts: int, directory: Path) -> list[str]:
    """The feed as ``parts`` files of consecutive lines, cut only before a group's first sentence."""
    lines = path.read_bytes().splitlines(keepends=True)
    target = max(1, len(lines) // parts)
    out: list[str] = []
    start = 0
    for i in range(parts):
        end = len(lines) if i == parts - 1 else min(len(lines), start + target)
        while 0 < end < len(lines) and not _starts_group(lines[end]):
            end += 1
        if end <= start:
            continue
        part = directory / f"part-{i:03d}.nmea"
        part.write_bytes(b"".join(lines[start:end]))
        out.append(str(part))
        start = end
    return out


def _starts_group(line: bytes) -> bool:
    sentence = line.rsplit(b"\\", 1)[-1].split(b",")
    return len(sentence) < 3 or sentence[2] == b"1"  # fragment number 1 (or not a VDM sentence)


def pipeline_rate(files: list[str], limit: int) -> tuple[int, float]:
    """Messages per second of one Pipeline in this process (decode excluded) over the first ``limit``."""
    from itertools import islice

    from seawarden.pipeline import Pipeline
    from seawarden.sources import read_messages

    messages = list(islice(read_messages(files), limit))
    pipe = Pipeline()
    start = time.perf_counter()
    for msg in messages:
        pipe.process(msg)
    pipe.finish()
    return len(messages), len(messages) / (time.perf_counter() - start)


def spark_run(files: list[str], cores: int, partitions: int) -> dict[str, float]:
    from seawarden.scale.spark_batch import local_session, run_batch

    spark = local_session(cores=cores, shuffle_partitions=partitions, app=f"seawarden-bench-{cores}")
    spark.sparkContext.setLogLevel("ERROR")
    try:
        start = time.perf_counter()
        result = run_batch(spark, files, partitions=partitions)
        wall = time.perf_counter() - start
    finally:
        spark.stop()
    rate = result.messages / wall
    print(
        f"local[{cores}]: {result.messages:,} messages in {wall:.1f} s = {rate:,.0f} msg/s; "
        f"{result.vessels:,} vessels in {result.groups:,} groups (largest {result.largest_group:,}); "
        f"{result.alert_records:,} alert records"
    )
    print("   stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))
    return {"wall": wall, "messages": float(result.messages), "assess": result.seconds.get("assess", 0.0)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2_000_000, help="feed size (default 2,000,000)")
    parser.add_argument("--quick", action="store_true", help="50,000 messages: a smoke run")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--files", type=int, default=8, help="input files (decode tasks)")
    parser.add_argument("--partitions", type=int, default=8, help="shuffle partitions")
    parser.add_argument("--reference", type=int, default=200_000, help="messages for the one-pipeline rate")
    args = parser.parse_args(argv)
    messages = 50_000 if args.quick else args.messages

    feed = feed_path(messages, args.seed)
    with tempfile.TemporaryDirectory(prefix="seawarden-spark-bench-") as tmp:
        files = split_feed(feed, args.files, Path(tmp))
        print(f"feed: {messages:,} messages (seed {args.seed}) in {len(files)} files: {feed}")
        count, rate = pipeline_rate(files, min(messages, args.reference))
        print(f"one Pipeline in this process: {rate:,.0f} msg/s over {count:,} messages (the per-core cost)")
        runs = {cores: spark_run(files, cores, args.partitions) for cores in (1, 2)}
    one, two = runs[1], runs[2]
    print(
        f"scaling local[2] / local[1]: {one['wall'] / two['wall']:.2f}x end to end, "
        f"{one['assess'] / two['assess']:.2f}x in the assess stage"
        if two["wall"] > 0 and two["assess"] > 0
        else "scaling: no timing"
    )


if __name__ == "__main__":
    main()
