import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from seawarden.simulate.generate import simulate
from seawarden.simulate.library import build
from seawarden.simulate.route import distance_m
from seawarden.simulate.scenario import PhaseSpec, ScenarioSpec, time_for_distance
from seawarden.simulate.vessel import Phase, phase_distance_m


def test_spec_rejects_typos_and_ambiguous_phases(raw_spec):
    bad = raw_spec()
    bad["vessels"][0]["phases"][0]["speed_kts"] = 3
    with pytest.raises(ValidationError, match="speed_kts"):
        ScenarioSpec.model_validate(bad)
    with pytest.raises(ValidationError, match="exactly one of"):
        PhaseSpec(duration_min=5, distance_km=3, speed_kn=4)
    with pytest.raises(ValidationError, match="exactly one of"):
        PhaseSpec(speed_kn=4)
    dup = raw_spec()
    dup["vessels"].append(dup["vessels"][0])
    with pytest.raises(ValidationError, match="unique"):
        ScenarioSpec.model_validate(dup)
    with pytest.raises(ValidationError, match="kinds and/or severities"):
        ScenarioSpec.model_validate(raw_spec(forbidden=[{"mmsi": 518998865}]))


def test_unknown_onset_label_is_a_clear_error(make_spec, assets):
    spec = make_spec(
        expect=[{"mmsi": 518998865, "kind": "ais_gap", "onset": "nope", "max_delay_min": 5}],
    )
    with pytest.raises(ValueError, match="onset 'nope'"):
        build(spec, assets)


def test_until_mark_phase_ends_exactly_on_the_asset(unit_spec, assets):
    scenario = build(unit_spec, assets)
    script = scenario.scripts[0]
    onsets = scenario.onsets[518998865]
    assert set(onsets) == {"start", "anchor_drop", "dark", "anchored"}
    sim = simulate(scenario)
    fixes = sim.fixes[518998865]
    # the silent phase starts when the ship is on the cable (lon 25.0)
    from seawarden.simulate.vessel import VesselSimulator

    kin = VesselSimulator(script, 0).kinematics(onsets["dark"] - script.start)
    assert distance_m(kin.lat, kin.lon, 59.7, 25.0) < 1.0
    assert not [f for f in fixes if onsets["dark"] + 11 < f.t < onsets["anchored"] - 1]
    anchored = [f for f in fixes if f.t >= onsets["anchored"]]
    assert anchored and all(f.nav_status == 1 for f in anchored)


def test_scripted_track_crosses_the_named_asset(unit_spec, assets):
    from shapely.geometry import LineString

    scenario = build(unit_spec, assets)
    route = scenario.scripts[0].route
    assert route.line().crosses(assets("test_cable"))
    fixes = simulate(scenario).fixes[518998865]
    track = LineString([(f.true_lon, f.true_lat) for f in fixes])
    assert track.intersects(assets("test_cable"))


def test_simulation_is_deterministic(unit_spec, assets):
    first = list(simulate(build(unit_spec, assets)).lines())
    again = list(simulate(build(unit_spec, assets)).lines())
    assert first == again
    reseeded = unit_spec.model_copy(update={"seed": 8})
    assert list(simulate(build(reseeded, assets)).lines()) != first


@given(
    v0=st.floats(0.0, 25.0),
    v1=st.floats(0.5, 25.0),
    ramp_s=st.floats(0.0, 3600.0),
    distance=st.floats(10.0, 100_000.0),
)
def test_time_for_distance_inverts_the_ramp(v0, v1, ramp_s, distance):
    seconds = time_for_distance(v0, v1, ramp_s, distance)
    phase = Phase(duration_s=seconds, speed_kn=v1, ramp_s=ramp_s)
    assert phase_distance_m(v0, phase, seconds) == pytest.approx(distance, rel=1e-6, abs=1e-3)
