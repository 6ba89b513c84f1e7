"""Real traffic through the whole assessment: few alerts, none high or critical, each one justified.

The bundled samples are real (DMA 2010, Kystverket 2019; samples/README.md). Every alert they raise
is listed below with the reason it is right; a new alert here is a behaviour change to review, not
noise to silence.
"""

from __future__ import annotations

from seawarden.pipeline import Pipeline
from seawarden.replay import replay
from seawarden.types import Severity
from tests.conftest import ROOT, shared_path

SAMPLES = [
    str(ROOT / "samples" / "dma-2010-06-11.nmea"),
    str(ROOT / "samples" / "kystverket-2019-08-07.nmea"),
]

#: (mmsi, kind) -> why the alert is right. Both are low: identity quality, not behaviour.
JUSTIFIED = {
    (210583000, "identity_change"): "TROUT broadcasts IMO 900327500: 9 digits, fails the IMO check digit",
    (273318950, "identity_change"): "DAMANSKIY broadcasts IMO 8931764, which fails the IMO check digit",
}


def test_real_samples_raise_only_justified_low_alerts() -> None:
    result = replay(SAMPLES, Pipeline())
    stats = result.pipeline
    distinct = {a.id: a for a in result.alerts}  # latest record per alert
    found = {(a.mmsi, str(a.kind)): a for a in distinct.values()}
    rate = stats.per_1000_vessel_hours(len(distinct))
    print(
        f"\nreal samples: {stats.messages} messages, {stats.vessels_seen} vessels, "
        f"{stats.vessel_hours:.1f} vessel-hours, {len(distinct)} alerts "
        f"({rate:.1f} per 1,000 vessel-hours; high/critical: 0 required)"
    )
    for (mmsi, kind), alert in sorted(found.items()):
        why = JUSTIFIED.get((mmsi, kind), "UNEXPECTED")
        print(f"  {kind} {alert.severity.label} {mmsi} {alert.name}: {why}")
    assert all(a.severity < Severity.HIGH for a in distinct.values())
    assert set(found) == set(JUSTIFIED)
    assert all(a.severity == Severity.LOW for a in distinct.values())
    assert stats.vessels_seen > 2500 and result.decode.rejected == 0


def test_other_real_dma_recordings_raise_nothing_high() -> None:
    folder = shared_path("data", "ais-real", "dma-aislib")
    files = [
        str(folder / name) for name in ("replay_dump.txt", "decode_encode_messages.txt", "retry_example.txt")
    ]
    result = replay(files, Pipeline())
    assert result.pipeline.messages > 600
    assert [a for a in result.alerts if a.severity >= Severity.HIGH] == []
