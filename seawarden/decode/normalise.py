"""AIS payload -> :class:`~seawarden.types.Message`: pyais does the bit fields, we do the meaning.

pyais declares every message type as bit fields (ITU-R M.1371-5). Here the spec's "not available"
sentinels become ``None`` (a 91° latitude must never reach a distance computation), truncated
payloads are refused instead of read as zero bits, and fields that ``Message`` has no slot for are
kept, JSON-safe, in ``Message.extra``.
"""

import enum
import math
from typing import Any

import pyais.messages as ais
from pyais.bit_vector import bit_vector

from seawarden.decode.nmea import FramingError
from seawarden.decode.results import RejectReason
from seawarden.types import Message

MIN_TYPE, MAX_TYPE = 1, 27  # types 0 and 28-63 are reserved or not in ITU-R M.1371-5

# Payload classes by message type (pyais dispatches 6/8/16/22/24/25/26 sub-variants itself).
MESSAGE_CLASSES: dict[int, type[ais.Payload]] = {
    t: getattr(ais, f"MessageType{t}") for t in range(MIN_TYPE, MAX_TYPE + 1)
}

# Bits needed to reach the last field that we map into Message; a shorter payload would be read
# as zero bits by pyais (wrong positions), so it is rejected. Offsets from the gpsd AIVDM document.
MIN_BITS: dict[int, int] = {
    1: 149, 2: 149, 3: 149,  # through RAIM flag
    4: 138, 11: 138,  # through EPFD
    5: 420,  # 424 in the spec; many transponders send 420 (destination's last char cut)
    9: 148, 18: 148,
    17: 75,
    19: 312, 21: 272,
    27: 95,
}  # fmt: skip
MIN_BITS_ANY = 38  # message id, repeat, MMSI

# ITU-R M.1371 "not available" values (in the scaled units pyais returns).
LAT_NA, LON_NA = 91.0, 181.0
SOG_NA = 102.3
COG_NA = 360.0
HEADING_NA = 511
ROT_NA = -128.0

# Fields consumed into Message slots (or meaningless downstream): not repeated in ``extra``.
_MAPPED = {
    "msg_type", "repeat", "mmsi", "status", "turn", "speed", "accuracy", "lon", "lat", "course",
    "heading", "second", "maneuver", "raim", "radio", "imo", "callsign", "shipname", "ship_type",
    "to_bow", "to_stern", "to_port", "to_starboard", "draught", "destination", "partno",
    "month", "day", "hour", "minute", "name", "name_ext", "data",
}  # fmt: skip
_HEADER = ("msg_type", "repeat", "mmsi")
_APPLICATION_TYPES = (6, 8, 25, 26)
# Offset of the application data (after DAC/FID) for the binary message types.
_DATA_OFFSET = {6: 88, 8: 56}


def json_safe(value: Any) -> Any:
    """pyais values -> plain JSON types (enums to int, bytes to hex, NaN to None)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def clean_text(value: Any) -> str | None:
    """Six-bit text: ``@`` ends the string (M.1371 table 47, as gpsd reads it), blank is N/A."""
    if not isinstance(value, str):
        return None
    text = value.split("@", 1)[0]
    return " ".join(text.split()) or None


def _sixbit_text(bv: Any, start: int, width: int) -> str:
    """Raw six-bit text without pyais' stripping (a name extension may start with a space)."""
    end = min(start + width, len(bv))
    chars = []
    for offset in range(start, end - 5, 6):
        value = bv.get(offset, 6)
        chars.append(chr(value + 64) if value < 32 else chr(value))
    return "".join(chars)


# bit offset of the 8-bit ship type; pyais maps reserved codes (e.g. 9, 38) to None, gpsd keeps them
_SHIP_TYPE_BIT = {5: 232, 19: 263}


def _na(value: Any, sentinel: float) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if value == sentinel else value


def _position(fields: dict[str, Any]) -> tuple[float | None, float | None]:
    lat = _na(fields.get("lat"), LAT_NA)
    lon = _na(fields.get("lon"), LON_NA)
    if lat is not None and not -90.0 <= lat <= 90.0:
        raise FramingError(RejectReason.INVALID_FIELD, f"latitude {lat} outside -90..90 (91 = not available)")
    if lon is not None and not -180.0 <= lon <= 180.0:
        raise FramingError(
            RejectReason.INVALID_FIELD, f"longitude {lon} outside -180..180 (181 = not available)"
        )
    return lat, lon


def _rot(turn: Any, extra: dict[str, Any]) -> float | None:
    if turn is None:
        return None
    if isinstance(turn, ais.TurnRate):
        if turn is ais.TurnRate.NO_TI_RIGHT:
            extra["turn"] = "fastright"  # > 5°/30 s right, no turn indicator (gpsd's word)
        elif turn is ais.TurnRate.NO_TI_LEFT:
            extra["turn"] = "fastleft"
        return None
    value = float(turn)
    return None if value == ROT_NA else value


def _eta(fields: dict[str, Any]) -> str | None:
    month, day = fields.get("month"), fields.get("day")
    if not month or not day:  # 0 = not available
        return None
    hour = fields.get("hour") if fields.get("hour") is not None else 24
    minute = fields.get("minute") if fields.get("minute") is not None else 60
    return f"{int(month):02d}-{int(day):02d}T{int(hour):02d}:{int(minute):02d}"


def _positive_or_none(value: Any) -> Any:
    return value if value else None


class Bits:
    """The payload as one integer, for the few fields read directly (pyais' reader caps widths at 256)."""

    __slots__ = ("length", "value")

    def __init__(self, payload: str, fill_bits: int) -> None:
        value = 0
        for char in payload.encode("ascii"):
            code = char - 48
            value = (value << 6) | (code - 8 if code > 40 else code)
        self.length = len(payload) * 6 - fill_bits
        self.value = value >> fill_bits

    def get(self, start: int, width: int, signed: bool = False) -> int:
        """Bits [start, start+width) as an int; callers check ``length`` first."""
        raw = (self.value >> (self.length - start - width)) & ((1 << width) - 1)
        if signed and raw >> (width - 1):
            raw -= 1 << width
        return raw


def _binary_data(msg_type: int, bits: Bits) -> dict[str, Any]:
    offset = _DATA_OFFSET.get(msg_type)
    if offset is None or bits.length <= offset:
        return {}
    width = bits.length - offset
    return {"data_bits": width, "data_hex": f"{bits.get(offset, width):0{(width + 3) // 4}x}"}


def payload_type(payload: str) -> int:
    """Message id from the first armoured character."""
    value = ord(payload[0]) - 48
    return value - 8 if value > 40 else value


def decode_payload(payload: str, fill_bits: int, **envelope: Any) -> Message:
    """Decode an assembled payload; ``envelope`` holds the Message fields known from the framing.

    Raises :class:`FramingError` with UNSUPPORTED / MALFORMED / INVALID_FIELD.
    """
    msg_type = payload_type(payload)
    if not MIN_TYPE <= msg_type <= MAX_TYPE:
        raise FramingError(RejectReason.UNSUPPORTED, f"message type {msg_type} is not defined in M.1371")
    bv = bit_vector(payload.encode("ascii"), fill_bits)
    needed = max(MIN_BITS.get(msg_type, 0), MIN_BITS_ANY)
    if len(bv) < needed:
        raise FramingError(
            RejectReason.MALFORMED, f"type {msg_type} payload has {len(bv)} bits, needs at least {needed}"
        )
    if msg_type == 24 and (part := bv.get(38, 2)) > 1:
        raise FramingError(RejectReason.UNSUPPORTED, f"type 24 part number {part} (only A=0 and B=1 exist)")
    try:
        decoded = MESSAGE_CLASSES[msg_type].from_vector(bv)
        fields = decoded.asdict()
    except Exception as exc:  # pyais raises its own and plain errors for impossible variants
        raise FramingError(RejectReason.MALFORMED, f"type {msg_type}: {type(exc).__name__}: {exc}") from None
    if msg_type == 17:  # pyais reads these unsigned and in minutes; spec: signed 1/10 minute
        fields["lon"] = bv.get_signed(40, 18) / 600.0
        fields["lat"] = bv.get_signed(58, 17) / 600.0
    extra = _binary_data(msg_type, Bits(payload, fill_bits)) if msg_type in _DATA_OFFSET else {}
    if msg_type in _SHIP_TYPE_BIT or (msg_type == 24 and fields.get("partno") == 1):
        fields["ship_type"] = bv.get(_SHIP_TYPE_BIT.get(msg_type, 40), 8)
    if msg_type == 21:
        name = _sixbit_text(bv, 43, 120)  # the extension counts only after a full 20-character name
        fields["name"] = name if "@" in name else name + _sixbit_text(bv, 272, len(bv) - 272)
    if msg_type in _APPLICATION_TYPES:  # application payload: its positions etc. are not the sender's
        skip = (*_HEADER, "data") if msg_type in _DATA_OFFSET else _HEADER
        extra.update({k: json_safe(v) for k, v in fields.items() if k not in skip and v is not None})
        fields = {k: fields.get(k) for k in _HEADER}
    return _to_message(msg_type, fields, extra, envelope)


def _to_message(
    msg_type: int, fields: dict[str, Any], extra: dict[str, Any], envelope: dict[str, Any]
) -> Message:
    lat, lon = _position(fields)
    sog = fields.get("speed")
    cog = fields.get("course")
    if msg_type == 27:  # long range: whole knots (63 = N/A) and degrees (511 = N/A)
        sog = None if sog is None or sog == 63 else float(sog)
        cog = None if cog is None or cog == 511 else float(cog)
    elif msg_type == 9:  # SAR aircraft: whole knots, 1023 = N/A
        sog = None if sog is None or sog == 1023 else float(sog)
        cog = _na(cog, COG_NA)
    else:
        sog = _na(sog, SOG_NA)
        cog = _na(cog, COG_NA)
    heading = fields.get("heading")
    heading = None if heading is None or heading == HEADING_NA else float(heading)

    name = clean_text(fields.get("name") if msg_type == 21 else fields.get("shipname"))
    imo = fields.get("imo") if msg_type == 5 else None
    draught = _na(fields.get("draught"), 0.0) if msg_type == 5 else None
    ship_type = _positive_or_none(json_safe(fields.get("ship_type")))

    if msg_type in (4, 11) and fields.get("year"):
        extra["utc"] = (
            f"{fields['year']:04d}-{fields.get('month', 0):02d}-{fields.get('day', 0):02d}T"
            f"{fields.get('hour', 0):02d}:{fields.get('minute', 0):02d}:{fields.get('second', 0):02d}Z"
        )
    for key, value in fields.items():
        if key not in _MAPPED and value is not None:
            extra[key] = json_safe(value)
    if msg_type in (4, 11):
        extra.update(year=fields.get("year"), month=fields.get("month"), day=fields.get("day"))
        extra.update(hour=fields.get("hour"), minute=fields.get("minute"))
    if msg_type not in (6, 8) and isinstance(fields.get("data"), bytes | int):
        extra["data"] = json_safe(fields["data"])

    rot = _rot(fields.get("turn"), extra)
    status = fields.get("status")
    return Message(
        msg_type=msg_type,
        mmsi=int(fields["mmsi"]),
        repeat=int(fields.get("repeat") or 0),
        lat=lat,
        lon=lon,
        sog=sog,
        cog=cog,
        heading=heading,
        nav_status=None if status is None else int(status),
        rot=rot,
        accuracy=fields.get("accuracy"),
        maneuver=None if fields.get("maneuver") is None else int(fields["maneuver"]),
        raim=fields.get("raim"),
        second=fields.get("second"),
        imo=_positive_or_none(imo),
        callsign=clean_text(fields.get("callsign")),
        name=name,
        ship_type=ship_type,
        to_bow=fields.get("to_bow"),
        to_stern=fields.get("to_stern"),
        to_port=fields.get("to_port"),
        to_starboard=fields.get("to_starboard"),
        draught=draught,
        destination=clean_text(fields.get("destination")),
        eta=_eta(fields) if msg_type == 5 else None,
        part_num=fields.get("partno") if msg_type == 24 else None,
        extra=extra or None,
        **envelope,
    )
