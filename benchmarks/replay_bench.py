"""Full replay (decode + track + assess + alerts) against pyais decode-only, on the same lines, in one run.

Run: ``python -m benchmarks.replay_bench [--messages 2000000] [--replay-messages 200000] [--quick]``.

Measured, in this order, on the first ``--replay-messages`` lines of the seeded feed of
:mod:`benchmarks.feed` (the same lines for every figure; the slice is stated in the output):

1. pyais decode-only: ``FileReaderStream`` then ``decode().asdict()`` for every message.
2. SeaWarden full replay as ``seawarden replay --speed max`` runs it: :func:`seawarden.replay.replay`
   (file reading, the default NMEA decoder of ``read_messages``, ``Pipeline.process_batch``, alert
   records).
3. SeaWarden full replay on the fast decoder: ``FastDecoder.decode_buffer`` -> ``Message`` objects ->
   ``Pipeline.process_batch``, decode included in the time.
4. The pipeline alone (track + assess + alerts) over already decoded messages, to show where the
   time goes.

An untimed warm-up pass over the first 20,000 messages comes first (lazily built, process-wide geo
caches), as a long replay amortises it.

Why a slice: the assessment runs at tens of thousands of messages per second in pure Python, so the
whole 2,000,000-message feed takes minutes; throughputs (messages per second) are compared, and the
ratio to pyais is computed on the very same lines. Peak memory: the process' peak RSS, and the
tracemalloc peak of a separate replay of the slice (tracemalloc slows Python down, so it is not
timed).
"""

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout

from benchmarks.decode_bench import Figure, pyais_decode
from benchmarks.feed import Report, feed_and_head
from seawarden.decode import Decoder
from seawarden.decode.fast import FastDecoder
from seawarden.pipeline import Pipeline
from seawarden.replay import replay
from seawarden.types import Message

QUICK = {"messages": 5_000, "replay_messages": 2_000}
#: Messages per process_batch call in the fast-decoder figure (as seawarden.replay.BATCH_SIZE).
BATCH = 4096
#: Messages run through an untimed pipeline first: the land mask classifies its grid cells lazily and
#: caches them process-wide, so without this the first figure would pay for every other one.
WARM_UP = 20_000


def _timed(fn: Callable[[], tuple[int, int]]) -> tuple[int, int, float]:
    """(messages, alert records, seconds) of ``fn``; a collection first so garbage is not billed."""
    gc.collect()
    start = time.perf_counter()
    messages, alerts = fn()
    return messages, alerts, time.perf_counter() - start


def _fresh_pipeline() -> Pipeline:
    """A pipeline with its geo context, land mask and watch list loaded (setup is not timed)."""
    pipeline = Pipeline()
    pipeline.geo.is_land(55.0, 15.0)
    return pipeline


def cli_replay(path: Path, pipeline: Pipeline) -> tuple[int, int]:
    result = replay([str(path)], pipeline, speed=None)
    return result.pipeline.messages, len(result.alerts)


def fast_replay(data: bytes, pipeline: Pipeline) -> tuple[int, int]:
    result, _stats = FastDecoder(Decoder("bench")).decode_buffer(data)
    alerts = 0
    batch: list[Message] = []
    count = 0
    for msg in result.messages():
        batch.append(msg)
        if len(batch) == BATCH:
            alerts += len(pipeline.process_batch(batch))
            count += len(batch)
            batch = []
    alerts += len(pipeline.process_batch(batch)) + len(pipeline.finish())
    return count + len(batch), alerts


def pipeline_only(messages: list[Message], pipeline: Pipeline) -> tuple[int, int]:
    alerts = 0
    for start in range(0, len(messages), BATCH):
        alerts += len(pipeline.process_batch(messages[start : start + BATCH]))
    return len(messages), alerts + len(pipeline.finish())


def run(messages: int, seed: int, replay_messages: int, cache: Path | None = None) -> list[str]:
    """Run every measurement; returns the report lines (also printed as they come)."""
    out = Report()
    say = out.say
    _path, data, head, head_path = feed_and_head(messages, seed, cache, replay_messages, out)
    lines = data.count(b"\n")
    del data
    head_lines = head.count(b"\n")
    say(f"{lines:,} lines in the feed; every figure below on the same first {head_lines:,} lines")

    decoded = list(Decoder("bench").feed_lines(head.decode("utf-8", "replace").splitlines()))
    pipeline_only(decoded[:WARM_UP], _fresh_pipeline())
    say(f"warm-up (untimed): the pipeline over the first {min(WARM_UP, len(decoded)):,} messages")

    figures: list[Figure] = []
    gc.collect()
    started = time.perf_counter()
    count = pyais_decode(head_path)
    pyais = Figure("pyais FileReaderStream + decode().asdict()", count, time.perf_counter() - started)
    figures.append(pyais)

    count, alerts, seconds = _timed(lambda: cli_replay(head_path, _fresh_pipeline()))
    figures.append(
        Figure("SeaWarden replay --speed max (CLI path)", count, seconds, f"{alerts:,} alert records")
    )
    try:
        pipeline = _fresh_pipeline()
        count, alerts, seconds = _timed(lambda: fast_replay(head, pipeline))
        figures.append(
            Figure(
                "SeaWarden full replay (FastDecoder, batches)", count, seconds, f"{alerts:,} alert records"
            )
        )
    except Exception as exc:  # the fast decoder is optional here: say so, keep the other figures
        say(f"FastDecoder replay failed, figure left out: {type(exc).__name__}: {exc}")
    count, alerts, seconds = _timed(lambda: pipeline_only(decoded, _fresh_pipeline()))
    figures.append(
        Figure("  of which the pipeline alone (decoded msgs)", count, seconds, f"{alerts:,} alert records")
    )

    say("")
    say(f"{'measurement':<46} {'messages':>10} {'seconds':>9} {'msg/s':>10} {'x pyais':>8}  note")
    for fig in figures:
        say(
            f"{fig.label:<46} {fig.messages:>10,} {fig.seconds:>9.3f} {fig.rate:>10,.0f} "
            f"{fig.rate / pyais.rate:>8.2f}  {fig.note}"
        )
    replays = [f for f in figures[:-1] if f is not pyais]  # the pipeline-alone line is a part of one
    best = max(replays, key=lambda f: f.rate)
    say(
        f"full replay: {best.rate:,.0f} msg/s = {best.rate / pyais.rate:.2f} x pyais decode-only "
        f"({best.label.strip()}); target at least 3.00 x"
    )

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    gc.collect()
    tracemalloc.start()
    try:
        cli_replay(head_path, _fresh_pipeline())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    say("")
    say(f"peak traced memory, replay of the slice (geo data included): {peak / 1e6:,.0f} MB")
    rss = max(rss_before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    say(f"peak RSS of this process: {rss / 1024:,.0f} MB")
    return out


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.replay_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--messages", type=int, default=2_000_000, help="feed size (default 2,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--replay-messages",
        type=int,
        default=200_000,
        help="lines measured, for every figure (default 200,000)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI smoke tests")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where generated feeds are kept")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    return run(args.messages, args.seed, args.replay_messages, args.cache_dir)


if __name__ == "__main__":
    from seawarden.memory import retain_freed_memory

    retain_freed_memory()  # as SeaWarden's commands run; the pyais baseline runs under it too
    main()
