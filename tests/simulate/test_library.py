"""The bundled scenario library: specs load, tracks cross the assets they name, files are current."""

import itertools
import re

import pytest
from pyais import decode

from seawarden.geo import GeoContext
from seawarden.simulate.generate import simulate
from seawarden.simulate.library import load, nmea_path, scenario_names, spec_path
from seawarden.simulate.nmea import nmea_checksum
from seawarden.simulate.scenario import CrossSpec, load_spec

NAMES = scenario_names()
REQUIRED = {
    "eagle_s",
    "eagle_s_unlisted",
    "yi_peng_3",
    "newnew_polar_bear",
    "vezhen",
    "fitburg",
    "loitering",
    "ais_gap",
    "spoofing",
    "sts_rendezvous",
    "identity_swap",
    "watchlisted_transit",
    "normal_transit",
    "ferry",
    "pilot_slowdown",
    "anchorage",
    "fishing",
}
NEGATIVE = {"normal_transit", "ferry", "pilot_slowdown", "anchorage", "fishing"}


def test_library_is_complete():
    assert set(NAMES) >= REQUIRED


@pytest.mark.parametrize("name", NAMES)
def test_spec_is_valid_and_says_what_it_checks(name):
    spec = load_spec(spec_path(name))
    assert spec.name == name and spec.simulated
    assert spec.expect or spec.forbidden, "a scenario must check something"
    assert spec.facts, "cite the public facts the scenario is built from"
    if name in NEGATIVE:
        for rule in spec.forbidden:
            assert "anchor_drag_suspected" in rule.kinds
            assert {s.label for s in rule.severities} >= {"high", "critical"}


@pytest.mark.parametrize("name", NAMES)
def test_scripted_tracks_cross_the_assets_they_name(name):
    geo = GeoContext.default()
    scenario = load(name)
    for vessel, script in zip(scenario.spec.vessels, scenario.scripts, strict=False):
        named = {entry.cross for entry in vessel.route if isinstance(entry, CrossSpec)}
        crossed = set()
        for (lat1, lon1), (lat2, lon2) in itertools.pairwise(script.route.points):
            crossed.update(hit.asset.id for hit in geo.crossings(lat1, lon1, lat2, lon2))
        assert named <= crossed, f"{vessel.mmsi} should cross {named - crossed}"


@pytest.mark.parametrize("name", NAMES)
def test_true_tracks_stay_at_sea(name):
    geo = GeoContext.default()
    scenario = load(name)
    for script in scenario.scripts:
        route = script.route
        samples = [route.at(route.length_m * i / 200) for i in range(201)]
        on_land = [(lat, lon) for lat, lon, _ in samples if geo.is_land(lat, lon)]
        assert not on_land, f"{script.identity.mmsi} runs aground at {on_land[:3]}"


TAGGED = re.compile(r"^\\(s:sim,c:\d+)\*([0-9A-F]{2})\\!(AIVDM,[^*]*)\*([0-9A-F]{2})$")


@pytest.mark.parametrize("name", NAMES)
def test_committed_file_is_small_and_well_formed(name):
    path = nmea_path(name)
    assert path.is_file(), f"run `seawarden simulate generate {name}`"
    assert path.stat().st_size < 1_000_000
    times = []
    with path.open(encoding="ascii") as lines:
        for line in lines:
            match = TAGGED.match(line.rstrip("\n"))
            assert match, line
            assert nmea_checksum(match[1]) == match[2] and nmea_checksum(match[3]) == match[4]
            times.append(int(match[1].split("c:")[1]))
    assert times == sorted(times)


@pytest.mark.parametrize("name", ["ferry", "sts_rendezvous"])
def test_committed_file_matches_a_fresh_generation(name):
    """Spot check (regenerating all takes ~20 s): the seed reproduces the committed file exactly."""
    fresh = list(simulate(load(name)).lines())
    committed = nmea_path(name).read_text(encoding="ascii").splitlines()
    assert fresh == committed


def test_every_sentence_of_a_scenario_decodes_with_pyais():
    path = nmea_path("spoofing")
    pending: list[str] = []
    count = 0
    for line in path.read_text(encoding="ascii").splitlines():
        sentence = line.split("\\")[-1]
        fields = sentence.split(",")
        pending.append(sentence)
        if fields[1] == fields[2]:  # last fragment
            message = decode(*pending).asdict()
            assert message["mmsi"] > 0
            count += 1
            pending = []
    assert not pending and count > 2000
