"""Decode thresholds (pydantic so ``seawarden.config.Settings`` can load them from TOML/env)."""

from pydantic import BaseModel, Field


class DecodeConfig(BaseModel):
    """Limits of the NMEA/AIS decoder.

    Defaults follow IEC 61162-1 and field practice: a sentence is at most 82 characters (tag blocks
    and receiver metadata add a few hundred), an AIS message has at most 9 fragments that a receiver
    emits within a second or two, so a 60 s wait for a missing fragment is generous even on
    aggregated feeds while bounding memory.
    """

    multipart_timeout_s: float = Field(
        60.0, gt=0, description="Seconds to wait for the rest of a multipart message before rejecting it."
    )
    max_line_bytes: int = Field(
        1024, ge=82, description="Longer lines are rejected as malformed (never buffered)."
    )
    max_pending_groups: int = Field(
        10_000, ge=1, description="Incomplete multipart groups kept at once; the oldest is rejected beyond."
    )
    keep_raw: bool = Field(False, description="Keep the source sentence(s) in Message.raw as evidence.")
    fast: bool = Field(
        True,
        description=(
            "Decode bursts of live lines with the vectorised fast path (the same messages as the "
            "line-by-line reference decoder, several times faster); false: line by line only."
        ),
    )
