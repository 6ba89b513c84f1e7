"""Where replay time goes: µs per message for each stage, on the positions-only and mixed feeds.

Run: ``python -m benchmarks.stages [--messages 200000]``. Each stage is measured as a sum of parts
on the same messages:

- decode: the fast path, to columns;
- ``Message`` objects;
- the tracker alone;
- geo facts: the tracker plus the assessor's geographic facts, minus the tracker;
- the rest: the whole pipeline minus the two above (detectors, risk, monitoring, alerts and
  bookkeeping).

A warm-up pipeline fills the process-wide geo caches first. Figures from a subtraction carry a few
tenths of a µs of noise.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # runnable from a checkout

from benchmarks.feed import feed_path, head_lines
from seawarden.decode import Decoder
from seawarden.decode.fast import FastDecoder
from seawarden.pipeline import Pipeline
from seawarden.track import Tracker
from seawarden.types import Message

WARM_UP = 20_000


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _track(tracker: Tracker, messages: list[Message]) -> None:
    update = tracker.update
    for msg in messages:  # results not kept: 200k kept objects would bill the garbage collector
        update(msg)


def _situations(pipeline: Pipeline, messages: list[Message]) -> None:
    update, situation = pipeline.tracker.update, pipeline.assessor.situation
    for msg in messages:
        situation(update(msg))


def stages(data: bytes) -> dict[str, float]:
    """Seconds per stage over the messages of ``data`` (see the module docstring)."""
    decoder = FastDecoder(Decoder("bench"))
    result = None

    def decode() -> None:
        nonlocal result
        result, _stats = decoder.decode_buffer(data)

    out = {"decode": _seconds(decode)}
    assert result is not None
    messages: list[Message] = []
    out["Message objects"] = _seconds(lambda: messages.extend(result.messages()))
    Pipeline().process_batch(messages[:WARM_UP])

    tracker = Pipeline().tracker
    out["tracking"] = _seconds(lambda: _track(tracker, messages))
    both = Pipeline()
    out["geo facts"] = _seconds(lambda: _situations(both, messages)) - out["tracking"]
    whole = Pipeline()
    total = _seconds(lambda: (whole.process_batch(messages), whole.finish()))
    out["detectors, risk, monitoring, alerts"] = total - out["tracking"] - out["geo facts"]
    out["pipeline total"] = total
    out["messages"] = len(messages)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200_000, help="lines per feed (default 200,000)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    feeds = {
        "positions": feed_path(args.messages, args.seed, mix="positions").read_bytes(),
        "mixed": head_lines(feed_path(2_000_000, args.seed).read_bytes(), args.messages),
    }
    for name, data in feeds.items():
        figures = stages(data)
        count = figures.pop("messages")
        parts = " | ".join(f"{stage} {seconds / count * 1e6:.1f}" for stage, seconds in figures.items())
        print(f"{name} feed, {count:,.0f} messages, µs per message: {parts}", flush=True)


if __name__ == "__main__":
    from seawarden.memory import retain_freed_memory

    retain_freed_memory()  # as `seawarden replay` and `serve` run (seawarden.memory)
    main()
