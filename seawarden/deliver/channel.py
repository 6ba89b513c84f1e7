"""The small async interface between the outbox (store) and the delivery channels.

The store claims due outbox items and hands each (record, subscription) to the dispatcher; channels
only know how to push one record to one receiver and say, by ``DeliveryError.retryable``, whether a
failure may heal. Nothing here imports the store.
"""

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from seawarden.deliver.errors import DeliveryError
from seawarden.deliver.routing import Subscription


@runtime_checkable
class Channel(Protocol):
    """A configured pipe to one receiver. ``send`` raises ``DeliveryError`` and nothing else."""

    name: str
    org: str

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None: ...

    async def close(self) -> None: ...


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"  # failed, try again at ``next_attempt_at``
    DEAD = "dead"  # failed for good (not retryable, out of attempts, or refused): dead letter


@dataclass(frozen=True, slots=True)
class DeliveryRequest:
    """One routed (record, subscription) pair, with the attempts the outbox already made."""

    record: dict[str, Any]
    subscription: Subscription
    attempts_before: int = 0
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """What happened to one request; the store marks its outbox item from this."""

    alert_id: str
    version: int | None
    subscription_id: str
    org: str
    channel: str
    idempotency_key: str
    outcome: Outcome
    attempt: int  # 1-based number of the attempt just made
    next_attempt_at: float | None = None  # epoch seconds, only for RETRY
    detail: str = ""
    latency_s: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def delivered(self) -> bool:
        return self.outcome is Outcome.DELIVERED


def encode_record(record: Mapping[str, Any]) -> bytes:
    """The record as compact UTF-8 JSON: the exact bytes a webhook signs and every channel sends."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def record_payload(record: Mapping[str, Any]) -> bytes:
    """The bytes to send for a record every channel needs id, severity and kind of (non-retryable if not)."""
    require(record, "id", "severity", "kind")
    try:
        return encode_record(record)
    except (TypeError, ValueError) as exc:
        raise DeliveryError(False, f"alert record is not JSON-serialisable: {exc}") from exc


def require(record: Mapping[str, Any], *keys: str) -> None:
    """Raise a non-retryable DeliveryError if the record lacks a field a channel cannot do without."""
    missing = [k for k in keys if record.get(k) in (None, "")]
    if missing:
        raise DeliveryError(False, f"alert record lacks {', '.join(missing)}")


def token(value: object, default: str = "unknown") -> str:
    """A safe single topic/subject level: lower-case [a-z0-9_-], never empty, never a wildcard."""
    text = str(value if value not in (None, "") else default).strip().lower()
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "_-") else "_" for c in text)
    return cleaned or default
