"""Alert-layer settings: what is worth a person's attention, and how incidents are grouped."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from seawarden.types import AlertKind, Severity

# How much risk one finding of each kind can carry on its own (event score 1.0), before the vessel's
# prior is considered. Anchor drag near an asset is the product's reason to exist, so it alone can
# reach "critical"; an area entry carries nothing by itself (the vessel's assessed risk decides).
DEFAULT_KIND_CEILING: dict[str, float] = {
    AlertKind.ANCHOR_DRAG_SUSPECTED: 95.0,
    AlertKind.ANCHORED_NEAR_INFRASTRUCTURE: 75.0,
    AlertKind.INFRASTRUCTURE_LOITERING: 70.0,
    AlertKind.WATCHLIST_IN_AREA: 75.0,
    AlertKind.WATCHLIST_APPROACHING: 65.0,
    AlertKind.RENDEZVOUS: 65.0,
    AlertKind.AIS_GAP: 60.0,
    AlertKind.POSITION_SPOOFING: 60.0,
    AlertKind.IDENTITY_CHANGE: 55.0,
    AlertKind.TRAFFIC_ANOMALY: 50.0,
    AlertKind.AREA_DWELL: 40.0,
    AlertKind.AREA_ENTRY: 0.0,
    AlertKind.AREA_EXIT: 0.0,
}


#: Kinds that say where a vessel is, not what it does. They fold into one "presence" alert per vessel
#: and incident (kind = the strongest of them so far), so a watch-listed tanker crossing three areas is
#: one alert that grows, not fifteen. Order = strength.
PRESENCE_KINDS: tuple[AlertKind, ...] = (
    AlertKind.WATCHLIST_IN_AREA,
    AlertKind.WATCHLIST_APPROACHING,
    AlertKind.AREA_DWELL,
    AlertKind.AREA_ENTRY,
    AlertKind.AREA_EXIT,
)


class AlertConfig(BaseModel):
    """Thresholds of the alert layer (see README, "Alerts")."""

    min_severity: Severity = Field(
        Severity.LOW,
        description="Alerts below this severity are not emitted "
        "(their events still count in the vessel's risk).",
    )
    incident_window_s: float = Field(
        6 * 3600.0,
        gt=0,
        description="Evidence of the same kind for the same vessel within this time joins the open alert.",
    )
    update_interval_s: float = Field(
        900.0,
        ge=0,
        description="An open alert with new evidence is re-sent at most this often, "
        "unless its severity rises "
        "or a new asset/area appears in its evidence (those go out at once).",
    )
    max_evidence: int = Field(
        40, ge=1, description="Evidence items kept per alert (first and newest are kept)."
    )
    presence_min_severity: Severity = Field(
        Severity.MEDIUM,
        description="Presence alerts (entries, dwell, watch-listed approach) only for vessels assessed "
        "at least this risky: every vessel entering an area is assessed, few deserve a person's attention.",
    )
    presence_max_severity: Severity = Field(
        Severity.MEDIUM,
        description="Being somewhere is never high on its own: high and critical are kept for behaviour "
        "(a listed tanker transiting normally must not sound the alarm; the same tanker slowing over a cable "
        "does, through its anchor-drag alert).",
    )
    fold_into_severity: Severity = Field(
        Severity.HIGH,
        description="While a vessel has an open alert this severe, its other findings join that alert as "
        "evidence instead of opening alerts of their own (one incident, one timeline).",
    )
    kind_ceiling: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_KIND_CEILING))
    releasability: list[str] = Field(
        default_factory=lambda: ["JEF", "NATO"],
        description="Communities that may see an alert unless a policy says otherwise.",
    )

    @field_validator(
        "min_severity", "presence_min_severity", "presence_max_severity", "fold_into_severity", mode="before"
    )
    @classmethod
    def _parse_severity(cls, value: object) -> Severity:
        if isinstance(value, str):
            return Severity.parse(value)
        return Severity(value)  # type: ignore[arg-type]
