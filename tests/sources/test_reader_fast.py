"""``read_messages`` takes the vectorised fast path for NMEA; it must be indistinguishable from the reference.

Every comparison decodes the same inputs twice, with ``fast=False`` (the reference ``Decoder``,
line by line) and ``fast=True``, and requires the same messages in the same order, the same
statistics and the same rejects (reason, detail, line number, source), on the shared corpora, the
repository's samples and scenarios, and generated feeds with every kind of fault real feeds have.
"""

import gzip
import io
import sys
from pathlib import Path

import pytest

from benchmarks.feed import FAULTS, dirty, generate
from seawarden.decode import Decoder, Reject
from seawarden.sources import SourceError, read_messages
from seawarden.sources import reader as reader_module
from seawarden.types import Message
from tests.conftest import ROOT, shared_path

CLOCK = 1_700_000_000.0
NMEA_FILES = sorted((ROOT / "samples").glob("*.nmea")) + sorted((ROOT / "scenarios").glob("*.nmea"))
CORPORA = ROOT / "tests" / "data" / "corpora"


def _decode(paths: list[str], fast: bool, **kwargs) -> tuple[list[Message], Decoder, list[Reject]]:
    rejects: list[Reject] = []
    decoder = Decoder(clock=lambda: CLOCK, on_reject=rejects.append, **kwargs)
    return list(read_messages(paths, decoder, fast=fast)), decoder, rejects


def assert_same(paths: list[str], **kwargs) -> list[Message]:
    want, want_decoder, want_rejects = _decode(paths, fast=False, **kwargs)
    got, got_decoder, got_rejects = _decode(paths, fast=True, **kwargs)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g == w
        assert [type(getattr(g, f)) for f in Message.__slots__] == [
            type(getattr(w, f)) for f in Message.__slots__
        ]
    assert got_decoder.stats.to_dict() == want_decoder.stats.to_dict()
    assert got_decoder.stats.balanced
    assert [r.to_dict() for r in got_rejects] == [r.to_dict() for r in want_rejects]
    return got


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix not in (".md", ".json"))


@pytest.mark.parametrize("path", NMEA_FILES, ids=lambda p: p.name)
def test_samples_and_scenarios(path: Path) -> None:
    assert assert_same([str(path)])


def test_bundled_corpora_in_one_call() -> None:
    """Many files through one decoder: line numbers restart and groups never span files."""
    assert_same([str(p) for p in _files(CORPORA)])


@pytest.mark.shared
@pytest.mark.parametrize("corpus", ["ais-corpora", "ais-real"])
def test_shared_corpora(corpus: str) -> None:
    paths = [str(p) for p in _files(shared_path("data", corpus))]
    assert len(assert_same(paths)) > 1000
    assert_same(paths, keep_raw=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_feed_with_faults(tmp_path: Path, seed: int) -> None:
    clean = generate(3000, seed=seed)
    data = dirty(clean, seed=seed, share=0.08)
    path = tmp_path / "feed.nmea"
    path.write_bytes(data)
    got = assert_same([str(path)])
    assert len(got) > 2500
    decoder = Decoder(clock=lambda: CLOCK)
    list(read_messages([str(path)], decoder))
    for reason in ("bad_checksum", "malformed", "incomplete_multipart"):
        assert decoder.stats.rejects[reason] > 0, reason  # the faults really were exercised
    assert decoder.stats.ignored_by_kind["tag_block"] > 0 and decoder.stats.ignored_by_kind["gatehouse"] > 0


def test_every_fault_kind_is_generated() -> None:
    data = dirty(generate(2000, seed=4), seed=4, share=0.3)
    assert b"$PGHP" in data and b"g:1-1-" in data and b"\r\n" in data and b"# receiver" in data
    assert len(FAULTS) == 14


def test_gzip_small_blocks_and_several_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_module, "BLOCK_BYTES", 777)  # lines and \r\n pairs cut across reads
    data = dirty(generate(1500, seed=5), seed=5, share=0.1).replace(b"\n", b"\r\n")
    packed = tmp_path / "feed.nmea.gz"
    packed.write_bytes(gzip.compress(data))
    plain = tmp_path / "kyst.nmea"
    plain.write_bytes((ROOT / "samples" / "kystverket-2019-08-07.nmea").read_bytes())
    assert assert_same([str(packed), str(plain), str(packed)])


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (ROOT / "samples" / "dma-2010-06-11.nmea").read_bytes()

    def stdin() -> io.TextIOWrapper:
        return io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)))

    monkeypatch.setattr(sys, "stdin", stdin())
    want, want_decoder, _ = _decode(["-"], fast=False)
    monkeypatch.setattr(sys, "stdin", stdin())
    got, got_decoder, _ = _decode(["-"], fast=True)
    assert got == want and got
    assert got_decoder.stats.to_dict() == want_decoder.stats.to_dict()


def test_csv_exports_go_through_the_row_decoders(tmp_path: Path) -> None:
    csv = tmp_path / "dma.csv"
    rows = "".join(
        f"01/06/2024 00:0{i}:00,Class A,21900000{i},55.5,10.{i},Under way using engine,0,10.0,90.0,91\n"
        for i in range(5)
    )
    header = "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading\n"
    csv.write_text("\n" * 5 + header + rows * 3000)  # rows beyond the detection head and across reads
    assert len(assert_same([str(csv)])) == 15000


def test_detection_head_longer_than_one_read(tmp_path: Path) -> None:
    path = tmp_path / "log.nmea"
    path.write_bytes(b"# " + b"x" * 70_000 + b"\n" + (ROOT / "samples" / "dma-2010-06-11.nmea").read_bytes())
    assert assert_same([str(path)])


@pytest.mark.parametrize("fast", [True, False])
def test_unreadable_inputs_raise_source_error(tmp_path: Path, fast: bool) -> None:
    with pytest.raises(SourceError, match="no such file"):
        list(read_messages([str(tmp_path / "missing.nmea")], fast=fast))
    broken = tmp_path / "broken.nmea.gz"
    packed = gzip.compress((ROOT / "samples" / "kystverket-2019-08-07.nmea").read_bytes())
    broken.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(SourceError, match="read failed"):
        list(read_messages([str(broken)], fast=fast))
