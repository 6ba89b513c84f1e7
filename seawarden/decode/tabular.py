"""Decoded-AIS CSV exports -> Messages: Danish Maritime Authority ``aisdk`` and NOAA MarineCadastre.

These files carry one row per position report with the vessel's static data repeated on every row.
Each row becomes one position Message (type 1 for class A, 18 for class B, 4 base station, 9 SAR
aircraft, 21 aid to navigation) and, when the static columns are present and differ from the last
ones seen for that MMSI, one static Message first (type 5 for class A, one combined type 24 with
``part_num=None`` for class B) so downstream identity tracking sees changes exactly once.

Column layouts (headers are matched case- and punctuation-insensitively):

* DMA (http://web.ais.dk/aisdata/): ``# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational
  status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position
  fixing device,Draught,Destination,ETA,Data source type,A,B,C,D``; times ``dd/mm/yyyy HH:MM:SS`` UTC;
  text enums; ``Unknown``/empty for not available.
* NOAA (https://marinecadastre.gov/ais/): ``MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,
  CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass``; ISO times; numeric codes;
  ``IMO9329760``. The 2024+ snake_case spelling (``base_date_time``, ``latitude`` ...) is accepted.
  NOAA gives only length and width: they go to ``to_bow``/``to_port`` (``to_stern``/``to_starboard``
  0) so ``Message.length_m`` is right; ``extra["dims"] = "length_width"`` marks that.
"""

import abc
import csv
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from seawarden.decode.decoder import Decoder
from seawarden.decode.nmea import EARLIEST_TIME, LATEST_TIME
from seawarden.decode.results import RejectReason
from seawarden.types import Message, TimeSource, parse_iso_utc


def header_key(name: str) -> str:
    """``# Type of mobile`` -> ``typeofmobile`` (layouts differ in case, spaces and underscores)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


# canonical field -> header keys that carry it
DMA_COLUMNS = {
    "timestamp": "time", "typeofmobile": "mobile", "mmsi": "mmsi", "latitude": "lat", "longitude": "lon",
    "navigationalstatus": "status", "rot": "rot", "sog": "sog", "cog": "cog", "heading": "heading",
    "imo": "imo", "callsign": "callsign", "name": "name", "shiptype": "ship_type", "cargotype": "cargo",
    "width": "width", "length": "length", "draught": "draught", "destination": "destination",
    "eta": "eta", "a": "to_bow", "b": "to_stern", "c": "to_port", "d": "to_starboard",
}  # fmt: skip
NOAA_COLUMNS = {
    "mmsi": "mmsi", "basedatetime": "time", "lat": "lat", "latitude": "lat", "lon": "lon",
    "longitude": "lon", "sog": "sog", "cog": "cog", "heading": "heading", "vesselname": "name",
    "imo": "imo", "callsign": "callsign", "vesseltype": "ship_type", "status": "status",
    "length": "length", "width": "width", "draft": "draught", "cargo": "cargo",
    "transceiverclass": "class", "transceiver": "class",
}  # fmt: skip

# DMA "Navigational status" text -> ITU-R M.1371 code
NAV_STATUS = {
    "under way using engine": 0, "at anchor": 1, "not under command": 2,
    "restricted manoeuverability": 3, "restricted maneuverability": 3, "constrained by her draught": 4,
    "moored": 5, "aground": 6, "engaged in fishing": 7, "under way sailing": 8,
    "reserved for future amendment [hsc]": 9, "reserved for future amendment [wig]": 10,
    "power-driven vessel towing astern": 11, "power-driven vessel pushing ahead or towing alongside": 12,
    "reserved for future use": 13, "ais-sart": 14, "unknown value": 15, "unknown": 15,
}  # fmt: skip
# DMA "Ship type" text -> representative ITU ship type code ("Cargo" -> 70 etc.)
SHIP_TYPE = {
    "wig": 20, "fishing": 30, "towing": 31, "towing long/wide": 32, "dredging": 33, "diving": 34,
    "military": 35, "sailing": 36, "pleasure": 37, "hsc": 40, "pilot": 50, "sar": 51, "tug": 52,
    "port tender": 53, "anti-pollution": 54, "law enforcement": 55, "medical": 58,
    "not party to conflict": 59, "passenger": 60, "cargo": 70, "tanker": 80, "other": 90,
}  # fmt: skip
# Type of mobile -> (position message type, static message type or None)
MOBILE_TYPES = {
    "class a": (1, 5), "class b": (18, 24), "base station": (4, None), "aton": (21, None),
    "sar airborne": (9, None), "search and rescue transponder": (1, None), "man overboard device": (1, None),
}  # fmt: skip
_NOT_AVAILABLE = {"", "unknown", "undefined", "nan", "null", "none", "n/a", "na"}
_STATIC_FIELDS = ("imo", "callsign", "name", "ship_type", "to_bow", "to_stern", "to_port", "to_starboard")
_VOYAGE_FIELDS = ("draught", "destination", "eta")


class RowError(ValueError):
    """A CSV row that cannot become a message."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return None if value.lower() in _NOT_AVAILABLE else value


def _number(row: dict[str, str | None], field: str) -> float | None:
    text = _text(row.get(field))
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RowError(RejectReason.MALFORMED, f"{field} {text!r} is not a number") from None
    if value != value:
        return None
    return value


def _int(row: dict[str, str | None], field: str) -> int | None:
    value = _number(row, field)
    return None if value is None else int(value)


def _dma_time(text: str) -> float:
    return datetime.strptime(text.strip(), "%d/%m/%Y %H:%M:%S").replace(tzinfo=UTC).timestamp()


def _position(row: dict[str, str | None]) -> tuple[float | None, float | None]:
    lat, lon = _number(row, "lat"), _number(row, "lon")
    if lat is not None and lat == 91.0:
        lat = None
    if lon is not None and lon == 181.0:
        lon = None
    if lat is not None and not -90.0 <= lat <= 90.0:
        raise RowError(RejectReason.INVALID_FIELD, f"latitude {lat} outside -90..90")
    if lon is not None and not -180.0 <= lon <= 180.0:
        raise RowError(RejectReason.INVALID_FIELD, f"longitude {lon} outside -180..180")
    return lat, lon


def _kinematics(row: dict[str, str | None]) -> dict[str, Any]:
    sog, cog, heading = _number(row, "sog"), _number(row, "cog"), _number(row, "heading")
    return {
        "sog": None if sog is None or sog >= 102.3 or sog < 0 else sog,
        "cog": None if cog is None or cog >= 360.0 or cog < 0 else cog,
        "heading": None if heading is None or heading >= 360 or heading < 0 else heading,
    }


class CsvDecoder(abc.ABC):
    """Turns rows of one CSV export into Messages, counting into a :class:`Decoder`'s stats."""

    def __init__(self, decoder: Decoder, source: str) -> None:
        self.decoder = decoder
        self.source = source
        self._last_static: dict[int, tuple[Any, ...]] = {}

    def rows(self, lines: Iterable[str]) -> Iterator[Message]:
        """Decode all data rows; the header row is the first non-empty, non-blank line."""
        iterator = iter(lines)
        header: list[str] | None = None
        for line in iterator:
            self.decoder.next_line_no(self.source)
            if line.strip():
                header = next(csv.reader([line.lstrip("\ufeff").lstrip("#").strip()]))
                self.decoder.record_ignored("csv_header")
                break
            self.decoder.record_ignored("blank")
        if header is None:
            return
        columns = self._columns([header_key(h) for h in header])
        for line in iterator:
            line_no = self.decoder.next_line_no(self.source)
            text = line.rstrip("\r\n")
            if not text.strip():
                self.decoder.record_ignored("blank")
                continue
            try:
                values = next(csv.reader([text]))
                if len(values) != len(columns):
                    raise RowError(
                        RejectReason.MALFORMED, f"row has {len(values)} columns, header has {len(columns)}"
                    )
                row = {name: value for name, value in zip(columns, values, strict=True) if name}
                messages = self.convert(row)
            except RowError as err:
                self.decoder.record_reject(err.reason, text, self.source, err.detail, line_no)
                continue
            except (ValueError, csv.Error) as exc:
                self.decoder.record_reject(RejectReason.MALFORMED, text, self.source, str(exc), line_no)
                continue
            self.decoder.record_messages(messages, 1)
            yield from messages

    @abc.abstractmethod
    def _columns(self, keys: list[str]) -> list[str | None]:
        """Canonical field name for each header key (None: column not used)."""

    @abc.abstractmethod
    def convert(self, row: dict[str, str | None]) -> list[Message]:
        """One row (canonical field -> text) -> the messages it carries."""

    def _build(
        self,
        row: dict[str, str | None],
        when: float,
        types: tuple[int, int | None],
        static: dict[str, Any],
        extra: dict[str, Any],
    ) -> list[Message]:
        mmsi = _int(row, "mmsi")
        if mmsi is None or not 0 < mmsi < 1_000_000_000:
            raise RowError(RejectReason.INVALID_FIELD, f"MMSI {row.get('mmsi')!r} is not 1-999999999")
        if not EARLIEST_TIME <= when <= LATEST_TIME:
            raise RowError(RejectReason.INVALID_FIELD, f"time {when} is outside 1990-2100")
        lat, lon = _position(row)
        common = {"mmsi": mmsi, "timestamp": when, "time_source": TimeSource.CSV, "source": self.source}
        out: list[Message] = []
        position_type, static_type = types
        if static_type is not None and any(v is not None for v in static.values()):
            signature = tuple(static.get(f) for f in (*_STATIC_FIELDS, *_VOYAGE_FIELDS))
            if self._last_static.get(mmsi) != signature:
                self._last_static[mmsi] = signature
                if static_type == 24:
                    static = {k: v for k, v in static.items() if k not in _VOYAGE_FIELDS}
                out.append(Message(msg_type=static_type, **common, **static, extra=extra or None))
        out.append(
            Message(
                msg_type=position_type,
                lat=lat,
                lon=lon,
                nav_status=self._status(row),
                rot=_number(row, "rot"),
                **_kinematics(row),
                **common,
            )
        )
        return out

    def _status(self, row: dict[str, str | None]) -> int | None:
        return _int(row, "status")


class DmaCsvDecoder(CsvDecoder):
    """Danish Maritime Authority ``aisdk-YYYY-MM-DD.csv``."""

    def _columns(self, keys: list[str]) -> list[str | None]:
        return [DMA_COLUMNS.get(k) for k in keys]

    def _status(self, row: dict[str, str | None]) -> int | None:
        text = _text(row.get("status"))
        return None if text is None else NAV_STATUS.get(text.lower(), 15)

    def convert(self, row: dict[str, str | None]) -> list[Message]:
        stamp = _text(row.get("time"))
        if stamp is None:
            raise RowError(RejectReason.MALFORMED, "empty Timestamp")
        try:
            when = _dma_time(stamp)
        except ValueError:
            raise RowError(
                RejectReason.MALFORMED, f"Timestamp {stamp!r} is not dd/mm/yyyy HH:MM:SS"
            ) from None
        mobile = (_text(row.get("mobile")) or "").lower()
        types = MOBILE_TYPES.get(mobile, (1, None))
        ship_type = _text(row.get("ship_type"))
        dims = {k: _int(row, k) for k in ("to_bow", "to_stern", "to_port", "to_starboard")}
        extra: dict[str, Any] = {}
        if all(v is None for v in dims.values()):
            length, width = _int(row, "length"), _int(row, "width")
            if length or width:
                dims = {"to_bow": length, "to_stern": 0, "to_port": width, "to_starboard": 0}
                extra["dims"] = "length_width"
        cargo = _text(row.get("cargo"))
        if cargo:
            extra["cargo_type"] = cargo
        static = {
            "imo": _positive(_int_or_none(_text(row.get("imo")))),
            "callsign": _text(row.get("callsign")),
            "name": _text(row.get("name")),
            "ship_type": SHIP_TYPE.get(ship_type.lower()) if ship_type else None,
            **dims,
            "draught": _positive(_number(row, "draught")),
            "destination": _text(row.get("destination")),
            "eta": _dma_eta(_text(row.get("eta"))),
        }
        if ship_type and static["ship_type"] is None:
            extra["ship_type_text"] = ship_type
        return self._build(row, when, types, static, extra)


class NoaaCsvDecoder(CsvDecoder):
    """NOAA / BOEM MarineCadastre ``AIS_YYYY_MM_DD.csv``."""

    def _columns(self, keys: list[str]) -> list[str | None]:
        return [NOAA_COLUMNS.get(k) for k in keys]

    def convert(self, row: dict[str, str | None]) -> list[Message]:
        stamp = _text(row.get("time"))
        if stamp is None:
            raise RowError(RejectReason.MALFORMED, "empty BaseDateTime")
        try:
            when = parse_iso_utc(stamp)
        except ValueError:
            raise RowError(RejectReason.MALFORMED, f"BaseDateTime {stamp!r} is not ISO-8601") from None
        klass = (_text(row.get("class")) or "A").upper()
        types = (18, 24) if klass.startswith("B") else (1, 5)
        imo_text = _text(row.get("imo"))
        length, width = _int(row, "length"), _int(row, "width")
        dims: dict[str, int | None] = {
            "to_bow": None,
            "to_stern": None,
            "to_port": None,
            "to_starboard": None,
        }
        extra: dict[str, Any] = {}
        if length or width:
            dims = {"to_bow": length, "to_stern": 0, "to_port": width, "to_starboard": 0}
            extra["dims"] = "length_width"
        cargo = _int(row, "cargo")
        if cargo:
            extra["cargo"] = cargo
        static = {
            "imo": _positive(
                _int_or_none(imo_text[3:] if imo_text and imo_text[:3].upper() == "IMO" else imo_text)
            ),
            "callsign": _text(row.get("callsign")),
            "name": _text(row.get("name")),
            "ship_type": _positive(_int(row, "ship_type")),
            **dims,
            "draught": _positive(_number(row, "draught")),
        }
        return self._build(row, when, types, static, extra)


def _positive(value: Any) -> Any:
    return value if value else None


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise RowError(RejectReason.MALFORMED, f"IMO {text!r} is not a number") from None


def _dma_eta(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        stamp = datetime.strptime(text, "%d/%m/%Y %H:%M:%S")
    except ValueError:
        return None
    return f"{stamp.month:02d}-{stamp.day:02d}T{stamp.hour:02d}:{stamp.minute:02d}"


CSV_DECODERS: dict[str, Callable[[Decoder, str], CsvDecoder]] = {
    "dma_csv": DmaCsvDecoder,
    "noaa_csv": NoaaCsvDecoder,
}
