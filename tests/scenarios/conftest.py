"""Collects each scenario's detection delays and prints them as one table at the end of the run."""

from dataclasses import dataclass, field

import pytest


@dataclass
class ScenarioReport:
    rows: list[tuple[str, str]] = field(default_factory=list)
    negative_hours: float = 0.0  # observed hours of vessels with no expected alert (background, controls)
    negative_alerts: dict[str, int] = field(default_factory=dict)  # severity -> distinct alerts on them


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
    if REPORT.negative_hours > 0:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(REPORT.negative_alerts.items())) or "none"
        medium_up = sum(v for k, v in REPORT.negative_alerts.items() if k in {"medium", "high", "critical"})
        terminalreporter.write_line(
            f"false alarms on simulated normal traffic: {REPORT.negative_hours:,.0f} vessel-hours, alerts: "
            f"{counts}; medium or above {1000 * medium_up / REPORT.negative_hours:.2f} per 1,000 vessel-hours"
        )
