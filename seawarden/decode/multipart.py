"""Multipart AIS reassembly: fragments may interleave and arrive out of order; groups time out.

A group is keyed by where its fragments come from (receiver, talker, channel, sequence id, or the
tag-block group id when there is one), so fragments of different messages never mix. A group that
does not complete within the timeout, is superseded by a new message on the same key, or is still
open at end of input is handed back so the decoder can reject its lines as ``incomplete_multipart``.

Time is the data's own receive time, compared only within one source and one kind of time
(tag block, PGHP, prefix, clock): aggregated satellite feeds interleave stations hours apart, and a
fragment timed by our clock says nothing about a group timed by a 2010 PGHP line. Sequence ids
cycle 0-9, so without this a fragment could be glued to a stale one of another message.
"""

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field

from seawarden.decode.nmea import Sentence
from seawarden.types import TimeSource


@dataclass(slots=True)
class Part:
    """One fragment with the line it came from and the metadata resolved for it."""

    sentence: Sentence
    line: str
    line_no: int | None
    feed: str  # the feed/file it was read from (for rejects)
    time: float
    time_source: TimeSource
    source: str  # Message.source (tag block s:, station, or feed)


@dataclass(slots=True)
class Group:
    count: int
    started: float
    clock: tuple[str, TimeSource]  # (source, time source): times are comparable only within one
    parts: dict[int, Part] = field(default_factory=dict)

    def ordered(self) -> list[Part]:
        return [self.parts[n] for n in sorted(self.parts)]


Failed = tuple[list[Part], str]  # the lines of a group that will never complete, and why


class Reassembler:
    """Collects fragments until each message is complete; never holds more than ``max_groups``."""

    def __init__(self, timeout_s: float, max_groups: int) -> None:
        self.timeout_s = timeout_s
        self.max_groups = max_groups
        self._groups: dict[Hashable, Group] = {}
        # per (source, time source), keys in arrival order: expiry walks only comparable groups
        self._order: dict[tuple[str, TimeSource], OrderedDict[Hashable, None]] = {}
        self.pending_lines = 0

    def __len__(self) -> int:
        return len(self._groups)

    def has(self, key: Hashable) -> bool:
        return key in self._groups

    def add(self, key: Hashable, part: Part) -> tuple[list[Part] | None, list[Failed]]:
        """Add a fragment; returns (the complete message's parts or None, groups that failed)."""
        failed: list[Failed] = []
        sentence = part.sentence
        group = self._groups.get(key)
        if group is not None:
            if group.count != sentence.frag_count:
                failed.append(self._drop(key, f"fragment count changed from {group.count}"))
                group = None
            elif sentence.frag_num in group.parts:
                failed.append(self._drop(key, f"fragment {sentence.frag_num} repeated before completion"))
                group = None
            elif group.clock == (part.source, part.time_source) and (
                abs(part.time - group.started) > self.timeout_s
            ):
                failed.append(self._drop(key, f"next fragment came more than {self.timeout_s:g} s later"))
                group = None
        if group is None:
            if len(self._groups) >= self.max_groups:
                oldest = min(self._groups, key=lambda k: self._groups[k].started)
                failed.append(self._drop(oldest, f"more than {self.max_groups} incomplete groups"))
            clock = (part.source, part.time_source)
            group = Group(count=sentence.frag_count, started=part.time, clock=clock)
            self._groups[key] = group
            self._order.setdefault(clock, OrderedDict())[key] = None
        group.parts[sentence.frag_num] = part
        self.pending_lines += 1
        if len(group.parts) == group.count:
            self._remove(key)
            self.pending_lines -= group.count
            return group.ordered(), failed
        return None, failed

    def expire(self, now: float, source: str, time_source: TimeSource) -> list[Failed]:
        """Groups of this source and time kind started more than ``timeout_s`` before ``now``."""
        order = self._order.get((source, time_source))
        failed: list[Failed] = []
        limit = now - self.timeout_s
        while order:
            key = next(iter(order))
            if self._groups[key].started >= limit:
                break
            failed.append(self._drop(key, f"rest of the message not received within {self.timeout_s:g} s"))
        return failed

    def flush(self) -> list[Failed]:
        """End of input: every open group fails."""
        return [self._drop(key, "end of input before the message was complete") for key in list(self._groups)]

    def _remove(self, key: Hashable) -> Group:
        group = self._groups.pop(key)
        order = self._order[group.clock]
        del order[key]
        if not order:
            del self._order[group.clock]
        return group

    def _drop(self, key: Hashable, why: str) -> Failed:
        group = self._remove(key)
        self.pending_lines -= len(group.parts)
        have = ",".join(str(n) for n in sorted(group.parts))
        return group.ordered(), f"{why} (have fragment {have} of {group.count})"
