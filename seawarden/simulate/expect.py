"""Check a scenario's expected and forbidden outcomes against the alerts a pipeline produced.

Shared by ``tests/scenarios`` and ``seawarden simulate run`` so both judge a scenario the same way.
An alert counts for an expectation when its evidence time is at or after the behaviour's onset and
within ``max_delay_min`` of it; alerts are taken with the severity they had at that version (an
alert that starts LOW and escalates to HIGH satisfies ``min_severity = high`` at the escalation).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from seawarden.simulate.scenario import ExpectSpec, ForbidSpec, Scenario
from seawarden.types import Alert


@dataclass(frozen=True)
class ExpectationResult:
    expect: ExpectSpec
    onset: float
    first_match: Alert | None  # earliest qualifying alert version, in or out of the time window
    delay_s: float | None

    @property
    def ok(self) -> bool:
        return self.delay_s is not None and self.delay_s <= self.expect.max_delay_min * 60.0

    def describe(self) -> str:
        e = self.expect
        target = (
            f"{e.kind} >= {e.min_severity.label} for {e.mmsi} within {e.max_delay_min:g} min of {e.onset}"
        )
        if self.delay_s is None:
            return f"MISSING {target}"
        verdict = "ok" if self.ok else "LATE"
        return f"{verdict} {target}: after {self.delay_s / 60.0:.1f} min"


@dataclass(frozen=True)
class ForbiddenHit:
    forbid: ForbidSpec
    alert: Alert

    def describe(self) -> str:
        a = self.alert
        return f"FORBIDDEN {a.kind} {a.severity.label} for {a.mmsi} at {a.time:.0f}: {a.explanation[:120]}"


@dataclass
class Outcome:
    scenario: str
    expectations: list[ExpectationResult] = field(default_factory=list)
    violations: list[ForbiddenHit] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.expectations) and not self.violations

    def lines(self) -> list[str]:
        return [r.describe() for r in self.expectations] + [v.describe() for v in self.violations]


def forbidden_rules(scenario: Scenario) -> list[ForbidSpec]:
    """The spec's forbidden list plus, unless disabled, the standard rule for background ships."""
    rules = list(scenario.spec.forbidden)
    if scenario.spec.background_forbidden:
        for script in scenario.scripts:
            if script.role == "background":
                rules.append(
                    ForbidSpec(
                        mmsi=script.identity.mmsi,
                        kinds=["anchor_drag_suspected"],
                        severities=["high", "critical"],
                    )
                )
    return rules


def evaluate(scenario: Scenario, alerts: Iterable[Alert]) -> Outcome:
    """Judge the alerts (every version the pipeline emitted, in emission order)."""
    alerts = list(alerts)
    outcome = Outcome(scenario.name)
    for expect in scenario.spec.expect:
        onset = scenario.onsets[expect.mmsi][expect.onset]
        qualifying = [
            a
            for a in alerts
            if a.mmsi == expect.mmsi
            and _carries(a, expect.kind)
            and a.severity >= expect.min_severity
            and a.time >= onset
        ]
        first = min(qualifying, key=lambda a: a.time, default=None)
        delay = None if first is None else first.time - onset
        outcome.expectations.append(ExpectationResult(expect, onset, first, delay))
    for rule in forbidden_rules(scenario):
        for alert in alerts:
            if alert.mmsi != rule.mmsi:
                continue
            if any(_carries(alert, kind) for kind in rule.kinds) or alert.severity in rule.severities:
                outcome.violations.append(ForbiddenHit(rule, alert))
    return outcome


def _carries(alert: Alert, kind: str) -> bool:
    """The alert is of ``kind``, or carries a finding of ``kind`` as evidence.

    The alert layer folds a vessel's other findings into its open high/critical incident (an AIS gap
    mid-drag is evidence on the anchor-drag alert), so a finding reaches the officer either way.
    """
    return alert.kind == kind or any(item.get("kind") == str(kind) for item in alert.evidence)
