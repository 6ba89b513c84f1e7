"""Human-readable summary of a simulation: who does what, when, and which assets each track crosses."""

import itertools
from collections import Counter

from seawarden.simulate.generate import Simulation
from seawarden.simulate.route import Route
from seawarden.simulate.vessel import StaticReport, track_length_m
from seawarden.types import iso_utc


def crossed_assets(route: Route) -> list[str]:
    """Asset ids the scripted route crosses, in travel order (a crossing exactly at a waypoint counts once).

    Uses the route polyline, not the reported fixes, so crossings made while the AIS is off count too.
    """
    from seawarden.geo import GeoContext

    geo = GeoContext.default()
    crossed: list[str] = []
    last_point: tuple[str, float, float] | None = None
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(route.points):
        for hit in geo.crossings(lat1, lon1, lat2, lon2):
            key = (hit.asset.id, round(hit.lat, 5), round(hit.lon, 5))
            if key != last_point:
                crossed.append(hit.asset.id)
            last_point = key
    return crossed


def summarise(simulation: Simulation, with_crossings: bool = True) -> list[str]:
    scenario = simulation.scenario
    kinds = Counter("static" if isinstance(r, StaticReport) else "position" for r in simulation.reports)
    lines = [
        f"scenario {scenario.name}: {scenario.spec.title} (SIMULATED)",
        f"  span {iso_utc(simulation.start)} .. {iso_utc(simulation.end)}; "
        f"{kinds['position']} position reports, {kinds['static']} static reports, "
        f"{len(scenario.scripts)} vessels",
    ]
    for script in scenario.scripts:
        fixes = simulation.fixes.get(script.identity.mmsi, [])
        ident = script.identity
        line = (
            f"  {script.role:10s} {ident.mmsi} {ident.name or '?':20s} {len(fixes):5d} fixes, "
            f"{track_length_m(fixes) / 1000:.1f} km"
        )
        if with_crossings and script.role == "subject" and fixes:
            line += f", crosses: {', '.join(crossed_assets(script.route)) or 'none'}"
        lines.append(line)
        onsets = scenario.onsets.get(ident.mmsi, {})
        for label, t in sorted(onsets.items(), key=lambda item: item[1]):
            if label != "start" and script.role == "subject":
                lines.append(f"      {iso_utc(t)} {label}")
    return lines
