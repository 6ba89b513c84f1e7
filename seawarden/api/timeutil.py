"""Query-time parsing shared by the domains."""

from datetime import UTC, datetime


def epoch(value: datetime | None) -> float | None:
    """A query datetime as epoch seconds; a time without a zone is taken as UTC (as everywhere here)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
