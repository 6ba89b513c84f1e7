"""The fast decoder agrees with the reference Decoder: same messages, same order, same stats, same rejects.

Agreement is checked on every real corpus (copies in tests/data/corpora and samples/, and the full
shared corpora when present), on hypothesis-generated position reports (pyais' encoder with
random, edge and "not available" values), and on hand-made lines for each framing rule the fast
path must respect (pending tag blocks and PGHP lines, multipart expiry, line endings, bad input).
"""

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from seawarden.decode import Decoder, Reject
from seawarden.decode.fast import FastDecoder
from seawarden.decode.nmea import nmea_checksum
from seawarden.types import Message
from tests.conftest import ROOT, shared_path

CLOCK = 1_700_000_000.0
CORPORA = ROOT / "tests" / "data" / "corpora"
SAMPLES = ROOT / "samples"


def _reference(data: bytes, **kwargs) -> tuple[list[Message], Decoder, list[Reject]]:
    rejects: list[Reject] = []
    decoder = Decoder("feed", clock=lambda: CLOCK, on_reject=rejects.append, **kwargs)
    lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=None)
    messages = list(decoder.feed_lines(lines))  # as seawarden.sources reads files: universal newlines
    messages += decoder.flush()
    return messages, decoder, rejects


def _fast(data: bytes, chunk_bytes: int = 4096, **kwargs):
    rejects: list[Reject] = []
    fast = FastDecoder(
        Decoder("feed", clock=lambda: CLOCK, on_reject=rejects.append, **kwargs), chunk_bytes=chunk_bytes
    )
    result, stats = fast.decode_buffer(data)
    return result, stats, rejects


def _same_types(got: Message, want: Message) -> None:
    for name in Message.__slots__:
        a, b = getattr(got, name), getattr(want, name)
        assert type(a) is type(b), (name, a, b)


def assert_agree(data: bytes, min_fast: int = 0, chunk_bytes: int = 4096, **kwargs) -> int:
    """Fast and reference decode of ``data`` are identical; returns how many rows took the fast path.

    The small default ``chunk_bytes`` makes many pieces (piece edges); pieces of fewer than 64 lines
    of one layout skip the template framing, so tests of that pass a larger size.
    """
    want, decoder, want_rejects = _reference(data, **kwargs)
    result, stats, rejects = _fast(data, chunk_bytes, **kwargs)
    got = list(result.messages())
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w
        _same_types(g, w)
    assert stats.to_dict() == decoder.stats.to_dict()
    assert stats.balanced
    assert [(r.reason, r.line, r.line_no, r.detail) for r in rejects] == [
        (r.reason, r.line, r.line_no, r.detail) for r in want_rejects
    ]
    assert len(result.positions) >= min_fast
    return len(result.positions)


def _corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".md", ".json", ".txt~"))


@pytest.mark.parametrize("path", _corpus_files(CORPORA) + sorted(SAMPLES.glob("*.nmea")), ids=str)
def test_agrees_on_bundled_corpora(path: Path) -> None:
    assert_agree(path.read_bytes())
    assert_agree(path.read_bytes(), keep_raw=True)
    assert_agree(path.read_bytes(), chunk_bytes=1 << 20)  # whole pieces: the template framing too


@pytest.mark.shared
@pytest.mark.parametrize("corpus", ["ais-corpora", "ais-real"])
def test_agrees_on_shared_corpora(corpus: str) -> None:
    files = _corpus_files(shared_path("data", corpus))
    fast_rows = sum(assert_agree(p.read_bytes()) for p in files)
    assert sum(assert_agree(p.read_bytes(), chunk_bytes=1 << 20) for p in files) == fast_rows
    assert fast_rows > 1000  # the fast path is really exercised on real data


def test_real_feed_takes_the_fast_path() -> None:
    data = (SAMPLES / "kystverket-2019-08-07.nmea").read_bytes()
    assert assert_agree(data) >= 700  # of 877 messages; the rest are other types and multipart


# ------------------------------------------------------------------ generated position reports
def _line(sentence: str, tag: str | None = None) -> str:
    if tag is None:
        return sentence
    return f"\\{tag}*{nmea_checksum(tag):02X}\\{sentence}"


lat = st.one_of(st.just(91.0), st.floats(-90, 90), st.sampled_from([-90.0, 90.0, 0.0, -0.000001]))
lon = st.one_of(st.just(181.0), st.floats(-180, 180), st.sampled_from([-180.0, 180.0, -0.5]))
common = {
    "mmsi": st.integers(0, (1 << 30) - 1),
    "repeat": st.integers(0, 3),
    "speed": st.one_of(st.just(102.3), st.floats(0, 102.2)),
    "accuracy": st.integers(0, 1),
    "lon": lon,
    "lat": lat,
    "course": st.one_of(st.just(360.0), st.floats(0, 409.5)),
    "heading": st.one_of(st.just(511), st.integers(0, 511)),
    "second": st.integers(0, 63),
    "raim": st.integers(0, 1),
}
class_a = st.fixed_dictionaries(
    {
        "type": st.sampled_from([1, 2, 3]),
        **common,
        "status": st.integers(0, 15),
        "turn": st.one_of(st.sampled_from([-128, -127, 127, 0]), st.integers(-126, 126)),
        "maneuver": st.integers(0, 3),
        "radio": st.integers(0, (1 << 19) - 1),
    }
)
class_b = st.fixed_dictionaries(
    {
        "type": st.just(18),
        **common,
        **{k: st.integers(0, 1) for k in ("cs", "display", "dsc", "band", "msg22", "assigned")},
        "reserved_1": st.integers(0, 255),
        "reserved_2": st.integers(0, 3),
    }
)
text = st.text(alphabet="ABCXYZ 0129@-", max_size=20)
class_b_extended = st.fixed_dictionaries(
    {
        "type": st.just(19),
        **common,
        "shipname": text,
        "ship_type": st.integers(0, 255),
        "to_bow": st.integers(0, 511),
        "to_stern": st.integers(0, 511),
        "to_port": st.integers(0, 63),
        "to_starboard": st.integers(0, 63),
        "epfd": st.integers(0, 15),
        "dte": st.integers(0, 1),
        "assigned": st.integers(0, 1),
        "reserved_1": st.integers(0, 255),
        "reserved_2": st.integers(0, 15),
    }
)
long_range = st.fixed_dictionaries(
    {
        "type": st.just(27),
        "mmsi": st.integers(0, (1 << 30) - 1),
        "accuracy": st.integers(0, 1),
        "raim": st.integers(0, 1),
        "status": st.integers(0, 15),
        "lon": st.one_of(st.just(181.0), st.floats(-180, 180)),
        "lat": st.one_of(st.just(91.0), st.floats(-90, 90)),
        "speed": st.integers(0, 63),
        "course": st.integers(0, 511),
        "gnss": st.integers(0, 1),
    }
)
tags = st.one_of(
    st.none(),
    st.integers(631_152_000, 4_102_444_799).map(lambda t: f"c:{t}"),
    st.integers(631_152_000_000, 4_102_444_799_000).map(lambda t: f"s:rx{t % 7},c:{t}"),
    st.sampled_from(["s:2573555", "c:1565218798,s:Kyst_1-a", "c:1565218798,n:123", "s:,c:1565218798"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.one_of(class_a, class_b, class_b_extended, long_range), tags), min_size=1, max_size=8
    )
)
def test_agrees_on_generated_position_reports(reports) -> None:
    lines = []
    for fields, tag in reports:
        (sentence,) = encode_dict(fields, talker_id="AI", sentence_type="VDM", radio_channel="B")
        lines.append(_line(sentence, tag))
    data = ("\n".join(lines) + "\n").encode()
    assert_agree(data, min_fast=len(lines))


def test_edge_values_decode_as_not_available() -> None:
    (sentence,) = encode_dict(
        {
            "type": 1,
            "mmsi": 1,
            "lat": 91,
            "lon": 181,
            "speed": 102.3,
            "course": 360,
            "heading": 511,
            "turn": -128,
        },
        talker_id="AI",
        sentence_type="VDM",
    )
    result, _stats, _rejects = _fast(sentence.encode())
    (msg,) = result.messages()
    assert (msg.lat, msg.lon, msg.sog, msg.cog, msg.heading, msg.rot) == (None,) * 6
    assert np.isnan(result.positions.lat[0])


def test_out_of_range_latitude_is_the_reference_reject() -> None:
    (sentence,) = encode_dict({"type": 1, "mmsi": 1, "lat": 0, "lon": 0}, talker_id="AI", sentence_type="VDM")
    bits = "".join(f"{(ord(c) - 48 - (8 if ord(c) > 87 else 0)):06b}" for c in sentence.split(",")[5])
    bits = bits[:89] + format(95 * 600_000, "027b") + bits[116:]  # latitude 95°
    payload = "".join(
        chr(v + 48 if v < 40 else v + 56) for v in (int(bits[i : i + 6], 2) for i in range(0, 168, 6))
    )
    body = f"AIVDM,1,1,,A,{payload},0"
    data = f"!{body}*{nmea_checksum(body):02X}\n".encode()
    assert assert_agree(data) == 0
    _result, stats, _rejects = _fast(data)
    assert stats.rejects == {"invalid_field": 1}


# ------------------------------------------------------------------ framing rules
POS = "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24"
POS_B = "!AIVDM,1,1,,B,B52K>;h0<Wl=Vh7pM:0vP0000000,0*64"
TYPE5 = [
    "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
    "!AIVDM,2,2,1,A,88888888880,2*25",
]


@pytest.mark.parametrize(
    "lines",
    [
        [POS, POS_B, "", "# comment", POS],
        ["\\c:1565218798*53\\", POS, POS],  # stand-alone tag block applies to the next sentence
        ["$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B", POS, POS],  # Gatehouse time
        ["\\c:1565218798*53\\", "\\s:x*7F\\" + POS, POS],  # pending tag survives a tagged line
        [TYPE5[0], POS, POS_B, TYPE5[1], POS],  # multipart interleaved with fast lines
        [f"\\c:1000000000*{nmea_checksum('c:1000000000'):02X}\\" + TYPE5[0], _line(POS, "c:1000000100"), POS],
        [TYPE5[0]],  # incomplete at end of input
        [POS.replace("*24", "*25"), POS[:-1], POS + ",extra", " " + POS, POS + " ", POS.lower()],
        [_line(POS, "c:1565218798").replace("*53", "*54"), _line(POS, "g:1-1-7,c:1565218798")],  # tag rules
        [_line(POS, "c:15652187980000"), _line(POS, "c:abc"), _line(POS, "c:1.5e9"), _line(POS, "x")],
        ["1565218798 " + POS, POS + ",r003669946,1325394060", "!BSVDM" + POS[6:], "!AIVDO" + POS[6:]],
        ["!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069,0*14", "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,2*26"],
        ["x" * 2000, POS, "\\" * 40 + POS],
    ],
)
def test_framing_rules_agree(lines: list[str]) -> None:
    for ending in ("\n", "\r\n", "\r"):
        assert_agree(ending.join(lines).encode() + ending.encode())
    assert_agree("\n".join(lines).encode())  # no final newline


def test_tag_checksum_mismatch_is_a_warning_not_a_reject() -> None:
    data = (_line(POS, "c:1565218798").replace("*53", "*54") + "\n").encode()
    assert assert_agree(data) == 1
    _result, stats, _rejects = _fast(data)
    assert stats.warnings == {"tagblock_bad_checksum": 1}


def test_binary_garbage_never_crashes() -> None:
    rng = np.random.default_rng(5)
    noise = rng.integers(0, 256, 5000, dtype=np.uint8).tobytes()
    assert_agree(noise + b"\n" + POS.encode() + b"\n" + noise[:100])


def test_order_is_input_order_across_chunks() -> None:
    lines = [POS, TYPE5[0], TYPE5[1], POS_B] * 300
    data = ("\n".join(lines) + "\n").encode()
    assert assert_agree(data) == 600
    result, _stats, _rejects = _fast(data)
    types = [m.msg_type for m in result.messages()]
    assert types == [1, 5, 18] * 300


def test_stream_in_small_blocks_equals_whole_buffer() -> None:
    data = (SAMPLES / "kystverket-2019-08-07.nmea").read_bytes().replace(b"\n", b"\r\n")
    whole, stats, _ = _fast(data)
    fast = FastDecoder(Decoder("feed", clock=lambda: CLOCK))
    blocks = [data[i : i + 777] for i in range(0, len(data), 777)]
    assert list(fast.decode_stream(blocks, "feed")) == list(whole.messages())
    assert fast.stats.to_dict() == stats.to_dict()


# ------------------------------------------------------------------ other types through the memo
@pytest.mark.parametrize(
    "lines",
    [
        [TYPE5[0], TYPE5[1], POS, TYPE5[0], TYPE5[1]],  # adjacent parts: paired on the fast path
        [TYPE5[0], POS, TYPE5[0], TYPE5[1], POS],  # an open group with the same key must be failed first
        [TYPE5[1], TYPE5[0]],  # wrong order
        [TYPE5[0], TYPE5[0].replace(",2,1,", ",2,2,").replace("*1C", "*1F"), TYPE5[1]],  # bad checksum
        [_line(TYPE5[0], "s:a,c:1600000000"), _line(TYPE5[1], "s:b,c:1600000000")],  # other receiver
        [_line(TYPE5[0], "c:1600000000"), _line(TYPE5[1], "c:1600000100")],  # parts 100 s apart
        [_line(TYPE5[0], "c:1600000000"), TYPE5[1]],  # part 2 timed by our clock
        [
            "!AIVDM,1,1,,A,4025boivPA3450h4;0OhN8000000,0*22",
            "!AIVDM,1,1,,A,H3@ndhAP00000000000000000000,0*6E",
        ],
        ["!AIVDM,1,1,,A,4025boivPA3450h4;0OhN80000,0*13", "!AIVDM,1,1,,A,4025boivPA3450h4;0OhN8000000,3*21"],
        ["!AIVDM,3,1,7,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1A", TYPE5[1]],
    ],
)
def test_memo_and_pairing_rules_agree(lines: list[str]) -> None:
    assert_agree(("\n".join(lines) + "\n").encode())
    assert_agree(("\n".join(lines) + "\n").encode(), keep_raw=True)


def test_repeated_static_reports_hit_the_memo_and_own_their_extra() -> None:
    data = ("\n".join(TYPE5 * 3) + "\n").encode()
    fast = FastDecoder(Decoder("feed", clock=lambda: CLOCK))
    result, _stats = fast.decode_buffer(data)
    first, second, _third = result.messages()
    assert (fast._memo.misses, fast._memo.hits) == (1, 2)
    assert first == second and first.extra is not second.extra
    assert first.name and first.msg_type == 5


static = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just(5),
            "mmsi": st.integers(0, (1 << 30) - 1),
            "imo": st.integers(0, (1 << 30) - 1),
            "callsign": text,
            "shipname": text,
            "destination": text,
            "ship_type": st.integers(0, 255),
            "to_bow": st.integers(0, 511),
            "draught": st.floats(0, 25.5),
            "month": st.integers(0, 15),
            "day": st.integers(0, 31),
            "hour": st.integers(0, 31),
            "minute": st.integers(0, 63),
        }
    ),
    st.fixed_dictionaries(
        {"type": st.just(24), "mmsi": st.integers(0, (1 << 30) - 1), "partno": st.just(0), "shipname": text}
    ),
    st.fixed_dictionaries(
        {
            "type": st.just(24),
            "mmsi": st.integers(0, (1 << 30) - 1),
            "partno": st.just(1),
            "ship_type": st.integers(0, 255),
            "callsign": text,
            "vendorid": st.text(alphabet="ABC", max_size=3),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just(4),
            "mmsi": st.integers(0, (1 << 30) - 1),
            "year": st.integers(0, 16383),
            "month": st.integers(0, 15),
            "day": st.integers(0, 31),
            "hour": st.integers(0, 31),
            "minute": st.integers(0, 63),
            "second": st.integers(0, 63),
            "lon": lon,
            "lat": lat,
        }
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(static, tags, st.integers(0, 9)), min_size=1, max_size=6))
def test_agrees_on_generated_static_reports(reports) -> None:
    lines = []
    for fields, tag, seq in reports:
        for sentence in encode_dict(fields, talker_id="AI", sentence_type="VDM", seq_id=seq):
            lines.append(_line(sentence, tag))
    data = ("\n".join(lines) + "\n").encode()
    want, _decoder, _rejects = _reference(data)
    result, _stats, _ = _fast(data)
    assert_agree(data)
    assert len(result.memoised) + len(result.positions) == len(want)  # all on the fast path (4: vectorised)


# ------------------------------------------------------------------ template (fixed-layout) framing
TEMPLATE_LINES = [
    _line(POS, "s:2573555,c:1565218798"),
    _line(POS_B, "c:1565218798000,s:rORBCOMM008,n:17"),
    POS,
]
MUTANTS = ",*\\!: x0Z9g\x00\x7f\xff"


def _resummed(line: str) -> str:
    """The line with its tag-block and sentence checksums recomputed where its shape still allows."""
    if line.startswith("\\") and line.count("\\") >= 2:
        close = line.index("\\", 1)
        star = line.rfind("*", 0, close)
        if star > 0:
            line = f"\\{line[1:star]}*{nmea_checksum(line[1:star]):02X}" + line[star + 3 :]
    bang, star = line.find("!"), line.rfind("*")
    if 0 <= bang < star:
        line = line[: star + 1] + f"{nmea_checksum(line[bang + 1 : star]):02X}" + line[star + 3 :]
    return line


@pytest.mark.parametrize("chunk", [1 << 22, 4096], ids=["template", "general"])
@pytest.mark.parametrize("base", TEMPLATE_LINES, ids=["kystverket", "orbcomm-ms", "plain"])
def test_framing_agrees_on_every_single_column_change(base: str, chunk: int) -> None:
    """Many lines of one layout teach a template; a change in any column must not slip through it.

    With small chunks (fewer lines than a template needs) the same lines test the general framer.
    """
    lines = [base] * 80  # enough for the template path when the chunk holds them all
    for col in range(len(base)):
        for char in MUTANTS:
            mutant = base[:col] + char + base[col + 1 :]
            lines += [mutant, _resummed(mutant)]
    data = ("\n".join(lines) + "\n").encode("latin-1")
    want, decoder, want_rejects = _reference(data)
    rejects: list[Reject] = []
    fast = FastDecoder(Decoder("feed", clock=lambda: CLOCK, on_reject=rejects.append), chunk_bytes=chunk)
    result, stats = fast.decode_buffer(data)
    got = list(result.messages())
    assert got == want
    assert stats.to_dict() == decoder.stats.to_dict()
    assert [(r.reason, r.line, r.line_no, r.detail) for r in rejects] == [
        (r.reason, r.line, r.line_no, r.detail) for r in want_rejects
    ]
    assert len(result.positions) >= 80


def test_an_internal_failure_costs_speed_not_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (SAMPLES / "kystverket-2019-08-07.nmea").read_bytes()

    def broken(*_args, **_kwargs):
        raise IndexError("simulated bug")

    monkeypatch.setattr(FastDecoder, "_columns", broken)
    assert assert_agree(data) == 0  # every line went through the reference decoder


def test_a_payload_the_memo_cannot_decode_goes_to_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    import seawarden.decode.fast_memo as fast_memo

    def broken(*_args, **_kwargs):
        raise ValueError("simulated pyais failure")

    monkeypatch.setattr(fast_memo, "decode_payload", broken)
    data = ("\n".join(TYPE5 * 3 + [POS]) + "\n").encode()
    assert_agree(data)


def test_dearmouring_every_byte() -> None:
    from seawarden.decode.fast_fields import dearmour

    values = np.arange(256, dtype=np.uint8)
    chars = np.stack([values, np.full(256, 48, np.uint8), values, values], axis=1)  # width 4: word lanes
    six, armoured = dearmour(chars)
    for byte in range(256):
        valid = 48 <= byte < 88 or 96 <= byte < 120
        assert armoured[byte] == valid, byte
        if valid:
            assert six[byte, 0] == (byte - 48 if byte < 88 else byte - 56)
    six, armoured = dearmour(chars[:, :3].copy())  # odd width: byte lanes
    assert armoured.tolist() == [48 <= b < 88 or 96 <= b < 120 for b in range(256)]


@pytest.mark.parametrize("table", ["slots", "overflow", "collided"])
def test_many_receivers_keep_their_names(monkeypatch: pytest.MonkeyPatch, table: str) -> None:
    """Tag-block sources are looked up in a slot table, its sorted overflow, or (hashes collide) exactly."""
    import seawarden.decode.fast as fast

    if table == "overflow":  # 256 slots for 303 receivers
        monkeypatch.setattr(fast._SourceTable, "MAX_BITS", 8)
    if table == "collided":  # every receiver has one hash
        monkeypatch.setattr(fast, "_hash", lambda keys: keys[:, 0] & np.uint64(0))
    receivers = [f"{2570000 + 137 * k}" for k in range(300)] + ["x", "ABCDEFGHIJKLMNOP", "rx-7"]
    lines = [
        _line(POS if k % 3 else POS_B, f"s:{receivers[(k * 7) % len(receivers)]},c:{1600000000 + k}")
        for k in range(3000)
    ]
    data = ("\n".join(lines) + "\n").encode()
    assert assert_agree(data) >= 2900
    result, _stats, _rejects = _fast(data)
    assert {m.source for m in result.messages()} == set(receivers)
    decoder = FastDecoder(Decoder("feed"), chunk_bytes=4096)
    decoder.decode_buffer(data)
    source_table = decoder._source_table
    assert source_table.collided == (table == "collided")
    if table == "slots":
        assert len(source_table.over_hash) < len(receivers) // 10  # the slots serve most keys
    if table == "overflow":
        assert len(source_table.over_hash) >= len(receivers) - 256


@pytest.mark.parametrize("bad", ["\x01", " ", "\x7f", "\\", ",", "\xe9", "*", "!"])
def test_template_lines_with_a_bad_byte_in_a_tag_value_agree(bad: str) -> None:
    """Lines of the common layout are checked column by column; a bad byte in ``s:`` must not slip through.

    The bad lines keep a valid tag checksum: a mismatch alone sends a line to the reference decoder.
    """
    lines = [_line(POS, f"s:rx{k % 10}00,c:{1600000000 + k}") for k in range(200)]
    lines[50] = _line(POS, f"s:r{bad}000,c:1600000050")
    lines[120] = _line(POS, f"s:r{bad}000,c:1600000120")
    data = ("\n".join(lines) + "\n").encode("latin-1")
    assert len({len(line) for line in data.splitlines()}) == 1  # one layout: the template path
    assert assert_agree(data, chunk_bytes=1 << 20) >= 190
