"""Every message gpsd decodes, we decode, and the ship-relevant fields agree after unit scaling."""

import pytest

from tests.conftest import shared_path
from tests.decode.peers import CORPORA, Agreement, compare_gpsd

BUNDLED = ["ais-18-27", "ais-raw-messages", "ais_unpack_sixbit", "ait250", "saab-r4"]
SHARED = ["ais-nmea", "ais-nmea-type6-fid55"]


def _report(name: str, result: Agreement) -> None:
    fields = ", ".join(f"{k} {v}" for k, v in sorted(result.agree.items()))
    print(f"gpsd {name}: {result.compared} messages compared; agree: {fields}")
    assert result.compared > 0
    assert result.missing == [], f"gpsd decodes, we do not: {result.missing[:5]}"
    assert result.mismatches == [], result.mismatches[:10]
    assert result.agree["mmsi"] == result.compared


@pytest.mark.parametrize("name", BUNDLED)
def test_gpsd_bundled_logs_agree(name: str) -> None:
    folder = CORPORA / "gpsd"
    _report(name, compare_gpsd(folder / f"{name}.log", folder / f"{name}.log.chk"))


@pytest.mark.shared
@pytest.mark.parametrize("name", SHARED)
def test_gpsd_shared_logs_agree(name: str) -> None:
    folder = shared_path("data", "ais-corpora", "gpsd")
    _report(name, compare_gpsd(folder / f"{name}.log", folder / f"{name}.log.chk"))


def test_gpsd_position_counts_are_substantial() -> None:
    """Guard against a comparison that silently compares nothing."""
    folder = CORPORA / "gpsd"
    result = compare_gpsd(folder / "ais-raw-messages.log", folder / "ais-raw-messages.log.chk")
    assert result.agree["lat"] >= 100 and result.agree["shipname"] >= 10
