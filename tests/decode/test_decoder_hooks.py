"""The Decoder's public hooks for bulk decoders leave it as if the lines had gone through feed_line."""

from seawarden.decode import Decoder, Reject
from seawarden.types import TimeSource

PART1 = "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C"
BAD = "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*25"


def test_counted_lines_use_up_line_numbers() -> None:
    rejects: list[Reject] = []
    decoder = Decoder("feed", on_reject=rejects.append)
    decoder.count_lines("feed", 41)
    decoder.feed_line(BAD)
    assert rejects[0].line_no == 42 and decoder.stats.lines == 42


def test_multipart_keys_pending_context_and_expiry() -> None:
    rejects: list[Reject] = []
    decoder = Decoder("feed", clock=lambda: 1000.0, on_reject=rejects.append, multipart_timeout_s=60)
    decoder.feed_line(PART1)
    assert decoder.open_groups == 1 and decoder.multipart_timeout_s == 60
    assert decoder.is_open(Decoder.multipart_key("feed", "feed", "AIVDM", "A", "1"))
    assert not decoder.is_open(Decoder.multipart_key("feed", "feed", "AIVDM", "B", "1"))
    decoder.expire(1030.0, "feed", TimeSource.CLOCK)
    assert decoder.open_groups == 1  # within the timeout
    decoder.expire(1061.0, "feed", TimeSource.TAG_BLOCK)
    assert decoder.open_groups == 1  # another clock: not comparable
    decoder.expire(1061.0, "feed", TimeSource.CLOCK)
    assert decoder.open_groups == 0 and decoder.stats.pending == 0
    assert [r.reason for r in rejects] == ["incomplete_multipart"]
    assert not decoder.has_pending_context("feed")
    decoder.feed_line("\\c:1565218798*53\\")
    assert decoder.has_pending_context("feed") and not decoder.has_pending_context("other")


def test_recorded_counts_keep_the_balance() -> None:
    decoder = Decoder("feed")
    decoder.count_lines("feed", 5)
    decoder.record_counts({1: 3, 5: 1, 18: 0}, consumed=5, warnings={"tagblock_bad_checksum": 2})
    stats = decoder.stats
    assert stats.messages == 4 and dict(stats.messages_by_type) == {1: 3, 5: 1}
    assert stats.warnings == {"tagblock_bad_checksum": 2} and stats.balanced
