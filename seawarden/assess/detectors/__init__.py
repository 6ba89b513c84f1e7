"""Behaviour detectors of the assess stage: one finding per module, each with a typed, documented config.

Motion: :mod:`.anchor_drag`, :mod:`.loitering`, :mod:`.anchored`, :mod:`.ais_gap`, :mod:`.spoofing`,
:mod:`.rendezvous` (shared pure helpers in :mod:`.kinematics`). Context and identity: :mod:`.areas`,
:mod:`.watch`, :mod:`.identity`. Every detector follows :class:`seawarden.assess.base.Detector`.
"""

from seawarden.assess.detectors.ais_gap import AisGapConfig, AisGapDetector
from seawarden.assess.detectors.anchor_drag import AnchorDragConfig, AnchorDragDetector
from seawarden.assess.detectors.anchored import AnchoredConfig, AnchoredDetector
from seawarden.assess.detectors.areas import AreaConfig, AreaDetector
from seawarden.assess.detectors.identity import IdentityConfig, IdentityDetector
from seawarden.assess.detectors.loitering import LoiteringConfig, LoiteringDetector
from seawarden.assess.detectors.rendezvous import RendezvousConfig, RendezvousDetector
from seawarden.assess.detectors.spoofing import SpoofingConfig, SpoofingDetector
from seawarden.assess.detectors.watch import WatchlistConfig, WatchlistDetector

__all__ = [
    "AisGapConfig",
    "AisGapDetector",
    "AnchorDragConfig",
    "AnchorDragDetector",
    "AnchoredConfig",
    "AnchoredDetector",
    "AreaConfig",
    "AreaDetector",
    "IdentityConfig",
    "IdentityDetector",
    "LoiteringConfig",
    "LoiteringDetector",
    "RendezvousConfig",
    "RendezvousDetector",
    "SpoofingConfig",
    "SpoofingDetector",
    "WatchlistConfig",
    "WatchlistDetector",
]
