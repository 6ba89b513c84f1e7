"""Fixtures for simulator tests: a synthetic cable so the kinematics need no bundled geography."""

import pytest
from shapely.geometry import LineString

from seawarden.simulate.scenario import ScenarioSpec

# A straight N-S "cable" in the open Gulf of Finland (synthetic: the simulator tests are geometry-only).
CABLE = LineString([(25.0, 59.4), (25.0, 60.0)])
ASSETS = {"test_cable": CABLE}


def _spec_dict(**overrides) -> dict:
    base = {
        "name": "unit",
        "title": "unit test scenario",
        "seed": 7,
        "start": "2024-12-25T08:00:00Z",
        "vessels": [
            {
                "mmsi": 518998865,
                "name": "EAGLE S",
                "imo": 9329760,
                "callsign": "E5U3574",
                "ship_type": 80,
                "length_m": 228,
                "beam_m": 32,
                "draught_m": 9.8,
                "destination": "PORT SAID",
                "route": [
                    {"lat": 59.70, "lon": 25.40},
                    {"cross": "test_cable", "fraction": 0.5, "bearing": 270, "before_km": 5, "after_km": 10},
                ],
                "phases": [
                    {"duration_min": 20, "speed_kn": 10.0},
                    {
                        "until_mark": "test_cable",
                        "speed_kn": 6.0,
                        "ramp_min": 10,
                        "label": "anchor_drop",
                        "heading_offset_deg": 12,
                    },
                    {"duration_min": 30, "speed_kn": 6.0, "silent": True, "label": "dark"},
                    {
                        "duration_min": 30,
                        "speed_kn": 0.0,
                        "mode": "anchor",
                        "nav_status": 1,
                        "label": "anchored",
                    },
                ],
            }
        ],
        "expect": [
            {
                "mmsi": 518998865,
                "kind": "anchor_drag_suspected",
                "min_severity": "high",
                "onset": "anchor_drop",
                "max_delay_min": 30,
            }
        ],
        "forbidden": [{"mmsi": 518998865, "kinds": ["rendezvous"]}],
    }
    base.update(overrides)
    return base


@pytest.fixture
def unit_spec() -> ScenarioSpec:
    return ScenarioSpec.model_validate(_spec_dict())


@pytest.fixture
def assets():
    """Asset lookup for ``build`` that knows only the synthetic cable."""
    return ASSETS.__getitem__


@pytest.fixture
def make_spec():
    """Build a validated spec from the unit-test template with top-level overrides."""
    return lambda **overrides: ScenarioSpec.model_validate(_spec_dict(**overrides))


@pytest.fixture
def raw_spec():
    return _spec_dict
