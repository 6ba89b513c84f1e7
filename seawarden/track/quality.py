"""Position plausibility: jumps, re-anchoring and two transmitters on one MMSI.

Why this shape: rejecting every implausible fix is not enough. If the *first* fix of a vessel was
spoofed or garbled, every true fix after it looks like a jump and the vessel would be locked to a
false place forever. So rejected fixes that agree with each other form a candidate run; a run
that keeps going with no accepted fix between its fixes moves the track there (re-anchoring),
while a run that persists *alongside* accepted fixes means two transmitters share the MMSI.
"""

import enum
from dataclasses import dataclass

from seawarden.geodesy import haversine_m, knots
from seawarden.track.config import TrackConfig
from seawarden.track.fixes import Fix
from seawarden.track.state import PendingRun, QualityFlag, VesselState


class Verdict(enum.Enum):
    ACCEPT = "accept"
    REJECT = "reject"
    REANCHOR = "reanchor"


@dataclass(slots=True)
class PositionCheck:
    """The verdict on one in-order, non-duplicate fix."""

    verdict: Verdict
    jump: bool = False  # the fix is implausible relative to the track (reported as JUMP)
    shared: bool = False  # the fix belongs to a persistent second track (SHARED_MMSI)
    run: list[Fix] | None = None  # on REANCHOR: the consistent fixes that become the new track


def is_jump(prev: Fix, fix: Fix, speed_limit_kn: float, config: TrackConfig) -> bool:
    """Implied speed from ``prev`` to ``fix`` above the limit, beyond the jitter distance floor."""
    if prev.lat == fix.lat and prev.lon == fix.lon:
        return False  # a repeated position (moored vessels): distance 0 is never a jump
    distance = haversine_m(prev.lat, prev.lon, fix.lat, fix.lon)
    if distance <= config.jump_distance_floor_m:
        return False
    dt = fix.t - prev.t
    if config.jump_time_floor_s > dt:  # max(dt, floor), without the call
        dt = config.jump_time_floor_s
    return knots(distance, dt) > speed_limit_kn


def check_position(state: VesselState, fix: Fix, speed_limit_kn: float, config: TrackConfig) -> PositionCheck:
    """Judge ``fix`` against the vessel's last accepted fix and its candidate run (updates the run)."""
    last = state.last
    run = state.pending
    if run is not None and fix.t - run.fixes[-1].t > config.pending_max_age_s:
        state.pending = run = None
    if last is None or not is_jump(last, fix, speed_limit_kn, config):
        if run is not None:
            run.accepted_between += 1
            run.streak = 0
        return PositionCheck(Verdict.ACCEPT)
    if run is None or is_jump(run.fixes[-1], fix, speed_limit_kn, config):
        state.pending = PendingRun([fix], streak=1)
        return PositionCheck(Verdict.REJECT, jump=True)
    run.fixes.append(fix)
    del run.fixes[: -max(config.reanchor_fixes, config.shared_mmsi_min_fixes)]
    run.streak += 1
    if run.streak >= config.reanchor_fixes:
        state.pending = None
        return PositionCheck(Verdict.REANCHOR, jump=False, run=run.fixes[-run.streak :])
    shared = run.accepted_between > 0 and len(run.fixes) >= config.shared_mmsi_min_fixes
    # A fix on the known second transmitter's track is explained, not a new jump.
    explained = shared and QualityFlag.SHARED_MMSI in state.quality
    return PositionCheck(Verdict.REJECT, jump=not explained, shared=shared)
