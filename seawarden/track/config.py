"""Thresholds of the track stage, with the facts they are calibrated on."""

from pydantic import BaseModel, ConfigDict, Field


class TrackConfig(BaseModel):
    """How the tracker bounds memory and judges position and identity quality.

    Calibration notes:
    - AIS reporting (ITU-R M.1371-5, table 1): class A every 2-10 s under way, 3 min at anchor or
      moored; class B every 30 s (3 min below 2 kn). A 3 h track at 30 s spacing is 360 points; the
      fix cap keeps the worst case at 240 points (2 h of a fast reporter) so that 200,000 vessels
      stay well under 2 GB (see ``benchmarks/track_memory.py``).
    - Jumps: the fastest merchant and high-speed craft stay below ~45 kn, so an implied speed over
      50 kn between two fixes is implausible. Moored vessels show GNSS jitter of tens of metres and
      up to ~100-200 m of multipath in ports, hence a 500 m distance floor; two receivers can stamp
      the same broadcast up to about a second apart, hence a 2 s time floor.
    - Duplicates: the AIS UTC-second field repeats only after 60 s, so the same position with the
      same second within 30 s is one broadcast heard by several receivers.
    """

    model_config = ConfigDict(extra="forbid")

    track_max_age_s: float = Field(3 * 3600.0, gt=0, description="Keep fixes newer than this (s).")
    track_max_fixes: int = Field(240, ge=2, description="Hard cap on fixes kept per vessel.")
    track_min_spacing_s: float = Field(
        30.0,
        ge=0,
        description="Track points are thinned to about one per this many seconds; the newest fix is "
        "always the last point. 0 keeps every accepted fix.",
    )
    jump_speed_kn: float = Field(50.0, gt=0, description="Implied speed above this between fixes is a jump.")
    aircraft_jump_speed_kn: float = Field(
        600.0, gt=0, description="Jump speed for SAR aircraft (type 9 reports, 111MID MMSIs)."
    )
    jump_distance_floor_m: float = Field(
        500.0, ge=0, description="Moves shorter than this are never jumps (GNSS jitter, multipath)."
    )
    jump_time_floor_s: float = Field(
        2.0, gt=0, description="Time differences below this count as this (receiver clock skew)."
    )
    reanchor_fixes: int = Field(
        3,
        ge=2,
        description="Consecutive mutually consistent 'jumped' fixes, with no accepted fix between "
        "them, that move the track to the new place (so a spoofed first fix cannot lock a vessel).",
    )
    pending_max_age_s: float = Field(
        900.0, gt=0, description="An alternative run of jumped fixes older than this is forgotten."
    )
    shared_mmsi_min_fixes: int = Field(
        3,
        ge=2,
        description="Jumped fixes consistent with each other while the main track keeps being "
        "accepted: this many make the MMSI shared (two transmitters).",
    )
    shared_static_window_s: float = Field(
        3600.0,
        gt=0,
        description="A name or IMO that changes back to its previous value within this window means "
        "two transmitters share the MMSI.",
    )
    identity_history_max: int = Field(
        32, ge=1, description="Identity changes kept per vessel (oldest dropped first; bounds memory)."
    )
    duplicate_window_s: float = Field(30.0, ge=0, description="Window in which repeats are duplicates.")
    stale_age_s: float = Field(
        30 * 60.0, gt=0, description="No position for this long sets the STALE flag (expire())."
    )
    expiry_age_s: float = Field(
        6 * 3600.0, gt=0, description="Vessels unheard for this long are dropped by expire()."
    )
    max_vessels: int = Field(
        500_000, ge=1, description="Least recently heard vessels are evicted beyond this (last resort)."
    )
    grid_cell_deg: float = Field(
        0.1, gt=0, le=10, description="Cell size of the last-position grid used by vessels_near()."
    )
    interval_max_s: float = Field(
        3600.0,
        gt=0,
        description="Intervals longer than this are gaps, not the vessel's reporting pattern.",
    )
