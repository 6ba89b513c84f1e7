"""Who may see an alert by default: rules on area, asset and kind, first match wins.

Why a policy in the service and not in the detectors: releasability is a sharing decision of the
operating centre (Gulf of Finland alerts to JEF and Fingrid, not to every NATO partner), not a
property of the evidence. The policy sets it when an alert is first stored; an analyst's later edit
(via the API) is kept for the alert's further versions (see :mod:`seawarden.service.worker`).
"""

from fnmatch import fnmatchcase

from pydantic import BaseModel, ConfigDict, Field, field_validator

from seawarden.types import Alert


class ReleasabilityRule(BaseModel):
    """Alerts matching every given condition get ``communities``; a missing condition matches all.

    Patterns are shell-style (``gof-*``) and compared with the alert's area id / infrastructure id.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    areas: list[str] | None = Field(None, description="Area id patterns, e.g. ['gof-*'].")
    assets: list[str] | None = Field(
        None, description="Infrastructure asset id patterns, e.g. ['estlink-*']."
    )
    kinds: list[str] | None = Field(None, description="Alert kinds, e.g. ['anchor_drag_suspected'].")
    communities: list[str] = Field(min_length=1, description="Who may see a matching alert.")

    @field_validator("communities")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        cleaned = [c.strip() for c in value]
        if any(not c for c in cleaned):
            raise ValueError("community names must not be blank")
        return cleaned

    def matches(self, alert: Alert) -> bool:
        if self.kinds is not None and str(alert.kind) not in self.kinds:
            return False
        if self.areas is not None and not _any_match(alert.area, self.areas):
            return False
        return self.assets is None or _any_match(alert.infrastructure, self.assets)


def _any_match(value: str | None, patterns: list[str]) -> bool:
    return value is not None and any(fnmatchcase(value, p) for p in patterns)


def _default_rules() -> list[ReleasabilityRule]:
    # Gulf of Finland areas carry Finnish and Estonian grid and telecom links (Estlink, Balticconnector,
    # C-Lion1): the JEF navies and the Finnish grid operator are the ones who act on them.
    return [ReleasabilityRule(areas=["gof-*"], communities=["JEF", "NATO", "OPERATOR:fingrid"])]


class ReleasabilityPolicy(BaseModel):
    """Ordered rules; the first matching rule decides; with none, the alert keeps what the core gave it
    (``alerts.releasability``, JEF + NATO by default), or ``default`` when that is set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[ReleasabilityRule] = Field(default_factory=_default_rules)
    default: list[str] | None = Field(
        None, description="Communities for alerts no rule matches; None keeps the core's value."
    )

    def communities_for(self, alert: Alert) -> list[str]:
        for rule in self.rules:
            if rule.matches(alert):
                return list(rule.communities)
        if self.default is not None:
            return list(self.default)
        return list(alert.releasability)

    def apply(self, alert: Alert) -> Alert:
        """Set ``alert.releasability`` in place (the alert is the pipeline's fresh copy) and return it."""
        alert.releasability = self.communities_for(alert)
        return alert
