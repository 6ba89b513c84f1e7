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
    _count_negatives(scenario, messages, alerts, scenario_report)
    outcome = evaluate(scenario, alerts)
    lines = outcome.lines() or ["(no expectations; nothing forbidden seen)"]
    for line in lines:
        scenario_report.rows.append((name, line))
        print(f"{name}: {line}")
    assert outcome.ok, "\n".join(lines)


def _count_negatives(scenario, messages, alerts, report) -> None:
    """Observed hours and alerts of every vessel the scenario expects nothing from (false-alarm rate)."""
    subjects = {e.mmsi for e in scenario.spec.expect}
    last: dict[int, float] = {}
    for message in messages:
        if message.mmsi in subjects:
            continue
        previous = last.get(message.mmsi)
        if previous is not None and message.timestamp > previous:
            report.negative_hours += min(message.timestamp - previous, 600.0) / 3600.0
        last[message.mmsi] = max(previous or message.timestamp, message.timestamp)
    worst: dict[str, object] = {}
    for alert in alerts:
        if alert.mmsi not in subjects and alert.mmsi in last:
            worst[alert.id] = max(worst.get(alert.id, alert.severity), alert.severity)
    for severity in worst.values():
        report.negative_alerts[severity.label] = report.negative_alerts.get(severity.label, 0) + 1


def _snapshot(alert):
    """Alerts may be updated in place by later evidence: keep each emitted version as it was."""
    from dataclasses import replace

    return replace(alert)
