"""Request and response shapes of the alerts domain (the record itself is the DESIGN.md contract)."""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from seawarden.types import Severity

SeverityName = StrEnum("SeverityName", {s.label.upper(): s.label for s in Severity})


class AlertPageOut(BaseModel):
    items: list[dict[str, Any]] = Field(description="Alert records (DESIGN.md contract + status_at/by).")
    total: int = Field(description="Matching alerts visible to the caller's organisation.")
    limit: int
    offset: int


class ActionIn(BaseModel):
    note: str = Field("", max_length=2000, description="Why (kept in the alert's history).")


class ReleasabilityIn(BaseModel):
    """An analyst's new releasability; an empty list is refused (400): nobody could see the alert."""

    communities: list[str] = Field(
        max_length=100, description='Communities that may see the alert, e.g. ["JEF", "NATO"].'
    )
    reason: str = Field(max_length=2000, description="Why (kept in the alert's history and the audit log).")


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class CommentOut(BaseModel):
    id: int
    alert_id: str
    org_id: str | None
    author: str
    at: str | None
    text: str


class StatusChangeOut(BaseModel):
    from_status: str
    to_status: str
    actor: str
    org_id: str | None
    at: str | None
    note: str


class HistoryOut(BaseModel):
    alert_id: str
    status_changes: list[StatusChangeOut]
    comments: list[CommentOut]
    versions: list[dict[str, Any]] = Field(description="Every emitted version of the record, oldest first.")
