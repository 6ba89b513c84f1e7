"""Response shapes of the delivery operations routes."""

from pydantic import BaseModel, Field


class DeadLetterOut(BaseModel):
    """One delivery given up on: enough to find the receiver's fault, without the full alert record."""

    id: int = Field(description="Outbox item id (retry it with POST /deliveries/{id}/retry).")
    alert_id: str
    version: int
    channel: str = Field(description="The subscription it was for.")
    attempts: int
    last_error: str | None = Field(description="What the receiver or the network said last.")
    created_at: str | None
    last_attempt_at: str | None = Field(description="When it was last scheduled (ISO-8601 UTC).")
    kind: str | None = None
    severity: str | None = None
    mmsi: int | None = None


class DeadLettersOut(BaseModel):
    items: list[DeadLetterOut]
    count: int
    limit: int


class RetryOut(BaseModel):
    id: int
    state: str = Field(description="'pending': queued again, the worker sends it on its next round.")


class SummaryOut(BaseModel):
    channels: dict[str, dict[str, int]] = Field(description="{channel: {pending|delivered|dead: count}}.")
    totals: dict[str, int] = Field(description="Counts per state over all channels.")
