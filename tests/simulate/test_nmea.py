import re

import pytest
from pyais import decode

from seawarden.simulate.nmea import SentenceEncoder, nmea_checksum, tag_block
from seawarden.simulate.vessel import Identity, SimFix, StaticReport

TAGGED = re.compile(r"^\\(?P<tag>s:sim,c:(?P<c>\d+))\*(?P<tcs>[0-9A-F]{2})\\(?P<sentence>!AIVDM,.*)$")
A = Identity(
    mmsi=518998865,
    name="EAGLE S",
    imo=9329760,
    callsign="E5U4223",
    ship_type=80,
    length_m=228,
    beam_m=32,
    draught_m=12.4,
    destination="PORT SAID",
)
B = Identity(
    mmsi=230012345, name="SAILOR", callsign="OH1234", ship_type=37, length_m=12, beam_m=4, ais_class="B"
)


def fix(identity: Identity, t: float = 1_735_113_601.0) -> SimFix:
    return SimFix(
        t=t,
        identity=identity,
        lat=59.91234,
        lon=25.55678,
        sog=6.3,
        cog=268.4,
        heading=262,
        nav_status=0,
        true_lat=59.91234,
        true_lon=25.55678,
        phase=None,
    )


def test_tag_block_checksum_matches_nmea_rule():
    block = tag_block(1735113600)
    assert block == "\\s:sim,c:1735113600*" + nmea_checksum("s:sim,c:1735113600") + "\\"
    # a hand-computed NMEA XOR: 's' ^ ':' ^ 'x' ...
    value = 0
    for ch in "s:sim,c:1735113600":
        value ^= ord(ch)
    assert block.endswith(f"*{value:02X}\\")


def _check_line(line: str) -> tuple[int, str]:
    match = TAGGED.match(line)
    assert match, line
    assert nmea_checksum(match["tag"]) == match["tcs"]
    sentence = match["sentence"]
    body, checksum = sentence[1:].split("*")
    assert nmea_checksum(body) == checksum
    return int(match["c"]), sentence


def test_class_a_position_and_two_part_static_decode():
    encoder = SentenceEncoder()
    lines = encoder.encode(fix(A)) + encoder.encode(StaticReport(1_735_113_601.0, A))
    parsed = [_check_line(line) for line in lines]
    assert all(c == 1_735_113_601 for c, _ in parsed)
    position = decode(parsed[0][1]).asdict()
    assert position["msg_type"] == 1 and position["mmsi"] == A.mmsi
    assert position["lat"] == pytest.approx(59.91234, abs=1e-5)
    assert position["speed"] == pytest.approx(6.3) and position["course"] == pytest.approx(268.4)
    assert position["heading"] == 262 and position["second"] == 1
    parts = [s for _, s in parsed[1:]]
    assert len(parts) == 2 and parts[0].startswith("!AIVDM,2,1,") and parts[1].startswith("!AIVDM,2,2,")
    seq_ids = {p.split(",")[3] for p in parts}
    assert len(seq_ids) == 1 and seq_ids.pop() in {str(i) for i in range(1, 10)}
    static = decode(*parts).asdict()
    assert static["imo"] == 9329760 and static["shipname"] == "EAGLE S" and static["callsign"] == "E5U4223"
    assert static["to_bow"] + static["to_stern"] == 228 and static["draught"] == pytest.approx(12.4)
    assert static["destination"] == "PORT SAID"
    assert static["ship_type"] == 80  # a tanker: the type the risk rules and detectors read


def test_class_b_uses_types_18_and_24():
    encoder = SentenceEncoder()
    lines = encoder.encode(fix(B)) + encoder.encode(StaticReport(0.0, B))
    decoded = [decode(_check_line(line)[1]).asdict() for line in lines]
    assert [d["msg_type"] for d in decoded] == [18, 24, 24]
    assert decoded[1]["shipname"] == "SAILOR"
    assert decoded[2]["callsign"] == "OH1234" and decoded[2]["to_bow"] + decoded[2]["to_stern"] == 12
    assert decoded[2]["ship_type"] == 37


def test_sequence_ids_cycle_and_channels_alternate():
    encoder = SentenceEncoder()
    seq = []
    channels = []
    for _ in range(12):
        part1, _part2 = encoder.encode(StaticReport(0.0, A))
        fields = part1.split("\\")[-1].split(",")
        seq.append(int(fields[3]))
        channels.append(fields[4])
    assert seq[:10] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]
    assert set(channels) == {"A", "B"}
