"""Vectorised NMEA framing of whole buffers: which lines are plain AIS sentences, and their fields.

A line qualifies for the fast path only when its shape is fully checked here, byte by byte, with
array operations over all lines at once::

    [\\c:<epoch>,s:<source>,<k>:<v>*hh\\]!ccVDM,<1|2>,<n>,[d],[A|B|1|2],<armoured payload>,<fill>*hh

The sentence is located from the *end* of the line (its layout is fixed once the payload length
is known), so no per-byte search over the buffer is needed; the NMEA checksum is an XOR reduction
over a fixed-width window per group of equal-length lines. Anything else (three or more
fragments, timestamp prefixes, trailing metadata, group tag blocks, odd spacing, bad checksums)
is left to the reference :class:`~seawarden.decode.Decoder`, which owns every reject reason and
every edge case.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seawarden.decode.nmea import EARLIEST_TIME, LATEST_TIME

PAD = 128  # zero bytes the caller appends after the data, so fixed-width windows never run off the end
TAG_WINDOW = 64  # longest tag block body handled here
SOURCE_WIDTH = 16  # longest tag-block ``s:`` value handled here
MIN_LINE = 18  # "!AIVDM,1,1,,,x,0*hh"
MAX_PAYLOAD = 64  # longest payload of one sentence handled here (82-character sentences carry <= 62)
MAX_FRAGMENTS = 2  # two-part messages (type 5, long type 19/21) are paired here; longer go to the reference
COMMON_PAYLOADS = (11, 16, 27, 28, 52, 60)  # type 5 part 2, 27, 24A, 1-4/18/24B, 19, multipart part 1
_MS_THRESHOLD = 100_000_000_000  # as nmea.parse_epoch: larger c: values are milliseconds

_HEX = np.full(256, -1, dtype=np.int16)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i
_UPPER = np.zeros(256, dtype=bool)
_UPPER[ord("A") : ord("Z") + 1] = True
_ALNUM = _UPPER.copy()
_ALNUM[ord("a") : ord("z") + 1] = True
_ALNUM[ord("0") : ord("9") + 1] = True
_TAG_FORBIDDEN = np.ones(256, dtype=bool)  # inside a tag block: no spaces, controls or backslash
_TAG_FORBIDDEN[0x21:0x7F] = False
_TAG_FORBIDDEN[ord("\\")] = True
_TAG_KEY = _ALNUM.copy()  # a one-character field key; g: (groups) is the reference's business
_TAG_KEY[ord("g")] = False
_DIGIT = np.full(256, -1, dtype=np.int64)
_DIGIT[ord("0") : ord("9") + 1] = np.arange(10)
_CHANNELS = np.zeros(256, dtype=bool)
_CHANNELS[list(b"AB12")] = True


def _c(char: str) -> np.uint8:
    return np.uint8(ord(char))


@dataclass
class FramedLines:
    """The fast candidates of one buffer (one row per candidate line, in line order)."""

    line: np.ndarray  # int64 index of the line in the buffer
    payload_start: np.ndarray  # int64 byte offset of the payload
    payload_chars: np.ndarray  # int64
    fill: np.ndarray  # int64 fill bits 0-5
    frag_count: np.ndarray  # int64 1..MAX_FRAGMENTS
    frag_num: np.ndarray  # int64
    seq: np.ndarray  # uint8 sequence id byte, 0 = none
    talker: np.ndarray  # int64 key: three bytes ``cc`` + ``M``/``O`` (see talker_text)
    channel: np.ndarray  # uint8 byte, 0 = none
    tag_time: np.ndarray  # float64 epoch seconds from ``c:``, NaN = none
    source_key: np.ndarray  # (n, 2) uint64: the ``s:`` value's 16 bytes, zero padded (0, 0: none)
    source_len: np.ndarray  # int64, -1 = no ``s:``
    tag_checksum_ok: np.ndarray  # bool (True when there is no tag block)

    @classmethod
    def empty(cls) -> "FramedLines":
        return cls.concat([])

    @classmethod
    def concat(cls, parts: "list[FramedLines]") -> "FramedLines":
        """Rows of several framings, in line order."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            zeros = np.zeros(0, dtype=np.int64)
            return cls(
                line=zeros, payload_start=zeros, payload_chars=zeros, fill=zeros, frag_count=zeros,
                frag_num=zeros, seq=np.zeros(0, np.uint8), talker=zeros, channel=np.zeros(0, np.uint8),
                tag_time=np.zeros(0), source_key=np.zeros((0, SOURCE_WIDTH // 8), np.uint64),
                source_len=zeros, tag_checksum_ok=np.zeros(0, bool),
            )  # fmt: skip
        merged = cls(**{name: np.concatenate([vars(p)[name] for p in parts]) for name in vars(parts[0])})
        if len(merged.line) > 1 and (np.diff(merged.line) < 0).any():
            merged = merged.take(np.argsort(merged.line, kind="stable"))
        return merged

    def take(self, keep: np.ndarray) -> "FramedLines":
        if keep.dtype == bool and keep.all():
            return self
        return FramedLines(**{name: value[keep] for name, value in vars(self).items()})


def talker_text(key: int) -> str:
    return f"{chr(key >> 16)}{chr((key >> 8) & 255)}VD{chr(key & 255)}"


def _hex_byte(buf: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Value of the two hex digits at pos, pos+1; -1 when either is not hex."""
    high, low = _HEX[buf[pos]], _HEX[buf[pos + 1]]
    return np.where((high >= 0) & (low >= 0), high * 16 + low, -1)


def _xor(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """XOR of ``length`` bytes from ``start`` per row: one unmasked window per distinct length (few)."""
    out = np.zeros(len(start), dtype=np.int16)
    for size in np.flatnonzero(np.bincount(length, minlength=1)).tolist():
        rows = np.flatnonzero(length == size) if size else None
        if rows is not None:
            out[rows] = np.bitwise_xor.reduce(sliding_window_view(buf, size)[start[rows]], axis=1)
    return out


def _payload_lengths(buf: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Characters between the last comma before ``,f*hh`` and it (0: none within MAX_PAYLOAD).

    The usual lengths are probed first; the caller's armour check rejects a probe that spans a
    comma (armoured characters never include ','), so only the rest need the window search.
    """
    plen = np.zeros(len(e), dtype=np.int64)
    for chars in COMMON_PAYLOADS:  # ascending: a shorter payload's comma lies inside a longer one
        hit = (plen == 0) & (buf[np.maximum(e - 6 - chars, 0)] == _c(","))
        plen[hit] = chars
    rest = np.flatnonzero(plen == 0)
    if len(rest):
        window = sliding_window_view(buf, MAX_PAYLOAD)[np.maximum(e[rest] - 6 - MAX_PAYLOAD + 1, 0)]
        commas = window[:, ::-1] == _c(",")  # column k: k characters before the payload end
        found = commas.any(axis=1)
        plen[rest] = np.where(found, commas.argmax(axis=1), 0)
    return plen


def frame(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, max_line_bytes: int) -> FramedLines:
    """Fast candidates among the lines ``[starts, ends)`` of ``buf`` (which has PAD zero bytes appended)."""
    idx = np.flatnonzero(((ends - starts) >= MIN_LINE) & ((ends - starts) <= max_line_bytes))
    s, e = starts[idx], ends[idx]
    fill = buf[e - 4].astype(np.int64) - ord("0")
    ok = (buf[e - 3] == _c("*")) & (fill >= 0) & (fill <= 5) & (buf[e - 5] == _c(","))
    checksum = _hex_byte(buf, e - 2)
    ok &= checksum >= 0
    plen = _payload_lengths(buf, e)
    ok &= plen > 0
    comma = e - 6 - plen  # before the payload
    no_channel = buf[comma - 1] == _c(",")
    channel = np.where(no_channel, 0, buf[comma - 1]).astype(np.uint8)
    ok &= no_channel | (_CHANNELS[buf[comma - 1]] & (buf[comma - 2] == _c(",")))
    comma = np.where(no_channel, comma - 1, comma - 2)  # before the channel
    no_seq = buf[comma - 1] == _c(",")
    seq = np.where(no_seq, 0, buf[comma - 1]).astype(np.uint8)
    ok &= no_seq | ((buf[comma - 1] >= _c("0")) & (buf[comma - 1] <= _c("9")) & (buf[comma - 2] == _c(",")))
    comma = np.where(no_seq, comma - 1, comma - 2)  # before the sequence id
    number = buf[comma - 1].astype(np.int64) - ord("0")
    count = buf[comma - 3].astype(np.int64) - ord("0")
    ok &= (count >= 1) & (count <= MAX_FRAGMENTS) & (number >= 1) & (number <= count)
    ok &= (buf[comma - 2] == _c(",")) & (buf[comma - 4] == _c(","))
    ok &= (buf[comma - 7] == _c("V")) & (buf[comma - 6] == _c("D"))
    ok &= (buf[comma - 5] == _c("M")) | (buf[comma - 5] == _c("O"))
    ok &= _UPPER[buf[comma - 8]] & _UPPER[buf[comma - 9]]
    p = comma - 10  # the '!'
    ok &= (p >= s) & (buf[np.maximum(p, 0)] == _c("!"))
    keep = np.flatnonzero(ok)
    idx, s, e, p, plen, channel, checksum, seq, fill, count, number = (
        a[keep] for a in (idx, s, e, p, plen, channel, checksum, seq, fill, count, number)
    )
    talker = (
        (buf[p + 1].astype(np.int64) << 16) | (buf[p + 2].astype(np.int64) << 8) | buf[p + 5].astype(np.int64)
    )
    ok = _xor(buf, p + 1, e - 4 - p) == checksum
    framed = FramedLines(
        line=idx,
        payload_start=e - 5 - plen,
        payload_chars=plen,
        fill=fill,
        frag_count=count,
        frag_num=number,
        seq=seq,
        talker=talker,
        channel=channel,
        tag_time=np.full(len(idx), np.nan),
        source_key=np.zeros((len(idx), SOURCE_WIDTH // 8), dtype=np.uint64),
        source_len=np.full(len(idx), -1, dtype=np.int64),
        tag_checksum_ok=np.ones(len(idx), dtype=bool),
    )
    tagged = np.flatnonzero(ok & (p > s))
    if len(tagged):
        ok[tagged] = _tag_blocks(buf, s[tagged], p[tagged], framed, tagged)
    return framed.take(ok)


def _tag_blocks(
    buf: np.ndarray, s: np.ndarray, p: np.ndarray, out: FramedLines, rows: np.ndarray
) -> np.ndarray:
    """Parse ``\\k:v,...*hh\\`` between s and p (the '!'); fills ``out`` at rows; returns which are fast.

    Real feeds write the same tag layout on every line (``s:2573555,c:1565218798``), so lines are
    grouped by body length and comma positions: within a group every field sits in fixed columns
    and is checked and converted with a few whole-column operations. Rare layouts (more than
    ``_MAX_LAYOUTS`` per body length) take the general column scan.
    """
    n = len(s)
    body_len = p - 4 - (s + 1)
    ok = (buf[s] == _c("\\")) & (buf[p - 1] == _c("\\")) & (buf[p - 4] == _c("*"))
    ok &= (body_len >= 3) & (body_len <= TAG_WINDOW)
    checksum = _hex_byte(buf, p - 3)
    ok &= checksum >= 0
    first = s + 1
    tag = _TagFields(n)
    counts = np.bincount(np.where(ok, body_len, 0), minlength=TAG_WINDOW + 1)
    counts[0] = 0
    for length in np.flatnonzero(counts).tolist():
        at = np.flatnonzero(ok & (body_len == length))
        body = sliding_window_view(buf, length)[first[at]]
        words = _words(body)
        tag.checksum[at] = _xor_words(words)
        tag.bad[at] = _forbidden(words, length)
        rest = _layouts(body, at, tag)
        if len(rest):
            _tag_scan(buf, first[rest], body_len[rest], tag, rest)
    ok &= ~tag.bad
    has_c, has_s = tag.count_c == 1, tag.count_s == 1
    ok &= (tag.count_c <= 1) & (tag.count_s <= 1)
    ok &= ~has_c | ((tag.c_len >= 1) & (tag.c_len <= 13))
    seconds = np.where(tag.epoch >= _MS_THRESHOLD, tag.epoch / 1000.0, tag.epoch.astype(float))
    ok &= ~has_c | ((seconds >= EARLIEST_TIME) & (seconds <= LATEST_TIME))
    s_len = np.where(has_s, tag.s_end - tag.s_start, -1)
    ok &= s_len <= SOURCE_WIDTH
    checksum_ok = (tag.checksum == checksum) & ok
    named = np.flatnonzero(ok & has_s)
    if len(named):
        out.source_key[rows[named]] = tag.source_key[named]
    out.tag_time[rows] = np.where(has_c, seconds, np.nan)
    out.source_len[rows] = s_len
    out.tag_checksum_ok[rows] = checksum_ok | ~ok
    return ok


_MAX_LAYOUTS = 8  # distinct comma layouts per body length handled column-wise; the rest are scanned


class _TagFields:
    """What the tag-block parsers find per row (offsets relative to the body start)."""

    def __init__(self, n: int) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.count_c = np.zeros(n, dtype=np.int8)
        self.count_s = np.zeros(n, dtype=np.int8)
        self.c_len = np.zeros(n, dtype=np.int64)
        self.epoch = np.zeros(n, dtype=np.int64)
        self.s_start = np.zeros(n, dtype=np.int64)
        self.s_end = np.zeros(n, dtype=np.int64)
        self.checksum = np.zeros(n, dtype=np.int16)
        self.source_key = np.zeros((n, SOURCE_WIDTH // 8), dtype=np.uint64)  # as FramedLines.source_key


def _words(rows: np.ndarray) -> np.ndarray:
    """Rows of bytes as uint64 words (zero padded), for eight-bytes-at-a-time checks."""
    n, width = rows.shape
    padded = np.zeros((n, (width + 7) // 8 * 8), dtype=np.uint8)
    padded[:, :width] = rows
    return padded.view(np.uint64)


def _xor_words(words: np.ndarray) -> np.ndarray:
    """XOR of each row's bytes (zero padding does not change it)."""
    word = words[:, 0].copy()
    for col in range(1, words.shape[1]):  # column by column: a row-wise reduce pays per row
        word ^= words[:, col]
    for shift in (32, 16, 8):
        word ^= word >> np.uint64(shift)
    return (word & np.uint64(255)).astype(np.int16)


def _bytes_of(value: int) -> np.uint64:
    return np.uint64(value * 0x0101010101010101)


def _forbidden(words: np.ndarray, width: int, also: bytes = b"") -> np.ndarray:
    """Rows with a byte outside ``!``..``~``, a backslash or a byte of ``also`` (ASCII) among their
    first ``width`` bytes.

    Exact per-byte tests on 7-bit lanes (no carry crosses a byte), eight bytes per operation.
    """
    high = _bytes_of(0x80)
    low = words & _bytes_of(0x7F)
    flags = words & high  # non-ASCII
    flags |= ~(low + _bytes_of(0x80 - 0x21)) & high  # below '!' (controls, space)
    flags |= (low + _bytes_of(0x01)) & high  # DEL
    for value in (0x5C, *also):  # backslash, then the caller's: a lane whose 7 bits equal the value
        flags |= ~((low ^ _bytes_of(value)) + _bytes_of(0x7F)) & high
    valid = np.zeros(words.shape[1] * 8, dtype=np.uint8)
    valid[:width] = 0xFF
    flags &= valid.view(np.uint64)
    return _any_word(flags)


def _any_word(words: np.ndarray) -> np.ndarray:
    """Rows with a non-zero word (column by column: a row-wise reduce pays per row)."""
    acc = words[:, 0].copy()
    for col in range(1, words.shape[1]):
        acc |= words[:, col]
    return acc != 0


def _layouts(body: np.ndarray, at: np.ndarray, tag: _TagFields) -> np.ndarray:
    """Parse bodies of one length by comma layout; returns the rows (of ``at``) left to the scan."""
    length = body.shape[1]
    commas = body == _c(",")
    packed = np.zeros((len(body), 8), dtype=np.uint8)
    packed[:, : (length + 7) // 8] = np.packbits(commas, axis=1, bitorder="little")
    layout = packed.view(np.uint64)[:, 0]
    todo = np.arange(len(body))
    for _ in range(_MAX_LAYOUTS):
        if not len(todo):
            break
        same = layout[todo] == layout[todo[0]]
        group = todo[same] if not same.all() else todo
        todo = todo[~same] if not same.all() else todo[:0]
        _fixed_layout(body if len(group) == len(body) else body[group], at[group], tag, commas[group[0]])
    return at[todo]


def _fixed_layout(body: np.ndarray, rows: np.ndarray, tag: _TagFields, commas: np.ndarray) -> None:
    """Bodies with the same length and comma positions: each field in fixed columns (reference rules)."""
    bounds = [-1, *np.flatnonzero(commas).tolist(), body.shape[1]]
    bad = np.zeros(len(body), dtype=bool)
    for left, right in itertools.pairwise(bounds):
        a, b = left + 1, right  # the field is body[:, a:b]
        if b - a < 2:  # empty, or a key without ":" (a one-character key is all this path takes)
            tag.bad[rows] = True
            return
        key = body[:, a]
        bad |= ~_TAG_KEY[key] | (body[:, a + 1] != _c(":"))
        value = body[:, a + 2 : b]  # its characters were checked by _forbidden
        if (key == key[0]).all():
            _field(chr(key[0]), value, rows, tag, a, b, bad, slice(None))
        else:
            for char in (b"c", b"s"):
                where = np.flatnonzero(key == char[0])
                if len(where):
                    _field(char.decode(), value[where], rows[where], tag, a, b, bad, where)
    tag.bad[rows] |= bad


def _field(
    key: str, value: np.ndarray, rows: np.ndarray, tag: _TagFields, a: int, b: int, bad: np.ndarray, where
) -> None:
    """One ``c:`` or ``s:`` field (other keys are only checked for forbidden characters)."""
    width = b - a - 2
    if key == "s":
        tag.count_s[rows] += 1
        tag.s_start[rows] = a + 2
        tag.s_end[rows] = b
        if width <= SOURCE_WIDTH:
            source = np.zeros((len(value), SOURCE_WIDTH), dtype=np.uint8)
            source[:, :width] = value
            tag.source_key[rows] = source.view(np.uint64)
    elif key == "c":
        tag.count_c[rows] += 1
        if width > 13:
            bad[where] = True
            return
        digits = value - np.uint8(48)
        bad[where] |= _any_rows(digits > 9)
        tag.c_len[rows] = width
        epoch = np.zeros(len(digits), dtype=np.int64)
        for col in range(width):  # Horner (a matrix product would start BLAS threads)
            epoch *= 10
            epoch += digits[:, col]
        tag.epoch[rows] = epoch


def _any_rows(mask: np.ndarray) -> np.ndarray:
    """``mask.any(axis=1)`` for a few columns: one vector OR per column instead of a loop per row."""
    acc = np.zeros(len(mask), dtype=bool)
    for col in range(mask.shape[1]):
        acc |= mask[:, col]
    return acc


def _tag_scan(buf: np.ndarray, first: np.ndarray, body_len: np.ndarray, tag: _TagFields, rows) -> None:
    """The general parser: one pass over the columns of the bodies, a few 1-D operations per step.

    Validity of every field (one-character key, never a group ``g:``, no empty field), the ``c:``
    digits and where the ``s:`` value lies.
    """
    n = len(first)
    width = int(body_len.max(initial=0))
    columns = sliding_window_view(buf, width + 1)[first].T.copy()  # (width + 1, n): one row per column
    key = np.zeros(n, dtype=np.uint8)  # key of the field the scan is in
    count_c = np.zeros(n, dtype=np.int8)
    count_s = np.zeros(n, dtype=np.int8)
    s_start = np.zeros(n, dtype=np.int64)
    s_end = body_len.copy()
    c_len = np.zeros(n, dtype=np.int64)
    epoch = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    field_start = np.ones(n, dtype=bool)
    offset = np.zeros(n, dtype=np.int64)
    for k in range(width):
        char, after = columns[k], columns[k + 1]
        inside = k < body_len
        start = field_start & inside
        bad |= inside & _TAG_FORBIDDEN[char]
        bad |= start & ~(_TAG_KEY[char] & (after == _c(":")))
        key = np.where(start, char, key)
        is_s = start & (char == _c("s"))
        count_c += start & (char == _c("c"))
        count_s += is_s
        s_start = np.where(is_s, k + 2, s_start)
        comma = inside & (char == _c(","))
        s_end = np.where(comma & (key == _c("s")), k, s_end)  # one s: field, one comma ends it
        offset = np.where(start, 0, offset + 1)  # position within the current field
        in_c = inside & ~comma & (key == _c("c")) & (offset >= 2)
        digit = _DIGIT[char]
        bad |= in_c & (digit < 0)
        epoch = np.where(in_c, epoch * 10 + digit, epoch)
        c_len += in_c
        field_start = comma
    bad |= columns[np.maximum(body_len - 1, 0), np.arange(n)] == _c(",")  # an empty last field
    tag.bad[rows] |= bad
    tag.count_c[rows] = count_c
    tag.count_s[rows] = count_s
    tag.c_len[rows] = c_len
    tag.epoch[rows] = epoch
    tag.s_start[rows] = s_start
    tag.s_end[rows] = s_end
    s_len = s_end - s_start
    if (s_len > 0).any():
        window = sliding_window_view(buf, SOURCE_WIDTH)[first + s_start]
        source = np.where(np.arange(SOURCE_WIDTH)[None, :] < s_len[:, None], window, 0).astype(np.uint8)
        tag.source_key[rows] = source.view(np.uint64)
