import itertools

import pytest

from seawarden.simulate.route import Route, distance_m
from seawarden.simulate.vessel import (
    Identity,
    IdentityChange,
    Phase,
    SimFix,
    Spoof,
    StaticReport,
    VesselScript,
    VesselSimulator,
    itu_interval_s,
    phase_distance_m,
    track_length_m,
)

START = 1_735_113_600.0  # 2024-12-25T08:00:00Z
EAST = Route([(59.7, 24.0), (59.7, 27.0)])


def script(*phases: Phase, **kwargs) -> VesselScript:
    identity = kwargs.pop("identity", Identity(mmsi=230123456, name="TEST", imo=9329760, ship_type=70))
    return VesselScript(
        identity=identity, start=START, route=kwargs.pop("route", EAST), phases=phases, **kwargs
    )


def fixes_of(s: VesselScript, seed: int = 1) -> list[SimFix]:
    return [r for r in VesselSimulator(s, seed).reports() if isinstance(r, SimFix)]


def test_speed_and_time_give_the_right_distance():
    fixes = fixes_of(script(Phase(duration_s=3600, speed_kn=10.0)))
    assert fixes[-1].t - fixes[0].t == pytest.approx(3600, abs=11)
    covered = distance_m(fixes[0].true_lat, fixes[0].true_lon, fixes[-1].true_lat, fixes[-1].true_lon)
    expected = 10 * 1852.0 * (fixes[-1].t - fixes[0].t) / 3600
    assert covered == pytest.approx(expected, rel=1e-6)
    assert track_length_m(fixes) == pytest.approx(expected, rel=1e-6)


def test_ramp_distance_is_the_trapezoid():
    phase = Phase(duration_s=2100, speed_kn=6.3, ramp_s=2100)  # Eagle S: 8.5 -> 6.3 kn over 35 min
    assert phase_distance_m(8.5, phase, 2100) == pytest.approx((8.5 + 6.3) / 2 * 1852 * 2100 / 3600)
    fixes = fixes_of(script(Phase(600, 8.5), phase))
    assert fixes[0].sog == pytest.approx(8.5, abs=0.5)
    assert fixes[-1].sog == pytest.approx(6.3, abs=0.5)


@pytest.mark.parametrize(
    ("cls", "sog", "status", "turning", "expected"),
    [
        ("A", 10.0, 0, False, 10.0),
        ("A", 10.0, 0, True, 10.0 / 3),
        ("A", 18.0, 0, False, 6.0),
        ("A", 18.0, 0, True, 2.0),
        ("A", 25.0, 0, False, 2.0),
        ("A", 0.1, 1, False, 180.0),
        ("A", 4.0, 1, False, 10.0),  # at anchor but moving faster than 3 kn
        ("B", 1.0, 0, False, 180.0),
        ("B", 9.0, 0, False, 30.0),
    ],
)
def test_itu_reporting_intervals(cls, sog, status, turning, expected):
    assert itu_interval_s(cls, sog, status, turning) == pytest.approx(expected)


def _median_gap(fixes: list[SimFix]) -> float:
    gaps = sorted(b.t - a.t for a, b in itertools.pairwise(fixes))
    return gaps[len(gaps) // 2]


def test_report_rates_follow_speed_and_the_coarse_floor():
    assert _median_gap(fixes_of(script(Phase(1800, 10.0)))) == pytest.approx(10.0, rel=0.06)
    assert _median_gap(fixes_of(script(Phase(1800, 20.0)))) == pytest.approx(6.0, rel=0.06)
    assert _median_gap(fixes_of(script(Phase(1800, 10.0), min_interval_s=30))) == pytest.approx(
        30.0, rel=0.06
    )
    anchored = fixes_of(script(Phase(7200, 0.0, mode="anchor", nav_status=1)))
    assert _median_gap(anchored) == pytest.approx(180.0, rel=0.06)
    assert all(f.nav_status == 1 and f.sog < 1.0 for f in anchored)


def test_silent_phase_broadcasts_nothing_and_the_ship_moves_on():
    s = script(Phase(600, 10.0), Phase(1800, 10.0, silent=True, label="dark"), Phase(600, 10.0))
    reports = list(VesselSimulator(s, 3).reports())
    dark = [r for r in reports if START + 600 + 11 < r.t < START + 2400]
    assert dark == []
    fixes = [r for r in reports if isinstance(r, SimFix)]
    before = [f for f in fixes if f.t <= START + 600 + 11][-1]
    after = min((f for f in fixes if f.t >= START + 2400), key=lambda f: f.t)
    jumped = distance_m(before.true_lat, before.true_lon, after.true_lat, after.true_lon)
    assert jumped == pytest.approx(10 * 1852 * (after.t - before.t) / 3600, rel=1e-3)
    assert VesselSimulator(s, 3).onsets() == {"dark": START + 600}


def test_gnss_noise_is_a_few_metres():
    fixes = fixes_of(script(Phase(3600, 10.0), gnss_sigma_m=3.0))
    errors = [distance_m(f.lat, f.lon, f.true_lat, f.true_lon) for f in fixes]
    assert 1.0 < sum(errors) / len(errors) < 8.0
    assert max(errors) < 20.0


def test_heading_offset_makes_the_ship_crab():
    fixes = fixes_of(script(Phase(1800, 6.0, heading_offset_deg=15.0)))
    diffs = [((f.heading - f.cog + 180) % 360) - 180 for f in fixes]
    assert sum(diffs) / len(diffs) == pytest.approx(15.0, abs=1.0)


def test_statics_every_six_minutes_and_identity_changes():
    s = script(
        Phase(3600, 10.0),
        identity_changes=(
            IdentityChange(1000.0, {"name": "NEW NAME"}),
            IdentityChange(2000.0, {"mmsi": 230999888}),
        ),
    )
    reports = list(VesselSimulator(s, 5).reports())
    statics = [r for r in reports if isinstance(r, StaticReport)]
    assert statics[0].t == START
    assert statics[1].t - statics[0].t == pytest.approx(360, abs=12)
    names = [r.identity.name for r in statics]
    assert names[0] == "TEST" and names[-1] == "NEW NAME"
    # a re-programmed transponder announces the new identity at once
    assert any(abs(r.t - (START + 1000)) < 12 and r.identity.name == "NEW NAME" for r in statics)
    mmsis = {r.identity.mmsi for r in reports if r.t >= START + 2000 + 11}
    assert mmsis == {230999888}


def test_spoofed_positions_jump_while_the_true_track_continues():
    s = script(Phase(600, 10.0), Phase(600, 10.0, spoof=Spoof("jump", 59.33, 18.06)), Phase(600, 10.0))
    fixes = fixes_of(s)
    spoofed = [f for f in fixes if START + 620 < f.t < START + 1190]
    assert spoofed and all(distance_m(f.lat, f.lon, 59.33, 18.06) < 30 for f in spoofed)
    assert all(distance_m(f.true_lat, f.true_lon, 59.7, 24.0) < 10_000 for f in spoofed)
    tail = [f for f in fixes if f.t > START + 1250]
    assert all(distance_m(f.lat, f.lon, f.true_lat, f.true_lon) < 30 for f in tail)


def test_circle_spoof_draws_a_circle():
    fixes = fixes_of(
        script(Phase(1200, 10.0, spoof=Spoof("circle", 59.9, 29.0, radius_m=2000, period_s=600)))
    )
    radii = [distance_m(f.lat, f.lon, 59.9, 29.0) for f in fixes]
    assert all(1950 < r < 2050 for r in radii)


def test_circling_returns_to_the_route():
    s = script(Phase(600, 8.0), Phase(3600, 4.0, mode="circle", radius_m=600), Phase(600, 8.0))
    fixes = fixes_of(s)
    loop = [f for f in fixes if START + 600 < f.t < START + 4200]
    centre_lat = sum(f.true_lat for f in loop) / len(loop)
    centre_lon = sum(f.true_lon for f in loop) / len(loop)
    radii = [distance_m(centre_lat, centre_lon, f.true_lat, f.true_lon) for f in loop]
    assert max(radii) < 1000
    first_after = next(f for f in fixes if f.t >= START + 4200)
    last_before = [f for f in fixes if f.t <= START + 600][-1]
    assert (
        distance_m(last_before.true_lat, last_before.true_lon, first_after.true_lat, first_after.true_lon)
        < 200
    )


def test_deterministic_with_the_seed():
    s = script(Phase(1800, 10.0), Phase(1800, 5.0, ramp_s=600), loss_rate=0.05)
    a = fixes_of(s, seed=42)
    b = fixes_of(s, seed=42)
    c = fixes_of(s, seed=43)
    assert [(f.t, f.lat, f.lon, f.sog, f.cog) for f in a] == [(f.t, f.lat, f.lon, f.sog, f.cog) for f in b]
    assert [(f.t, f.lat) for f in a] != [(f.t, f.lat) for f in c]


def test_script_without_phases_is_rejected():
    with pytest.raises(ValueError, match="at least one phase"):
        VesselSimulator(script(), 1)
