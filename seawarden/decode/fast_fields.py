"""Vectorised bit fields of the position reports (types 1/2/3, 18, 19, 27) over whole arrays of payloads.

The payloads arrive as an ``(n, chars)`` array of armoured ASCII bytes. Every field is cut out of
60-bit ``uint64`` words (10 six-bit characters each) with shifts and masks, and turned into the
same values the reference path (pyais + :mod:`seawarden.decode.normalise`) gives: the unit
conversions come from pyais' own converter functions, tabulated once over their small integer
domains, so there is no second implementation of the rounding rules to drift; only latitude and
longitude (too wide for a table) use pyais' integer formula, which the agreement tests check.

"Not available" values follow normalise.py: float columns hold NaN, small-int columns hold -1.
Rows whose values the reference rejects (latitude outside -90..90 and not 91, ...) are reported
as not ``ok`` so the caller hands them to the reference decoder for the exact reject.
"""

from dataclasses import dataclass

import numpy as np
from pyais.constants import TurnRate
from pyais.messages import EpfdType, to_10th, to_speed, to_turn

from seawarden.decode.normalise import COG_NA, HEADING_NA, LAT_NA, LON_NA, SOG_NA

# Payload length in characters (fill bits 0) of each fast message type: the exact spec lengths.
CHARS_BY_TYPE = {1: 28, 2: 28, 3: 28, 4: 28, 11: 28, 18: 28, 19: 52, 27: 16}
PAYLOAD_CHARS = (16, 28, 52)


# Turn flags for Message.extra["turn"] (gpsd's words, as normalise._rot writes them).
TURN_NONE, TURN_FAST_RIGHT, TURN_FAST_LEFT = 0, 1, 2
TURN_WORDS = {TURN_FAST_RIGHT: "fastright", TURN_FAST_LEFT: "fastleft"}


def _turn_tables() -> tuple[np.ndarray, np.ndarray]:
    """ROT (deg/min, NaN = not available) and the fast-turn flag for every raw signed byte."""
    rot = np.full(256, np.nan)
    flag = np.zeros(256, dtype=np.uint8)
    for raw in range(-128, 128):
        value = to_turn(raw)
        if value is TurnRate.NO_TI_RIGHT:
            flag[raw + 128] = TURN_FAST_RIGHT
        elif value is TurnRate.NO_TI_LEFT:
            flag[raw + 128] = TURN_FAST_LEFT
        elif not isinstance(value, TurnRate):
            rot[raw + 128] = float(value)
    return rot, flag


def _na_table(convert, size: int, sentinel: float) -> np.ndarray:
    values = np.array([float(convert(raw)) for raw in range(size)])
    values[values == sentinel] = np.nan
    return values


ROT_TABLE, TURN_FLAG_TABLE = _turn_tables()
SOG_TABLE = _na_table(to_speed, 1 << 10, SOG_NA)
COG_TABLE = _na_table(to_10th, 1 << 12, COG_NA)
EPFD_TABLE = np.array([int(EpfdType.from_value(raw)) for raw in range(16)], dtype=np.int8)
_SIXBIT_TEXT = np.array(
    [ord(c) for c in "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"]
)


@dataclass
class FieldColumns:
    """Decoded fields of n payloads (one row per payload); see the module docstring for N/A rules."""

    ok: np.ndarray  # bool: the reference would accept this row with exactly these values
    msg_type: np.ndarray  # uint8
    repeat: np.ndarray  # uint8
    mmsi: np.ndarray  # int64
    lat: np.ndarray  # float64
    lon: np.ndarray
    sog: np.ndarray
    cog: np.ndarray
    heading: np.ndarray
    rot: np.ndarray
    turn_flag: np.ndarray  # uint8, TURN_*
    nav_status: np.ndarray  # int8, -1 = None
    maneuver: np.ndarray  # int8, -1 = None
    second: np.ndarray  # int8, -1 = None
    accuracy: np.ndarray  # bool
    raim: np.ndarray  # bool
    aux: np.ndarray  # int64: type-specific extra bits (class B flags, type 27 gnss), see extra_of
    ship_type: np.ndarray  # int16, -1 = None (type 19)
    dims: np.ndarray  # (n, 4) int16: to_bow, to_stern, to_port, to_starboard (type 19)
    name: np.ndarray  # object: str | None (type 19)

    @classmethod
    def empty(cls, n: int) -> "FieldColumns":
        def full(dtype, value):
            return np.full(n, value, dtype=dtype)

        return cls(
            ok=full(bool, False), msg_type=full(np.uint8, 0), repeat=full(np.uint8, 0),
            mmsi=full(np.int64, 0), lat=full(float, np.nan), lon=full(float, np.nan),
            sog=full(float, np.nan), cog=full(float, np.nan), heading=full(float, np.nan),
            rot=full(float, np.nan), turn_flag=full(np.uint8, 0), nav_status=full(np.int8, -1),
            maneuver=full(np.int8, -1), second=full(np.int8, -1), accuracy=full(bool, False),
            raim=full(bool, False), aux=full(np.int64, 0), ship_type=full(np.int16, -1),
            dims=np.full((n, 4), -1, dtype=np.int16), name=np.full(n, None, dtype=object),
        )  # fmt: skip


class _Bits:
    """Six-bit values of equal-length payloads packed into 60-bit words, for field slicing."""

    def __init__(self, six: np.ndarray) -> None:
        n, chars = six.shape
        if chars % 2:
            six = np.concatenate([six, np.zeros((n, 1), dtype=six.dtype)], axis=1)
        pairs = (six[:, 0::2].astype(np.uint16) << np.uint16(6)) | six[:, 1::2]  # 12 bits each
        self.words: list[np.ndarray] = []
        for first in range(0, pairs.shape[1], 5):  # five pairs (60 bits) per word
            block = pairs[:, first : first + 5]
            word = block[:, 0].astype(np.uint64)
            for col in range(1, block.shape[1]):
                word <<= np.uint64(12)
                word |= block[:, col]
            word <<= np.uint64(12 * (5 - block.shape[1]))  # left-align a short last word
            self.words.append(word)

    def get(self, start: int, width: int, signed: bool = False) -> np.ndarray:
        """Bits [start, start+width) as int64 (two's complement when ``signed``)."""
        index, offset = divmod(start, 60)
        if offset + width <= 60:
            value = (self.words[index] >> np.uint64(60 - offset - width)) & np.uint64((1 << width) - 1)
        else:
            tail = offset + width - 60
            head = self.words[index] & np.uint64((1 << (60 - offset)) - 1)
            value = (head << np.uint64(tail)) | (self.words[index + 1] >> np.uint64(60 - tail))
        result = value.astype(np.int64)
        if signed:
            result -= (result >> (width - 1)) << width
        return result

    def flag(self, start: int) -> np.ndarray:
        return self.get(start, 1).astype(bool)


def _lat_lon(raw: np.ndarray, scale: int) -> np.ndarray:
    """pyais' exact rounding: round(raw / (600000 / scale), 6) computed as ((10*scale*raw + 3) // 6) / 1e6."""
    return ((10 * scale * raw + 3) // 6) / 1e6


def _position(cols: FieldColumns, rows: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> None:
    """Store lat/lon with the N/A rule; out-of-range values are left for the reference to reject."""
    bad = ((lat != LAT_NA) & ((lat < -90.0) | (lat > 90.0))) | (
        (lon != LON_NA) & ((lon < -180.0) | (lon > 180.0))
    )
    cols.ok[rows] = ~bad
    cols.lat[rows] = np.where(lat == LAT_NA, np.nan, lat)
    cols.lon[rows] = np.where(lon == LON_NA, np.nan, lon)


def _motion(cols: FieldColumns, rows: np.ndarray, bits: _Bits, speed_at: int) -> None:
    """The block shared by types 1-3, 18 and 19: sog, accuracy, lon, lat, cog, heading, second."""
    cols.sog[rows] = SOG_TABLE[bits.get(speed_at, 10)]
    cols.accuracy[rows] = bits.flag(speed_at + 10)
    _position(
        cols,
        rows,
        _lat_lon(bits.get(speed_at + 11, 28, True), 1),
        _lat_lon(bits.get(speed_at + 39, 27, True), 1),
    )
    cols.cog[rows] = COG_TABLE[bits.get(speed_at + 66, 12)]
    heading = bits.get(speed_at + 78, 9)
    cols.heading[rows] = np.where(heading == HEADING_NA, np.nan, heading.astype(float))
    cols.second[rows] = bits.get(speed_at + 87, 6)


def _class_a(cols: FieldColumns, rows: np.ndarray, bits: _Bits) -> None:
    cols.nav_status[rows] = bits.get(38, 4)
    turn = bits.get(42, 8, True) + 128
    cols.rot[rows] = ROT_TABLE[turn]
    cols.turn_flag[rows] = TURN_FLAG_TABLE[turn]
    _motion(cols, rows, bits, 50)
    cols.maneuver[rows] = bits.get(143, 2)
    cols.raim[rows] = bits.flag(148)


# aux bit layout for type 18: reserved_1 (8) | reserved_2 (2) | cs display dsc band msg22 assigned
CLASS_B_FLAGS = ("cs", "display", "dsc", "band", "msg22", "assigned")


def _class_b(cols: FieldColumns, rows: np.ndarray, bits: _Bits) -> None:
    _motion(cols, rows, bits, 46)
    cols.aux[rows] = (bits.get(38, 8) << 8) | (bits.get(139, 2) << 6) | bits.get(141, 6)
    cols.raim[rows] = bits.flag(147)


def _sixbit_text(values: np.ndarray) -> list[str | None]:
    """pyais ``get_str`` then normalise.clean_text: '@' ends the text, blank is N/A."""
    text = _SIXBIT_TEXT[values].astype(np.uint8)
    out: list[str | None] = []
    for row in text:
        value = row.tobytes().decode("ascii").rstrip("@").strip().split("@", 1)[0]
        out.append(" ".join(value.split()) or None)
    return out


# aux bit layout for type 19: reserved_1 (8) | reserved_2 (4) | epfd (4) | dte | assigned
def _class_b_extended(cols: FieldColumns, rows: np.ndarray, bits: _Bits) -> None:
    _motion(cols, rows, bits, 46)
    cols.aux[rows] = (
        (bits.get(38, 8) << 10) | (bits.get(139, 4) << 6) | (bits.get(301, 4) << 2) | bits.get(306, 2)
    )
    cols.raim[rows] = bits.flag(305)
    ship_type = bits.get(263, 8)
    cols.ship_type[rows] = np.where(ship_type == 0, -1, ship_type)
    cols.dims[rows] = np.stack(
        [bits.get(271, 9), bits.get(280, 9), bits.get(289, 6), bits.get(295, 6)], axis=1
    )
    # shipname: 20 characters from bit 143, i.e. not aligned to the armouring: re-cut in six-bit steps
    name_chars = np.stack([bits.get(143 + 6 * k, 6) for k in range(20)], axis=1)
    names = np.empty(len(rows), dtype=object)
    names[:] = _sixbit_text(name_chars)
    cols.name[rows] = names


def _long_range(cols: FieldColumns, rows: np.ndarray, bits: _Bits) -> None:
    cols.accuracy[rows] = bits.flag(38)
    cols.raim[rows] = bits.flag(39)
    cols.nav_status[rows] = bits.get(40, 4)
    _position(cols, rows, _lat_lon(bits.get(44, 18, True), 1000), _lat_lon(bits.get(62, 17, True), 1000))
    sog = bits.get(79, 6)
    cog = bits.get(85, 9)
    cols.sog[rows] = np.where(sog == 63, np.nan, sog.astype(float))
    cols.cog[rows] = np.where(cog == 511, np.nan, cog.astype(float))
    cols.aux[rows] = bits.get(94, 1)


# aux bit layout for types 4/11: year (14) | month (4) | day (5) | hour (5) | minute (6) | epfd (4)
def _base_station(cols: FieldColumns, rows: np.ndarray, bits: _Bits) -> None:
    """Base station / UTC report: the time goes to ``extra`` as normalise.py writes it."""
    cols.aux[rows] = (bits.get(38, 14) << 24) | (bits.get(52, 20) << 4) | bits.get(134, 4)
    cols.second[rows] = bits.get(72, 6)
    cols.accuracy[rows] = bits.flag(78)
    _position(cols, rows, _lat_lon(bits.get(79, 28, True), 1), _lat_lon(bits.get(107, 27, True), 1))
    cols.raim[rows] = bits.flag(148)


def dearmour(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Six-bit values of ``(n, width)`` armoured characters, and which rows are entirely armoured.

    Arithmetic instead of a table lookup (a lookup gathers byte by byte); rows with a character
    outside ``0``-``W`` / `````-``w`` get garbage values and ``False``.
    """
    six = chars - np.uint8(48)
    bad = (six > 71) | ((six - np.uint8(40)) < 8)  # below '0' wraps above 71; 'X'..'_' are 40..47
    six -= (six > 39).view(np.uint8) << np.uint8(3)
    width = chars.shape[1]
    lanes = bad.view(np.uint32) if width % 4 == 0 else bad.view(np.uint8)
    any_bad = lanes[:, 0].copy()
    for col in range(1, lanes.shape[1]):  # column by column: a row-wise any() costs per row
        any_bad |= lanes[:, col]
    return six, any_bad == 0


_GROUPS = (
    ((1, 2, 3), _class_a),
    ((4, 11), _base_station),
    ((18,), _class_b),
    ((19,), None),
    ((27,), _long_range),
)
_GROUP_OF_TYPE = np.full(256, -1, dtype=np.int8)  # message type (any byte) -> index into _GROUPS
for _index, (_types, _decode) in enumerate(_GROUPS):
    _GROUP_OF_TYPE[list(_types)] = _index


def decode_payloads(chars: np.ndarray, cols: FieldColumns, rows: np.ndarray) -> None:
    """Decode equal-length armoured payloads ``chars`` (n, width) into ``cols`` at ``rows``.

    Rows with a character outside the armour alphabet, or whose type does not have this exact
    length, stay ``ok=False``.
    """
    if len(rows) == 0:
        return
    six, armoured = dearmour(chars)
    msg_type = six[:, 0]
    width = chars.shape[1]
    bits = _Bits(six)
    group = np.where(armoured, _GROUP_OF_TYPE[msg_type], -1)
    for index, (types, decode) in enumerate(_GROUPS):
        if CHARS_BY_TYPE[types[0]] != width:
            continue
        mask = group == index
        if not mask.any():
            continue
        sub = _Bits.__new__(_Bits)
        if mask.all():
            sub.words, target = bits.words, rows
        else:
            sub.words, target = [w[mask] for w in bits.words], rows[mask]
        cols.msg_type[target] = msg_type[mask]
        cols.repeat[target] = sub.get(6, 2)
        cols.mmsi[target] = sub.get(8, 30)
        if decode is None:
            _class_b_extended(cols, target, sub)
        else:
            decode(cols, target, sub)


def extra_of(msg_type: int, aux: int, turn_flag: int, second: int = 0) -> dict | None:
    """Message.extra for one fast row, with the keys and value types the reference produces."""
    if msg_type in (4, 11):
        year, month, day = aux >> 24, (aux >> 20) & 15, (aux >> 15) & 31
        hour, minute = (aux >> 10) & 31, (aux >> 4) & 63
        extra: dict = {}
        if year:
            extra["utc"] = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
        extra.update(
            year=year, epfd=int(EPFD_TABLE[aux & 15]), month=month, day=day, hour=hour, minute=minute
        )
        return extra
    if msg_type == 18:
        extra = {"reserved_1": aux >> 8, "reserved_2": (aux >> 6) & 3}
        for i, key in enumerate(CLASS_B_FLAGS):
            extra[key] = bool((aux >> (5 - i)) & 1)
        return extra
    if msg_type == 19:
        return {
            "reserved_1": aux >> 10,
            "reserved_2": (aux >> 6) & 15,
            "epfd": int(EPFD_TABLE[(aux >> 2) & 15]),
            "dte": bool((aux >> 1) & 1),
            "assigned": bool(aux & 1),
        }
    if msg_type == 27:
        return {"gnss": bool(aux & 1)}
    if turn_flag:
        return {"turn": TURN_WORDS[turn_flag]}
    return None
