"""Decode and replay throughput on a generated multi-million-message feed, against pyais, in one run.

Run: ``python -m benchmarks [--messages 2000000] [--seed 42] [--quick]`` or ``seawarden bench``.

Measured, in this order, on the same cached feed (see :mod:`benchmarks.feed`):

1. pyais decode-only: ``FileReaderStream`` (its own framing and multipart assembly), then
   ``decode().asdict()`` for every message: what a pyais user gets as a dict of fields.
2. SeaWarden reference ``Decoder`` decode-only (normalised ``Message`` objects).
3. SeaWarden ``FastDecoder.decode_buffer`` decode-only: columns for the position reports and
   base-station reports, memoised reference decoding for the other types (built into ``Message``
   on demand); and the same followed by building a ``Message`` for every row (the drop-in
   iterator's cost). Also pyais and the fast decoder on a positions-only feed of the baseline
   size (the issue's "position-heavy" case; its ratio is against pyais on that same feed).
4. SeaWarden full replay: ``Pipeline.process`` (track, assess, alerts) over the fast decoder's messages.

pyais, the reference decoder and the replay are slow per message, so they run on the first
``--baseline-messages`` / ``--replay-messages`` lines of the feed (stated in the output);
throughputs (messages per second) are compared, not times. Peak memory: tracemalloc peak of a
separate fast decode of the whole feed (the input bytes included), and the process' peak RSS.
"""

import argparse
import gc
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout

from benchmarks.feed import feed_path
from seawarden.decode import Decoder
from seawarden.decode.fast import FastDecoder

QUICK = {"messages": 5_000, "baseline_messages": 1_000, "replay_messages": 500}


@dataclass
class Figure:
    label: str
    messages: int
    seconds: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("inf")


def _timed(fn: Callable[[], int]) -> tuple[int, float]:
    gc.collect()
    start = time.perf_counter()
    count = fn()
    return count, time.perf_counter() - start


def _head_lines(data: bytes, lines: int) -> bytes:
    """The first ``lines`` lines, extended to keep a two-part message whole."""
    end = 0
    for _ in range(lines):
        end = data.find(b"\n", end) + 1
        if end == 0:
            return data
    while data[end:].startswith(b"\\") and b",2,2," in data[end : data.find(b"\n", end)]:
        end = data.find(b"\n", end) + 1
    return data[:end]


def pyais_decode(path: Path) -> int:
    from pyais.stream import FileReaderStream

    count = 0
    for sentence in FileReaderStream(str(path)):
        try:
            sentence.decode().asdict()
        except Exception:  # pyais raises on malformed payloads; a decoder must go on
            continue
        count += 1
    return count


def reference_decode(data: bytes) -> int:
    decoder = Decoder("bench")
    count = sum(1 for _ in decoder.feed_lines(data.splitlines()))
    decoder.flush()
    return count


def fast_decode(data: bytes, materialise: bool = False) -> int:
    result, _stats = FastDecoder(Decoder("bench")).decode_buffer(data)
    if materialise:
        return sum(1 for _ in result.messages())
    return len(result)


def replay(data: bytes) -> tuple[int, float, int, float]:
    """(messages, seconds, alerts, setup seconds) of Pipeline over the fast decoder's messages."""
    from seawarden.pipeline import Pipeline

    start = time.perf_counter()
    pipeline = Pipeline()
    setup = time.perf_counter() - start
    result, _stats = FastDecoder(Decoder("bench")).decode_buffer(data)
    messages = list(result.messages())
    gc.collect()
    start = time.perf_counter()
    alerts = sum(1 for _ in pipeline.process_many(messages)) + len(pipeline.finish())
    return len(messages), time.perf_counter() - start, alerts, setup


def peak_traced(fn: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(
    messages: int, seed: int, baseline_messages: int, replay_messages: int, cache: Path | None
) -> list[str]:
    """Run every measurement; returns the report lines (also printed as they come)."""
    out: list[str] = []

    def say(text: str) -> None:
        out.append(text)
        print(text, flush=True)

    start = time.perf_counter()
    path = feed_path(messages, seed, cache)
    say(f"feed: {path} ({path.stat().st_size / 1e6:.1f} MB, ready in {time.perf_counter() - start:.1f} s)")
    data = path.read_bytes()
    lines = data.count(b"\n")
    head = _head_lines(data, min(baseline_messages, lines))
    head_path = path.with_name(path.stem + f"-head{baseline_messages}.nmea")
    head_path.write_bytes(head)
    head_lines = head.count(b"\n")
    say(f"{lines:,} lines; baselines on the first {head_lines:,} lines")

    figures: list[Figure] = []
    count, seconds = _timed(lambda: pyais_decode(head_path))
    pyais = Figure("pyais FileReaderStream + decode().asdict()", count, seconds, f"{head_lines:,} lines")
    figures.append(pyais)
    count, seconds = _timed(lambda: reference_decode(head))
    figures.append(Figure("SeaWarden reference Decoder -> Message", count, seconds, f"{head_lines:,} lines"))
    count, seconds = _timed(lambda: fast_decode(head))
    figures.append(Figure("SeaWarden FastDecoder (same slice)", count, seconds, f"{head_lines:,} lines"))
    count, seconds = _timed(lambda: fast_decode(data))
    figures.append(Figure("SeaWarden FastDecoder -> columns", count, seconds, f"{lines:,} lines"))
    count, seconds = _timed(lambda: fast_decode(data, materialise=True))
    figures.append(Figure("SeaWarden FastDecoder -> Message objects", count, seconds, f"{lines:,} lines"))
    positions = feed_path(min(baseline_messages, messages), seed, cache, mix="positions")
    count, seconds = _timed(lambda: pyais_decode(positions))
    pyais_positions = Figure("pyais, positions-only feed", count, seconds, f"{count:,} lines")
    figures.append(pyais_positions)
    positions_data = positions.read_bytes()
    count, seconds = _timed(lambda: fast_decode(positions_data))
    note = f"{count:,} lines; x pyais here: {count / seconds / pyais_positions.rate:.2f} vs the same feed"
    figures.append(Figure("SeaWarden FastDecoder, positions-only feed", count, seconds, note))
    replay_data = _head_lines(data, min(replay_messages, lines))
    count, seconds, alerts, setup = replay(replay_data)
    replay_lines = replay_data.count(b"\n")
    note = f"{replay_lines:,} lines, {alerts} alerts, setup {setup:.1f} s not counted"
    figures.append(Figure("SeaWarden full replay (decode excluded)", count, seconds, note))

    say("")
    say(f"{'measurement':<44} {'messages':>10} {'seconds':>9} {'msg/s':>12} {'x pyais':>8}  note")
    for fig in figures:
        say(
            f"{fig.label:<44} {fig.messages:>10,} {fig.seconds:>9.3f} {fig.rate:>12,.0f} "
            f"{fig.rate / pyais.rate:>8.2f}  {fig.note}"
        )
    peak = peak_traced(lambda: fast_decode(data))
    say("")
    say(
        f"peak traced memory, FastDecoder over the whole feed: {peak / 1e6:,.0f} MB "
        f"(input {len(data) / 1e6:,.0f} MB)"
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    say(f"peak RSS of this process: {rss / 1024:,.0f} MB")
    return out


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2_000_000, help="feed size (default 2,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baseline-messages", type=int, default=200_000, help="slice for pyais / reference")
    parser.add_argument("--replay-messages", type=int, default=100_000, help="slice for the full replay")
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI smoke tests")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where generated feeds are kept")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    return run(args.messages, args.seed, args.baseline_messages, args.replay_messages, args.cache_dir)
