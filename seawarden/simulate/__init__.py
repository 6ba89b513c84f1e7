"""Deterministic AIS traffic simulator and the scenario library (all tracks SIMULATED).

Scripts of vessel behaviour (route, speed schedule, crabbing, turns, AIS silences, spoofing,
identity changes) become ITU-rate AIS reports, encoded with pyais and wrapped in NMEA 4.0 tag
blocks. ``scenarios/*.toml`` re-enact public incident facts across the bundled infrastructure and
say which alerts must (and must not) follow; ``tests/scenarios`` replays them through the pipeline.
"""

from seawarden.simulate.expect import Outcome, evaluate
from seawarden.simulate.generate import Simulation, simulate
from seawarden.simulate.library import build, load, nmea_path, scenario_dir, scenario_names
from seawarden.simulate.route import Route
from seawarden.simulate.scenario import Scenario, ScenarioSpec, load_spec
from seawarden.simulate.vessel import Identity, Phase, SimFix, Spoof, VesselScript, VesselSimulator

__all__ = [
    "Identity",
    "Outcome",
    "Phase",
    "Route",
    "Scenario",
    "ScenarioSpec",
    "SimFix",
    "Simulation",
    "Spoof",
    "VesselScript",
    "VesselSimulator",
    "build",
    "evaluate",
    "load",
    "load_spec",
    "nmea_path",
    "scenario_dir",
    "scenario_names",
    "simulate",
]
