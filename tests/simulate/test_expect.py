from seawarden.simulate.expect import evaluate
from seawarden.simulate.library import build
from seawarden.types import Alert, AlertKind, Severity


def alert(kind: AlertKind, severity: Severity, t: float, mmsi: int = 518998865, version: int = 1) -> Alert:
    return Alert(id="a1", kind=kind, severity=severity, risk=50.0, mmsi=mmsi, time=t, version=version)


def test_expectation_met_late_missing_and_forbidden(unit_spec, assets):
    scenario = build(unit_spec, assets)
    onset = scenario.onsets[518998865]["anchor_drop"]
    drag = AlertKind.ANCHOR_DRAG_SUSPECTED
    # an early LOW version does not count, the HIGH escalation 12 min after onset does
    ok = evaluate(
        scenario,
        [alert(drag, Severity.LOW, onset + 60), alert(drag, Severity.HIGH, onset + 720, version=2)],
    )
    assert ok.ok and ok.expectations[0].delay_s == 720
    assert "after 12.0 min" in ok.lines()[0]
    late = evaluate(scenario, [alert(drag, Severity.CRITICAL, onset + 31 * 60)])
    assert not late.ok and late.lines()[0].startswith("LATE")
    before_onset = evaluate(scenario, [alert(drag, Severity.HIGH, onset - 60)])
    assert not before_onset.ok and before_onset.lines()[0].startswith("MISSING")
    other_vessel = evaluate(scenario, [alert(drag, Severity.HIGH, onset + 60, mmsi=230000001)])
    assert not other_vessel.ok
    forbidden = evaluate(
        scenario, [alert(drag, Severity.HIGH, onset + 60), alert(AlertKind.RENDEZVOUS, Severity.LOW, onset)]
    )
    assert not forbidden.ok and forbidden.violations[0].alert.kind == AlertKind.RENDEZVOUS


def test_background_ships_must_not_raise_anchor_drag(make_spec, assets):
    scenario = build(make_spec(background=["gulf_of_finland"]), assets)
    background = [s.identity.mmsi for s in scenario.scripts if s.role == "background"]
    assert len(background) >= 4
    onset = scenario.onsets[518998865]["anchor_drop"]
    outcome = evaluate(
        scenario,
        [
            alert(AlertKind.ANCHOR_DRAG_SUSPECTED, Severity.HIGH, onset + 60),
            alert(AlertKind.AREA_ENTRY, Severity.INFO, onset, mmsi=background[0]),
        ],
    )
    assert outcome.ok
    outcome = evaluate(
        scenario,
        [
            alert(AlertKind.ANCHOR_DRAG_SUSPECTED, Severity.HIGH, onset + 60),
            alert(AlertKind.ANCHOR_DRAG_SUSPECTED, Severity.LOW, onset, mmsi=background[1]),
        ],
    )
    assert not outcome.ok and outcome.violations[0].alert.mmsi == background[1]
