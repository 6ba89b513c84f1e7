"""The engine-free parts of the Spark jobs: the row codec, the group rules and the group runner."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from seawarden.config import Settings
from seawarden.pipeline import Pipeline
from seawarden.scale.groups import (
    GapRule,
    assign_groups,
    coarse_factor,
    ecef,
    rules_from,
    vessel_silences,
)
from seawarden.scale.rows import ROW_SCHEMA, message_to_row, messages_to_batches, row_to_message
from seawarden.scale.runner import decode_file, geo_of, run_groups
from seawarden.sources import read_messages
from seawarden.types import Message

ROOT = Path(__file__).resolve().parents[2]
CORPORA = [
    "samples/dma-2010-06-11.nmea",
    "scenarios/identity_swap.nmea",
    "tests/data/corpora/gpsd/ais-18-27.log",
]


@pytest.mark.parametrize("name", CORPORA)
def test_every_message_survives_the_row_codec_unchanged(name: str) -> None:
    messages = list(read_messages([str(ROOT / name)]))
    assert messages
    batches = list(messages_to_batches(messages, file_idx=3, batch_rows=500))
    assert len(batches) == -(-len(messages) // 500)
    rows = pa.Table.from_batches(batches, ROW_SCHEMA).to_pylist()
    assert [row_to_message(row) for row in rows] == messages
    assert [row["seq"] for row in rows] == list(range(len(messages)))
    clock = [row["file_clock"] for row in rows]
    assert clock == [max(m.timestamp for m in messages[: i + 1]) for i in range(len(messages))]


def test_extra_and_defaults_round_trip() -> None:
    msg = Message(msg_type=8, mmsi=2_190_000, timestamp=1.5, extra={"dac": 1, "data": "0a", "flags": [True]})
    back = row_to_message(message_to_row(msg))
    assert back == msg and back.extra == {"dac": 1, "data": "0a", "flags": [True]}


def test_groups_join_linked_vessels_and_shared_imos() -> None:
    mapping = assign_groups([(5, 3), (3, 9), (20, 21)], [(30, 9_000_001), (31, 9_000_001), (9, 9_000_002)])
    assert mapping[5] == mapping[3] == mapping[9] == 3
    assert mapping[20] == mapping[21] == 20
    assert mapping[30] == mapping[31] == 30
    assert 99 not in mapping  # unlinked vessels are their own group


def test_rules_follow_the_enabled_detectors_and_their_thresholds() -> None:
    settings = Settings()
    rules = rules_from(settings)
    names = {r.name: r for r in rules.proximity}
    assert names["rendezvous"].radius_m == settings.assess.rendezvous.distance_m
    assert names["spoofing"].radius_m == settings.assess.spoofing.colocated_m
    assert rules.gap is not None and rules.gap.radius_m == settings.assess.ais_gap.neighbour_radius_m
    assert rules.imo
    settings.assess.enabled = ["areas", "anchor_drag"]
    assert rules_from(settings) == type(rules)((), None, False)


def test_chord_never_exceeds_the_great_circle_distance() -> None:
    from seawarden.geodesy import haversine_m

    for a, b in [
        ((57.0, 11.0), (57.004, 11.003)),
        ((0.0, 179.999), (0.0, -179.999)),
        ((89.99, 0), (89.99, 90)),
    ]:
        chord = sum((p - q) ** 2 for p, q in zip(ecef(*a), ecef(*b), strict=True)) ** 0.5
        assert chord <= haversine_m(*a, *b) + 1e-6
    assert coarse_factor(500, 250) * 250 >= 2 * (500 + 3**0.5 * 250)


def _vessel_rows(times: list[float], lat: float, lon: float) -> list[dict]:
    rows = []
    for i, t in enumerate(times):
        msg = Message(
            msg_type=1, mmsi=230_000_001, timestamp=t, lat=lat, lon=lon + i * 1e-4, sog=5.0, cog=90.0
        )
        rows.append(message_to_row(msg, 0, i, t) | {"clock": t})
    return rows


def test_a_silence_near_a_cable_becomes_a_coverage_query_and_a_short_one_does_not() -> None:
    settings = Settings()
    geo = geo_of(settings)
    rule = rules_from(settings).gap
    assert isinstance(rule, GapRule)
    lat, lon = 59.47, 24.3  # Gulf of Finland, beside the Estlink cables
    assert geo.areas_within(lat, lon, rule.area_margin_m) or geo.nearest_asset(lat, lon, rule.asset_margin_m)
    t0 = 1_700_000_000.0
    found = list(
        vessel_silences(
            _vessel_rows([t0, t0 + 10, t0 + 20, t0 + 3000], lat, lon), settings, geo, rule, t0 + 3000
        )
    )
    assert len(found) == 1
    query = found[0]
    assert query["t_lo"] == t0 + 20 + rule.min_silence_s - rule.max_age_s
    assert query["t_hi"] == t0 + 3000
    assert not list(
        vessel_silences(_vessel_rows([t0, t0 + 10, t0 + 20], lat, lon), settings, geo, rule, t0 + 200)
    )
    far = _vessel_rows([t0, t0 + 3000], 40.0, -30.0)  # mid-Atlantic: nothing protected near
    assert not list(vessel_silences(far, settings, geo, rule, t0 + 3000))


def test_the_group_runner_gives_the_alerts_of_one_pipeline_over_the_file() -> None:
    """Groups = the whole file's vessels split into three, with the replay clock: same records."""
    path = str(ROOT / "scenarios" / "sts_rendezvous.nmea")
    settings = Settings()
    rows = [row for batch in decode_file(path, 0, settings) for row in batch.to_pylist()]
    clock = -float("inf")
    for row in rows:
        clock = max(clock, row["timestamp"])
        row["clock"] = clock
        row["group"] = 620123400 if row["mmsi"] in (620123400, 620123500) else row["mmsi"] % 3
    rows.sort(key=lambda r: (r["group"], r["seq"]))
    out = [r for b in run_groups([pa.RecordBatch.from_pylist(rows)], settings, clock) for r in b.to_pylist()]
    whole = Pipeline(settings)
    want = [a for m in read_messages([path]) for a in whole.process(m)] + whole.finish()
    assert want, "the scenario raises alerts"
    assert sorted(r["record"] for r in out) == sorted(
        json.dumps(a.to_dict(), ensure_ascii=False) for a in want
    )
