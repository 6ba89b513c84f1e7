"""Behaviour scripts -> AIS fixes: a deterministic kinematic model of one vessel.

A script is a route plus a time-ordered list of phases (cruise, slowdown, stop, anchor, circle,
AIS silence, spoofed positions). Motion is integrated analytically as distance along the route
(speed is piecewise linear in time), so "x kn for y min" gives exactly the right distance. Report
times follow ITU-R M.1371-5 Annex 1 Table 1 (class A) / the class B "CS" rates, optionally
floored by a coarser interval to keep scenario files small.
"""

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from seawarden.simulate.route import METRES_PER_NM, Route, destination, distance_m, offset_m

KNOT_MS = METRES_PER_NM / 3600.0
STATIC_INTERVAL_S = (
    360.0  # ITU-R M.1371: static and voyage data every 6 min (class A type 5, class B type 24)
)

Mode = Literal["route", "anchor", "circle"]
SpoofKind = Literal["jump", "circle"]


@dataclass(frozen=True, slots=True)
class Spoof:
    """Reported positions replaced by a fake one while the ship really moves on (GNSS spoofing)."""

    kind: SpoofKind
    lat: float
    lon: float
    radius_m: float = 0.0  # circle spoofing: radius of the fake circle
    period_s: float = 600.0  # circle spoofing: time for one fake loop


@dataclass(frozen=True, slots=True)
class Phase:
    """One stretch of behaviour; speed ramps linearly from the previous phase's speed over ``ramp_s``."""

    duration_s: float
    speed_kn: float
    ramp_s: float = 0.0
    label: str | None = None
    mode: Mode = "route"
    heading_offset_deg: float = (
        0.0  # heading minus COG: crabbing (autopilot holding against a dragging anchor)
    )
    nav_status: int = 0  # ITU nav status: 0 under way, 1 at anchor, 5 moored, 7 fishing
    silent: bool = False  # transponder off: nothing is broadcast
    radius_m: float = 0.0  # circle radius / anchor swing radius
    spoof: Spoof | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """What the transponder broadcasts in static messages (type 5 / type 24)."""

    mmsi: int
    name: str = ""
    imo: int | None = None
    callsign: str = ""
    ship_type: int = 0
    length_m: int = 0
    beam_m: int = 0
    draught_m: float = 0.0
    destination: str = ""
    ais_class: Literal["A", "B"] = "A"

    def with_changes(self, **changes: object) -> "Identity":
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """Fields of the identity re-programmed ``at_s`` seconds after the vessel's start."""

    at_s: float
    changes: dict[str, object]


@dataclass(frozen=True, slots=True)
class VesselScript:
    identity: Identity
    start: float  # UTC epoch seconds
    route: Route
    phases: tuple[Phase, ...]
    identity_changes: tuple[IdentityChange, ...] = ()
    gnss_sigma_m: float = 3.0  # horizontal GNSS error (1 sigma), typical of a ship's GPS with SBAS
    sog_sigma_kn: float = 0.1
    cog_sigma_deg: float = 1.0
    min_interval_s: float | None = None  # coarser reporting floor for under-way reports
    loss_rate: float = 0.0  # random reception loss (fraction of reports never received)
    role: str = "subject"  # subject | background

    @property
    def duration_s(self) -> float:
        return sum(p.duration_s for p in self.phases)


@dataclass(slots=True)
class SimFix:
    """One broadcast report: the reported (possibly spoofed, noisy) and the true position."""

    t: float
    identity: Identity
    lat: float
    lon: float
    sog: float
    cog: float
    heading: int | None
    nav_status: int
    true_lat: float
    true_lon: float
    phase: str | None


@dataclass(slots=True)
class StaticReport:
    t: float
    identity: Identity


@dataclass(frozen=True, slots=True)
class Kinematics:
    lat: float
    lon: float
    course: float
    sog: float
    heading: float
    phase: Phase


def itu_interval_s(ais_class: str, sog_kn: float, nav_status: int, turning: bool) -> float:
    """Nominal reporting interval per ITU-R M.1371-5 Annex 1 Table 1 (A) and class B "CS"."""
    if ais_class == "B":
        return 180.0 if sog_kn <= 2.0 else 30.0
    if nav_status in (1, 5) and sog_kn <= 3.0:
        return 180.0
    if sog_kn > 23.0:
        return 2.0
    if sog_kn > 14.0:
        return 2.0 if turning else 6.0
    return 10.0 / 3.0 if turning else 10.0


def phase_distance_m(v0_kn: float, phase: Phase, tau_s: float) -> float:
    """Distance covered ``tau_s`` into a phase whose speed ramps from ``v0_kn`` to its target."""
    v1 = phase.speed_kn
    ramp = phase.ramp_s
    if ramp <= 0:
        return v1 * KNOT_MS * tau_s
    if tau_s <= ramp:
        return (v0_kn * tau_s + (v1 - v0_kn) * tau_s * tau_s / (2 * ramp)) * KNOT_MS
    return ((v0_kn + v1) / 2 * ramp + v1 * (tau_s - ramp)) * KNOT_MS


def phase_speed_kn(v0_kn: float, phase: Phase, tau_s: float) -> float:
    ramp = phase.ramp_s
    if ramp <= 0 or tau_s >= ramp:
        return phase.speed_kn
    return v0_kn + (phase.speed_kn - v0_kn) * tau_s / ramp


class VesselSimulator:
    """Walks a script and yields the reports the vessel's transponder would send."""

    def __init__(self, script: VesselScript, seed: int) -> None:
        if not script.phases:
            raise ValueError(f"vessel {script.identity.mmsi}: a script needs at least one phase")
        self.script = script
        self.rng = np.random.default_rng(seed)
        # phase start times (relative) and route distance at each phase start
        self._phase_starts: list[float] = []
        self._phase_v0: list[float] = []
        self._phase_along: list[float] = []
        t = 0.0
        along = 0.0
        v0 = script.phases[0].speed_kn
        for phase in script.phases:
            self._phase_starts.append(t)
            self._phase_v0.append(v0)
            self._phase_along.append(along)
            if phase.mode == "route":
                along += phase_distance_m(v0, phase, phase.duration_s)
            v0 = phase_speed_kn(v0, phase, phase.duration_s)  # a ramp cut short leaves an in-between speed
            t += phase.duration_s

    def onsets(self) -> dict[str, float]:
        """Absolute start time of each labelled phase (the 'behaviour onset' of expectations)."""
        out: dict[str, float] = {}
        for start, phase in zip(self._phase_starts, self.script.phases, strict=True):
            if phase.label and phase.label not in out:
                out[phase.label] = self.script.start + start
        return out

    def _phase_index(self, rel_t: float) -> int:
        index = 0
        for i, start in enumerate(self._phase_starts):
            if rel_t >= start:
                index = i
        return index

    def kinematics(self, rel_t: float) -> "Kinematics":
        """True position, course, speed and heading at a time relative to the script start."""
        i = self._phase_index(rel_t)
        phase = self.script.phases[i]
        tau = rel_t - self._phase_starts[i]
        v0 = self._phase_v0[i]
        route = self.script.route
        if phase.mode == "route":
            along = self._phase_along[i] + phase_distance_m(v0, phase, tau)
            lat, lon, course = route.at(along)
            sog = 0.0 if along >= route.length_m else phase_speed_kn(v0, phase, tau)
            return Kinematics(lat, lon, course, sog, course + phase.heading_offset_deg, phase)
        base_lat, base_lon, base_course = route.at(self._phase_along[i])
        if phase.mode == "anchor":
            return Kinematics(*self._anchor_swing(base_lat, base_lon, base_course, phase, tau), phase)
        lat, lon, course, sog = self._circle(base_lat, base_lon, base_course, v0, phase, tau)
        return Kinematics(lat, lon, course, sog, course + phase.heading_offset_deg, phase)

    @staticmethod
    def _anchor_swing(
        lat: float, lon: float, course: float, phase: Phase, tau: float
    ) -> tuple[float, float, float, float, float]:
        """Swinging on the chain: the ship lies downwind of the anchor and slowly yaws around it."""
        radius = phase.radius_m or 150.0
        wind_from = course + 25.0 * math.sin(2 * math.pi * tau / 5400.0)
        anchor_lat, anchor_lon = lat, lon
        ship_lat, ship_lon = destination(anchor_lat, anchor_lon, (wind_from + 180.0) % 360.0, radius)
        yaw_rate = 25.0 * 2 * math.pi / 5400.0 * math.cos(2 * math.pi * tau / 5400.0)  # deg/s
        sog = abs(math.radians(yaw_rate)) * radius / KNOT_MS
        cog = (wind_from + (90.0 if yaw_rate >= 0 else -90.0)) % 360.0
        return ship_lat, ship_lon, cog, sog, wind_from % 360.0  # the bow points at the anchor

    @staticmethod
    def _circle(
        lat: float, lon: float, course: float, v0: float, phase: Phase, tau: float
    ) -> tuple[float, float, float, float]:
        """Loops to starboard that start and end at the entry point (whole loops, radius adjusted)."""
        speed = phase.speed_kn or v0
        length = speed * KNOT_MS * phase.duration_s
        wanted = phase.radius_m or 500.0
        loops = max(1, round(length / (2 * math.pi * wanted)))
        radius = length / (2 * math.pi * loops) if length > 0 else wanted
        if radius <= 0:
            return lat, lon, course, 0.0
        c_lat, c_lon = destination(lat, lon, course + 90.0, radius)
        angle = (speed * KNOT_MS * tau) / radius  # radians travelled
        bearing_from_centre = (course - 90.0 + math.degrees(angle)) % 360.0
        p_lat, p_lon = destination(c_lat, c_lon, bearing_from_centre, radius)
        return p_lat, p_lon, (bearing_from_centre + 90.0) % 360.0, speed

    def _identity_at(self, rel_t: float) -> Identity:
        identity = self.script.identity
        for change in self.script.identity_changes:
            if rel_t >= change.at_s:
                identity = identity.with_changes(**change.changes)
        return identity

    def _spoofed(self, spoof: Spoof, tau: float) -> tuple[float, float]:
        if spoof.kind == "jump" or spoof.radius_m <= 0:
            return spoof.lat, spoof.lon
        angle = 360.0 * tau / max(spoof.period_s, 1.0)
        return destination(spoof.lat, spoof.lon, angle % 360.0, spoof.radius_m)

    def reports(self) -> Iterator[SimFix | StaticReport]:
        """Position and static reports in time order (silent phases and lost reports omitted)."""
        script = self.script
        duration = script.duration_s
        rel_t = 0.0
        next_static = 0.0
        changes_pending = sorted(script.identity_changes, key=lambda c: c.at_s)
        while rel_t <= duration:
            kin = self.kinematics(rel_t)
            phase, sog = kin.phase, kin.sog
            identity = self._identity_at(rel_t)
            while changes_pending and rel_t >= changes_pending[0].at_s:
                changes_pending.pop(0)
                next_static = rel_t  # a re-programmed transponder announces itself at once
            probe = min(rel_t + 10.0, duration)
            turning = abs(((self.kinematics(probe).course - kin.course + 180.0) % 360.0) - 180.0) > 5.0
            interval = itu_interval_s(identity.ais_class, sog, phase.nav_status, turning)
            at_rest = phase.nav_status in (1, 5) and sog <= 3.0
            if script.min_interval_s and not at_rest:
                interval = max(interval, script.min_interval_s)
            t = script.start + rel_t
            if not phase.silent:
                if rel_t >= next_static:
                    yield StaticReport(t, identity)
                    next_static = rel_t + STATIC_INTERVAL_S
                if self.rng.random() >= script.loss_rate:
                    yield self._fix(t, rel_t, identity, kin)
            else:
                next_static = min(next_static, rel_t + STATIC_INTERVAL_S)
            jitter = float(self.rng.uniform(-0.05, 0.05)) * interval
            rel_t += interval + jitter

    def _fix(
        self,
        t: float,
        rel_t: float,
        identity: Identity,
        kin: "Kinematics",
    ) -> SimFix:
        phase, sog, course = kin.phase, kin.sog, kin.course
        east, north = self.rng.normal(0.0, self.script.gnss_sigma_m, 2)
        rep_lat, rep_lon = kin.lat, kin.lon
        if phase.spoof is not None:
            tau = rel_t - self._phase_starts[self._phase_index(rel_t)]
            rep_lat, rep_lon = self._spoofed(phase.spoof, tau)
        rep_lat, rep_lon = offset_m(rep_lat, rep_lon, float(east), float(north))
        rep_sog = max(0.0, sog + float(self.rng.normal(0.0, self.script.sog_sigma_kn))) if sog > 0.05 else 0.0
        rep_cog = (course + float(self.rng.normal(0.0, self.script.cog_sigma_deg))) % 360.0
        heading: int | None = None
        if identity.ais_class == "A" or phase.heading_offset_deg:
            heading = round(kin.heading + float(self.rng.normal(0.0, 0.7))) % 360
        return SimFix(
            t=t,
            identity=identity,
            lat=rep_lat,
            lon=rep_lon,
            sog=round(rep_sog, 1),
            cog=round(rep_cog, 1),
            heading=heading,
            nav_status=phase.nav_status,
            true_lat=kin.lat,
            true_lon=kin.lon,
            phase=phase.label,
        )


def track_length_m(fixes: list[SimFix]) -> float:
    """Sum of geodesic distances between consecutive true positions."""
    return sum(
        distance_m(a.true_lat, a.true_lon, b.true_lat, b.true_lon) for a, b in itertools.pairwise(fixes)
    )
