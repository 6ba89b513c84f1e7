"""Vectorised fast path of the decoder for the messages that dominate every feed.

Lines are framed for whole buffers at once with NumPy: the common line layouts by template, one
array operation per column (:mod:`fast_template`), the rest per line (:mod:`fast_frame`; single
sentences and adjacent two-part messages, optional plain tag block with ``c:`` time and ``s:``
source, NMEA checksum). Position reports (types 1/2/3, 18, 19, 27) and base-station reports
(4/11) are then decoded as bit fields over arrays (:mod:`fast_fields`); the other framed
messages (types 5, 24, ...) go through the reference payload decoder once per distinct payload
(:mod:`fast_memo`). Every other line (longer multipart groups, Gatehouse/prefix/trailer
variants, group tag blocks, anything odd) goes, in input order, through the reference
:class:`~seawarden.decode.Decoder`, which also owns the statistics: the combined output has the
same messages, in the same order, with the same :class:`DecodeStats` and rejects as the
reference alone (the agreement tests check this field by field on the shared corpora and on
generated data).

The fast rows stay columns (:class:`PositionColumns`, :class:`MemoRow`) because building one
Python object per message costs more than decoding it; :meth:`DecodeResult.messages` builds
``Message`` objects when a consumer needs them.

Fast lines must leave the reference decoder in the state it would have reached by decoding them
itself; :class:`_Reference` does this through the decoder's public hooks for bulk decoders
(line counts, pending tag-block/PGHP context, multipart keys and expiry, message counts).
Receive times from our own clock are taken once per chunk of buffer (not once per line): the
lines of one read arrived together.
"""

import itertools
import logging
import operator
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seawarden.decode.decoder import Decoder
from seawarden.decode.fast_fields import PAYLOAD_CHARS, FieldColumns, decode_payloads, extra_of
from seawarden.decode.fast_frame import PAD, SOURCE_WIDTH, FramedLines, frame, talker_text
from seawarden.decode.fast_memo import PayloadMemo, Template, build, is_armoured
from seawarden.decode.fast_template import frame_templates
from seawarden.decode.results import DecodeStats
from seawarden.types import Message, TimeSource

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20  # 1 MiB pieces keep the per-line arrays in cache (measured: 1.2x faster than 4 MiB)
_TIME_SOURCES = (TimeSource.TAG_BLOCK, TimeSource.CLOCK)  # PositionColumns.time_source codes
_LINE = operator.itemgetter(0)  # (line, message) pairs sort by line


_MESSAGE_FIELDS: tuple[str, ...] = Message.__slots__  # type: ignore[assignment]  # dataclass field order
_HAS_EXTRA = np.zeros(256, dtype=bool)  # message types whose extra is never None
_HAS_EXTRA[[4, 11, 18, 19, 27]] = True
_CHANNEL_TEXT = np.array([None, *(chr(c) for c in range(1, 256))], dtype=object)


def _with_none(values: np.ndarray, missing: np.ndarray) -> list:
    """The column as Python values, None where ``missing``."""
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


def _talkers(keys: np.ndarray) -> list[str]:
    unique, inverse = np.unique(keys, return_inverse=True)
    return np.array([talker_text(k) for k in unique.tolist()], dtype=object)[inverse.reshape(-1)].tolist()


@dataclass
class PositionColumns(FieldColumns):
    """Decoded fast rows as arrays; ``line`` is each row's input line (0-based, per decode call)."""

    line: np.ndarray  # int64
    timestamp: np.ndarray  # float64 epoch seconds
    time_source: np.ndarray  # uint8 index into _TIME_SOURCES
    source: np.ndarray  # int32 index into ``sources``
    channel: np.ndarray  # uint8 byte, 0 = none
    talker: np.ndarray  # int64 talker key (fast_frame.talker_text)
    tag_checksum_ok: np.ndarray  # bool
    sources: list[str] = field(default_factory=list)
    raw: list[str] | None = None

    def __len__(self) -> int:
        return len(self.line)

    def messages(self) -> Iterator[Message]:
        """``Message`` objects equal to the reference decoder's, row by row.

        Each field becomes one Python list (None where the column says "not available") and the
        objects are made by ``map`` with positional arguments: the per-row work is one call.
        """
        n = len(self)
        columns: dict[str, Iterable] = {
            "msg_type": self.msg_type.tolist(),
            "mmsi": self.mmsi.tolist(),
            "timestamp": self.timestamp.tolist(),
            "time_source": np.array(_TIME_SOURCES, dtype=object)[self.time_source].tolist(),
            "source": np.array(self.sources, dtype=object)[self.source].tolist() if n else [],
            "channel": _CHANNEL_TEXT[self.channel].tolist(),
            "talker": _talkers(self.talker),
            "repeat": self.repeat.tolist(),
            "accuracy": self.accuracy.tolist(),
            "raim": self.raim.tolist(),
            "extra": self._extras(),
            "raw": self.raw if self.raw is not None else itertools.repeat(None, n),
        }
        for name in ("lat", "lon", "sog", "cog", "heading", "rot"):
            values = getattr(self, name)
            columns[name] = _with_none(values, np.isnan(values))
        for name in ("nav_status", "maneuver", "second"):
            values = getattr(self, name)
            columns[name] = _with_none(values, values < 0)
        static = np.flatnonzero(self.msg_type == 19)
        if len(static):
            names = [None] * n
            ship_types = [None] * n
            dims: list[list] = [[None] * n for _ in range(4)]
            for row in static.tolist():
                names[row] = self.name[row]
                ship_types[row] = None if self.ship_type[row] < 0 else int(self.ship_type[row])
                for k, value in enumerate(self.dims[row].tolist()):
                    dims[k][row] = value
            columns.update(name=names, ship_type=ship_types)
            columns.update(zip(("to_bow", "to_stern", "to_port", "to_starboard"), dims, strict=True))
        return map(Message, *(columns.get(field) or itertools.repeat(None, n) for field in _MESSAGE_FIELDS))

    def _extras(self) -> list[dict | None]:
        """Message.extra per row: only base stations, class B, long range and fast turns have one."""
        extras: list[dict | None] = [None] * len(self)
        rows = np.flatnonzero(_HAS_EXTRA[self.msg_type] | (self.turn_flag != 0))
        if len(rows):
            columns = (self.msg_type[rows], self.aux[rows], self.turn_flag[rows], self.second[rows])
            for row, *values in zip(rows.tolist(), *(c.tolist() for c in columns), strict=True):
                extras[row] = extra_of(*values)
        return extras

    @classmethod
    def concat(cls, parts: Sequence["PositionColumns"], sources: list[str]) -> "PositionColumns":
        names = [f for f in vars(parts[0]) if f not in ("sources", "raw")] if parts else []
        if not parts:
            return cls.empty_positions(sources)
        merged = {name: np.concatenate([getattr(p, name) for p in parts]) for name in names}
        raw = None if parts[0].raw is None else [r for p in parts for r in (p.raw or [])]
        return cls(**merged, sources=sources, raw=raw)

    @classmethod
    def empty_positions(cls, sources: list[str]) -> "PositionColumns":
        base = FieldColumns.empty(0)
        return cls(
            **vars(base), line=np.zeros(0, np.int64), timestamp=np.zeros(0),
            time_source=np.zeros(0, np.uint8), source=np.zeros(0, np.int32), channel=np.zeros(0, np.uint8),
            talker=np.zeros(0, np.int64),
            tag_checksum_ok=np.zeros(0, bool), sources=sources,
        )  # fmt: skip


@dataclass
class DecodeResult:
    """Everything one ``decode_buffer`` call produced: fast columns plus the reference's messages."""

    positions: PositionColumns
    others: list[tuple[int, Message]]  # (input line that completed it, message) from the reference
    memoised: list[tuple[int, "MemoRow"]]  # (last line, row): other types, built on demand

    def __len__(self) -> int:
        return len(self.positions) + len(self.others) + len(self.memoised)

    def messages(self) -> Iterator[Message]:
        """All messages in input-line order (a multipart message at the line that completed it).

        Why a sort and not ``heapq.merge``: the three parts are each in line order, so the sort only
        merges three runs, in C; the Python-level merge cost as much as building the messages. Ties
        (none are expected: a line belongs to one part) keep the part order either way.
        """
        if not self.others and not self.memoised:  # a feed of position reports only: no merge at all
            return self.positions.messages()
        fast = zip(self.positions.line.tolist(), self.positions.messages(), strict=True)
        memo = ((line, row.message()) for line, row in self.memoised)
        merged = sorted(itertools.chain(fast, self.others, memo), key=_LINE)
        return (message for _line, message in merged)


class _Reference:
    """The reference decoder, driven through its public hooks for bulk decoders (see the module docstring)."""

    def __init__(self, decoder: Decoder) -> None:
        self.decoder = decoder

    def colliding(self, rows: "_RowTable", start: int, stop: int, feed: str, names: list[str]) -> list[int]:
        """Two-part rows whose group key is open in the reference: it must see them to fail the old group."""
        d = self.decoder
        if not d.open_groups:
            return []
        hits = []
        lo, hi = np.searchsorted(rows.pair_rows, [start, stop]).tolist()
        for row in rows.pair_rows[lo:hi].tolist():
            memo_row = rows.memo[rows.memo_index[row]]
            talker, channel, seq = memo_row.key
            if d.is_open(d.multipart_key(feed, names[rows.source[row]], talker, channel, seq)):
                hits.append(row)
        return hits

    def expire(self, rows: "_RowTable", span: slice, names: list[str]) -> None:
        """What the reference does per sentence: drop multipart groups older than the timeout."""
        d = self.decoder
        if not d.open_groups:
            return
        keys = rows.source[span].astype(np.int64) * 2 + rows.time_source[span]
        times = np.maximum(rows.time[span], rows.last_time[span])
        if keys.min() == keys.max():  # the usual case: one receiver, one kind of time
            key = int(keys[0])
            d.expire(float(times.max()), names[key // 2], _TIME_SOURCES[key % 2])
            return
        for key in np.unique(keys).tolist():
            d.expire(float(times[keys == key].max()), names[key // 2], _TIME_SOURCES[key % 2])

    def account(self, cols: PositionColumns, memo: list["MemoRow"], framed: FramedLines) -> None:
        by_type = Counter(dict(enumerate(np.bincount(cols.msg_type, minlength=28).tolist())))
        by_type.update(m.template[0][0] for m in memo)  # msg_type is Message's first field
        bad_tags = int((~cols.tag_checksum_ok).sum())
        if memo:
            first = np.array([m.framed_row for m in memo], dtype=np.int64)
            last = np.array([m.last_framed_row for m in memo], dtype=np.int64)  # first or first + 1
            bad = ~framed.tag_checksum_ok
            bad_tags += int(bad[first].sum() + (bad[last] & (last != first)).sum())
        consumed = len(cols) + sum(m.last - m.first + 1 for m in memo)
        self.decoder.record_counts(by_type, consumed, {"tagblock_bad_checksum": bad_tags})


@dataclass(slots=True)
class MemoRow:
    """A message decoded through the memo: cached field values plus this line's envelope."""

    first: int  # first and last line (a two-part message spans two)
    last: int
    framed_row: int
    last_framed_row: int
    key: tuple[str, str | None, str | None] | None  # (talker, channel, seq) of a two-part message
    template: Template
    timestamp: float
    time_source: TimeSource
    source: str
    channel: str | None
    talker: str
    raw: str | None

    def message(self) -> Message:
        return build(
            self.template, self.timestamp, self.time_source, self.source, self.channel, self.talker, self.raw
        )


@dataclass
class _RowTable:
    """Every fast row (vectorised or memo) in line order, with what the reference bookkeeping needs."""

    first: np.ndarray
    last: np.ndarray
    time: np.ndarray  # first part's time
    last_time: np.ndarray  # last part's time (expiry is checked per sentence)
    time_source: np.ndarray
    source: np.ndarray
    vector_index: np.ndarray  # index into the PositionColumns, -1 for memo rows
    memo_index: np.ndarray  # index into the memo list, -1 for vectorised rows
    memo: list
    pair_rows: np.ndarray  # rows that are two-part messages (their group key may collide)

    @classmethod
    def build(
        cls, framed: FramedLines, timestamp: np.ndarray, source: np.ndarray, vector_rows, memo
    ) -> "_RowTable":
        if not memo and len(vector_rows) == len(framed.line):  # every framed row vectorised: no gathers
            tag_time, line = framed.tag_time, framed.line
            return cls(
                first=line, last=line, time=timestamp, last_time=timestamp,
                time_source=np.isnan(tag_time).astype(np.uint8), source=source,
                vector_index=np.arange(len(line)), memo_index=np.full(len(line), -1), memo=memo,
                pair_rows=np.zeros(0, dtype=np.int64),
            )  # fmt: skip
        if not memo:  # only vectorised rows: already in line order
            first_rows = last_rows = vector_rows
            kinds = np.arange(len(vector_rows))
        else:
            memo_first = np.array([m.framed_row for m in memo], dtype=np.int64)
            memo_last = np.array([m.last_framed_row for m in memo], dtype=np.int64)
            first_rows = np.concatenate([vector_rows, memo_first])
            last_rows = np.concatenate([vector_rows, memo_last])
            order = np.argsort(framed.line[first_rows], kind="stable")
            first_rows, last_rows = first_rows[order], last_rows[order]
            kinds = np.concatenate([np.arange(len(vector_rows)), -1 - np.arange(len(memo))])[order]
        return cls(
            first=framed.line[first_rows],
            last=framed.line[last_rows],
            time=timestamp[first_rows],
            last_time=timestamp[last_rows],
            time_source=np.isnan(framed.tag_time[first_rows]).astype(np.uint8),
            source=source[first_rows],
            vector_index=np.where(kinds >= 0, kinds, -1),
            memo_index=np.where(kinds < 0, -1 - kinds, -1),
            memo=memo,
            pair_rows=np.flatnonzero(framed.line[last_rows] != framed.line[first_rows]),
        )


def _line_bounds(buf: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    newlines = np.flatnonzero(buf[:size] == 10)
    starts = np.concatenate([[0], newlines + 1])
    ends = np.concatenate([newlines, [size]])
    if size == 0 or buf[size - 1] == 10:  # no line after the final newline
        starts, ends = starts[:-1], ends[:-1]
    return starts.astype(np.int64), ends.astype(np.int64)


def _pieces(data: bytes, limit: int) -> Iterator[bytes]:
    """Split at newlines into pieces of about ``limit`` bytes (a longer line stays whole)."""
    view = memoryview(data)
    start = 0
    while start < len(data):
        cut = data.rfind(b"\n", start, start + limit) if start + limit < len(data) else len(data) - 1
        if cut < start:
            cut = data.find(b"\n", start + limit)
            cut = len(data) - 1 if cut < 0 else cut
        yield bytes(view[start : cut + 1])
        start = cut + 1


class FastDecoder:
    """Decode whole buffers: vectorised fast path + the reference ``Decoder`` for everything else."""

    def __init__(self, decoder: Decoder | None = None, *, chunk_bytes: int = CHUNK_BYTES) -> None:
        self.reference = decoder if decoder is not None else Decoder()
        self.chunk_bytes = chunk_bytes
        self._bridge = _Reference(self.reference)
        self._sources: list[str] = []
        self._source_ids: dict[str, int] = {}
        self._memo = PayloadMemo()
        self._source_table = _SourceTable()

    @property
    def stats(self) -> DecodeStats:
        return self.reference.stats

    def decode_buffer(
        self, data: bytes, source: str | None = None, *, flush: bool = True
    ) -> tuple[DecodeResult, DecodeStats]:
        """Decode every line of ``data``; stats are the reference decoder's (cumulative) counts.

        ``flush=False`` keeps open multipart groups for the next buffer of the same feed (streaming).
        """
        feed = self.reference.source if source is None else source
        if b"\r" in data:  # universal newlines, as the text readers of seawarden.sources see them
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        parts: list[PositionColumns] = []
        others: list[tuple[int, Message]] = []
        memoised: list[tuple[int, MemoRow]] = []
        first_line = 0
        for piece in _pieces(data, self.chunk_bytes):
            cols, piece_others, piece_memo, lines = self._decode_piece(piece, feed, first_line)
            parts.append(cols)
            others.extend(piece_others)
            memoised.extend(piece_memo)
            first_line += lines
        if flush:
            self.reference.flush()
        positions = PositionColumns.concat(parts, self._sources)
        return DecodeResult(positions, others, memoised), self.reference.stats

    def decode_stream(self, blocks: Iterable[bytes], source: str | None = None) -> Iterator[Message]:
        """Messages of a byte stream in blocks of any size (lines may span blocks); flushes at the end."""
        carry = b""
        for block in blocks:
            data = carry + block
            cut = max(data.rfind(b"\n"), data.rfind(b"\r"))
            if cut < 0 or (data[cut : cut + 1] == b"\r" and cut == len(data) - 1):  # \r\n may be split
                carry = data
                continue
            carry = data[cut + 1 :]
            result, _stats = self.decode_buffer(data[: cut + 1], source, flush=False)
            yield from result.messages()
        result, _stats = self.decode_buffer(carry, source, flush=True)
        yield from result.messages()

    # ----------------------------------------------------------------- internals
    def _source_id(self, name: str) -> int:
        if name not in self._source_ids:
            self._source_ids[name] = len(self._sources)
            self._sources.append(name)
        return self._source_ids[name]

    def _decode_piece(
        self, piece: bytes, feed: str, first_line: int
    ) -> tuple[PositionColumns, list[tuple[int, Message]], list[tuple[int, MemoRow]], int]:
        size = len(piece)
        buf = np.frombuffer(piece + bytes(PAD), dtype=np.uint8)
        starts, ends = _line_bounds(buf, size)
        others: list[tuple[int, Message]] = []
        try:  # nothing below touches the reference decoder's state until the loop further down
            framed = self._frame(buf, starts, ends)
            timestamp = framed.tag_time.copy()
            untimed = np.isnan(timestamp)
            if untimed.any():
                timestamp[untimed] = float(self.reference.clock())
            source = self._source_codes(framed, feed)
            cols, vector_rows = self._columns(buf, framed, timestamp, source)
            memo = self._memo_rows(piece, starts, ends, framed, timestamp, source, vector_rows)
            rows = _RowTable.build(framed, timestamp, source, vector_rows, memo)
        except Exception:  # a bug here must cost speed, never lines: the reference takes the block
            log.exception("fast decoder failed on a block of %s; decoding it line by line", feed)
            for line in range(len(starts)):
                for message in self.reference.feed_line(piece[starts[line] : ends[line]], feed):
                    others.append((first_line + line, message))
            return PositionColumns.empty_positions(self._sources), others, [], len(starts)
        keep_vector = np.ones(len(cols), dtype=bool)

        def demote(row: int) -> None:
            """Hand the row's lines to the reference (it owns the state that row depends on)."""
            if rows.vector_index[row] >= 0:
                keep_vector[rows.vector_index[row]] = False
            else:
                memo[rows.memo_index[row]] = None
            for line in range(int(rows.first[row]), int(rows.last[row]) + 1):
                for message in self.reference.feed_line(piece[starts[line] : ends[line]], feed):
                    others.append((first_line + line, message))

        fast = np.zeros(len(starts) + 1, dtype=bool)  # one extra False closes the last run
        fast[rows.first] = True
        fast[rows.last] = True  # a row spans one line or two adjacent ones
        edges = np.flatnonzero(np.diff(fast[:-1].astype(np.int8))) + 1
        bounds = zip(
            itertools.chain([0], edges.tolist()), itertools.chain(edges.tolist(), [len(starts)]), strict=True
        )
        for a, b in bounds:
            if not fast[a]:
                for line in range(a, b):
                    for message in self.reference.feed_line(piece[starts[line] : ends[line]], feed):
                        others.append((first_line + line, message))
                continue
            row, end_row = np.searchsorted(rows.first, [a, b]).tolist()
            while row < end_row and self.reference.has_pending_context(feed):  # pending tag block / PGHP line
                demote(row)
                row += 1
            for stop in [*self._bridge.colliding(rows, row, end_row, feed, self._sources), end_row]:
                if row < stop:
                    self.reference.count_lines(feed, int(rows.last[stop - 1] - rows.first[row] + 1))
                    self._bridge.expire(rows, slice(row, stop), self._sources)
                if stop < end_row:
                    demote(stop)
                row = stop + 1
        if not keep_vector.all():
            cols = _take(cols, keep_vector)
        memoised = [(first_line + item.last, item) for item in memo if item is not None]
        self._bridge.account(cols, [item for item in memo if item is not None], framed)
        if self.reference.keep_raw:
            cols.raw = [
                piece[s:e].decode("ascii") for s, e in zip(starts[cols.line], ends[cols.line], strict=True)
            ]
        cols.line = cols.line + first_line
        return cols, others, memoised, len(starts)

    def _frame(self, buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> FramedLines:
        """Lines of the common layouts by template, the rest by the general per-line framer."""
        limit = self.reference.max_line_bytes
        parts, rest = frame_templates(buf, starts, ends, limit)
        for part in parts:
            part.payload_start += starts[part.line]
        general = frame(buf, starts[rest], ends[rest], limit)
        general.line = rest[general.line]
        return FramedLines.concat([*parts, general] if len(general.line) or not parts else parts)

    def _columns(
        self, buf: np.ndarray, framed: FramedLines, timestamp: np.ndarray, source: np.ndarray
    ) -> tuple[PositionColumns, np.ndarray]:
        """Vectorised decode of the single-sentence position reports; returns them and their framed rows."""
        fields = FieldColumns.empty(len(framed.line))
        single = (framed.frag_count == 1) & (framed.fill == 0)
        for chars in PAYLOAD_CHARS:
            rows = np.flatnonzero(single & (framed.payload_chars == chars))
            if len(rows):
                payloads = sliding_window_view(buf, chars)[framed.payload_start[rows]]
                decode_payloads(payloads, fields, rows)
        ok = np.flatnonzero(fields.ok)
        if len(ok) == len(fields.ok):  # every framed line is a position report: nothing to drop

            def pick(values: np.ndarray) -> np.ndarray:
                return values

        else:

            def pick(values: np.ndarray) -> np.ndarray:
                return values[ok]

        fields = FieldColumns(**{name: pick(value) for name, value in vars(fields).items()})
        cols = PositionColumns(
            **vars(fields),
            line=pick(framed.line),
            timestamp=pick(timestamp),
            time_source=np.isnan(pick(framed.tag_time)).astype(np.uint8),
            source=pick(source),
            channel=pick(framed.channel),
            talker=pick(framed.talker),
            tag_checksum_ok=pick(framed.tag_checksum_ok),
            sources=self._sources,
        )
        return cols, ok

    def _memo_rows(
        self,
        piece: bytes,
        starts: np.ndarray,
        ends: np.ndarray,
        framed: FramedLines,
        timestamp: np.ndarray,
        source: np.ndarray,
        vector_rows: np.ndarray,
    ) -> list["MemoRow | None"]:
        """Other single sentences, and two-part messages whose parts are adjacent lines, via the memo."""
        if len(vector_rows) == len(framed.line):
            return []
        rest = np.ones(len(framed.line), dtype=bool)
        rest[vector_rows] = False
        single = rest & (framed.frag_count == 1)
        first_part = rest & (framed.frag_count == 2) & (framed.frag_num == 1)
        second = np.zeros(len(framed.line), dtype=bool)
        second[:-1] = rest[1:] & (framed.frag_count[1:] == 2) & (framed.frag_num[1:] == 2)
        nxt = np.minimum(np.arange(len(framed.line)) + 1, max(len(framed.line) - 1, 0))
        timeout = self.reference.multipart_timeout_s
        tagged = ~np.isnan(framed.tag_time)
        pair = first_part & second & (framed.line[nxt] == framed.line + 1)
        pair &= (framed.talker[nxt] == framed.talker) & (framed.channel[nxt] == framed.channel)
        pair &= (framed.seq[nxt] == framed.seq) & (source[nxt] == source) & (tagged[nxt] == tagged)
        pair &= np.abs(timestamp[nxt] - timestamp) <= timeout
        out: list[MemoRow | None] = []
        keep_raw = self.reference.keep_raw
        talkers: dict[int, str] = {}
        chosen = np.flatnonzero(single | pair)
        if not len(chosen):
            return out
        # plain lists: per-row numpy scalar access would dominate this loop
        starts_at, lengths = framed.payload_start.tolist(), framed.payload_chars.tolist()
        lines, fills, seqs = framed.line.tolist(), framed.fill.tolist(), framed.seq.tolist()
        talker_keys, channels = framed.talker.tolist(), framed.channel.tolist()
        times, is_tagged, source_codes = timestamp.tolist(), tagged.tolist(), source.tolist()
        is_pair = pair.tolist()
        memo, sources = self._memo, self._sources
        for row in chosen.tolist():
            two = is_pair[row]
            last_row = row + 1 if two else row
            start = starts_at[row]
            payload = piece[start : start + lengths[row]]
            if two:
                if not is_armoured(payload):
                    continue
                start = starts_at[last_row]
                payload += piece[start : start + lengths[last_row]]
            if not is_armoured(payload):
                continue
            talker = talker_keys[row]
            if talker not in talkers:
                talkers[talker] = talker_text(talker)
            first, last = lines[row], lines[last_row]
            raw = None
            if keep_raw:
                raw = "\n".join(piece[starts[i] : ends[i]].decode("ascii") for i in range(first, last + 1))
            template = memo.template(payload.decode("ascii"), fills[last_row])
            if template is None:
                continue
            channel = channels[row]
            channel_text = chr(channel) if channel else None
            key = None
            if two:
                key = (talkers[talker], channel_text, chr(seqs[row]) if seqs[row] else None)
            out.append(
                MemoRow(
                    first,
                    last,
                    row,
                    last_row,
                    key,
                    template,
                    times[row],
                    TimeSource.TAG_BLOCK if is_tagged[row] else TimeSource.CLOCK,
                    sources[source_codes[row]],
                    channel_text,
                    talkers[talker],
                    raw,
                )
            )
        return out

    def _source_codes(self, framed: FramedLines, feed: str) -> np.ndarray:
        """Message.source per row: the tag block's ``s:`` or the feed, as indexes into ``self._sources``.

        A value is its zero-padded bytes (two uint64 words; a tag value never holds a zero byte),
        looked up by a hash of both words in a table of the values seen so far (:class:`_SourceTable`)
        and then compared word by word: a feed has few receivers, so after the first chunk this is
        a few gathers per row. Should two values ever share a whole hash, ``np.unique`` takes over.
        """
        codes = np.full(len(framed.line), self._source_id(feed), dtype=np.int32)
        named: np.ndarray | slice = np.flatnonzero(framed.source_len > 0)
        if not len(named):
            return codes
        if len(named) == len(codes):
            named = slice(None)  # every row names its receiver: no gathers
        keys = framed.source_key[named]
        table = self._source_table
        for _attempt in range(2):
            if table.collided:
                break
            found = table.lookup(keys)
            if found is not None:
                codes[named] = found
                return codes
            table.learn(keys, self._source_id)
        values = np.ascontiguousarray(keys).view(np.dtype((np.void, SOURCE_WIDTH)))[:, 0]
        _unique, first, inverse = np.unique(values, return_index=True, return_inverse=True)
        ids = np.array([self._source_id(_key_text(keys[row])) for row in first.tolist()], dtype=np.int32)
        codes[named] = ids[inverse.reshape(-1)]
        return codes


def _key_text(key: np.ndarray) -> str:
    return key.astype(np.uint64).tobytes().rstrip(b"\0").decode("ascii")


def _hash(keys: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return keys[:, 0] * np.uint64(0x9E3779B97F4A7C15) ^ keys[:, 1]


class _SourceTable:
    """``s:`` values seen so far: a direct-addressed slot table, and a sorted overflow for the rest.

    Why: with a few dozen receivers a binary search over sorted hashes and a two-word row gather
    cost 0.6 ms per 14,000-line piece, a sixth of the decode; three 1-D gathers from slot arrays
    (slot = the top bits of the hash) cost a fifth of that. A key whose slot another key already
    holds goes to the overflow, searched only for the rows the slots missed, so aggregated feeds
    with thousands of receivers still work. Empty slots hold the key 0, which no ``s:`` value has
    (a value is at least one non-zero byte), so a row whose words differ from its slot's is unknown
    there. Two values with one whole hash cannot be told apart: ``collided``, and ``np.unique``
    takes over for good.
    """

    MIN_BITS = 8
    MAX_BITS = 16  # at most 65,536 slots (1 MiB)

    def __init__(self) -> None:
        self.known: dict[tuple[int, int], int] = {}
        self.collided = False
        self._build()

    def lookup(self, keys: np.ndarray) -> np.ndarray | None:
        """Ids of every key, or None when some key is not in the table yet."""
        slot = (_hash(keys) >> np.uint64(64 - self.bits)).astype(np.intp)
        hit = (self.word0[slot] == keys[:, 0]) & (self.word1[slot] == keys[:, 1])
        ids = self.ids[slot]
        if hit.all():
            return ids
        if not len(self.over_hash):
            return None
        miss = np.flatnonzero(~hit)
        rest = keys[miss]
        pos = np.minimum(np.searchsorted(self.over_hash, _hash(rest)), len(self.over_hash) - 1)
        if not ((self.over_keys[pos, 0] == rest[:, 0]) & (self.over_keys[pos, 1] == rest[:, 1])).all():
            return None
        ids[miss] = self.over_ids[pos]
        return ids

    def learn(self, keys: np.ndarray, source_id) -> None:
        """Add the keys not known yet (``source_id`` names them)."""
        values = np.ascontiguousarray(keys).view(np.dtype((np.void, SOURCE_WIDTH)))[:, 0]
        _unique, first = np.unique(values, return_index=True)
        for key in {tuple(k) for k in keys[first].tolist()} - self.known.keys():
            self.known[key] = source_id(_key_text(np.array(key, dtype=np.uint64)))
        self._build()

    def _build(self) -> None:
        """Slots for the first key of each slot, the sorted overflow for the others."""
        self.bits = min(max(self.MIN_BITS, (16 * len(self.known)).bit_length()), self.MAX_BITS)
        size = 1 << self.bits
        self.word0 = np.zeros(size, dtype=np.uint64)
        self.word1 = np.zeros(size, dtype=np.uint64)
        self.ids = np.zeros(size, dtype=np.int32)
        table = np.array(list(self.known), dtype=np.uint64).reshape(-1, 2)
        ids = np.fromiter(self.known.values(), dtype=np.int32, count=len(self.known))
        hashes = _hash(table)
        slot = (hashes >> np.uint64(64 - self.bits)).astype(np.intp)
        _slots, first = np.unique(slot, return_index=True)
        self.word0[slot[first]], self.word1[slot[first]] = table[first, 0], table[first, 1]
        self.ids[slot[first]] = ids[first]
        over = np.ones(len(table), dtype=bool)
        over[first] = False
        order = np.argsort(hashes[over])
        self.over_hash = hashes[over][order]
        self.over_keys, self.over_ids = table[over][order], ids[over][order]
        self.collided = len(np.unique(hashes)) != len(hashes)


def _take(cols: PositionColumns, keep: np.ndarray) -> PositionColumns:
    arrays = {name: value[keep] for name, value in vars(cols).items() if isinstance(value, np.ndarray)}
    return PositionColumns(**arrays, sources=cols.sources, raw=None)
