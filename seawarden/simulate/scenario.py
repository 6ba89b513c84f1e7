"""Scenario specs (TOML) -> resolved vessel scripts, plus the expected outcome.

A spec names assets by id (``seawarden.geo`` infrastructure) so a scripted track crosses the very
line the detectors watch. Specs are validated by pydantic with ``extra="forbid"``, so a typo in a
field name is a clear error, not a silently ignored behaviour.
"""

import itertools
import math
import tomllib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from shapely.geometry.base import BaseGeometry

from seawarden.simulate.route import (
    Route,
    arc_waypoints,
    bearing_deg,
    crossing_waypoints,
    destination,
    distance_m,
)
from seawarden.simulate.vessel import (
    KNOT_MS,
    Identity,
    IdentityChange,
    Phase,
    Spoof,
    VesselScript,
    phase_distance_m,
    phase_speed_kn,
)
from seawarden.types import AlertKind, Severity, parse_iso_utc

AssetLookup = Callable[[str], BaseGeometry]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PointSpec(_Strict):
    """A plain waypoint; ``mark`` names it for phases that run ``until_mark``."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    mark: str | None = None


class CrossSpec(_Strict):
    """Cross asset ``cross`` at ``fraction`` of its length on ``bearing``, starting ``before_km`` before."""

    cross: str
    fraction: float = Field(default=0.5, ge=0, le=1)
    bearing: float = Field(ge=0, lt=360)
    before_km: float = Field(default=0.0, ge=0)
    after_km: float = Field(default=1.0, ge=0)
    mark: str | None = Field(default=None, description="name of the crossing point (default: the asset id)")


class LegSpec(_Strict):
    """Go ``km`` on ``bearing`` from the previous waypoint."""

    bearing: float = Field(ge=0, lt=360)
    km: float = Field(gt=0)


class TurnSpec(_Strict):
    """Turn by ``turn_deg`` (positive = starboard, 180 = U-turn) on a circle of ``radius_m``."""

    turn_deg: float = Field(ge=-360, le=360)
    radius_m: float = Field(default=600.0, gt=0)


WaypointSpec = PointSpec | CrossSpec | LegSpec | TurnSpec


class SpoofSpec(_Strict):
    kind: Literal["jump", "circle"]
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(default=0.0, ge=0)
    period_min: float = Field(default=10.0, gt=0)


class PhaseSpec(_Strict):
    """One behaviour lasting ``duration_min``, ``distance_km``, or until ``offset_km`` past a route mark."""

    duration_min: float | None = Field(default=None, gt=0)
    distance_km: float | None = Field(default=None, gt=0)
    until_mark: str | None = None
    offset_km: float = 0.0
    speed_kn: float = Field(default=0.0, ge=0, le=60)
    ramp_min: float = Field(default=0.0, ge=0)
    label: str | None = None
    mode: Literal["route", "anchor", "circle"] = "route"
    heading_offset_deg: float = Field(default=0.0, ge=-90, le=90)
    nav_status: int = Field(default=0, ge=0, le=15)
    silent: bool = False
    radius_m: float = Field(default=0.0, ge=0)
    spoof: SpoofSpec | None = None

    @model_validator(mode="after")
    def _one_length(self) -> "PhaseSpec":
        given = [x is not None for x in (self.duration_min, self.distance_km, self.until_mark)]
        if sum(given) != 1:
            raise ValueError("a phase needs exactly one of duration_min, distance_km, until_mark")
        if (self.distance_km or self.until_mark) and self.mode != "route":
            raise ValueError("distance_km / until_mark only apply to mode = 'route'")
        return self


class IdentityChangeSpec(_Strict):
    at_min: float = Field(ge=0)
    label: str | None = None
    mmsi: int | None = None
    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    destination: str | None = None

    def changes(self) -> dict[str, object]:
        return {
            key: value
            for key, value in self.model_dump(exclude={"at_min", "label"}).items()
            if value is not None
        }


class VesselSpec(_Strict):
    mmsi: int = Field(ge=100_000_000, le=999_999_999)
    name: str = Field(default="", max_length=20)
    imo: int | None = Field(default=None, ge=1_000_000, le=9_999_999)
    callsign: str = Field(default="", max_length=7)
    ship_type: int = Field(default=0, ge=0, le=99)
    length_m: int = Field(default=0, ge=0, le=511)
    beam_m: int = Field(default=0, ge=0, le=126)
    draught_m: float = Field(default=0.0, ge=0, le=25.5)
    destination: str = Field(default="", max_length=20)
    ais_class: Literal["A", "B"] = "A"
    role: Literal["subject", "background"] = "subject"
    start_min: float = Field(default=0.0, ge=0, description="minutes after the scenario start")
    route: list[Annotated[WaypointSpec, Field(union_mode="left_to_right")]]
    phases: list[PhaseSpec] = Field(min_length=1)
    identity_changes: list[IdentityChangeSpec] = Field(default_factory=list)
    gnss_sigma_m: float = Field(default=3.0, ge=0, le=100)
    loss_rate: float = Field(default=0.0, ge=0, lt=1)

    @field_validator("route")
    @classmethod
    def _first_is_absolute(cls, route: list[WaypointSpec]) -> list[WaypointSpec]:
        if not route:
            raise ValueError("route needs at least one waypoint")
        if isinstance(route[0], LegSpec | TurnSpec):
            raise ValueError("the first route entry must be a point or an asset crossing")
        return route


class ExpectSpec(_Strict):
    """An alert that MUST appear for ``mmsi``: ``kind`` at ``min_severity`` or above, in time."""

    mmsi: int
    kind: AlertKind
    min_severity: Severity = Severity.INFO
    onset: str = Field(description="label of the phase (or identity change) where the behaviour starts")
    max_delay_min: float = Field(gt=0)

    @field_validator("min_severity", mode="before")
    @classmethod
    def _severity(cls, value: Any) -> Severity:
        return Severity.parse(value) if isinstance(value, str) else value


class ForbidSpec(_Strict):
    """Negative control: none of these kinds, and nothing at these severities, for ``mmsi``."""

    mmsi: int
    kinds: list[AlertKind] = Field(default_factory=list)
    severities: list[Severity] = Field(default_factory=list)

    @field_validator("severities", mode="before")
    @classmethod
    def _severities(cls, value: Any) -> list[Severity]:
        return [Severity.parse(v) if isinstance(v, str) else v for v in value]

    @model_validator(mode="after")
    def _not_empty(self) -> "ForbidSpec":
        if not self.kinds and not self.severities:
            raise ValueError("a forbidden entry needs kinds and/or severities")
        return self


class ScenarioSpec(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str
    description: str = ""
    simulated: bool = True  # every scenario is synthetic; kept explicit so no one mistakes it for real data
    seed: int
    start: str  # ISO-8601 UTC
    interval_s: float | None = Field(
        default=None, gt=0, le=600, description="coarser under-way reporting floor"
    )
    background: list[str] = Field(default_factory=list)
    background_interval_s: float = Field(default=120.0, gt=0, le=600)
    background_start_min: dict[str, float] = Field(default_factory=dict, description="delay per preset")
    background_forbidden: bool = True  # background ships must raise no anchor drag and nothing high
    facts: list[str] = Field(default_factory=list)
    vessels: list[VesselSpec] = Field(min_length=1)
    expect: list[ExpectSpec] = Field(default_factory=list)
    forbidden: list[ForbidSpec] = Field(default_factory=list)

    @field_validator("start")
    @classmethod
    def _iso(cls, value: str) -> str:
        parse_iso_utc(value)
        return value

    @model_validator(mode="after")
    def _unique_vessels(self) -> "ScenarioSpec":
        mmsis = [v.mmsi for v in self.vessels]
        if len(set(mmsis)) != len(mmsis):
            raise ValueError("vessel MMSIs must be unique within a scenario")
        return self


@dataclass(frozen=True)
class Scenario:
    """A spec resolved against the geography: ready to simulate."""

    spec: ScenarioSpec
    scripts: tuple[VesselScript, ...]
    onsets: dict[int, dict[str, float]] = field(default_factory=dict)  # mmsi -> label -> epoch s

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def start(self) -> float:
        return parse_iso_utc(self.spec.start)


def load_spec(path: str | Path) -> ScenarioSpec:
    """Read and validate a scenario TOML file (raises ValueError with the file name on bad input)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return ScenarioSpec.model_validate(data)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


def resolve_route(entries: list[WaypointSpec], assets: AssetLookup) -> tuple[Route, dict[str, float]]:
    """Expand asset crossings, relative legs and turns into waypoints; return marks' distances (m)."""
    points: list[tuple[float, float]] = []
    mark_index: dict[str, int] = {}
    for entry in entries:
        if isinstance(entry, PointSpec):
            points.append((entry.lat, entry.lon))
            if entry.mark:
                mark_index[entry.mark] = len(points) - 1
        elif isinstance(entry, CrossSpec):
            added = crossing_waypoints(
                assets(entry.cross),
                entry.fraction,
                entry.bearing,
                entry.before_km * 1000.0,
                entry.after_km * 1000.0,
            )
            crossing_at = len(points) + (1 if entry.before_km > 0 else 0)
            points.extend(added)
            mark_index[entry.mark or entry.cross] = crossing_at
        elif isinstance(entry, LegSpec):
            points.append(destination(*points[-1], entry.bearing, entry.km * 1000.0))
        else:
            if len(points) < 2:
                raise ValueError("a turn needs two earlier waypoints to know the course")
            course = bearing_deg(*points[-2], *points[-1])
            points.extend(arc_waypoints(*points[-1], course, entry.turn_deg, entry.radius_m))
    cumulative = [0.0]
    for a, b in itertools.pairwise(points):
        cumulative.append(cumulative[-1] + distance_m(*a, *b))
    marks = {name: cumulative[i] for name, i in mark_index.items()}
    marks.setdefault("end", cumulative[-1])  # "until_mark = 'end'": sail the route to its last waypoint
    return Route(points), marks


def phase_duration_s(spec: PhaseSpec, v0_kn: float, along_m: float, marks: dict[str, float]) -> float:
    """Seconds a phase lasts; distance-based phases are solved against the speed ramp exactly."""
    if spec.duration_min is not None:
        return spec.duration_min * 60.0
    if spec.distance_km is not None:
        wanted = spec.distance_km * 1000.0
    else:
        if spec.until_mark not in marks:
            raise ValueError(f"unknown route mark {spec.until_mark!r} (known: {', '.join(marks) or 'none'})")
        wanted = marks[spec.until_mark] + spec.offset_km * 1000.0 - along_m
    if wanted <= 0:
        raise ValueError(f"phase {spec.label or ''} would run backwards ({wanted / 1000:.2f} km)")
    return time_for_distance(v0_kn, spec.speed_kn, spec.ramp_min * 60.0, wanted)


def time_for_distance(v0_kn: float, v1_kn: float, ramp_s: float, distance: float) -> float:
    """Invert distance(t) for a linear speed ramp v0 -> v1 over ramp_s, then constant v1."""
    a = v0_kn * KNOT_MS
    b = v1_kn * KNOT_MS
    ramp_distance = (a + b) / 2 * ramp_s
    if ramp_s > 0 and distance <= ramp_distance:
        accel = (b - a) / ramp_s
        if abs(accel) < 1e-12:
            return distance / a
        return (-a + math.sqrt(max(a * a + 2 * accel * distance, 0.0))) / accel
    if b <= 0:
        raise ValueError("a phase at 0 kn cannot cover a distance; give duration_min")
    return ramp_s + (distance - ramp_distance) / b


def vessel_seed(scenario_seed: int, mmsi: int) -> int:
    """Stable per-vessel seed (crc32, not ``hash()``, which is salted per process)."""
    return zlib.crc32(f"{scenario_seed}:{mmsi}".encode())


def build_script(
    vessel: VesselSpec, scenario_start: float, interval_s: float | None, assets: AssetLookup
) -> VesselScript:
    identity = Identity(
        mmsi=vessel.mmsi,
        name=vessel.name,
        imo=vessel.imo,
        callsign=vessel.callsign,
        ship_type=vessel.ship_type,
        length_m=vessel.length_m,
        beam_m=vessel.beam_m,
        draught_m=vessel.draught_m,
        destination=vessel.destination,
        ais_class=vessel.ais_class,
    )
    route, marks = resolve_route(vessel.route, assets)
    durations = phase_durations(vessel.phases, route_marks=marks)
    phases = tuple(
        Phase(
            duration_s=duration,
            speed_kn=p.speed_kn,
            ramp_s=p.ramp_min * 60.0,
            label=p.label,
            mode=p.mode,
            heading_offset_deg=p.heading_offset_deg,
            nav_status=p.nav_status,
            silent=p.silent,
            radius_m=p.radius_m,
            spoof=None
            if p.spoof is None
            else Spoof(p.spoof.kind, p.spoof.lat, p.spoof.lon, p.spoof.radius_m, p.spoof.period_min * 60.0),
        )
        for p, duration in zip(vessel.phases, durations, strict=True)
    )
    changes = tuple(IdentityChange(c.at_min * 60.0, c.changes()) for c in vessel.identity_changes)
    return VesselScript(
        identity=identity,
        start=scenario_start + vessel.start_min * 60.0,
        route=route,
        phases=phases,
        identity_changes=changes,
        gnss_sigma_m=vessel.gnss_sigma_m,
        min_interval_s=interval_s,
        loss_rate=vessel.loss_rate,
        role=vessel.role,
    )


def phase_durations(phases: list[PhaseSpec], route_marks: dict[str, float]) -> list[float]:
    """Each phase's length in seconds, walking the route to resolve distance-based phases."""
    out: list[float] = []
    along = 0.0
    v0 = phases[0].speed_kn
    for spec in phases:
        duration = phase_duration_s(spec, v0, along, route_marks)
        phase = _phase_of(spec, duration)
        if spec.mode == "route":
            along += phase_distance_m(v0, phase, duration)
        v0 = phase_speed_kn(v0, phase, duration)
        out.append(duration)
    return out


def _phase_of(spec: PhaseSpec, duration_s: float) -> Phase:
    return Phase(duration_s=duration_s, speed_kn=spec.speed_kn, ramp_s=spec.ramp_min * 60.0)


def onsets_of(vessel: VesselSpec, start: float, durations: list[float]) -> dict[str, float]:
    """Label -> absolute time of phases and identity changes (first occurrence wins)."""
    out: dict[str, float] = {}
    t = start + vessel.start_min * 60.0
    for phase, duration in zip(vessel.phases, durations, strict=True):
        if phase.label and phase.label not in out:
            out[phase.label] = t
        t += duration
    for change in vessel.identity_changes:
        if change.label and change.label not in out:
            out[change.label] = start + vessel.start_min * 60.0 + change.at_min * 60.0
    return out
