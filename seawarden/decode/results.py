"""What decoding yields besides messages: rejects with reasons, and counts that prove nothing was lost."""

import enum
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


class RejectReason(enum.StrEnum):
    """Why a line was not turned into a message; the values are the words users see in summaries."""

    BAD_CHECKSUM = "bad_checksum"
    MALFORMED = "malformed"
    INCOMPLETE_MULTIPART = "incomplete_multipart"
    UNSUPPORTED = "unsupported"
    INVALID_FIELD = "invalid_field"


@dataclass(slots=True)
class Reject:
    """One rejected input line, with enough context to find and fix it (file/feed, line number, why)."""

    reason: RejectReason
    line: str
    source: str
    detail: str
    line_no: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": str(self.reason),
            "detail": self.detail,
            "source": self.source,
            "line_no": self.line_no,
            "line": self.line,
        }


@dataclass
class DecodeStats:
    """Counts over every line fed to a decoder.

    Invariant (checked by the tests): ``lines == ignored + consumed + rejected + pending``, where
    ``consumed`` counts lines that went into a message and ``pending`` lines still waiting in a
    multipart buffer (0 after ``flush()``). ``rejects`` counts rejected *lines* by reason.
    """

    lines: int = 0
    messages: int = 0
    ignored: int = 0
    consumed: int = 0
    pending: int = 0
    ignored_by_kind: Counter[str] = field(default_factory=Counter)
    rejects: Counter[str] = field(default_factory=Counter)
    messages_by_type: Counter[int] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)  # accepted but suspicious (e.g. tag checksum)

    @property
    def rejected(self) -> int:
        return sum(self.rejects.values())

    @property
    def balanced(self) -> bool:
        """True when every line is accounted for exactly once."""
        return self.lines == self.ignored + self.consumed + self.rejected + self.pending

    def merge(self, other: "DecodeStats") -> None:
        """Add another decoder's counts (e.g. one decoder per file or feed)."""
        self.lines += other.lines
        self.messages += other.messages
        self.ignored += other.ignored
        self.consumed += other.consumed
        self.pending += other.pending
        self.ignored_by_kind.update(other.ignored_by_kind)
        self.rejects.update(other.rejects)
        self.messages_by_type.update(other.messages_by_type)
        self.warnings.update(other.warnings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "messages": self.messages,
            "ignored": self.ignored,
            "consumed": self.consumed,
            "pending": self.pending,
            "rejected": self.rejected,
            "ignored_by_kind": dict(sorted(self.ignored_by_kind.items())),
            "rejects": dict(sorted(self.rejects.items())),
            "messages_by_type": {str(k): v for k, v in sorted(self.messages_by_type.items())},
            "warnings": dict(sorted(self.warnings.items())),
        }

    def summary(self) -> str:
        """One human line for stderr summaries."""
        rejects = ", ".join(f"{k} {v}" for k, v in sorted(self.rejects.items())) or "none"
        return (
            f"{self.lines} lines: {self.messages} messages from {self.consumed} lines, "
            f"{self.ignored} ignored, {self.rejected} rejected ({rejects})"
            + (f", {self.pending} pending" if self.pending else "")
        )
