"""Stage 3, track: one ``VesselState`` per MMSI with identity, recent track and quality flags."""

from seawarden.track.config import TrackConfig
from seawarden.track.fixes import Fix, FixTrack
from seawarden.track.identity import MmsiKind, flag_of, is_valid_imo, is_valid_mmsi, mid_of, mmsi_kind
from seawarden.track.state import Identity, IdentityChange, QualityFlag, TrackUpdate, VesselState
from seawarden.track.tracker import Tracker, TrackStats

__all__ = [
    "Fix",
    "FixTrack",
    "Identity",
    "IdentityChange",
    "MmsiKind",
    "QualityFlag",
    "TrackConfig",
    "TrackStats",
    "TrackUpdate",
    "Tracker",
    "VesselState",
    "flag_of",
    "is_valid_imo",
    "is_valid_mmsi",
    "mid_of",
    "mmsi_kind",
]
