"""Simulated reports -> AIVDM sentences (pyais) wrapped in NMEA 4.0 tag blocks.

Every sentence carries ``\\s:<source>,c:<unix seconds>*hh\\`` so that ``seawarden replay`` takes the
event time from the tag block (TimeSource.TAG_BLOCK), exactly as with a Spire or Kystverket feed.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pyais import encode_dict

from seawarden.simulate.vessel import Identity, SimFix, StaticReport

SOURCE = "sim"


def nmea_checksum(body: str) -> str:
    """XOR of all characters, two upper-case hex digits (NMEA 0183 and tag blocks alike)."""
    value = 0
    for char in body:
        value ^= ord(char)
    return f"{value:02X}"


def tag_block(unix_s: float, source: str = SOURCE) -> str:
    body = f"s:{source},c:{int(unix_s)}"
    return f"\\{body}*{nmea_checksum(body)}\\"


@dataclass
class SentenceEncoder:
    """Stateful encoder: alternates VHF channels and cycles the multipart sequence id 1..9."""

    source: str = SOURCE
    _channel_flip: bool = False
    _seq: int = 0

    def _channel(self) -> str:
        self._channel_flip = not self._channel_flip
        return "A" if self._channel_flip else "B"

    def _next_seq(self) -> int:
        self._seq = self._seq % 9 + 1
        return self._seq

    def encode(self, report: SimFix | StaticReport) -> list[str]:
        """Tagged sentence lines for one report (two for a type 5, two for type 24 A+B)."""
        payloads = [_position(report)] if isinstance(report, SimFix) else _statics(report)
        lines: list[str] = []
        for data in payloads:
            multipart = data["type"] == 5
            sentences = encode_dict(
                data,
                talker_id="AI",
                sentence_type="VDM",
                radio_channel=self._channel(),
                seq_id=self._next_seq() if multipart else None,
            )
            prefix = tag_block(report.t, self.source)
            lines.extend(prefix + sentence for sentence in sentences)
        return lines

    def encode_all(self, reports: Iterable[SimFix | StaticReport]) -> Iterator[str]:
        for report in reports:
            yield from self.encode(report)


def _position(fix: SimFix) -> dict[str, object]:
    second = int(fix.t) % 60
    if fix.identity.ais_class == "B":
        return {
            "type": 18,
            "mmsi": fix.identity.mmsi,
            "speed": fix.sog,
            "accuracy": 1,
            "lon": fix.lon,
            "lat": fix.lat,
            "course": fix.cog,
            "heading": 511 if fix.heading is None else fix.heading,
            "second": second,
            "cs": 1,
            "display": 0,
            "dsc": 1,
            "band": 1,
            "msg22": 1,
        }
    return {
        "type": 1,
        "mmsi": fix.identity.mmsi,
        "status": fix.nav_status,
        "turn": -128,
        "speed": fix.sog,
        "accuracy": 1,
        "lon": fix.lon,
        "lat": fix.lat,
        "course": fix.cog,
        "heading": 511 if fix.heading is None else fix.heading,
        "second": second,
    }


def _dimensions(identity: Identity) -> dict[str, int]:
    """GNSS antenna 15 % of the length from the stern, on the centre line: a common bridge position."""
    stern = round(identity.length_m * 0.15)
    half = identity.beam_m // 2
    return {
        "to_bow": identity.length_m - stern,
        "to_stern": stern,
        "to_port": half,
        "to_starboard": identity.beam_m - half,
    }


def _statics(report: StaticReport) -> list[dict[str, object]]:
    identity = report.identity
    if identity.ais_class == "B":
        return [
            {"type": 24, "mmsi": identity.mmsi, "partno": 0, "shipname": identity.name},
            {
                "type": 24,
                "mmsi": identity.mmsi,
                "partno": 1,
                "ship_type": identity.ship_type,
                "callsign": identity.callsign,
                **_dimensions(identity),
            },
        ]
    return [
        {
            "type": 5,
            "mmsi": identity.mmsi,
            "ais_version": 2,
            "imo": identity.imo or 0,
            "callsign": identity.callsign,
            "shipname": identity.name,
            "ship_type": identity.ship_type,
            **_dimensions(identity),
            "epfd": 1,
            "draught": identity.draught_m,
            "destination": identity.destination,
            "dte": 0,
        }
    ]
