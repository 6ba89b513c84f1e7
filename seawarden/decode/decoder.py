"""The decoder: raw lines in, normalised :class:`Message` objects out, every line accounted for.

It keeps the little state that framing needs (open multipart groups, a pending ``$PGHP`` or
stand-alone tag block per feed, tag-block group context) and nothing else; it does no I/O.
``feed_line`` never raises: a line that cannot be used becomes a :class:`Reject` with a reason,
is counted in :class:`DecodeStats` and handed to ``on_reject``.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping

from seawarden.decode.config import DecodeConfig
from seawarden.decode.multipart import Failed, Part, Reassembler
from seawarden.decode.nmea import FramingError, Line, LineKind, TagBlock, parse_line
from seawarden.decode.normalise import decode_payload
from seawarden.decode.results import DecodeStats, Reject, RejectReason
from seawarden.types import Message, TimeSource

log = logging.getLogger(__name__)

_MAX_TAG_GROUPS = 1024  # remembered tag-block groups (their later sentences carry only g:)


def _text(line: str | bytes) -> str:
    if isinstance(line, bytes):
        return line.decode("utf-8", errors="replace")
    return line


class Decoder:
    """Stateful NMEA/AIS decoder for one or more feeds (``source`` names the default feed)."""

    def __init__(
        self,
        source: str = "",
        *,
        clock: Callable[[], float] = time.time,
        multipart_timeout_s: float = 60.0,
        keep_raw: bool = False,
        on_reject: Callable[[Reject], None] | None = None,
        max_line_bytes: int = 1024,
        max_pending_groups: int = 10_000,
    ) -> None:
        self.source = source
        self.clock = clock
        self.keep_raw = keep_raw
        self.on_reject = on_reject
        self.max_line_bytes = max_line_bytes
        self.stats = DecodeStats()
        self._multipart = Reassembler(multipart_timeout_s, max_pending_groups)
        self._line_numbers: dict[str, int] = {}
        self._pending_gatehouse: dict[str, float] = {}
        self._pending_tag: dict[str, TagBlock] = {}
        self._tag_groups: OrderedDict[tuple[str, str], tuple[float | None, str | None]] = OrderedDict()

    @classmethod
    def from_config(
        cls,
        config: DecodeConfig,
        source: str = "",
        *,
        clock: Callable[[], float] = time.time,
        on_reject: Callable[[Reject], None] | None = None,
    ) -> "Decoder":
        return cls(
            source,
            clock=clock,
            multipart_timeout_s=config.multipart_timeout_s,
            keep_raw=config.keep_raw,
            on_reject=on_reject,
            max_line_bytes=config.max_line_bytes,
            max_pending_groups=config.max_pending_groups,
        )

    # ----------------------------------------------------------------- public API
    def feed_line(self, line: str | bytes, source: str | None = None) -> list[Message]:
        """Decode one line; returns the messages it completed (0, 1, or more after timeouts)."""
        feed = self.source if source is None else source
        line_no = self._line_numbers.get(feed, 0) + 1
        self._line_numbers[feed] = line_no
        self.stats.lines += 1
        text = ""
        try:
            text = _text(line).strip()
            return self._feed(text, feed, line_no)
        except Exception as exc:  # the promise: nothing escapes feed_line
            log.exception("internal error decoding %s:%s", feed, line_no)
            self._reject(RejectReason.MALFORMED, text, feed, f"internal error: {exc!r}", line_no)
            return []
        finally:
            self.stats.pending = self._multipart.pending_lines

    def feed_lines(self, lines: Iterable[str | bytes], source: str | None = None) -> Iterator[Message]:
        for line in lines:
            yield from self.feed_line(line, source)

    def flush(self) -> list[Message]:
        """End of input: open multipart groups become ``incomplete_multipart`` rejects."""
        self._fail_groups(self._multipart.flush())
        self.stats.pending = self._multipart.pending_lines
        self._pending_gatehouse.clear()
        self._pending_tag.clear()
        return []

    # ----------------------------------------------------------------- accounting (also used by CSV readers)
    def record_ignored(self, kind: str) -> None:
        self.stats.ignored += 1
        self.stats.ignored_by_kind[kind] += 1

    def record_messages(self, messages: list[Message], lines: int) -> None:
        self.stats.consumed += lines
        self.stats.messages += len(messages)
        for msg in messages:
            self.stats.messages_by_type[msg.msg_type] += 1

    def record_reject(
        self, reason: RejectReason, line: str, source: str, detail: str, line_no: int | None
    ) -> None:
        self._reject(reason, line, source, detail, line_no)

    def next_line_no(self, source: str) -> int:
        """Count a line read outside feed_line (CSV rows) and return its number."""
        line_no = self._line_numbers.get(source, 0) + 1
        self._line_numbers[source] = line_no
        self.stats.lines += 1
        return line_no

    # ----------------------------------------------------------------- hooks for bulk decoders
    # A bulk decoder (seawarden.decode.fast) decodes most lines itself and feeds the rest here, in
    # input order. These hooks let it leave this decoder exactly as if every line had gone through
    # feed_line: same line numbers, statistics, pending context and multipart groups.

    @property
    def multipart_timeout_s(self) -> float:
        return self._multipart.timeout_s

    @property
    def open_groups(self) -> int:
        """Multipart groups waiting for fragments."""
        return len(self._multipart)

    def has_pending_context(self, source: str) -> bool:
        """A stand-alone tag block or ``$PGHP`` line waits to apply to this feed's next sentence."""
        return source in self._pending_tag or source in self._pending_gatehouse

    def count_lines(self, source: str, count: int) -> None:
        """Count ``count`` lines of ``source`` decoded elsewhere (their line numbers are used up)."""
        self._line_numbers[source] = self._line_numbers.get(source, 0) + count
        self.stats.lines += count

    @staticmethod
    def multipart_key(
        feed: str, source: str, talker: str, channel: str | None, seq_id: str | None
    ) -> Hashable:
        """The group key of a multipart sentence without a tag-block group (see ``_sentence``)."""
        return (feed, source, talker, channel, seq_id)

    def is_open(self, key: Hashable) -> bool:
        """A multipart group with this key (see :meth:`multipart_key`) waits for fragments."""
        return self._multipart.has(key)

    def expire(self, now: float, source: str, time_source: TimeSource) -> None:
        """What each sentence does first: reject groups of its clock started over the timeout before."""
        if len(self._multipart):
            self._fail_groups(self._multipart.expire(now, source, time_source))
            self.stats.pending = self._multipart.pending_lines

    def record_counts(self, by_type: Mapping[int, int], consumed: int, warnings: Mapping[str, int]) -> None:
        """Messages decoded elsewhere, by type, from ``consumed`` lines, and their warnings."""
        stats = self.stats
        stats.consumed += consumed
        for msg_type, count in by_type.items():
            if count:
                stats.messages += count
                stats.messages_by_type[msg_type] += count
        for kind, count in warnings.items():
            if count:
                stats.warnings[kind] += count

    # ----------------------------------------------------------------- internals
    def _reject(self, reason: RejectReason, line: str, source: str, detail: str, line_no: int | None) -> None:
        self.stats.rejects[str(reason)] += 1
        log.debug("reject %s %s:%s %s: %r", reason, source, line_no, detail, line[:120])
        if self.on_reject is not None:
            try:
                self.on_reject(Reject(reason, line, source, detail, line_no))
            except Exception:  # a failing sink must not break decoding
                log.exception("on_reject callback failed")

    def _feed(self, text: str, feed: str, line_no: int) -> list[Message]:
        if not text:
            self.record_ignored("blank")
            return []
        if len(text.encode("utf-8", "replace")) > self.max_line_bytes:
            self._pending_gatehouse.pop(feed, None)
            self._reject(
                RejectReason.MALFORMED, text[: self.max_line_bytes], feed,
                f"line longer than {self.max_line_bytes} bytes", line_no,
            )  # fmt: skip
            return []
        if text.startswith("#"):
            self.record_ignored("comment")
            return []
        try:
            framed = parse_line(text)
        except FramingError as err:
            self._pending_gatehouse.pop(feed, None)
            self._pending_tag.pop(feed, None)
            self._reject(err.reason, text, feed, err.detail, line_no)
            return []
        if framed.tag is not None and not framed.tag.checksum_ok:
            self.stats.warnings["tagblock_bad_checksum"] += 1
            log.debug("line %s of %s: tag block checksum mismatch, fields used", line_no, feed)
        if framed.kind is LineKind.OTHER_NMEA:
            self.record_ignored("nmea_other")
            return []
        if framed.kind is LineKind.GATEHOUSE:
            assert framed.gatehouse_time is not None
            self._pending_gatehouse[feed] = framed.gatehouse_time
            self.record_ignored("gatehouse")
            return []
        if framed.kind is LineKind.TAG_ONLY:
            assert framed.tag is not None
            self._pending_tag[feed] = framed.tag
            self.record_ignored("tag_block")
            return []
        return self._sentence(framed, text, feed, line_no)

    def _resolve(self, framed: Line, feed: str) -> tuple[float, TimeSource, str]:
        """Receive time, its source, and Message.source: tag c: > PGHP > prefix/trailer > clock."""
        tag = framed.tag or self._pending_tag.pop(feed, None)
        gatehouse = self._pending_gatehouse.pop(feed, None)
        tag_time = tag.time if tag else None
        tag_source = tag.source if tag else None
        if tag is not None and tag.group is not None:
            key = (feed, tag.group[2])
            if tag_time is None and tag_source is None:
                tag_time, tag_source = self._tag_groups.get(key, (None, None))
            else:
                self._tag_groups[key] = (tag_time, tag_source)
                self._tag_groups.move_to_end(key)
                while len(self._tag_groups) > _MAX_TAG_GROUPS:
                    self._tag_groups.popitem(last=False)
        source = tag_source or framed.station or feed
        if tag_time is not None:
            return tag_time, TimeSource.TAG_BLOCK, source
        if gatehouse is not None:
            return gatehouse, TimeSource.PGHP, source
        if framed.prefix_time is not None:
            return framed.prefix_time, TimeSource.PREFIX, source
        return float(self.clock()), TimeSource.CLOCK, source

    def _sentence(self, framed: Line, text: str, feed: str, line_no: int) -> list[Message]:
        sentence = framed.sentence
        assert sentence is not None
        when, time_source, source = self._resolve(framed, feed)
        part = Part(sentence, text, line_no, feed, when, time_source, source)
        self._fail_groups(self._multipart.expire(when, source, time_source))
        if sentence.frag_count == 1:
            return self._decode([part])
        group_key: Hashable
        if framed.tag is not None and framed.tag.group is not None:
            group_key = ("g", feed, framed.tag.group[2])
        else:
            group_key = self.multipart_key(feed, source, sentence.talker, sentence.channel, sentence.seq_id)
        complete, failed = self._multipart.add(group_key, part)
        self._fail_groups(failed)
        return self._decode(complete) if complete else []

    def _decode(self, parts: list[Part]) -> list[Message]:
        first = parts[0]
        payload = "".join(p.sentence.payload for p in parts)
        try:
            message = decode_payload(
                payload,
                parts[-1].sentence.fill_bits,
                timestamp=first.time,
                time_source=first.time_source,
                source=first.source,
                channel=first.sentence.channel,
                talker=first.sentence.talker,
                raw="\n".join(p.line for p in parts) if self.keep_raw else None,
            )
        except FramingError as err:
            for part in parts:
                self._reject(err.reason, part.line, part.feed, err.detail, part.line_no)
            return []
        self.record_messages([message], len(parts))
        return [message]

    def _fail_groups(self, failed: list[Failed]) -> None:
        for parts, detail in failed:
            for part in parts:
                self._reject(RejectReason.INCOMPLETE_MULTIPART, part.line, part.feed, detail, part.line_no)
