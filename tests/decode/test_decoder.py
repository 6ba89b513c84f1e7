"""Unit behaviour of the decoder: framing, times, multipart, sentinels, rejects."""

import pytest
from pyais.encode import encode_dict

from seawarden.decode import Decoder, Reject, RejectReason
from seawarden.decode.nmea import nmea_checksum
from seawarden.types import TimeSource

NOW = 1_700_000_000.0


def make(**fields) -> list[str]:
    return encode_dict({"mmsi": 211000001, **fields}, radio_channel="A", sentence_type="VDM")


def tag(body: str) -> str:
    return f"\\{body}*{nmea_checksum(body):02X}\\"


def sentence(body: str) -> str:
    return f"!{body}*{nmea_checksum(body):02X}"


@pytest.fixture
def rejects() -> list[Reject]:
    return []


@pytest.fixture
def decoder(rejects: list[Reject]) -> Decoder:
    return Decoder("test", clock=lambda: NOW, on_reject=rejects.append)


def test_position_report_and_clock_time(decoder: Decoder) -> None:
    (line,) = make(type=1, lat=55.5, lon=12.25, speed=10.5, course=90.1, heading=91, status=1)
    (msg,) = decoder.feed_line(line)
    assert (msg.msg_type, msg.mmsi, msg.lat, msg.lon, msg.sog, msg.cog) == (
        1,
        211000001,
        55.5,
        12.25,
        10.5,
        90.1,
    )
    assert (msg.heading, msg.nav_status, msg.channel, msg.talker) == (91.0, 1, "A", "AIVDM")
    assert (msg.timestamp, msg.time_source, msg.source) == (NOW, TimeSource.CLOCK, "test")


def test_not_available_sentinels_become_none(decoder: Decoder) -> None:
    (line,) = make(type=1, lat=91, lon=181, speed=102.3, course=360, heading=511, turn=-128)
    (msg,) = decoder.feed_line(line)
    assert (msg.lat, msg.lon, msg.sog, msg.cog, msg.heading, msg.rot) == (None,) * 6
    assert not msg.has_position


def test_static_type5_sentinels(decoder: Decoder) -> None:
    parts = make(type=5, imo=0, shipname="@@@@", callsign="", draught=0, ship_type=0, destination="")
    messages = [m for line in parts for m in decoder.feed_line(line)]
    (msg,) = messages
    assert (msg.imo, msg.name, msg.callsign, msg.draught, msg.ship_type, msg.destination) == (None,) * 6


def test_out_of_range_latitude_is_invalid_field(decoder: Decoder, rejects: list[Reject]) -> None:
    (line,) = make(type=1, lat=-100.0, lon=10.0)
    assert decoder.feed_line(line) == []
    assert rejects[0].reason is RejectReason.INVALID_FIELD and "latitude" in rejects[0].detail


def test_bad_checksum_rejected(decoder: Decoder, rejects: list[Reject]) -> None:
    (line,) = make(type=1, lat=1, lon=1)
    broken = line[:-2] + ("00" if line[-2:] != "00" else "01")
    assert decoder.feed_line(broken) == []
    assert rejects[0].reason is RejectReason.BAD_CHECKSUM and rejects[0].line_no == 1


def test_unsupported_types(decoder: Decoder, rejects: list[Reject]) -> None:
    decoder.feed_line(sentence("AIVDM,1,1,,A,0000000000000000000000000000,0"))  # type 0
    decoder.feed_line(sentence("AIVDM,1,1,,A,l000000000000000000000000000,0"))  # type 52
    assert [r.reason for r in rejects] == [RejectReason.UNSUPPORTED] * 2


def test_multipart_out_of_order_and_interleaved(decoder: Decoder) -> None:
    first = make(type=5, shipname="FIRST", callsign="AB12")
    second = encode_dict(
        {"type": 5, "mmsi": 211000002, "shipname": "SECOND"}, seq_id=2, radio_channel="A", sentence_type="VDM"
    )
    assert len(first) == len(second) == 2
    got = []
    for line in (first[1], second[0], first[0], second[1]):
        got += decoder.feed_line(line)
    assert [m.name for m in got] == ["FIRST", "SECOND"]
    assert decoder.stats.consumed == 4 and decoder.stats.balanced


def test_incomplete_multipart_times_out_and_flushes(rejects: list[Reject]) -> None:
    times = iter([0.0, 0.0, 100.0, 100.0])
    decoder = Decoder(
        "feed", clock=lambda: NOW + next(times), multipart_timeout_s=60, on_reject=rejects.append
    )
    part1, _part2 = make(type=5, shipname="LOST")
    decoder.feed_line(part1)
    assert decoder.stats.pending == 1 and decoder.stats.balanced
    (position,) = make(type=1, lat=1, lon=1)
    decoder.feed_line(position)  # same time: nothing expires
    assert decoder.stats.pending == 1
    decoder.feed_line(position)  # 100 s later: the group times out
    assert [r.reason for r in rejects] == [RejectReason.INCOMPLETE_MULTIPART]
    decoder.feed_line(part1)
    decoder.flush()
    assert [r.reason for r in rejects] == [RejectReason.INCOMPLETE_MULTIPART] * 2
    assert "end of input" in rejects[-1].detail and decoder.stats.pending == 0 and decoder.stats.balanced


def test_tag_block_time_source_and_ms(decoder: Decoder) -> None:
    (line,) = make(type=1, lat=1, lon=1)
    (msg,) = decoder.feed_line(tag("s:rx7,c:1565218798123") + line)
    assert (msg.timestamp, msg.time_source, msg.source) == (1565218798.123, TimeSource.TAG_BLOCK, "rx7")


def test_bad_tag_block_checksum_is_a_warning_not_a_loss(decoder: Decoder, rejects: list[Reject]) -> None:
    (line,) = make(type=1, lat=1, lon=1)
    (msg,) = decoder.feed_line("\\c:1565218798*00\\" + line)  # the sentence's own checksum is valid
    assert msg.timestamp == 1565218798.0 and rejects == []
    assert decoder.stats.warnings == {"tagblock_bad_checksum": 1}
    assert decoder.feed_line("\\c:1565218798*00\\" + line[:-1] + "0") == []  # bad sentence checksum
    assert rejects[0].reason is RejectReason.BAD_CHECKSUM


def test_grouped_tag_blocks_inherit_time_and_source(decoder: Decoder) -> None:
    part1, part2 = make(type=5, shipname="GROUPED")
    decoder.feed_line(tag("g:1-2-77,s:sat1,c:1418169601") + part1)
    (msg,) = decoder.feed_line(tag("g:2-2-77") + part2)
    assert (msg.name, msg.source, msg.timestamp) == ("GROUPED", "sat1", 1418169601.0)


def test_time_precedence(decoder: Decoder) -> None:
    (line,) = make(type=1, lat=1, lon=1)
    pghp_body = "PGHP,1,2010,6,11,11,46,11,929,244,0,,1,72"
    pghp = f"${pghp_body}*{nmea_checksum(pghp_body):02X}"
    decoder.feed_line(pghp)
    (msg,) = decoder.feed_line(tag("c:1418169601") + line)
    assert msg.time_source is TimeSource.TAG_BLOCK  # tag block beats PGHP
    decoder.feed_line(pghp)
    (msg,) = decoder.feed_line("2019-08-07 22:59:58 " + line)
    assert msg.time_source is TimeSource.PGHP and msg.timestamp == pytest.approx(1276256771.929)
    (msg,) = decoder.feed_line("2019-08-07T22:59:58.5Z " + line)
    assert msg.time_source is TimeSource.PREFIX and msg.timestamp == 1565218798.5
    (msg,) = decoder.feed_line("07/08/2019 22:59:58," + line)
    assert msg.timestamp == 1565218798.0
    (msg,) = decoder.feed_line(line + ",r003669946,1325394060,1325394001")
    assert (msg.time_source, msg.timestamp, msg.source) == (TimeSource.PREFIX, 1325394060.0, "r003669946")
    (msg,) = decoder.feed_line(line)
    assert msg.time_source is TimeSource.CLOCK


def test_ignored_lines_are_counted(decoder: Decoder) -> None:
    for line in ("", "   ", "# comment", "$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D",
                 "$PFEC,GPatt,,,*xx", f"$PGHP,2,foo*{nmea_checksum('PGHP,2,foo'):02X}"):  # fmt: skip
        assert decoder.feed_line(line) == []
    assert decoder.stats.ignored == 6 and decoder.stats.rejected == 0
    assert decoder.stats.ignored_by_kind == {"blank": 2, "comment": 1, "nmea_other": 3}


def test_overlong_and_garbage_lines(decoder: Decoder, rejects: list[Reject]) -> None:
    decoder.feed_line("!" + "A" * 5000)
    decoder.feed_line(b"\xff\xfe!AIVDM\x00")
    decoder.feed_line("hello world")
    assert [r.reason for r in rejects] == [RejectReason.MALFORMED] * 3
    assert "longer than 1024" in rejects[0].detail and len(rejects[0].line) == 1024
    assert decoder.stats.balanced


def test_type24_parts_and_type21_extension(decoder: Decoder) -> None:
    (a,) = make(type=24, partno=0, shipname="SMALL BOAT")
    (b,) = make(type=24, partno=1, callsign="OZ123", ship_type=37, to_bow=5, to_stern=3)
    (ma,) = decoder.feed_line(a)
    (mb,) = decoder.feed_line(b)
    assert (ma.part_num, ma.name) == (0, "SMALL BOAT")
    assert (mb.part_num, mb.callsign, mb.ship_type, mb.length_m) == (1, "OZ123", 37, 8)
    (aton,) = make(type=21, aid_type=9, name="NORTH CARDINAL BUOY", lat=55.0, lon=11.0)
    (msg,) = decoder.feed_line(aton)
    assert msg.name == "NORTH CARDINAL BUOY" and msg.extra is not None and msg.extra["aid_type"] == 9


def test_type4_and_binary_extra(decoder: Decoder) -> None:
    (base,) = make(type=4, year=2024, month=3, day=9, hour=12, minute=30, second=5, lat=55.0, lon=12.0)
    (msg,) = decoder.feed_line(base)
    assert msg.extra is not None and msg.extra["utc"] == "2024-03-09T12:30:05Z"
    (binary,) = make(type=8, dac=1, fid=40, data=b"\x12\x34")
    (msg,) = decoder.feed_line(binary)
    assert msg.extra is not None and (msg.extra["dac"], msg.extra["fid"]) == (1, 40)
    assert msg.extra["data_hex"].startswith("1234") and msg.lat is None


def test_keep_raw_and_line_numbers(rejects: list[Reject]) -> None:
    decoder = Decoder("a", keep_raw=True, on_reject=rejects.append)
    (line,) = make(type=1, lat=1, lon=1)
    decoder.feed_line("junk")
    decoder.feed_line("junk", source="b")
    (msg,) = decoder.feed_line(line)
    assert msg.raw == line
    assert [(r.source, r.line_no) for r in rejects] == [("a", 1), ("b", 1)]


def test_failing_reject_callback_does_not_break_decoding() -> None:
    def boom(_reject: Reject) -> None:
        raise RuntimeError("sink down")

    decoder = Decoder(on_reject=boom)
    assert decoder.feed_line("junk") == []
    assert decoder.stats.rejects == {"malformed": 1}
