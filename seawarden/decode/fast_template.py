"""Framing of the lines that share one layout: every field in fixed columns, checked column by column.

A feed writes its lines from one template (``\\s:2573555,c:1565218798*hh\\!AIVDM,1,1,,A,<28>,0*hh``
is 76 bytes on every position report of Kystverket's network), so for the most common line
lengths one line is parsed in Python to learn where each field sits, and every line of that length
is checked against it with one array operation per column: delimiters, digits, hex, checksums,
the ``c:`` time and the ``s:`` source. Lines that do not match exactly (another layout, a comma
where the template has none, ...) go to the general framer (:func:`fast_frame.frame`), which
searches per line, so the result is the same, only cheaper for the lines that match.
"""

import re
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seawarden.decode.fast_frame import (
    _CHANNELS,
    _HEX,
    _MS_THRESHOLD,
    _TAG_KEY,
    _UPPER,
    MAX_FRAGMENTS,
    MAX_PAYLOAD,
    MIN_LINE,
    SOURCE_WIDTH,
    TAG_WINDOW,
    FramedLines,
    _c,
    _forbidden,
    _xor_words,
)
from seawarden.decode.nmea import EARLIEST_TIME, LATEST_TIME

MIN_SHARE = 0.05  # a line length gets a template when this share of the buffer's lines has it
MAX_TEMPLATES = 6  # templates tried per buffer
_SENTENCE = re.compile(
    rb"!([A-Z]{2})VD([MO]),([1-9]),([1-9]),([0-9]?),([AB12]?),([0-W`-w]+),([0-5])\*([0-9A-Fa-f]{2})"
)


@dataclass(frozen=True)
class Template:
    """Where each field of one line layout sits (columns from the line start)."""

    length: int
    bang: int  # the '!'; 0 without a tag block
    tag_fields: tuple[tuple[str, int, int], ...]  # (key, value start, value end)
    tag_star: int  # the tag block's '*' (0: no tag block)
    count: int  # column of the fragment count (the fragment number is two further)
    seq: int | None
    channel: int | None
    payload: tuple[int, int]
    fill: int
    star: int

    @classmethod
    def of(cls, line: bytes) -> "Template | None":
        """The template of one line, or None when the line is not a fast-path shape."""
        bang, tag_fields, tag_star = 0, (), 0
        if line.startswith(b"\\"):
            close = line.find(b"\\", 1)
            tag_star = close - 3
            if close < 0 or line[tag_star : tag_star + 1] != b"*" or not 3 <= tag_star - 1 <= TAG_WINDOW:
                return None
            fields = []
            at = 1
            for item in line[1:tag_star].split(b","):
                if len(item) < 2 or not _TAG_KEY[item[0]] or item[1:2] != b":":
                    return None
                fields.append((chr(item[0]), at + 2, at + len(item)))
                at += len(item) + 1
            keys = [key for key, _a, _b in fields]
            if keys.count("c") > 1 or keys.count("s") > 1:
                return None
            tag_fields, bang = tuple(fields), close + 1
        match = _SENTENCE.fullmatch(line, bang)
        if match is None or int(match[3]) > MAX_FRAGMENTS or len(match[7]) > MAX_PAYLOAD:
            return None
        return cls(
            length=len(line),
            bang=bang,
            tag_fields=tag_fields,
            tag_star=tag_star,
            count=match.start(3),
            seq=match.start(5) if match[5] else None,
            channel=match.start(6) if match[6] else None,
            payload=(match.start(7), match.end(7)),
            fill=match.start(8),
            star=match.start(9) - 1,
        )


def frame_templates(
    buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, max_line_bytes: int
) -> tuple[list[FramedLines], np.ndarray]:
    """Frame the lines of the common layouts; returns them and the indexes of all other lines."""
    lengths = ends - starts
    rest = np.ones(len(starts), dtype=bool)
    done: list[FramedLines] = []
    counts = np.bincount(lengths[(lengths >= MIN_LINE) & (lengths <= max_line_bytes)])
    common = np.flatnonzero(counts >= max(64, MIN_SHARE * len(starts)))
    tries = 0
    for length in common[np.argsort(-counts[common], kind="stable")].tolist():
        rows = np.flatnonzero(lengths == length)
        for _attempt in range(2):  # a second layout of the same length (e.g. another talker's)
            if tries >= MAX_TEMPLATES or len(rows) < 64:
                break
            tries += 1
            samples = (rows[k * len(rows) // 3] for k in range(3))  # a corrupt first line must not decide
            template = next((t for r in samples if (t := Template.of(bytes(buf[starts[r] : ends[r]])))), None)
            if template is None:
                break
            lines = sliding_window_view(buf, length)[starts[rows]]
            framed, matched = _match(lines, template, rows)
            if matched.any():
                done.append(framed)
                rest[rows[matched]] = False
            rows = rows[~matched]
    return done, np.flatnonzero(rest)


def _hex(lines: np.ndarray, col: int) -> np.ndarray:
    high, low = _HEX[lines[:, col]], _HEX[lines[:, col + 1]]
    return np.where((high >= 0) & (low >= 0), high * 16 + low, -1)


def _words(lines: np.ndarray, a: int, b: int) -> np.ndarray:
    """Columns [a, b) as zero-padded uint64 words."""
    padded = np.zeros((len(lines), (b - a + 7) // 8 * 8), dtype=np.uint8)
    padded[:, : b - a] = lines[:, a:b]
    return padded.view(np.uint64)


def _digits(lines: np.ndarray, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose columns [a, b) are all digits, and their value (b - a <= 13)."""
    ok = np.ones(len(lines), dtype=bool)
    value = np.zeros(len(lines), dtype=np.int64)
    for col in range(a, b):  # Horner, column by column (a matrix product would start BLAS threads)
        digit = lines[:, col] - np.uint8(48)
        ok &= digit <= 9
        value *= 10
        value += digit
    return ok, value


def _match(lines: np.ndarray, t: Template, rows: np.ndarray) -> tuple[FramedLines, np.ndarray]:
    """Check every line against the template; returns the matching lines framed, and the match mask."""
    n = len(lines)
    ok = np.ones(n, dtype=bool)

    def expect(col: int, char: str) -> None:
        nonlocal ok
        ok &= lines[:, col] == _c(char)

    tag_time = np.full(n, np.nan)
    source_key = np.zeros((n, SOURCE_WIDTH // 8), dtype=np.uint64)
    source_len = np.full(n, -1, dtype=np.int64)
    tag_checksum_ok = np.ones(n, dtype=bool)
    if t.tag_star:
        expect(0, "\\")
        expect(t.tag_star, "*")
        expect(t.bang - 1, "\\")
        tag_sum = _hex(lines, t.tag_star + 1)
        ok &= tag_sum >= 0
        body = _words(lines, 1, t.tag_star)  # for the checksum; the bytes are checked field by field:
        # keys, ':' and ',' by the template, c: digits, other values by _bad_value (no comma there, as
        # in the template, and nothing the general framer forbids in a tag block)
        for key, a, b in t.tag_fields:
            ok &= lines[:, a - 2] == _c(key)
            expect(a - 1, ":")
            if b < t.tag_star:
                expect(b, ",")
            if key == "c":
                if not 1 <= b - a <= 13:
                    return FramedLines.empty(), np.zeros(n, dtype=bool)
                digits_ok, epoch = _digits(lines, a, b)
                seconds = np.where(epoch >= _MS_THRESHOLD, epoch / 1000.0, epoch.astype(float))
                ok &= digits_ok & (seconds >= EARLIEST_TIME) & (seconds <= LATEST_TIME)
                tag_time = seconds
            elif b - a > 0:
                ok &= ~_bad_value(lines, a, b)
                if key == "s":
                    if b - a > SOURCE_WIDTH:
                        return FramedLines.empty(), np.zeros(n, dtype=bool)
                    source = np.zeros((n, SOURCE_WIDTH), dtype=np.uint8)
                    source[:, : b - a] = lines[:, a:b]
                    source_key = source.view(np.uint64)
            if key == "s":
                source_len[:] = b - a
        tag_checksum_ok = _xor_words(body) == tag_sum
    bang = t.bang
    expect(bang, "!")
    ok &= _UPPER[lines[:, bang + 1]] & _UPPER[lines[:, bang + 2]]
    expect(bang + 3, "V")
    expect(bang + 4, "D")
    kind = lines[:, bang + 5]
    ok &= (kind == _c("M")) | (kind == _c("O"))
    count = lines[:, t.count].astype(np.int64) - ord("0")
    number = lines[:, t.count + 2].astype(np.int64) - ord("0")
    ok &= (count >= 1) & (count <= MAX_FRAGMENTS) & (number >= 1) & (number <= count)
    for col in (bang + 6, t.count + 1, t.count + 3, t.payload[0] - 1, t.payload[1]):
        expect(col, ",")
    seq = np.zeros(n, dtype=np.uint8)
    expect(t.count + 4 if t.seq is None else t.seq + 1, ",")  # the comma after the sequence id
    if t.seq is not None:
        seq = lines[:, t.seq].copy()
        ok &= (seq >= _c("0")) & (seq <= _c("9"))
    channel = np.zeros(n, dtype=np.uint8)
    if t.channel is not None:
        channel = lines[:, t.channel].copy()
        ok &= _CHANNELS[channel]
    fill = lines[:, t.fill].astype(np.int64) - ord("0")
    ok &= (fill >= 0) & (fill <= 5)
    expect(t.star, "*")
    checksum = _hex(lines, t.star + 1)
    ok &= _xor_words(_words(lines, bang + 1, t.star)) == checksum
    talker = (
        (lines[:, bang + 1].astype(np.int64) << 16) | (lines[:, bang + 2].astype(np.int64) << 8) | kind
    ).astype(np.int64)
    framed = FramedLines(
        line=rows,
        payload_start=np.full(n, t.payload[0], dtype=np.int64),  # the caller adds the line starts
        payload_chars=np.full(n, t.payload[1] - t.payload[0], dtype=np.int64),
        fill=fill,
        frag_count=count,
        frag_num=number,
        seq=seq,
        talker=talker,
        channel=channel,
        tag_time=tag_time,
        source_key=source_key,
        source_len=source_len,
        tag_checksum_ok=tag_checksum_ok,
    ).take(ok)
    return framed, ok


def _bad_value(lines: np.ndarray, a: int, b: int) -> np.ndarray:
    """Rows whose tag value in columns [a, b) holds a comma or a byte ``_forbidden`` rejects."""
    return _forbidden(_words(lines, a, b), b - a, also=b",")
