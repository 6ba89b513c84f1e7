"""NMEA 0183 line framing: prefixes, NMEA 4.0 tag blocks, sentence fields, checksums, trailing metadata.

Pure functions: one text line in, one :class:`Line` out (or a :class:`FramingError` naming the
reject reason). Multipart reassembly and AIS payload decoding happen later, in the decoder.

Line shapes handled (any may combine with a tag block)::

    !AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29                 plain (any talker, VDM/VDO)
    \\s:rORBCOMM008,c:1418169601*37\\!AIVDM,...                        NMEA 4.0 tag block
    \\g:2-2-1604*59\\!AIVDM,...   \\1G2:0125,c:...*0D\\!AIVDM,...          tag-block groups (two spellings)
    \\c:1354719388*56\\                                               tag block alone: applies to next line
    $PGHP,1,2010,6,11,11,46,11,929,244,0,,1,72*21                    Gatehouse time of the next sentence
    2019-08-07 22:59:58.123 !AIVDM,...   1565218798 !AIVDM,...       timestamp prefix
    !AIVDM,...,0*30,d-080,S2118,t050056.00,T56.48,r003669946,1325394060   USCG/libais trailing metadata
"""

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from seawarden.decode.results import RejectReason

# Receive times outside this window are typos or unit mix-ups (ms read as s), not AIS data.
EARLIEST_TIME = 631_152_000.0  # 1990-01-01: before AIS existed
LATEST_TIME = 4_102_444_800.0  # 2100-01-01
_MS_THRESHOLD = 100_000_000_000  # c: values above this are milliseconds (1e11 s is the year 5138)

# Six-bit armouring uses ASCII 48-87 and 96-119 (ITU-R M.1371 / IEC 61162-1 table 8).
_PAYLOAD_RE = re.compile(r"[0-W`-w]*")
_HEX2_RE = re.compile(r"[0-9A-Fa-f]{2}")
_EPOCH_RE = re.compile(r"\d{9,13}(?:\.\d+)?")
_GROUP_DASH_RE = re.compile(r"(\d+)-(\d+)-(\d+)")
_GROUP_G_RE = re.compile(r"(\d+)G(\d+)")


class FramingError(Exception):
    """A line that cannot be framed; carries the reject reason and a human detail."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class LineKind(enum.Enum):
    AIS = "ais"  # !xxVDM / !xxVDO sentence
    GATEHOUSE = "gatehouse"  # $PGHP,1 time wrapper for the next sentence
    TAG_ONLY = "tag_block"  # a tag block with no sentence: applies to the next sentence
    OTHER_NMEA = "nmea_other"  # GPS, gyro, proprietary ... sentences: ignored


@dataclass(slots=True, frozen=True)
class TagBlock:
    """The fields of an NMEA 4.0 tag block that matter for AIS (others are kept in ``fields``)."""

    time: float | None = None  # c: (seconds or milliseconds since 1970)
    source: str | None = None  # s:
    group: tuple[int, int, str] | None = None  # (sentence number, total, group id)
    fields: tuple[tuple[str, str], ...] = ()
    checksum_ok: bool = True  # False: the tag block's own checksum did not match (see parse_tag_block)


@dataclass(slots=True, frozen=True)
class Sentence:
    """One framed AIVDM/AIVDO sentence (checksum already verified)."""

    text: str  # the bare sentence, ``!AIVDM...*hh``, without tag block, prefix or trailer
    talker: str  # "AIVDM", "BSVDM", "AIVDO" ...
    frag_count: int
    frag_num: int
    seq_id: str | None
    channel: str | None
    payload: str
    fill_bits: int


@dataclass(slots=True, frozen=True)
class Line:
    """A framed input line with the metadata found around its sentence."""

    kind: LineKind
    sentence: Sentence | None = None
    tag: TagBlock | None = None
    gatehouse_time: float | None = None
    prefix_time: float | None = None  # timestamp prefix or trailing epoch
    station: str | None = None  # USCG trailing ``r...`` receiver id


def nmea_checksum(body: str) -> int:
    """XOR of the characters between the start delimiter and ``*`` (IEC 61162-1)."""
    value = 0
    for char in body.encode("ascii", "replace"):
        value ^= char
    return value


def _checked_time(value: float, what: str) -> float:
    if not EARLIEST_TIME <= value <= LATEST_TIME:
        raise FramingError(RejectReason.INVALID_FIELD, f"{what} {value!r} is outside 1990-2100")
    return value


def parse_epoch(text: str, what: str = "time") -> float:
    """Seconds or milliseconds since 1970 -> seconds (digit count decides, as receivers mix both)."""
    try:
        value = float(text)
    except ValueError:
        raise FramingError(RejectReason.MALFORMED, f"{what} {text!r} is not a number") from None
    if value != value or value < 0:  # NaN or negative
        raise FramingError(RejectReason.MALFORMED, f"{what} {text!r} is not a valid epoch")
    if value >= _MS_THRESHOLD:
        value /= 1000.0
    return _checked_time(value, what)


def parse_tag_block(content: str) -> TagBlock:
    """Parse ``s:..,c:..,g:..*hh`` (the text between the backslashes), checking its checksum.

    A checksum mismatch does not reject the line: the AIS sentence after it carries its own checksum,
    and real feeds get the tag checksum wrong while the fields are right (Kystverket adds ``g:`` to a
    tag block without recomputing ``*hh``; 12 % of its sample lines). Rejecting them would lose valid
    positions, so the block is parsed, marked ``checksum_ok=False`` and counted as a warning.
    """
    star = content.rfind("*")
    if star < 0:
        raise FramingError(RejectReason.MALFORMED, "tag block without checksum")
    body, checksum = content[:star], content[star + 1 :]
    if not _HEX2_RE.fullmatch(checksum):
        raise FramingError(
            RejectReason.BAD_CHECKSUM, f"tag block checksum {checksum!r} is not two hex digits"
        )
    checksum_ok = int(checksum, 16) == nmea_checksum(body)
    time = source = None
    group: tuple[int, int, str] | None = None
    fields: list[tuple[str, str]] = []
    for item in body.split(","):
        key, sep, value = item.partition(":")
        if not sep or not key:
            raise FramingError(RejectReason.MALFORMED, f"tag block field {item!r} is not key:value")
        fields.append((key, value))
        if key == "c":
            time = parse_epoch(value, "tag block c:")
        elif key == "s":
            source = value
        elif key == "g":
            match = _GROUP_DASH_RE.fullmatch(value)
            if not match:
                raise FramingError(RejectReason.MALFORMED, f"tag block group {value!r} is not n-m-id")
            group = (int(match[1]), int(match[2]), match[3])
        elif match := _GROUP_G_RE.fullmatch(key):  # IEC 61162-1 ``1G2:0125`` spelling
            group = (int(match[1]), int(match[2]), value)
    if group is not None and not 1 <= group[0] <= group[1]:
        raise FramingError(RejectReason.MALFORMED, f"tag block group {group[0]} of {group[1]}")
    return TagBlock(time=time, source=source, group=group, fields=tuple(fields), checksum_ok=checksum_ok)


_PREFIX_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M:%S.%f")


def parse_prefix_time(prefix: str) -> float:
    """A timestamp written before the sentence: epoch s/ms, ISO-8601 or ``dd/mm/yyyy HH:MM:SS`` (UTC)."""
    text = prefix.strip().strip("[]<>").rstrip(",;|\t :-").strip().strip("[]")
    if _EPOCH_RE.fullmatch(text):
        return parse_epoch(text, "prefix time")
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _PREFIX_FORMATS:
            try:
                stamp = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise FramingError(
                RejectReason.MALFORMED, f"unrecognised text before the sentence: {prefix[:40]!r}"
            ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return _checked_time(stamp.timestamp(), "prefix time")


def _parse_trailer(trailer: str) -> tuple[float | None, str | None]:
    """USCG/libais metadata after the checksum: the ``r...`` station and the first epoch-like field."""
    station: str | None = None
    time: float | None = None
    for item in trailer.split(","):
        item = item.strip()
        if station is None and len(item) > 1 and item[0] in "rbB" and item[1:].isalnum():
            station = item
        elif time is None and _EPOCH_RE.fullmatch(item):
            try:
                time = parse_epoch(item, "trailing time")
            except FramingError:
                continue  # an out-of-range number here is some other counter, not a time
    return time, station


def _split_checksum(sentence: str) -> tuple[str, str, str]:
    """``!body*hh,trailer`` -> (body, hh, trailer); validates the checksum."""
    star = sentence.find("*")
    if star < 0:
        raise FramingError(RejectReason.MALFORMED, "sentence has no *checksum")
    body = sentence[1:star]
    checksum = sentence[star + 1 : star + 3]
    trailer = sentence[star + 3 :]
    if not _HEX2_RE.fullmatch(checksum):
        raise FramingError(RejectReason.BAD_CHECKSUM, f"checksum {checksum!r} is not two hex digits")
    if trailer and not trailer.startswith(","):
        raise FramingError(RejectReason.MALFORMED, f"unexpected text after the checksum: {trailer[:20]!r}")
    if int(checksum, 16) != nmea_checksum(body):
        raise FramingError(
            RejectReason.BAD_CHECKSUM, f"checksum {checksum.upper()} != computed {nmea_checksum(body):02X}"
        )
    return body, checksum, trailer


def _small_int(text: str, what: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise FramingError(RejectReason.MALFORMED, f"{what} {text!r} is not {low}-{high}")
    return int(text)


def _parse_ais(sentence: str) -> Sentence:
    body, checksum, _trailer = _split_checksum(sentence)
    fields = body.split(",")
    if len(fields) != 7:
        raise FramingError(RejectReason.MALFORMED, f"AIVDM sentence has {len(fields)} fields, expected 7")
    talker, count, number, seq, channel, payload, fill = fields
    frag_count = _small_int(count, "fragment count", 1, 9)
    frag_num = _small_int(number, "fragment number", 1, frag_count)
    fill_bits = _small_int(fill, "fill bits", 0, 5)
    if seq and not seq.isdigit():
        raise FramingError(RejectReason.MALFORMED, f"sequence id {seq!r} is not a number")
    if not payload:
        raise FramingError(RejectReason.MALFORMED, "empty payload")
    if not _PAYLOAD_RE.fullmatch(payload):
        bad = next(ch for ch in payload if not _PAYLOAD_RE.fullmatch(ch))
        raise FramingError(RejectReason.MALFORMED, f"payload character {bad!r} is not six-bit armoured")
    return Sentence(
        text=f"!{body}*{checksum}",
        talker=talker.upper(),
        frag_count=frag_count,
        frag_num=frag_num,
        seq_id=seq or None,
        channel=channel or None,
        payload=payload,
        fill_bits=fill_bits,
    )


def _parse_gatehouse(sentence: str) -> float | None:
    """``$PGHP,1,yyyy,m,d,h,m,s,ms,...`` -> epoch seconds; other PGHP message types -> None."""
    body, _checksum, _trailer = _split_checksum(sentence)
    fields = body.split(",")
    if len(fields) < 2 or fields[1] != "1":
        return None
    if len(fields) < 9:
        raise FramingError(RejectReason.MALFORMED, "PGHP,1 needs year,month,day,hour,minute,second,ms")
    try:
        year, month, day, hour, minute, second, millis = (int(f) for f in fields[2:9])
        stamp = datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=UTC)
    except ValueError as exc:
        raise FramingError(RejectReason.MALFORMED, f"PGHP time is not a valid date: {exc}") from None
    return _checked_time(stamp.timestamp(), "PGHP time")


def _is_ais_address(address: str) -> bool:
    return len(address) == 5 and address[2:].upper() in ("VDM", "VDO")


def parse_line(text: str) -> Line:
    """Frame one stripped, non-empty, non-comment line. Raises :class:`FramingError`."""
    if text[0] in "!$\\":
        start = 0
    else:
        start = min((i for i in (text.find("\\"), text.find("!"), text.find("$")) if i >= 0), default=-1)
    if start < 0:
        raise FramingError(RejectReason.MALFORMED, "not an NMEA sentence")
    prefix_time = parse_prefix_time(text[:start]) if start > 0 else None
    rest = text[start:]

    tag: TagBlock | None = None
    if rest.startswith("\\"):
        end = rest.find("\\", 1)
        if end < 0:
            raise FramingError(RejectReason.MALFORMED, "tag block is not closed with a backslash")
        tag = parse_tag_block(rest[1:end])
        rest = rest[end + 1 :].lstrip()
        if not rest:
            return Line(LineKind.TAG_ONLY, tag=tag, prefix_time=prefix_time)

    if not rest.startswith(("!", "$")):
        raise FramingError(RejectReason.MALFORMED, "no !/$ sentence after the tag block")
    address = rest[1 : rest.find(",")] if "," in rest else rest[1:].partition("*")[0]

    if rest[0] == "!" and _is_ais_address(address):
        sentence = _parse_ais(rest)
        trailer = rest[len(sentence.text) :]
        trailing_time, station = _parse_trailer(trailer) if trailer else (None, None)
        return Line(
            LineKind.AIS,
            sentence=sentence,
            tag=tag,
            prefix_time=prefix_time if prefix_time is not None else trailing_time,
            station=station,
        )
    if rest[0] == "$" and address.upper() == "PGHP":
        when = _parse_gatehouse(rest)
        if when is None:
            return Line(LineKind.OTHER_NMEA, tag=tag)
        return Line(LineKind.GATEHOUSE, tag=tag, gatehouse_time=when)
    if address.isalnum() or address.startswith("--"):
        return Line(LineKind.OTHER_NMEA, tag=tag)
    raise FramingError(RejectReason.MALFORMED, f"not an NMEA sentence address: {address[:12]!r}")
