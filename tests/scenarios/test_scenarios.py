"""Replay every scenario file through the whole pipeline and check its expected / forbidden alerts.

Each ``scenarios/NAME.nmea`` (SIMULATED tracks, see scenarios/README.md) goes through the same path as
``seawarden replay``: ``read_messages`` (format detection, tag-block times, multipart) -> ``Pipeline``.
The spec's ``expect`` entries must be met within ``max_delay_min`` of the behaviour's onset; its
``forbidden`` entries (and the standard background-traffic rule) must not occur.
"""

from functools import cache

import pytest

from seawarden.decode import Decoder
from seawarden.geo import GeoContext
from seawarden.pipeline import Pipeline
from seawarden.simulate.expect import evaluate
from seawarden.simulate.library import load, nmea_path, scenario_names
from seawarden.sources import read_messages
from seawarden.watchlist import Watchlist


@cache
def _shared_context() -> tuple[GeoContext, Watchlist]:
    """Geography and watch-list are read-only; sharing them keeps the run fast."""
    return GeoContext.default(), Watchlist.default()


@pytest.mark.parametrize("name", scenario_names())
def test_scenario_outcome(name, scenario_report):
    scenario = load(name)
    decoder = Decoder(source=name)
    messages = list(read_messages([str(nmea_path(name))], decoder=decoder))
    assert not decoder.stats.rejects, f"simulated sentences rejected: {decoder.stats.rejects}"
    geo, watchlist = _shared_context()
    pipeline = Pipeline(geo=geo, watchlist=watchlist)
    alerts = []
    for message in messages:
        alerts.extend(_snapshot(a) for a in pipeline.process(message))
    alerts.extend(_snapshot(a) for a in pipeline.finish())
    outcome = evaluate(scenario, alerts)
    lines = outcome.lines() or ["(no expectations; nothing forbidden seen)"]
    for line in lines:
        scenario_report.rows.append((name, line))
        print(f"{name}: {line}")
    assert outcome.ok, "\n".join(lines)


def _snapshot(alert):
    """Alerts may be updated in place by later evidence: keep each emitted version as it was."""
    from dataclasses import replace

    return replace(alert)
