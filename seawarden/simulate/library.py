"""The scenario library: find, load and resolve ``scenarios/*.toml`` against the bundled geography.

The folder is ``$SEAWARDEN_SCENARIOS`` if set, else ``scenarios/`` at the project root (a source
checkout). Each ``NAME.toml`` has its generated ``NAME.nmea`` beside it.
"""

import os
from functools import cache
from pathlib import Path

from shapely.geometry.base import BaseGeometry

from seawarden.simulate.background import background_vessels
from seawarden.simulate.scenario import (
    AssetLookup,
    Scenario,
    ScenarioSpec,
    build_script,
    load_spec,
    onsets_of,
)
from seawarden.types import parse_iso_utc

PROJECT_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenario_dir() -> Path:
    override = os.environ.get("SEAWARDEN_SCENARIOS")
    return Path(override) if override else PROJECT_SCENARIOS


def scenario_names(directory: Path | None = None) -> list[str]:
    directory = directory or scenario_dir()
    return sorted(p.stem for p in directory.glob("*.toml"))


def spec_path(name: str, directory: Path | None = None) -> Path:
    path = (directory or scenario_dir()) / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(scenario_names(directory)) or "none"
        raise FileNotFoundError(f"no scenario {name!r} in {path.parent} (known: {known})")
    return path


def nmea_path(name: str, directory: Path | None = None) -> Path:
    return (directory or scenario_dir()) / f"{name}.nmea"


@cache
def _geo_assets() -> AssetLookup:
    from seawarden.geo import GeoContext  # imported late: geography loads a land mask

    geo = GeoContext.default()

    def lookup(asset_id: str) -> BaseGeometry:
        return geo.asset(asset_id).geometry

    return lookup


def default_assets(asset_id: str) -> BaseGeometry:
    """Asset id -> geometry from ``GeoContext.default()``; the geography loads on first use only."""
    return _geo_assets()(asset_id)


def build(spec: ScenarioSpec, assets: AssetLookup | None = None) -> Scenario:
    """Resolve a spec (and its background traffic) into vessel scripts and onset times."""
    assets = assets or default_assets
    start = parse_iso_utc(spec.start)
    vessels = list(spec.vessels)
    subject_mmsis = {v.mmsi for v in vessels}
    for preset in spec.background:
        delay = spec.background_start_min.get(preset, 0.0)
        for vessel in background_vessels(preset):
            if vessel.mmsi not in subject_mmsis:
                vessels.append(vessel.model_copy(update={"start_min": vessel.start_min + delay}))
                subject_mmsis.add(vessel.mmsi)
    scripts = []
    onsets: dict[int, dict[str, float]] = {}
    for vessel in vessels:
        try:
            interval = spec.background_interval_s if vessel.role == "background" else spec.interval_s
            scripts.append(build_script(vessel, start, interval, assets))
        except (KeyError, ValueError) as exc:
            raise ValueError(f"scenario {spec.name}, vessel {vessel.mmsi}: {exc}") from exc
        durations = [p.duration_s for p in scripts[-1].phases]
        labels = {"start": start + vessel.start_min * 60.0, **onsets_of(vessel, start, durations)}
        for mmsi in {vessel.mmsi, *(c.mmsi for c in vessel.identity_changes if c.mmsi)}:
            onsets.setdefault(mmsi, {}).update(labels)
    for expect in spec.expect:
        if expect.onset not in onsets.get(expect.mmsi, {}):
            raise ValueError(
                f"scenario {spec.name}: expectation for {expect.mmsi} names onset {expect.onset!r}, "
                f"which is no phase or identity-change label of that vessel"
            )
    return Scenario(spec=spec, scripts=tuple(scripts), onsets=onsets)


def load(name: str, directory: Path | None = None, assets: AssetLookup | None = None) -> Scenario:
    return build(load_spec(spec_path(name, directory)), assets)
