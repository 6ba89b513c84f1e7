"""Keying of raw AIS by MMSI and grouping into one record per AIS message (no broker needed)."""

from pathlib import Path

import pytest

from seawarden.decode import Decoder
from seawarden.sources import open_lines
from seawarden.sources.bus import UNKEYED, RecordBatcher, mmsi_of_payload, parse_target

CORPORA = Path(__file__).resolve().parents[1] / "data" / "corpora"
FILES = [
    CORPORA / "kystverket" / "Ais1000Lines.nm4",  # tag blocks, tag-block groups
    CORPORA / "dma-aislib" / "replay_dump.txt",  # multipart type 5
    CORPORA / "gpsd" / "ais-raw-messages.log",  # many message types, comments
]
TYPE5 = [
    "!AIVDM,2,1,3,B,55P5TL01VIaAL@7WKO@mBplU@<PDhh000000001S;AJ::4A80?4i@E53,0*3E",
    "!AIVDM,2,2,3,B,1@0000000000000,2*55",
]


def test_mmsi_from_first_38_bits_matches_the_decoder():
    line = "!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29"
    (msg,) = Decoder().feed_lines([line], "t")
    assert mmsi_of_payload("13aDp<PP000IwSlN?Wm@0?wN2<1T") == msg.mmsi == 244660274
    assert mmsi_of_payload("13aDp<") is None  # too short for 38 bits
    assert mmsi_of_payload("13a~p<PP") is None  # not six-bit armour


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.parent.name)
def test_each_record_is_one_whole_message_keyed_by_its_mmsi(path):
    lines = list(open_lines(str(path)))
    direct = Decoder()
    expected = [*direct.feed_lines(lines, "f"), *direct.flush()]
    batcher = RecordBatcher()
    records = list(batcher.records(lines))
    decoder = Decoder()
    got = []
    for record in records:
        messages = list(decoder.feed_lines(record.lines, "f"))  # a record decodes on its own
        assert len(messages) <= 1, record
        for msg in messages:
            assert record.key == str(msg.mmsi)
        if not messages:
            assert record.key == UNKEYED
        got += messages
    assert list(decoder.flush()) == []  # nothing left half-assembled
    assert [(m.mmsi, m.msg_type) for m in got] == [(m.mmsi, m.msg_type) for m in expected]
    assert batcher.stats.records == len(records)
    assert batcher.stats.lines + batcher.stats.skipped == len(lines)


def test_multipart_group_is_one_record_even_when_interleaved():
    single = "!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29"
    batcher = RecordBatcher()
    out = batcher.feed(TYPE5[0]) + batcher.feed(single) + batcher.feed(TYPE5[1]) + batcher.flush()
    assert [r.key for r in out] == ["244660274", "369190000"]
    assert out[1].lines == TYPE5
    assert out[1].payload == "\n".join(TYPE5).encode()


def test_tag_only_and_pghp_lines_travel_with_their_sentence():
    tag = "\\c:1354719388*56\\"
    pghp = "$PGHP,1,2010,6,11,11,46,11,929,244,0,,1,72*21"
    sentence = "!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29"
    batcher = RecordBatcher()
    assert batcher.feed(tag) == [] and batcher.feed(pghp) == []
    (record,) = batcher.feed(sentence)
    assert record.lines == [tag, pghp, sentence] and record.key == "244660274"


def test_unkeyable_lines_go_to_the_fixed_key_and_are_counted():
    batcher = RecordBatcher()
    out = [
        *batcher.feed("garbage"),
        *batcher.feed("!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*00"),  # bad checksum
        *batcher.feed("$GPGGA,1*00"),
        *batcher.feed(""),
        *batcher.feed("# comment"),
        *batcher.feed(TYPE5[1]),  # fragment 2 without fragment 1
        *batcher.flush(),
    ]
    assert [r.key for r in out] == [UNKEYED] * 4
    assert batcher.stats.unkeyed_lines == 4 and batcher.stats.skipped == 2
    assert batcher.stats.incomplete_groups == 1


def test_stale_and_superseded_groups_are_sent_incomplete():
    single = "!AIVDM,1,1,,B,13aDp<PP000IwSlN?Wm@0?wN2<1T,0*29"
    batcher = RecordBatcher(max_group_age=3)
    assert batcher.feed(TYPE5[0]) == []  # line 1
    out = [r for _ in range(4) for r in batcher.feed(single)]  # lines 2-5: at 5 the group is 4 old
    assert [r.lines for r in out] == [[single]] * 3 + [[TYPE5[0]], [single]]
    assert out[3].key == "369190000" and batcher.stats.incomplete_groups == 1
    batcher = RecordBatcher()
    assert batcher.feed(TYPE5[0]) == []
    (old,) = batcher.feed(TYPE5[0])  # same group key and fragment again: a new message
    assert old.lines == [TYPE5[0]] and batcher.stats.incomplete_groups == 1


def test_targets():
    kafka = parse_target("kafka://a:9092,b:9092/ais.raw")
    assert (kafka.scheme, kafka.servers, kafka.topic) == ("kafka", "a:9092,b:9092", "ais.raw")
    nats = parse_target("nats://127.0.0.1:4222/AIS/ais.raw")
    assert (nats.servers, nats.stream, nats.subject) == ("nats://127.0.0.1:4222", "AIS", "ais.raw")
    assert str(nats) == "nats://127.0.0.1:4222/AIS/ais.raw"
    for bad in (
        "kafka://host/",
        "kafka:///t",
        "kafka://h:1/a b",
        "nats://h:1/AIS",
        "nats://h/S/a.*",
        "mqtt://h/t",
    ):
        with pytest.raises(ValueError):
            parse_target(bad)
