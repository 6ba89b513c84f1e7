"""Who gets which alert: releasability first, then each organisation's own filter.

Releasability is a hard rule, not a preference: an alert record lists the communities that may see it
(``"JEF"``, ``"NATO"``, ``"OPERATOR:fingrid"``) and an organisation receives it only if it belongs to
at least one of them. Anything unclear (no releasability, malformed record) fails closed: nobody gets
it, and the reason is logged. The same functions serve every push channel and the API's WebSocket.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from seawarden.types import AlertKind, Severity

log = logging.getLogger(__name__)

#: Accepted for "every area / asset / kind" in configuration files.
ALL = "all"


def normalise_community(name: str) -> str:
    """Community names compare case-insensitively (``"jef"`` is ``"JEF"``); admins type them by hand."""
    return name.strip().casefold()


def record_communities(record: Mapping[str, Any]) -> frozenset[str]:
    """The communities an alert record is releasable to; empty when missing or malformed (fail closed)."""
    value = record.get("releasability")
    if not isinstance(value, list | tuple | set | frozenset):
        return frozenset()
    return frozenset(normalise_community(c) for c in value if isinstance(c, str) and c.strip())


def releasable_to(record: Mapping[str, Any], communities: Iterable[str]) -> bool:
    """True only if the record's releasability shares a community with ``communities``."""
    if isinstance(communities, str):  # one community, not its characters
        communities = [communities]
    mine = {normalise_community(c) for c in communities if isinstance(c, str) and c.strip()}
    return not mine.isdisjoint(record_communities(record))


def _all_or_set(value: object) -> object:
    if value is None or (isinstance(value, str) and value.strip().lower() == ALL):
        return None
    if isinstance(value, str):
        return frozenset({value})
    return value


class AlertFilter(BaseModel):
    """What part of the releasable traffic a reader wants (None = everything)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    areas: frozenset[str] | None = Field(
        None, description="Area ids, or 'all'. With a list, alerts outside every area are not sent."
    )
    assets: frozenset[str] | None = Field(
        None, description="Infrastructure asset ids, or 'all'. With a list, only alerts about those assets."
    )
    kinds: frozenset[AlertKind] | None = Field(None, description="Alert kinds, or 'all'.")
    min_severity: Severity = Field(Severity.LOW, description="Lowest severity sent.")

    @field_validator("areas", "assets", "kinds", mode="before")
    @classmethod
    def _parse_all(cls, value: object) -> object:
        return _all_or_set(value)

    @field_validator("min_severity", mode="before")
    @classmethod
    def _parse_severity(cls, value: object) -> Severity:
        if isinstance(value, str):
            return Severity.parse(value)
        return Severity(value)  # type: ignore[arg-type]

    def wants(self, record: Mapping[str, Any]) -> bool:
        """Does the record pass this filter? Malformed severity/kind never passes."""
        severity = _record_severity(record)
        if severity is None or severity < self.min_severity:
            return False
        if self.kinds is not None and record.get("kind") not in {str(k) for k in self.kinds}:
            return False
        if self.areas is not None and record.get("area") not in self.areas:
            return False
        return self.assets is None or record.get("infrastructure") in self.assets


class Audience(BaseModel):
    """An organisation as a reader: who it is and which communities it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    org: str = Field(min_length=1, description="Organisation id (e.g. 'fi-navy', 'fingrid').")
    communities: frozenset[str] = Field(
        min_length=1,
        description="Communities the organisation belongs to (e.g. JEF, NATO, OPERATOR:fingrid).",
    )

    @field_validator("communities")
    @classmethod
    def _no_blank(cls, value: frozenset[str]) -> frozenset[str]:
        if any(not c.strip() for c in value):
            raise ValueError("community names must not be blank")
        return value

    def may_see(self, record: Mapping[str, Any]) -> bool:
        return releasable_to(record, self.communities)


class Subscription(Audience, AlertFilter):
    """One organisation's standing order: these alerts, on this (named) channel of its own."""

    id: str = Field(min_length=1, description="Stable id; part of the idempotency key.")
    channel: str = Field(min_length=1, description="Name of a configured channel owned by the same org.")
    enabled: bool = True

    def accepts(self, record: Mapping[str, Any]) -> bool:
        """Releasable to this org AND wanted by it."""
        return self.enabled and self.may_see(record) and self.wants(record)


def _record_severity(record: Mapping[str, Any]) -> Severity | None:
    value = record.get("severity")
    try:
        if isinstance(value, str):
            return Severity.parse(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return Severity(value)
    except ValueError:
        return None
    return None


def visible(record: Mapping[str, Any], audience: Audience, wanted: AlertFilter | None = None) -> bool:
    """The WebSocket's test for one connected reader: releasable to its org, and wanted."""
    return audience.may_see(record) and (wanted is None or wanted.wants(record))


def route(record: Mapping[str, Any], subscriptions: Iterable[Subscription]) -> list[Subscription]:
    """The subscriptions that must receive ``record`` (pure; logs why a malformed record goes nowhere)."""
    if not isinstance(record, Mapping) or not isinstance(record.get("id"), str) or not record.get("id"):
        log.warning("not routing alert record without an id: %.200r", record)
        return []
    if not record_communities(record):
        log.warning("alert %s has no releasability; sent to nobody (fail closed)", record["id"])
        return []
    if _record_severity(record) is None:
        log.warning(
            "alert %s has an unknown severity %r; sent to nobody", record["id"], record.get("severity")
        )
        return []
    return [s for s in subscriptions if s.accepts(record)]


def idempotency_key(record: Mapping[str, Any], subscription: Subscription) -> str:
    """One key per alert version and subscription: receivers drop re-sends of the same update."""
    return f"{record['id']}:v{record.get('version', 1)}:{subscription.id}"
