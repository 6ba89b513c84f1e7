"""Configuration of the assess stage: one model per detector plus the Assessor's own settings.

Every default works; each detector's thresholds are documented (and their calibration cited) in
its own module. Loaded as the ``[assess]`` table of the TOML config, e.g.::

    [assess]
    enabled = ["areas", "watch", "identity", "anchor_drag"]
    asset_radius_m = 3000
    [assess.anchor_drag]
    ...
"""

from pydantic import BaseModel, Field, field_validator

from seawarden.assess.detectors.ais_gap import AisGapConfig
from seawarden.assess.detectors.anchor_drag import AnchorDragConfig
from seawarden.assess.detectors.anchored import AnchoredConfig
from seawarden.assess.detectors.areas import AreaConfig
from seawarden.assess.detectors.identity import IdentityConfig
from seawarden.assess.detectors.loitering import LoiteringConfig
from seawarden.assess.detectors.rendezvous import RendezvousConfig
from seawarden.assess.detectors.spoofing import SpoofingConfig
from seawarden.assess.detectors.traffic import TrafficAnomalyConfig
from seawarden.assess.detectors.watch import WatchlistConfig
from seawarden.assess.monitoring import MonitoringConfig
from seawarden.assess.risk import RiskConfig

#: Detector keys, in the order they run (identity first so later detectors see a fresh identity).
DETECTORS = (
    "identity",
    "areas",
    "watch",
    "anchor_drag",
    "loitering",
    "anchored",
    "ais_gap",
    "spoofing",
    "rendezvous",
    "traffic_anomaly",
)


class AssessConfig(BaseModel):
    """Thresholds of every detector, the risk model and monitoring, and the Assessor's settings."""

    enabled: list[str] = Field(
        default_factory=lambda: list(DETECTORS), description=f"Detectors to run, of: {', '.join(DETECTORS)}."
    )
    asset_radius_m: float = Field(
        5000.0,
        gt=0,
        le=50_000,
        description="Assets within this distance are 'near' (an anchor chain of 300 m at 50-100 m depth "
        "reaches ~0.3 km; 5 km leaves 20 min of warning at 8 kn).",
    )
    asset_probe_m: float = Field(
        10_000.0,
        gt=0,
        description="Far from assets, probe this wide, then skip asset look-ups until the vessel has moved "
        "(probe - radius): exact; 10 km measured fastest on a Baltic-wide synthetic mix.",
    )
    tick_interval_s: float = Field(60.0, ge=0, description="Time-driven checks run at most once a minute.")
    relevance_hold_s: float = Field(
        600.0,
        ge=0,
        description="Without a new fix (static report, clock tick) a vessel counts as near the area/asset "
        "where its last fix was for 10 min (class A reports at least every 3 min).",
    )
    watch_keep_s: float = Field(
        6 * 3600.0, gt=0, description="A vessel stays on the tick list this long after it was last relevant."
    )
    max_segment_speed_kn: float = Field(
        60.0, gt=0, description="previous->fix implying more than this is not a track segment (no crossings)."
    )
    max_segment_s: float = Field(
        3 * 3600.0, gt=0, description="Longer gaps are not joined by a straight line when testing crossings."
    )
    port_sample_s: float = Field(
        600.0, ge=0, description="Away from areas and assets, test for a port at most every 10 min."
    )
    watch_min_confidence: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Watch-list matches below this are not used: a name match contradicted by the valid "
        "IMO the ship broadcasts (0.7 x 0.5 = 0.35 by default) is almost always a namesake ('AURA').",
    )
    identity: IdentityConfig = Field(default_factory=IdentityConfig)
    areas: AreaConfig = Field(default_factory=AreaConfig)
    watch: WatchlistConfig = Field(default_factory=WatchlistConfig)
    anchor_drag: AnchorDragConfig = Field(default_factory=AnchorDragConfig)
    loitering: LoiteringConfig = Field(default_factory=LoiteringConfig)
    anchored: AnchoredConfig = Field(default_factory=AnchoredConfig)
    ais_gap: AisGapConfig = Field(default_factory=AisGapConfig)
    spoofing: SpoofingConfig = Field(default_factory=SpoofingConfig)
    rendezvous: RendezvousConfig = Field(default_factory=RendezvousConfig)
    traffic_anomaly: TrafficAnomalyConfig = Field(default_factory=TrafficAnomalyConfig)
    risk: RiskConfig = Field(default_factory=RiskConfig)
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)

    @field_validator("enabled")
    @classmethod
    def _known_detectors(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(DETECTORS))
        if unknown:
            raise ValueError(f"unknown detector(s) {', '.join(unknown)}; choose from {', '.join(DETECTORS)}")
        return [name for name in DETECTORS if name in value]
