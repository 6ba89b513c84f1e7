"""The Spark batch job equals ``seawarden replay``: real Danish and Norwegian AIS plus every scenario.

One job over all files in name order, as ``seawarden replay samples/*.nmea scenarios/*.nmea``
would read them: the scenarios have different dates, so later files bring messages older than the
replay's clock (late messages) and the cross-vessel scenarios (AIS gap coverage, identity swap,
spoofing clusters, rendezvous) need their vessels grouped. Every alert record must be identical.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seawarden.pipeline import Pipeline
from seawarden.replay import replay

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
INPUTS = [str(p) for p in sorted(ROOT.glob("samples/*.nmea")) + sorted(ROOT.glob("scenarios/*.nmea"))]


@pytest.fixture(scope="module")
def batch(spark, tmp_path_factory):
    from seawarden.scale.spark_batch import run_batch

    out = tmp_path_factory.mktemp("spark-out")
    return run_batch(spark, INPUTS, output=str(out)), out


def test_spark_batch_alerts_equal_replay_over_real_data_and_the_scenario_library(batch) -> None:
    result, _ = batch
    expected = replay(INPUTS, Pipeline())
    want = sorted(json.dumps(a.to_dict(), ensure_ascii=False) for a in expected.alerts)
    got = sorted(r["record"] for r in result.alerts.select("record").collect())
    assert len(want) > 50
    assert got == want
    assert result.messages == expected.pipeline.messages
    assert result.vessels == expected.pipeline.vessels_seen
    assert 1 < result.groups < result.vessels  # vessels were split, and some had to stay together


def test_spark_batch_writes_alerts_vessels_and_messages_as_parquet(batch, spark) -> None:
    result, out = batch
    alerts = spark.read.parquet(str(out / "alerts"))
    vessels = spark.read.parquet(str(out / "vessels"))
    assert alerts.count() == result.alert_records
    assert spark.read.parquet(str(out / "messages")).count() == result.messages
    rows = {r["mmsi"]: r for r in vessels.collect()}
    assert len(rows) == result.vessels
    per_vessel = {}
    for r in alerts.select("mmsi", "id").distinct().collect():
        per_vessel[r["mmsi"]] = per_vessel.get(r["mmsi"], 0) + 1
    assert {m: r["alerts"] for m, r in rows.items() if r["alerts"]} == per_vessel
    # the rendezvous pair shares a group; every vessel's group holds its group_size members
    assert rows[620123400]["group"] == rows[620123500]["group"]
    sizes: dict[int, int] = {}
    for r in rows.values():
        sizes[r["group"]] = sizes.get(r["group"], 0) + 1
    assert all(r["group_size"] == sizes[r["group"]] for r in rows.values())
