"""The Structured Streaming job (file source) equals ``seawarden replay`` for per-vessel scenarios.

A stream never reaches end of input, so the comparison leaves out replay's final flush
(:meth:`Pipeline.finish`); every record emitted while messages flowed must be identical, including
the clock-driven ones the watermark heartbeat produces after a vessel's last message.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from seawarden.pipeline import Pipeline
from seawarden.sources import read_messages

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
# per-vessel scenarios (no evidence from other vessels), in time order
FILES = ["scenarios/loitering.nmea", "scenarios/anchorage.nmea"]


def test_stream_of_files_gives_the_alerts_of_replay(spark, tmp_path: Path) -> None:
    from seawarden.scale.spark_stream import start_stream

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, name in enumerate(FILES):
        target = inbox / f"{i:02d}-{Path(name).name}"
        shutil.copy(ROOT / name, target)
        os.utime(target, (1_700_000_000 + 10 * i, 1_700_000_000 + 10 * i))  # oldest first
    query = start_stream(
        spark, str(tmp_path / "alerts"), str(tmp_path / "checkpoint"), source="files", path=str(inbox)
    )
    try:
        query.processAllAvailable()
    finally:
        query.stop()
    got = sorted(r["record"] for r in spark.read.parquet(str(tmp_path / "alerts")).select("record").collect())

    pipe = Pipeline()
    expected = [a for m in read_messages([str(ROOT / f) for f in FILES]) for a in pipe.process(m)]
    want = sorted(json.dumps(a.to_dict(), ensure_ascii=False) for a in expected)
    assert len(want) > 5
    assert got == want
