"""The streaming job's pieces without Spark: pipeline state that survives pickling, Kafka decoding."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from seawarden.config import Settings
from seawarden.scale.runner import new_pipeline
from seawarden.scale.spark_stream import _decode_kafka, dump_pipeline, load_pipeline
from seawarden.sources import read_messages

ROOT = Path(__file__).resolve().parents[2]


def test_a_pipeline_saved_and_restored_every_500_messages_gives_the_same_alerts() -> None:
    settings = Settings()
    messages = list(read_messages([str(ROOT / "scenarios" / "loitering.nmea")]))
    whole = new_pipeline(settings)
    want = [a.to_dict() for m in messages for a in whole.process(m)]
    pipe = new_pipeline(settings)
    got = []
    sizes = []
    for i, msg in enumerate(messages):
        got += [a.to_dict() for a in pipe.process(msg)]
        if i % 500 == 499:
            blob = dump_pipeline(pipe)
            sizes.append(len(blob))
            pipe = load_pipeline(blob, new_pipeline(settings))
    assert want and json.dumps(got) == json.dumps(want)
    # the shared geo context, models and watch-list are references, not copies
    assert max(sizes) < 1_000_000
    restored = load_pipeline(dump_pipeline(pipe), template := new_pipeline(settings))
    assert restored.geo is template.geo and restored.assessor.detectors[0] is template.assessor.detectors[0]


def test_kafka_records_decode_in_offset_order_with_multipart_groups_whole() -> None:
    lines = (
        (ROOT / "scenarios" / "sts_rendezvous.nmea").read_text().splitlines()[:3]
    )  # a 2-part group, then 1
    batch = pa.RecordBatch.from_pylist(
        [
            {"topic": "ais.raw", "partition": 3, "offset": 7, "value": "\n".join(lines[:2]).encode()},
            {"topic": "ais.raw", "partition": 3, "offset": 8, "value": lines[2].encode()},
            {"topic": "ais.raw", "partition": 3, "offset": 9, "value": b"not nmea at all"},
        ]
    )
    rows = [row for out in _decode_kafka(Settings())(iter([batch])) for row in out.to_pylist()]
    assert [(r["msg_type"], r["file_idx"], r["seq"]) for r in rows] == [(5, 3, 7 * 1024), (1, 3, 8 * 1024)]
    assert rows[0]["source"] == "sim"  # the tag block's station names the source, as in replay
