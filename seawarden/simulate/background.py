"""Background traffic presets: ordinary ships on real sea lanes that must NOT raise alarms.

They make every scenario a small false-alarm test (ferries at 20+ kn over cables, a trawler at
3.5 kn, a ship swinging at anchor) and keep the receiver "alive" while a subject goes dark.
Lanes follow the Gulf of Finland and central-Baltic traffic routes, checked against the bundled
land mask; MMSIs are made up but valid (real MIDs: 230 FI, 276 EE, 265 SE, 219 DK, 636 LR, 538 MH).
"""

from functools import cache
from typing import Any

from seawarden.simulate.scenario import VesselSpec


def _ferry_phases(legs: int) -> list[dict[str, Any]]:
    """Shuttle at 22 kn, slowing into port, moored 50 min between crossings (marks p0, p1, ...)."""
    phases: list[dict[str, Any]] = []
    for leg in range(legs):
        phases += [
            {"until_mark": f"p{leg + 1}", "offset_km": -4.0, "speed_kn": 22.0, "ramp_min": 6.0},
            {"until_mark": f"p{leg + 1}", "speed_kn": 4.0, "ramp_min": 6.0},
            {"duration_min": 50.0, "speed_kn": 0.0, "nav_status": 5},
        ]
    return phases


_HELSINKI = {"lat": 60.145, "lon": 24.92}
_TALLINN = {"lat": 59.455, "lon": 24.755}
_FERRY_LANE_SOUTH = [{"lat": 60.08, "lon": 24.93}, {"lat": 59.90, "lon": 24.85}, {"lat": 59.62, "lon": 24.70}]
_FERRY_LANE_NORTH = list(reversed(_FERRY_LANE_SOUTH))


def _ferry_route(crossings: int) -> list[dict[str, Any]]:
    route: list[dict[str, Any]] = [{**_HELSINKI, "mark": "p0"}]
    for leg in range(crossings):
        southbound = leg % 2 == 0
        route += _FERRY_LANE_SOUTH if southbound else _FERRY_LANE_NORTH
        route.append({**(_TALLINN if southbound else _HELSINKI), "mark": f"p{leg + 1}"})
    return route


_PRESETS: dict[str, list[dict[str, Any]]] = {
    "gulf_of_finland": [
        {
            "mmsi": 636092871,
            "name": "NORDIC TRADER",
            "imo": 9434345,
            "callsign": "D5AB7",
            "ship_type": 70,
            "length_m": 180,
            "beam_m": 28,
            "draught_m": 8.9,
            "destination": "ROTTERDAM",
            "route": [
                {"lat": 59.98, "lon": 27.5},
                {"lat": 59.92, "lon": 26.4},
                {"lat": 59.85, "lon": 25.3},
                {"lat": 59.78, "lon": 24.3},
                {"lat": 59.62, "lon": 23.2},
                {"lat": 59.45, "lon": 22.0},
                {"lat": 58.90, "lon": 20.6},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 12.5}],
        },
        {
            "mmsi": 538007112,
            "name": "BALTIC STAR",
            "imo": 9388821,
            "callsign": "V7QX2",
            "ship_type": 80,
            "length_m": 183,
            "beam_m": 32,
            "draught_m": 11.2,
            "destination": "PRIMORSK",
            "start_min": 20,
            "route": [
                {"lat": 58.95, "lon": 20.8},
                {"lat": 59.40, "lon": 22.2},
                {"lat": 59.60, "lon": 23.3},
                {"lat": 59.74, "lon": 24.3},
                {"lat": 59.82, "lon": 25.3},
                {"lat": 59.88, "lon": 26.4},
                {"lat": 59.94, "lon": 27.6},
                {"lat": 60.00, "lon": 28.4},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 11.0}],
        },
        {
            "mmsi": 276813000,
            "name": "GULF SHUTTLE",
            "imo": 9773571,
            "callsign": "ESSF",
            "ship_type": 60,
            "length_m": 212,
            "beam_m": 31,
            "draught_m": 7.1,
            "destination": "TALLINN",
            "route": _ferry_route(12),
            "phases": _ferry_phases(12),
        },
        {
            "mmsi": 230051470,
            "name": "MERITUULI",
            "callsign": "OIFQ",
            "ship_type": 30,
            "length_m": 24,
            "beam_m": 7,
            "draught_m": 3.2,
            "destination": "HELSINKI",
            "start_min": 30,
            "route": [
                {"lat": 59.74, "lon": 26.60},
                {"lat": 59.78, "lon": 27.00},
                {"lat": 59.76, "lon": 27.02},
                {"lat": 59.72, "lon": 26.62},
                {"lat": 59.70, "lon": 26.64},
                {"lat": 59.74, "lon": 27.04},
                {"lat": 59.72, "lon": 27.06},
                {"lat": 59.68, "lon": 26.66},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 3.5, "nav_status": 7}],
        },
        {
            "mmsi": 636015529,
            "name": "BALTIC HOPE",
            "imo": 9371103,
            "callsign": "A8KL5",
            "ship_type": 70,
            "length_m": 150,
            "beam_m": 23,
            "draught_m": 8.2,
            "destination": "TALLINN ANCH",
            "start_min": 10,
            "route": [
                {"lat": 59.70, "lon": 23.90},
                {"lat": 59.66, "lon": 24.45},
                {"lat": 59.60, "lon": 24.62},
                {"lat": 59.525, "lon": 24.685},
            ],
            "phases": [
                {"until_mark": "end", "offset_km": -4.0, "speed_kn": 11.0},
                {"until_mark": "end", "speed_kn": 2.0, "ramp_min": 20},
                {"duration_min": 1800, "mode": "anchor", "nav_status": 1, "radius_m": 180},
            ],
        },
    ],
    "central_baltic": [
        {
            "mmsi": 636019844,
            "name": "ATLANTIC PIONEER",
            "imo": 9501227,
            "callsign": "A8QN4",
            "ship_type": 70,
            "length_m": 190,
            "beam_m": 32,
            "draught_m": 10.1,
            "destination": "ST PETERSBURG",
            "route": [
                {"lat": 55.30, "lon": 18.00},
                {"lat": 56.20, "lon": 19.00},
                {"lat": 57.00, "lon": 19.70},
                {"lat": 57.80, "lon": 20.30},
                {"lat": 58.60, "lon": 21.10},
                {"lat": 59.30, "lon": 22.00},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 13.0}],
        },
        {
            "mmsi": 265736190,
            "name": "SKAGERN",
            "imo": 9212785,
            "callsign": "SLQB",
            "ship_type": 79,
            "length_m": 140,
            "beam_m": 21,
            "draught_m": 7.4,
            "destination": "GDANSK",
            "start_min": 15,
            "route": [
                {"lat": 59.25, "lon": 21.80},
                {"lat": 58.55, "lon": 20.90},
                {"lat": 57.75, "lon": 20.10},
                {"lat": 56.95, "lon": 19.50},
                {"lat": 56.15, "lon": 18.80},
                {"lat": 55.25, "lon": 17.80},
                {"lat": 54.95, "lon": 18.50},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 12.0}],
        },
    ],
    "kattegat": [
        {
            "mmsi": 219018532,
            "name": "KATTEGAT BRIDGE",
            "imo": 9348699,
            "callsign": "OXPT2",
            "ship_type": 70,
            "length_m": 160,
            "beam_m": 25,
            "draught_m": 8.0,
            "destination": "GOTHENBURG",
            "route": [
                {"lat": 56.10, "lon": 11.80},
                {"lat": 56.50, "lon": 11.45},
                {"lat": 56.75, "lon": 11.30},
                {"lat": 57.10, "lon": 11.40},
                {"lat": 57.60, "lon": 11.00},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 12.0}],
        },
        {
            "mmsi": 636021933,
            "name": "SKAW SPIRIT",
            "imo": 9422108,
            "callsign": "A8TT9",
            "ship_type": 80,
            "length_m": 250,
            "beam_m": 44,
            "draught_m": 14.0,
            "destination": "GDANSK",
            "start_min": 40,
            "route": [
                {"lat": 57.60, "lon": 11.10},
                {"lat": 57.05, "lon": 11.35},
                {"lat": 56.45, "lon": 11.45},
                {"lat": 55.95, "lon": 11.80},
            ],
            "phases": [{"until_mark": "end", "speed_kn": 11.5}],
        },
    ],
}


def preset_names() -> list[str]:
    return sorted(_PRESETS)


@cache
def background_vessels(preset: str) -> tuple[VesselSpec, ...]:
    """Validated background vessels of a preset (role = background)."""
    if preset not in _PRESETS:
        raise ValueError(f"unknown background preset {preset!r} (known: {', '.join(preset_names())})")
    return tuple(VesselSpec.model_validate({**raw, "role": "background"}) for raw in _PRESETS[preset])
