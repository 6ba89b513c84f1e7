"""libais' expected JSON (scaled units): fields, tag-block times and stations agree."""

import json
from datetime import UTC, datetime

from seawarden.decode import RejectReason
from tests.decode.peers import CORPORA, Agreement, decode_file


def _libais_time(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def _compare(doc: dict, msg, result: Agreement, where: str) -> None:
    result.compared += 1
    result.check("mmsi", doc["mmsi"], msg.mmsi, where)
    if "lat" in doc and doc["type"] not in (6, 8):
        result.check("lat", None if doc["lat"] == 91 else round(doc["lat"], 5), _r(msg.lat), where)
        result.check("lon", None if doc["lon"] == 181 else round(doc["lon"], 5), _r(msg.lon), where)
    if "speed" in doc and doc["type"] in (1, 2, 3, 18, 19):
        result.check("speed", None if doc["speed"] > 102.25 else round(doc["speed"], 1), msg.sog, where)
    if "course" in doc and doc["type"] in (1, 2, 3, 18, 19):
        result.check("course", None if doc["course"] >= 360 else round(doc["course"], 1), msg.cog, where)
    if "heading" in doc:
        result.check("heading", None if doc["heading"] == 511 else doc["heading"], msg.heading, where)
    if "status" in doc:
        result.check("status", doc["status"], msg.nav_status, where)
    if doc["type"] == 5:
        result.check("imo", int(doc["imo"]) or None, msg.imo, where)
        result.check("name", doc["shipname"].strip() or None, msg.name, where)
        result.check("callsign", doc["callsign"].strip() or None, msg.callsign, where)
        result.check("shiptype", doc["shiptype"] or None, msg.ship_type, where)
        result.check("destination", doc["destination"].strip() or None, msg.destination, where)
        result.check("draught", round(doc["draught"], 1) or None, msg.draught, where)
        for dim in ("to_bow", "to_stern", "to_port", "to_starboard"):
            result.check(dim, doc[dim], getattr(msg, dim), where)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 5)


def test_typeexamples_agree_with_libais() -> None:
    messages, rejects, decoder = decode_file(CORPORA / "libais" / "typeexamples.nmea")
    expected = [
        json.loads(line) for line in (CORPORA / "libais" / "typeexamples.json").read_text().splitlines()
    ]
    lines = (CORPORA / "libais" / "typeexamples.nmea").read_text().splitlines()
    assert len(expected) == len(lines) == 26
    by_line = {m.raw: m for m in messages}
    result = Agreement()
    rejected_out_of_range = 0
    for line, doc in zip(lines, expected, strict=True):
        msg = by_line.get(line.strip())
        if msg is None:
            # the only lines we refuse carry positions outside the earth (libais passes them through)
            reject = next(r for r in rejects if r.line == line.strip())
            assert reject.reason is RejectReason.INVALID_FIELD
            assert abs(doc["lat"]) > 90 or abs(doc["lon"]) > 180
            rejected_out_of_range += 1
            continue
        assert msg.msg_type == doc["type"]
        _compare(doc, msg, result, line[:40])
    print(
        f"libais typeexamples: {result.compared} compared, {dict(result.agree)},"
        f" {rejected_out_of_range} rejected"
    )
    assert result.mismatches == []
    assert result.compared == 23 and rejected_out_of_range == 3
    # USCG trailing metadata: station r003669946 and the first epoch after it
    first = by_line[lines[1].strip()]
    assert first.source == "r003669946" and first.timestamp == 1325394060.0
    assert str(first.time_source) == "prefix"
    assert decoder.stats.balanced


def test_tagblock_times_stations_and_grouped_type5() -> None:
    messages, rejects, decoder = decode_file(CORPORA / "libais" / "tagblock.nmea")
    expected = [json.loads(line) for line in (CORPORA / "libais" / "tagblock.json").read_text().splitlines()]
    assert rejects == []
    assert len(messages) == len(expected) == 4
    result = Agreement()
    for doc in expected:
        msg = next(m for m in messages if m.timestamp == _libais_time(doc["tagblock_timestamp"]))
        assert msg.source == doc["tagblock_station"]
        assert str(msg.time_source) == "tagblock"
        _compare(doc, msg, result, doc["tagblock_station"])
    assert result.mismatches == []
    static = next(m for m in messages if m.msg_type == 5)
    assert static.name == "ROSINANTE" and static.callsign == "XPD5019"
    assert static.raw is not None and static.raw.count("\n") == 1  # both grouped parts
    assert decoder.stats.consumed == 5 and decoder.stats.balanced
