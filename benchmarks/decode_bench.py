"""Decode-only throughput on a generated multi-million-message feed, against pyais, in one run.

Run: ``python -m benchmarks.decode_bench [--messages 2000000] [--seed 42] [--quick]``; it is also the
first part of ``python -m benchmarks`` (``seawarden bench``), whose second part measures the full
replay (:mod:`benchmarks.replay_bench`). ``run_decode`` and ``run`` return the report lines.

Measured, in this order (feeds from :mod:`benchmarks.feed`, seeded and cached):

1. pyais decode-only: ``FileReaderStream`` (its own framing and multipart assembly), then
   ``decode().asdict()`` for every message: what a pyais user gets as a dict of fields.
2. SeaWarden reference ``Decoder`` decode-only (normalised ``Message`` objects).
3. SeaWarden ``FastDecoder.decode_buffer`` decode-only: columns for the position reports and
   base-station reports, memoised reference decoding for the other types; on the same slice as
   pyais, on the whole feed, and the whole feed again with a ``Message`` built for every row
   (what ``read_messages`` and the replay pay).
4. The same on a positions-only feed (types 1/2/3/18; the issue's "position-report-heavy"
   case), its ratio against pyais on that same feed.

pyais and the reference decoder are slow per message, so they run on the first
``--baseline-messages`` lines (stated in the output); throughputs
(messages per second) are compared, by wall clock and by this process' CPU time (steadier when
other work shares the machine).

The two ratios the targets name (pyais against the fast decoder on the mixed head and on the
positions feed) are measured in ``--rounds`` rounds (default 3): each round times pyais once and
then the fast decoder (best of three runs) on the same lines, so both see the same state of a
shared machine, whose speed was seen to drift by a third within minutes. The table shows the
median round; the summary line gives the median ratio and the range over the rounds. The other
figures take one run (the fast decoder to columns over the whole feed: best of three). Peak
memory: tracemalloc peak of a separate fast decode of the whole feed (the input bytes included),
and the process' peak RSS.

Run as a program, the benchmark applies the allocator settings that ``seawarden replay`` and
``serve`` use (:mod:`seawarden.memory`) to the whole process, so pyais is measured under them too.
"""

import argparse
import gc
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout

from benchmarks.feed import Report, feed_and_head, feed_path
from seawarden.decode import Decoder
from seawarden.decode.fast import FastDecoder

QUICK = {"messages": 5_000, "baseline_messages": 1_000}


@dataclass
class Figure:
    label: str
    messages: int
    seconds: float  # wall clock
    note: str = ""
    cpu: float = (
        0.0  # this process' CPU time (steadier than the wall clock on a shared machine); 0: not taken
    )

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("inf")

    @property
    def cpu_rate(self) -> float:
        """Messages per CPU second (the wall-clock rate when no CPU time was taken)."""
        if not self.cpu:
            return self.rate
        return self.messages / self.cpu


def _timed(fn: Callable[[], int], repeats: int = 1) -> tuple[int, float, float]:
    """(result, best wall seconds, best CPU seconds) over ``repeats`` runs."""
    best_wall = best_cpu = float("inf")
    count = 0
    for _ in range(repeats):
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        count = fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return count, best_wall, best_cpu


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


def _figure(label: str, fn: Callable[[], int], note: str, repeats: int = 1) -> Figure:
    count, wall, cpu = _timed(fn, repeats)
    return Figure(label, count, wall, note, cpu)


@dataclass
class Paired:
    """pyais and the fast decoder timed round by round on the same lines (see the module docstring)."""

    base: Figure  # the median round of pyais
    fast: Figure  # the median round of the fast decoder
    ratios: list[float]  # per round, by CPU time

    def summary(self) -> str:
        rounds = ", ".join(f"{r:.1f}" for r in self.ratios)
        return f"{statistics.median(self.ratios):.1f} x pyais (CPU time, median round; rounds: {rounds})"


def _paired(
    labels: tuple[str, str], base_fn: Callable[[], int], fast_fn: Callable[[], int], note: str, rounds: int
) -> Paired:
    bases, fasts = [], []
    for _round in range(max(1, rounds)):
        bases.append(_figure(labels[0], base_fn, note))
        fasts.append(_figure(labels[1], fast_fn, note, repeats=3))
    ratios = [f.cpu_rate / b.cpu_rate for b, f in zip(bases, fasts, strict=True)]
    return Paired(_median(bases), _median(fasts), ratios)


def _median(figures: list[Figure]) -> Figure:
    return sorted(figures, key=lambda f: f.cpu_rate)[len(figures) // 2]


def _table(figures: list[tuple[Figure, Figure]]) -> list[str]:
    """One line per figure with its ratios to its pyais baseline (wall clock and CPU time)."""
    lines = [
        f"{'measurement':<46} {'messages':>10} {'seconds':>8} {'msg/s':>11} {'x pyais':>8} "
        f"{'cpu msg/s':>11} {'x pyais':>8}  note"
    ]
    for fig, base in figures:
        lines.append(
            f"{fig.label:<46} {fig.messages:>10,} {fig.seconds:>8.3f} {fig.rate:>11,.0f} "
            f"{fig.rate / base.rate:>8.2f} {fig.cpu_rate:>11,.0f} "
            f"{fig.cpu_rate / base.cpu_rate:>8.2f}  {fig.note}"
        )
    return lines


def run_decode(
    messages: int, seed: int, baseline_messages: int, cache: Path | None, rounds: int = 3
) -> list[str]:
    """Decode-only throughput against pyais on a mixed and a positions-only feed; returns report lines."""
    out = Report()
    say = out.say
    _path, data, head, head_path = feed_and_head(messages, seed, cache, baseline_messages, out)
    lines = data.count(b"\n")
    head_lines = head.count(b"\n")
    positions = feed_path(min(baseline_messages, messages), seed, cache, mix="positions")
    positions_data = positions.read_bytes()
    pos_lines = positions_data.count(b"\n")
    say(
        f"mixed feed {lines:,} lines, baselines on its first {head_lines:,}; "
        f"positions-only feed {pos_lines:,} lines"
    )
    say(
        f"pyais against the fast decoder: {rounds} rounds of pyais once, then the fast decoder best of "
        "3, on the same lines; the table shows the median round"
    )

    mixed_pair = _paired(
        ("pyais FileReaderStream + decode().asdict()", "SeaWarden FastDecoder (same slice)"),
        lambda: pyais_decode(head_path),
        lambda: fast_decode(head),
        "mixed head",
        rounds,
    )
    pyais = mixed_pair.base
    rows = [
        (pyais, pyais),
        (
            _figure("SeaWarden reference Decoder -> Message", lambda: reference_decode(head), "mixed head"),
            pyais,
        ),
        (mixed_pair.fast, pyais),
        (
            _figure("SeaWarden FastDecoder -> columns", lambda: fast_decode(data), "whole mixed feed", 3),
            pyais,
        ),
        (
            _figure(
                "SeaWarden FastDecoder -> Message objects",
                lambda: fast_decode(data, materialise=True),
                "whole mixed feed",
            ),
            pyais,
        ),
    ]
    pos_pair = _paired(
        ("pyais, positions-only feed", "SeaWarden FastDecoder, positions-only feed"),
        lambda: pyais_decode(positions),
        lambda: fast_decode(positions_data),
        "positions feed",
        rounds,
    )
    pyais_pos = pos_pair.base
    rows += [
        (pyais_pos, pyais_pos),
        (pos_pair.fast, pyais_pos),
        (
            _figure(
                "SeaWarden FastDecoder -> Message, positions",
                lambda: fast_decode(positions_data, materialise=True),
                "positions feed",
                3,
            ),
            pyais_pos,
        ),
    ]
    say("")
    for line in _table(rows):
        say(line)
    mixed = rows[3][0]
    say("")
    say(
        f"decode-only, positions-only feed: {pos_pair.fast.rate:,.0f} msg/s = {pos_pair.summary()}; "
        "target 20 x"
    )
    say(
        f"decode-only, mixed feed: {mixed.rate:,.0f} msg/s over the whole feed; same slice as pyais: "
        f"{mixed_pair.summary()}"
    )
    peak = peak_traced(lambda: fast_decode(data))
    say(
        f"peak traced memory, FastDecoder over the whole feed: {peak / 1e6:,.0f} MB "
        f"(input {len(data) / 1e6:,.0f} MB)"
    )
    return out


def run(messages: int, seed: int, baseline_messages: int, cache: Path | None, rounds: int = 3) -> list[str]:
    """The decode measurements and this process' peak RSS; returns the report lines."""
    out = run_decode(messages, seed, baseline_messages, cache, rounds)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.append(f"peak RSS of this process: {rss / 1024:,.0f} MB")
    print(out[-1], flush=True)
    return out


def main(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.decode_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--messages", type=int, default=2_000_000, help="feed size (default 2,000,000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baseline-messages", type=int, default=200_000, help="slice for pyais / reference")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of pyais against the fast decoder")
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI smoke tests")
    parser.add_argument("--cache-dir", type=Path, default=None, help="where generated feeds are kept")
    args = parser.parse_args(argv)
    if args.quick:
        for name, value in QUICK.items():
            setattr(args, name, value)
    return run(args.messages, args.seed, args.baseline_messages, args.cache_dir, args.rounds)


if __name__ == "__main__":  # python -m benchmarks.decode_bench
    from seawarden.memory import retain_freed_memory

    retain_freed_memory()  # as SeaWarden's commands run; the pyais baseline runs under it too
    main()
