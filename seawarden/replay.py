"""Replay recorded AIS through the whole assessment (the ``seawarden replay`` job).

Thin I/O around the pure :class:`~seawarden.pipeline.Pipeline`: read files (any supported format),
pace them (as fast as possible, or N x real time by event time), write alert records as JSON lines,
and report what happened, including every rejected line by reason.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from seawarden.decode import Decoder, DecodeStats, Reject
from seawarden.pipeline import Pipeline, PipelineStats
from seawarden.sources import read_messages
from seawarden.types import Alert

#: Messages per Pipeline.process_batch call in an unpaced replay (bounded memory, prompt output).
BATCH_SIZE = 4096


@dataclass(slots=True)
class ReplayResult:
    decode: DecodeStats
    pipeline: PipelineStats
    wall_s: float
    alerts: list[Alert] = field(default_factory=list)  # every record emitted (updates included)

    @property
    def messages_per_s(self) -> float:
        return self.pipeline.messages / self.wall_s if self.wall_s > 0 else 0.0

    def summary(self) -> str:
        """Human summary (the contract: messages, rejects by reason, vessels, alerts by kind, throughput)."""
        d, p = self.decode, self.pipeline
        lines = [
            f"lines read        {d.lines:>10,}",
            f"messages decoded  {d.messages:>10,}",
            f"lines ignored     {d.ignored:>10,}  (non-AIS NMEA, comments, blank)",
            f"lines rejected    {sum(d.rejects.values()):>10,}",
        ]
        for reason, count in sorted(d.rejects.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {reason!s:<22}{count:>8,}")
        lines += [
            f"vessels           {p.vessels_seen:>10,}  ({p.vessel_hours:,.1f} vessel-hours observed)",
            f"alerts            {p.alerts:>10,}  ({p.alert_records:,} records incl. updates)",
        ]
        for kind, count in sorted(p.alerts_by_kind.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {kind:<30}{count:>6,}")
        by_severity = ", ".join(
            f"{label} {p.alerts_by_severity[label]}"
            for label in ("critical", "high", "medium", "low", "info")
            if p.alerts_by_severity.get(label)
        )
        if by_severity:
            rate = p.per_1000_vessel_hours(p.alerts)
            per = f"; {rate:,.1f} per 1,000 vessel-hours" if rate is not None else ""
            lines.append(f"  by severity: {by_severity}{per}")
        lines.append(f"throughput        {self.messages_per_s:>10,.0f} msg/s  ({self.wall_s:.2f} s wall)")
        return "\n".join(lines)


class _Pacer:
    """Sleeps so that event time advances ``speed`` times faster than wall time."""

    def __init__(self, speed: float | None) -> None:
        self.speed = speed
        self._origin: tuple[float, float] | None = None

    def wait(self, event_time: float) -> None:
        if not self.speed:
            return
        now = time.monotonic()
        if self._origin is None:
            self._origin = (event_time, now)
            return
        t0, w0 = self._origin
        due = w0 + (event_time - t0) / self.speed
        if due > now:
            time.sleep(min(due - now, 60.0))
        elif now - due > 30.0:
            # far behind (a data gap or a slow consumer): re-base instead of bursting
            self._origin = (event_time, now)


def parse_speed(text: str) -> float | None:
    """``max`` -> None (as fast as possible); ``N`` -> N x real time."""
    if text.strip().lower() in {"max", "0", ""}:
        return None
    try:
        value = float(text.rstrip("xX"))
    except ValueError:
        raise ValueError(f"--speed must be 'max' or a number like 10 (x real time), not {text!r}") from None
    if value <= 0:
        raise ValueError("--speed must be positive")
    return value


def replay(
    paths: Sequence[str],
    pipeline: Pipeline,
    *,
    alerts_out: TextIO | None = None,
    speed: float | None = None,
    on_reject: Callable[[Reject], None] | None = None,
    progress: Callable[[DecodeStats, PipelineStats], None] | None = None,
    progress_every: int = 200_000,
    on_alert: Callable[[Alert], None] | None = None,
    batch_size: int = BATCH_SIZE,
    fast: bool = True,
) -> ReplayResult:
    """Run ``paths`` through ``pipeline``; write each alert record to ``alerts_out`` as it happens.

    Paced (``speed``) replays go message by message; ``speed=None`` goes batch by batch, writing a
    batch's alerts when it is done (the records and their order are the same either way). ``fast``
    picks the vectorised NMEA decoder (default) or the reference one, line by line (same messages).
    """
    decoder = Decoder(multipart_timeout_s=pipeline.settings.decode.multipart_timeout_s, on_reject=on_reject)
    pacer = _Pacer(speed)
    emitted: list[Alert] = []

    def emit(batch: list[Alert]) -> None:
        for alert in batch:
            emitted.append(alert)
            if on_alert is not None:
                on_alert(alert)
            if alerts_out is not None:
                alerts_out.write(json.dumps(alert.to_dict(), ensure_ascii=False) + "\n")
        if batch and alerts_out is not None:
            alerts_out.flush()

    start = time.perf_counter()
    messages = read_messages(paths, decoder=decoder, fast=fast)
    if speed is None:
        # As fast as possible: whole batches through Pipeline.process_batch (same alerts, same order).
        count = 0
        while batch := list(itertools.islice(messages, batch_size)):
            emit(pipeline.process_batch(batch))
            before, count = count, count + len(batch)
            if progress is not None and count // progress_every > before // progress_every:
                progress(decoder.stats, pipeline.stats)
    else:
        for count, msg in enumerate(messages, start=1):
            pacer.wait(msg.timestamp)
            emit(pipeline.process(msg))
            if progress is not None and count % progress_every == 0:
                progress(decoder.stats, pipeline.stats)
    emit(pipeline.finish())
    wall = time.perf_counter() - start
    return ReplayResult(decode=decoder.stats, pipeline=pipeline.stats, wall_s=wall, alerts=emitted)
