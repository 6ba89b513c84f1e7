"""pyais samples and real DMA / Kystverket feeds: every line is decoded, ignored or rejected with a reason.

The exact counts pin the behaviour on real data; a change in them is a behaviour change to review.
"""

from pathlib import Path

import pytest

from seawarden.decode import RejectReason
from tests.conftest import shared_path
from tests.decode.peers import CORPORA, decode_file

# file -> (lines, messages, consumed, ignored, rejects by reason)
EXPECTED = {
    "pyais/mixed.txt": (35, 10, 12, 17, {"bad_checksum": 4, "malformed": 2}),
    "pyais/sample.ais": (22, 9, 10, 6, {"bad_checksum": 4, "malformed": 2}),
    "pyais/gatehouse.nmea": (11, 4, 4, 6, {"bad_checksum": 1}),
    "pyais/timestamped.ais": (11, 4, 4, 6, {"bad_checksum": 1}),
    "pyais/nmea_data_sample.txt": (898, 778, 778, 0, {"incomplete_multipart": 20, "malformed": 100}),
    "dma-aislib/decode_encode_messages.txt": (646, 601, 646, 0, {}),
    "dma-aislib/replay_dump.txt": (108, 50, 51, 57, {}),
    "dma-aislib/retry_example.txt": (11, 6, 9, 0, {"incomplete_multipart": 2}),
    "dma-aislib/small_cb_example.txt": (27, 10, 14, 11, {"incomplete_multipart": 1, "malformed": 1}),
    "kystverket/Ais1000Lines.nm4": (1000, 877, 1000, 0, {}),
}


def _check(path: Path, expected: tuple) -> None:
    messages, rejects, decoder = decode_file(path)
    stats = decoder.stats
    lines, n_messages, consumed, ignored, by_reason = expected
    print(
        f"{path.name}: lines {stats.lines} = ignored {stats.ignored} + consumed {stats.consumed}"
        f" + rejected {stats.rejected} {dict(stats.rejects)}; messages {stats.messages}"
    )
    assert stats.lines == stats.ignored + stats.consumed + stats.rejected  # nothing pending after flush
    assert stats.pending == 0 and stats.balanced
    assert len(rejects) == stats.rejected
    assert all(r.detail and r.line_no for r in rejects)
    assert (stats.lines, stats.messages, stats.consumed, stats.ignored) == (
        lines,
        n_messages,
        consumed,
        ignored,
    )
    assert dict(stats.rejects) == by_reason
    assert len(messages) == n_messages
    assert sum(stats.messages_by_type.values()) == n_messages


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bundled_corpus_counts(name: str) -> None:
    _check(CORPORA / name, EXPECTED[name])


@pytest.mark.shared
def test_dma_stream_example_counts() -> None:
    path = shared_path("data", "ais-real", "dma-aislib", "stream_example.txt")
    messages, _rejects, decoder = decode_file(path)
    _check(path, (8551, 4051, 4500, 4051, {}))
    assert all(str(m.time_source) == "pghp" for m in messages)  # every sentence has its $PGHP time
    assert decoder.stats.ignored_by_kind == {"gatehouse": 4051}


def test_pyais_samples_behave_sensibly() -> None:
    messages, rejects, _ = decode_file(CORPORA / "pyais" / "sample.ais")
    reasons = {r.line_no: (r.reason, r.detail) for r in rejects}
    assert reasons[10] == (RejectReason.MALFORMED, "not an NMEA sentence")  # IamNotAnAisMessage1111
    assert reasons[12][0] is RejectReason.BAD_CHECKSUM and "tag block" in reasons[12][1]  # ``*A``
    # ``\\s:blah,c:1747818025*5A\\!AAVDM,0,1,...``: the tag block is accepted with a checksum warning,
    # then the sentence itself is refused for its fragment count of 0
    assert reasons[17] == (RejectReason.MALFORMED, "fragment count '0' is not 1-9")
    assert {m.mmsi for m in messages if m.msg_type == 5} == {366989380}  # the 2-part type 5

    messages, rejects, _ = decode_file(CORPORA / "pyais" / "gatehouse.nmea")
    # the first sentence takes the 2008 PGHP time; the 2009 line has a wrong checksum and is refused
    assert messages[0].timestamp == pytest.approx(1210291200.01)
    assert [str(m.time_source) for m in messages] == ["pghp", "clock", "clock", "clock"]
    assert rejects[0].line.startswith("$PGHP,1,2009")

    _, rejects, _ = decode_file(CORPORA / "pyais" / "nmea_data_sample.txt")
    empty = [r for r in rejects if r.detail == "empty payload"]
    assert len(empty) == 100 and all(r.line.startswith("!AIVDM,1,1,,") for r in empty)


def test_kystverket_tag_block_times() -> None:
    messages, rejects, decoder = decode_file(CORPORA / "kystverket" / "Ais1000Lines.nm4")
    assert {m.timestamp for m in messages} >= {1565218798.0}
    assert all(str(m.time_source) == "tagblock" for m in messages)
    # the 123 two-part messages carry grouped tag blocks with the checksum of the ungrouped form
    # (``g:`` added without recomputing ``*hh``); their sentences are checksum-valid, so they are
    # decoded and the mismatch is counted as a warning instead of losing 12 % of the feed
    assert rejects == [] and decoder.stats.warnings == {"tagblock_bad_checksum": 246}
    assert sum(1 for m in messages if m.msg_type == 5) >= 123
    lats = [m.lat for m in messages if m.lat is not None]
    assert min(lats) > 56.5 and max(lats) < 81.0  # Norwegian coast to Svalbard
