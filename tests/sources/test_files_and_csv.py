"""Files, gzip, stdin, format detection and the DMA / NOAA CSV readers."""

import gzip
import io
import sys
from pathlib import Path

import pytest

from seawarden.decode import Decoder, Reject, RejectReason
from seawarden.sources import InputFormat, SourceError, detect_format, open_lines, read_messages
from seawarden.types import TimeSource
from tests.decode.peers import CORPORA

DMA_HEADER = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,"
    "Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,"
    "ETA,Data source type,A,B,C,D"
)
DMA_ROWS = [
    "17/11/2024 00:00:00,Class A,219000001,55.600000,12.700000,At anchor,0.0,0.1,200.3,88,9329760,OXAB2,"
    "EAGLE S,Tanker,No additional information,32,228,GPS,11.2,PRIMORSK,20/11/2024 06:00:00,AIS,200,28,16,16",
    "17/11/2024 00:00:10,Class A,219000001,55.600100,12.700100,At anchor,0.0,0.2,201.0,88,9329760,OXAB2,"
    "EAGLE S,Tanker,No additional information,32,228,GPS,11.2,PRIMORSK,20/11/2024 06:00:00,AIS,200,28,16,16",
    "17/11/2024 00:00:20,Class B,219000002,91.000000,0.000000,Unknown value,,,,,Unknown,Unknown,,Undefined,,"
    ",,Undefined,,Unknown,,AIS,,,,",
    "17/11/2024 00:00:30,Class A,219000003,123.0,12.0,Under way using engine,,5,90,90,Unknown,"
    ",,,,,,,,,,AIS,,,,",
    "not a date,Class A,219000004,55.0,12.0,,,,,,,,,,,,,,,,,AIS,,,,",
    "17/11/2024 00:00:40,Class A,219000005,55.0",
]
NOAA_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,"
    "Draft,Cargo,TransceiverClass"
)
NOAA_ROWS = [
    "367000001,2023-01-01T00:00:01,29.9,-89.9,10.2,45.1,44,MV TEST,IMO9329760,WDA1234,70,0,200,32,10.5,70,A",
    "367000002,2023-01-01T00:00:02,29.8,-89.8,102.3,360.0,511,,,,,15,,,,,B",
    "abc,2023-01-01T00:00:03,29.8,-89.8,1,1,1,,,,,,,,,,A",
]


def write(tmp_path: Path, name: str, lines: list[str], compress: bool = False) -> Path:
    path = tmp_path / name
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def test_open_lines_gzip_and_bad_bytes(tmp_path: Path) -> None:
    path = tmp_path / "feed.nmea.gz"
    path.write_bytes(gzip.compress(b"!AIVDM,ok\n\xff\xfe broken\r\nlast"))
    assert list(open_lines(str(path))) == ["!AIVDM,ok\n", "\ufffd\ufffd broken\n", "last"]


def test_open_lines_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        list(open_lines(str(tmp_path / "missing.nmea")))
    with pytest.raises(SourceError, match="not a regular file"):
        list(open_lines(str(tmp_path)))
    bad = tmp_path / "bad.gz"
    bad.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(SourceError, match="read failed"):
        list(open_lines(str(bad)))


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (CORPORA / "pyais" / "gatehouse.nmea").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text)))
    decoder = Decoder()
    messages = list(read_messages(["-"], decoder))
    assert len(messages) == 4 and {m.source for m in messages} == {"stdin"}


def test_detect_format() -> None:
    assert detect_format([DMA_HEADER, DMA_ROWS[0]]) is InputFormat.DMA_CSV
    assert detect_format(["\ufeff" + NOAA_HEADER]) is InputFormat.NOAA_CSV
    assert detect_format(["mmsi,base_date_time,longitude,latitude,sog,cog,heading"]) is InputFormat.NOAA_CSV
    assert detect_format(["# comment", "", "\\c:1*00\\!AIVDM..."]) is InputFormat.NMEA
    assert detect_format([]) is InputFormat.NMEA


def test_dma_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "aisdk-2024-11-17.csv.gz", [DMA_HEADER, *DMA_ROWS], compress=True)
    rejects: list[Reject] = []
    decoder = Decoder(on_reject=rejects.append)
    messages = list(read_messages([str(path)], decoder))
    static, first, second, class_b = messages
    assert (static.msg_type, static.imo, static.name, static.callsign, static.ship_type) == (
        5, 9329760, "EAGLE S", "OXAB2", 80,
    )  # fmt: skip
    assert (static.length_m, static.draught, static.destination, static.eta) == (
        228,
        11.2,
        "PRIMORSK",
        "11-20T06:00",
    )
    assert (first.msg_type, first.lat, first.lon, first.nav_status, first.sog, first.heading) == (
        1, 55.6, 12.7, 1, 0.1, 88.0,
    )  # fmt: skip
    assert first.time_source is TimeSource.CSV and first.timestamp == 1731801600.0
    assert second.msg_type == 1  # unchanged static columns: no second static message
    assert (class_b.msg_type, class_b.lat, class_b.lon, class_b.nav_status) == (18, None, 0.0, 15)
    assert [(r.reason, r.line_no) for r in rejects] == [
        (RejectReason.INVALID_FIELD, 5), (RejectReason.MALFORMED, 6), (RejectReason.MALFORMED, 7),
    ]  # fmt: skip
    stats = decoder.stats
    assert stats.lines == 7 and stats.ignored_by_kind == {"csv_header": 1} and stats.consumed == 3
    assert stats.balanced and stats.messages == 4


def test_noaa_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "AIS_2023_01_01.csv", [NOAA_HEADER, *NOAA_ROWS])
    rejects: list[Reject] = []
    decoder = Decoder(on_reject=rejects.append)
    static, position, class_b = read_messages([str(path)], decoder)
    assert (static.msg_type, static.imo, static.name, static.ship_type, static.length_m) == (
        5,
        9329760,
        "MV TEST",
        70,
        200,
    )
    assert (position.msg_type, position.lat, position.lon, position.sog, position.cog) == (
        1,
        29.9,
        -89.9,
        10.2,
        45.1,
    )
    assert position.timestamp == 1672531201.0
    assert (class_b.msg_type, class_b.sog, class_b.cog, class_b.heading, class_b.nav_status) == (
        18,
        None,
        None,
        None,
        15,
    )
    assert [r.reason for r in rejects] == [RejectReason.MALFORMED]
    assert decoder.stats.balanced


def test_read_messages_mixed_files_share_one_decoder(tmp_path: Path) -> None:
    nmea = CORPORA / "dma-aislib" / "replay_dump.txt"
    csv_path = write(tmp_path, "noaa.csv", [NOAA_HEADER, NOAA_ROWS[0]])
    decoder = Decoder()
    messages = list(read_messages([str(nmea), str(csv_path)], decoder))
    assert len(messages) == 52 and decoder.stats.balanced
    assert {m.source for m in messages} == {str(nmea), str(csv_path)}


def test_read_messages_forced_format(tmp_path: Path) -> None:
    path = write(tmp_path, "headerless.txt", ["junk", "more junk"])
    decoder = Decoder()
    assert list(read_messages([str(path)], decoder, InputFormat.NMEA)) == []
    assert decoder.stats.rejects == {"malformed": 2}
