"""Importers: the real EU and TAK lists, a synthetic FtM sample, the register's own formats."""

import io
import json
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seawarden.watchlist import (
    ImportFormat,
    Watchlist,
    WatchlistImportError,
    bundled_entries,
    detect_format,
    import_file,
    parse_bytes,
    parse_file,
)
from seawarden.watchlist.exporters import write_csv, write_json
from seawarden.watchlist.register import bundled_report
from tests.conftest import TEST_DATA, shared_path

DATA = TEST_DATA / "watchlist"
EU_SAMPLE = DATA / "eu_designated_vessels_excerpt.csv"
FTM_SAMPLE = DATA / "opensanctions_ftm_sample.jsonl"


# -- EU Annex XLII --------------------------------------------------------------------------------


@pytest.mark.shared
def test_real_eu_csv_imports_all_557_rows() -> None:
    path = shared_path("data", "watchlists", "eu_designated_vessels_2025-10-23.csv")
    watchlist = Watchlist()
    report = import_file(watchlist, path)
    assert report.format is ImportFormat.EU_CSV
    assert report.encoding == "cp1252"
    assert report.rows == 557
    assert report.skipped == 0 and not report.warning_reasons
    # 556 distinct ships: "Aura 1" (IMO 9472634) is listed twice and merges into one entry.
    assert (report.added, report.merged) == (556, 1)
    assert len(watchlist) == 556
    eagle = watchlist.get("9329760")
    assert eagle is not None
    assert eagle.id == "imo:9329760" and eagle.names == ["Eagle S"] and eagle.imo_valid
    assert eagle.listed_since == "2025-05-21"
    assert eagle.sources == ["EU Annex XLII 2025-10-23"]
    assert report.invalid_imos == 0


def test_bundled_eu_list_is_the_default_content() -> None:
    entries = bundled_entries()
    assert len(entries) == 557  # one per row; the register merges the duplicate
    report = bundled_report()
    assert report.rows == 557 and report.skipped == 0
    watchlist = Watchlist(entries)
    assert len(watchlist) == 556
    kavya = watchlist.get(9353113)
    assert kavya is not None and kavya.names == ["Kavya", "Hana"]
    quartanus = watchlist.get(9247443)  # the row with a 0xA0 byte and no closing bracket
    assert quartanus is not None and quartanus.names == ["Quartanus", "Morpheus"]
    apar = watchlist.get(9402471)
    assert apar is not None and apar.names == ["Apar", "Feng Shou", "Andromeda Star"]


def test_eu_excerpt_with_bad_rows_counts_every_problem() -> None:
    parsed = parse_file(EU_SAMPLE)
    report = parsed.report
    assert report.format is ImportFormat.EU_CSV
    assert report.rows == 19  # 14 real rows + 5 bad ones (the blank ";;" row is not a record)
    assert len(parsed.entries) == 17
    assert report.skip_reasons == {"missing_columns": 1, "no_identifier": 1}
    assert report.warning_reasons == {"unparseable_imo": 1, "bad_date": 1}
    assert report.invalid_imos == 1
    by_name = {e.name: e for e in parsed.entries}
    assert by_name["Bad Imo Ship"].imo is None and by_name["Bad Imo Ship"].id == "name:bad-imo-ship"
    assert by_name["Bad Date Ship"].listed_since is None and by_name["Bad Date Ship"].imo == 9074729
    flagged = by_name["Wrong Check Digit"]
    assert flagged.imo == 9329761 and not flagged.imo_valid
    assert by_name["Dorin"].names == ["Dorin", "E Mei Shan"]
    assert {p.reason for p in report.problems} >= {"missing_columns", "no_identifier", "unparseable_imo"}
    assert "2 skipped" in report.summary()


def test_eu_source_label_can_be_overridden() -> None:
    parsed = parse_file(EU_SAMPLE, source="EU 19th package")
    assert parsed.entries[0].sources == ["EU 19th package"]


def test_eu_header_without_imo_column_is_a_clear_error() -> None:
    with pytest.raises(WatchlistImportError, match="not an EU designated-vessels CSV"):
        parse_bytes(b"Vessel name;Something;Date\r\nX;1;2\r\n", ImportFormat.EU_CSV)


# -- TAK shadow-fleet JSON ------------------------------------------------------------------------


@pytest.mark.shared
def test_real_tak_json_imports_1990_vessels_824_with_mmsi() -> None:
    path = shared_path("data", "watchlists", "tak_shadowfleet.json")
    watchlist = Watchlist()
    report = import_file(watchlist, path)
    assert report.format is ImportFormat.TAK_JSON
    assert report.rows == 1990 and report.skipped == 0
    assert report.added == 1990
    assert report.with_mmsi == 824
    print(f"\nTAK list: {report.rows} vessels, {report.with_mmsi} carry at least one MMSI")
    eagle = watchlist.get("imo:9329760")
    assert eagle is not None
    assert eagle.names == ["Eagle S"]  # "Eagle S" and "EAGLE S" are one name
    assert eagle.mmsis == [] and eagle.flag == "Cook Islands" and eagle.operator == "Caravella LLCFZ"
    assert set(eagle.sources) == {"UK", "OpenSanctions"}
    jal = watchlist.get(9562233)
    assert jal is not None and jal.mmsis == [620233000] and "Jal Vahini" in jal.names
    assert jal.vessel_type == "Bulk Carrier"


@pytest.mark.shared
def test_eu_and_tak_merge_by_imo() -> None:
    watchlist = Watchlist(bundled_entries())
    report = import_file(watchlist, shared_path("data", "watchlists", "tak_shadowfleet.json"))
    assert report.merged == 556  # every EU-listed ship is also on the TAK list
    assert len(watchlist) == 1990
    eagle = watchlist.get(9329760)
    assert eagle is not None
    assert eagle.sources == ["EU Annex XLII 2025-10-23", "UK", "OpenSanctions"]
    assert eagle.listed_since == "2025-05-21" and eagle.flag == "Cook Islands"


def test_tak_json_bad_items_are_skipped() -> None:
    data = json.dumps(
        [
            {
                "imo": "9329760",
                "mmsi": ["518998865", "12"],
                "names": ["Eagle S"],
                "type": "nan",
                "flag": "ck",
                "sanctions_origin": ["UK"],
            },
            "not an object",
            {"imo": "", "mmsi": [], "names": []},
            {"imo": "abc", "names": ["NAME ONLY SHIP"]},
        ]
    ).encode()
    parsed = parse_bytes(data)
    report = parsed.report
    assert report.format is ImportFormat.TAK_JSON
    assert report.rows == 4 and len(parsed.entries) == 2
    assert report.skip_reasons == {"not_an_object": 1, "no_identifier": 1}
    assert report.warning_reasons == {"bad_mmsi": 1, "unparseable_imo": 1}
    eagle = parsed.entries[0]
    assert eagle.mmsis == [518998865] and eagle.vessel_type is None and eagle.flag == "CK"


# -- OpenSanctions FollowTheMoney -----------------------------------------------------------------


def test_ftm_sample() -> None:
    parsed = parse_file(FTM_SAMPLE)
    report = parsed.report
    assert report.format is ImportFormat.FTM
    assert report.other_schemas == {"Company": 1, "Person": 1}
    assert report.skip_reasons == {
        "other_schema": 2,
        "no_identifier": 1,
        "bad_json": 1,
        "not_an_object": 1,
        "no_properties": 1,
    }
    assert report.warning_reasons == {"bad_mmsi": 1}  # the placeholder 123456789
    assert report.invalid_imos == 1
    ids = [e.id for e in parsed.entries]
    assert ids == ["imo:9329760", "ftm:sample-vessel-no-imo", "imo:1234568", "imo:9074729"]
    eagle, no_imo, bad, former = parsed.entries
    assert eagle.mmsis == [518998865] and eagle.flag == "CK" and eagle.vessel_type == "Crude Oil Tanker"
    assert eagle.sources == ["OpenSanctions"] and "mare.shadow" in eagle.reason
    assert eagle.listed_since == "2025-05-21"
    assert no_imo.names == ["NORDIC SAMPLE TRADER", "NORDIC SAMPLE"]
    assert not bad.imo_valid
    assert former.names == ["BALTIC SAMPLE STAR", "SAMPLE LOTUS", "OLD SAMPLE", "SAMPLE VOYAGER"]
    assert former.mmsis == [636099999]
    assert former.notes == "datasets: sample_sanctions, sample_uk"


def test_ftm_entity_without_imo_or_mmsi_gets_its_ftm_id() -> None:
    line = {"id": "abc-1", "schema": "Vessel", "properties": {"name": ["NAMED ONLY"]}}
    parsed = parse_bytes(json.dumps(line).encode())
    assert parsed.report.format is ImportFormat.FTM
    assert [e.id for e in parsed.entries] == ["ftm:abc-1"]


def test_ftm_json_array_is_accepted() -> None:
    records = [json.loads(line) for line in FTM_SAMPLE.read_text().splitlines()[:3]]
    parsed = parse_bytes(json.dumps(records).encode())
    assert parsed.report.format is ImportFormat.FTM
    assert len(parsed.entries) == 3


def test_ftm_merges_with_eu_list_on_imo() -> None:
    watchlist = Watchlist(bundled_entries())
    report = import_file(watchlist, FTM_SAMPLE)
    assert report.merged == 1 and report.added == 3
    eagle = watchlist.get(9329760)
    assert eagle is not None
    assert eagle.mmsis == [518998865]
    assert eagle.sources == ["EU Annex XLII 2025-10-23", "OpenSanctions"]


# -- the register's own CSV / JSON and auto-detection --------------------------------------------


def test_simple_csv_with_any_delimiter_and_aliases() -> None:
    text = (
        "IMO;MMSI;Name;Reason\n9329760;518998865;Eagle S;cable incident\n;273999002;Nameless MMSI;\nx;y;;\n"
    )
    parsed = parse_bytes(text.encode(), origin="mine.csv")
    report = parsed.report
    assert report.format is ImportFormat.CSV
    assert report.rows == 3 and len(parsed.entries) == 2
    assert parsed.entries[0].reason == "cable incident"
    assert parsed.entries[0].sources == ["import mine.csv"]
    assert parsed.entries[1].id == "mmsi:273999002"
    assert report.skip_reasons == {"no_identifier": 1}
    assert report.warning_reasons == {"unparseable_imo": 1, "bad_mmsi": 1}


def test_register_csv_and_json_round_trip() -> None:
    original = Watchlist(bundled_entries())
    import_file(original, FTM_SAMPLE)
    buffer = io.StringIO()
    assert write_csv(original, buffer) == len(original)
    from_csv = Watchlist()
    parsed = parse_bytes(buffer.getvalue().encode(), origin="export.csv")
    assert parsed.report.format is ImportFormat.CSV and parsed.report.skipped == 0
    from_csv.merge_entries(parsed.entries)
    assert [e.to_dict() for e in from_csv] == [e.to_dict() for e in original]

    buffer = io.StringIO()
    write_json(original, buffer)
    parsed_json = parse_bytes(buffer.getvalue().encode())
    assert parsed_json.report.format is ImportFormat.JSON
    assert [e.to_dict() for e in parsed_json.entries] == [e.to_dict() for e in original]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Vessel name;IMO number ;Date of application\r\nEagle S;9329760;21.05.2025\r\n", "eu-csv"),
        (b"\xef\xbb\xbfimo,name\n9329760,Eagle S\n", "csv"),
        (b'[{"imo": "9329760", "mmsi": [], "names": ["Eagle S"]}]', "tak-json"),
        (b'{"id": "x", "schema": "Vessel", "properties": {}}\n{"id": "y", "schema": "Company"}', "ftm"),
        (b'{"format": "seawarden-watchlist", "entries": []}', "json"),
        (b'[{"id": "imo:9329760", "imo": 9329760, "mmsis": [], "names": []}]', "json"),
    ],
)
def test_detect_format(data: bytes, expected: str) -> None:
    assert detect_format(data) == ImportFormat(expected)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"hello world\nthis is not a list\n", "unrecognised watch-list format"),
        (b"{not json", "not valid JSON"),
        (b'{"a": 1}', "unknown shape"),
        (b'[{"a": 1}]', "unknown shape"),
        (b"\x00\x01\x02\xff\xfe", "unrecognised"),
    ],
)
def test_unusable_input_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(WatchlistImportError, match=message):
        parse_bytes(data)


def test_forced_wrong_format_is_a_clear_error() -> None:
    with pytest.raises(WatchlistImportError, match="invalid JSON"):
        parse_file(EU_SAMPLE, "tak-json")
    with pytest.raises(WatchlistImportError, match="unknown watch-list format"):
        parse_file(EU_SAMPLE, "xml")


def test_unreadable_paths_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(WatchlistImportError, match="no such file"):
        parse_file(tmp_path / "missing.csv")
    with pytest.raises(WatchlistImportError, match="is a directory"):
        parse_file(tmp_path)


def test_dash_reads_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(EU_SAMPLE.read_bytes()))
    monkeypatch.setattr(sys, "stdin", stdin)
    parsed = parse_file("-")
    assert parsed.report.origin == "<stdin>" and len(parsed.entries) == 17


def test_csv_field_too_large_is_skipped_not_fatal() -> None:
    huge = "x" * (200 * 1024)
    text = f'imo,name\n9329760,Eagle S\n9074729,"{huge}"\n9224984,Yi Peng 3\n'
    parsed = parse_bytes(text.encode())
    assert [e.imo for e in parsed.entries][:1] == [9329760]
    assert 9224984 in [e.imo for e in parsed.entries]
    assert parsed.report.skip_reasons.get("bad_csv") == 1


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: ("Vessel name;IMO number ;Date\r\n" + t).encode()),
        st.text(max_size=300).map(lambda t: ("imo,mmsi,name\n" + t).encode()),
        st.lists(
            st.dictionaries(st.sampled_from(["imo", "mmsi", "names", "flag"]), st.text(max_size=12))
        ).map(lambda items: json.dumps([{"imo": "1", "names": [], **i} for i in items]).encode()),
    ),
    st.sampled_from(list(ImportFormat)),
)
def test_any_input_either_parses_or_raises_a_clear_error(data: bytes, fmt: ImportFormat) -> None:
    try:
        parsed = parse_bytes(data, fmt)
    except WatchlistImportError as exc:
        assert str(exc)
        return
    report = parsed.report
    assert report.rows >= len(parsed.entries)
    assert all(e.imo is not None or e.mmsis or e.names for e in parsed.entries)
