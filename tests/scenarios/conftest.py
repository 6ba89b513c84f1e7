"""Collects each scenario's detection delays and prints them as one table at the end of the run."""

from dataclasses import dataclass, field

import pytest


@dataclass
class ScenarioReport:
    rows: list[tuple[str, str]] = field(default_factory=list)


REPORT = ScenarioReport()


@pytest.fixture(scope="session")
def scenario_report() -> ScenarioReport:
    return REPORT


def pytest_terminal_summary(terminalreporter) -> None:
    if not REPORT.rows:
        return
    terminalreporter.section("scenario outcomes (time from behaviour onset to first matching alert)")
    width = max(len(name) for name, _ in REPORT.rows)
    for name, line in REPORT.rows:
        terminalreporter.write_line(f"{name:<{width}}  {line}")
