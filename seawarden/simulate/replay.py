"""Replay simulated NMEA through the real decoder and pipeline, then judge the outcome.

Goes through the same text path as ``seawarden replay`` (tagged NMEA -> Decoder -> Pipeline), so a
scenario tests the decoder's tag-block times and multipart handling too, not just the detectors.
"""

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from seawarden.simulate.expect import Outcome, evaluate
from seawarden.simulate.generate import Simulation
from seawarden.simulate.scenario import Scenario
from seawarden.types import Alert, Message


def run_pipeline(messages: Iterable[Message]) -> list[Alert]:
    """Every alert version the default pipeline emits for the messages, end-of-input tick included."""
    from seawarden.pipeline import Pipeline

    pipeline = Pipeline()
    # snapshot each emitted version: an alert object may be updated in place by later evidence
    alerts = [replace(alert) for alert in pipeline.process_many(messages)]
    alerts.extend(replace(alert) for alert in pipeline.finish())
    return alerts


def replay_file(scenario: Scenario, path: str | Path) -> tuple[Outcome, list[Alert]]:
    """Read a scenario's ``.nmea`` file with ``read_messages`` and judge the alerts."""
    from seawarden.sources import read_messages

    alerts = run_pipeline(read_messages([str(path)]))
    return evaluate(scenario, alerts), alerts


def replay_simulation(simulation: Simulation) -> tuple[Outcome, list[Alert]]:
    """Decode the simulation's lines in memory and judge the alerts."""
    from seawarden.decode import Decoder

    decoder = Decoder(source="sim")
    messages = list(decoder.feed_lines(simulation.lines()))
    messages.extend(decoder.flush())
    alerts = run_pipeline(messages)
    return evaluate(simulation.scenario, alerts), alerts
