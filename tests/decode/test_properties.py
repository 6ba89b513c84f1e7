"""Property: random and mutated input never raises out of the decoder, and every line is accounted for."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawarden.decode import Decoder
from tests.decode.peers import CORPORA

SEEDS = [
    line
    for name in (
        "pyais/mixed.txt",
        "dma-aislib/small_cb_example.txt",
        "libais/tagblock.nmea",
        "libais/typeexamples.nmea",
    )
    for line in (CORPORA / name).read_text(encoding="utf-8", errors="replace").splitlines()
    if line.strip()
]
NMEA_CHARS = "!$\\*,:-0123456789ABCDEFabcdefVDMOPGH@`wW<>?;\r\n \t\x00\xff"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    line = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "tag"]))
        pos = draw(st.integers(0, max(len(line) - 1, 0)))
        if op == "flip" and line:
            line = line[:pos] + draw(st.sampled_from(NMEA_CHARS)) + line[pos + 1 :]
        elif op == "truncate":
            line = line[:pos]
        elif op == "insert":
            line = line[:pos] + draw(st.text(NMEA_CHARS, max_size=5)) + line[pos:]
        elif op == "delete":
            line = line[:pos] + line[pos + 3 :]
        else:
            line = "\\" + draw(st.text(NMEA_CHARS, max_size=30)) + "\\" + line
    return line


lines_strategy = st.lists(
    st.one_of(
        mutated(),
        st.sampled_from(SEEDS),  # intact lines, so multipart groups form and get interrupted
        st.binary(max_size=120),
        st.text(max_size=120),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=lines_strategy, timeout=st.sampled_from([0.001, 60.0]))
def test_no_exception_and_counts_add_up(lines: list, timeout: float) -> None:
    rejects = []
    clock = iter(float(1_600_000_000 + i) for i in range(10_000))
    decoder = Decoder(
        "prop", clock=lambda: next(clock), multipart_timeout_s=timeout, on_reject=rejects.append
    )
    messages = []
    for line in lines:
        messages += decoder.feed_line(line)  # must not raise
        assert decoder.stats.balanced
    messages += decoder.flush()
    stats = decoder.stats
    assert stats.lines == len(lines)
    assert stats.pending == 0
    assert stats.lines == stats.ignored + stats.consumed + stats.rejected
    assert len(rejects) == stats.rejected
    assert len(messages) == stats.messages
    assert not [r for r in rejects if r.detail.startswith("internal error")]  # safety net unused
    for msg in messages:
        assert msg.lat is None or -90 <= msg.lat <= 90
        assert msg.lon is None or -180 <= msg.lon <= 180
        msg.to_dict()
