"""Importers for published vessel lists, with format auto-detection.

Supported: the EU Annex XLII designated-vessels CSV, the TAK shadow-fleet JSON, OpenSanctions
FollowTheMoney ``Vessel`` entities (JSON lines), and the register's own CSV and JSON exports.
Lists are typed by people, so every row is checked on its own: a bad row is counted with its
reason, logged and skipped, and the rest of the list still loads.
"""

import csv
import io
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from seawarden.watchlist.entry import WatchlistEntry, make_entry_id, union_names
from seawarden.watchlist.exporters import MULTI_SEPARATOR
from seawarden.watchlist.identifiers import imo_check_digit_ok, parse_imo, parse_mmsi
from seawarden.watchlist.names import split_former_names

if TYPE_CHECKING:
    from seawarden.watchlist.register import Watchlist

log = logging.getLogger(__name__)

EU_REASON = "EU Annex XLII to Reg. (EU) 833/2014: shadow-fleet port-access and services ban"
MAX_PROBLEMS_KEPT = 200  # row problems kept verbatim in a report (all are counted)
_LOGGED_PROBLEMS = 20  # row problems logged one by one before only the summary is logged
_NO_VALUE = frozenset({"nan", "none", "null", "-", "n/a", "unknown"})  # placeholders lists use for "no data"


class ImportFormat(StrEnum):
    AUTO = "auto"
    EU_CSV = "eu-csv"
    TAK_JSON = "tak-json"
    FTM = "ftm"
    CSV = "csv"
    JSON = "json"


class WatchlistImportError(ValueError):
    """The input as a whole is unusable (unreadable, unknown format); the message says why."""


@dataclass
class RowProblem:
    row: int  # 1-based record number (CSV: line number of the record, header = 1)
    reason: str
    detail: str


@dataclass
class ImportReport:
    """What an import did; ``added``/``merged`` are filled when entries go into a register."""

    origin: str
    format: ImportFormat
    source: str | None = None
    encoding: str = "utf-8"
    rows: int = 0
    added: int = 0
    merged: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)
    warning_reasons: Counter[str] = field(default_factory=Counter)
    other_schemas: Counter[str] = field(default_factory=Counter)
    problems: list[RowProblem] = field(default_factory=list)
    invalid_imos: int = 0  # entries kept with an IMO whose check digit is wrong
    with_mmsi: int = 0  # entries carrying at least one MMSI

    @property
    def skipped(self) -> int:
        return sum(self.skip_reasons.values())

    def skip(self, row: int, reason: str, detail: str) -> None:
        self.skip_reasons[reason] += 1
        self._problem(row, reason, detail, skipped=True)

    def warn(self, row: int, reason: str, detail: str) -> None:
        self.warning_reasons[reason] += 1
        self._problem(row, reason, detail, skipped=False)

    def _problem(self, row: int, reason: str, detail: str, skipped: bool) -> None:
        count = self.skipped + sum(self.warning_reasons.values())
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(RowProblem(row, reason, detail))
        if count <= _LOGGED_PROBLEMS:
            action = "skipped" if skipped else "kept"
            log.warning("%s row %d %s (%s): %s", self.origin, row, action, reason, detail)

    def summary(self) -> str:
        """One line for people: ``eu.csv (eu-csv): 557 rows, 556 added, 1 merged, 0 skipped``."""
        text = (
            f"{self.origin} ({self.format}): {self.rows} rows, {self.added} added, {self.merged} merged, "
            f"{self.skipped} skipped"
        )
        if self.skip_reasons:
            text += " (" + ", ".join(f"{r}: {n}" for r, n in self.skip_reasons.most_common()) + ")"
        if self.warning_reasons:
            text += "; kept with warnings: " + ", ".join(
                f"{r}: {n}" for r, n in self.warning_reasons.most_common()
            )
        if self.invalid_imos:
            text += f"; {self.invalid_imos} with an IMO failing its check digit (kept, flagged)"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "format": str(self.format),
            "source": self.source,
            "encoding": self.encoding,
            "rows": self.rows,
            "added": self.added,
            "merged": self.merged,
            "skipped": self.skipped,
            "skip_reasons": dict(self.skip_reasons),
            "warning_reasons": dict(self.warning_reasons),
            "other_schemas": dict(self.other_schemas),
            "invalid_imos": self.invalid_imos,
            "with_mmsi": self.with_mmsi,
            "problems": [vars(p) for p in self.problems],
        }


@dataclass
class ParsedList:
    """Entries read from one input (one per usable record, not yet merged) and the report."""

    entries: list[WatchlistEntry]
    report: ImportReport


# -- entry points ---------------------------------------------------------------------------------


def read_input(path: str | Path) -> tuple[bytes, str]:
    """Bytes of a file, or of stdin for ``-``; raises :class:`WatchlistImportError` if unreadable."""
    if str(path) == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        return Path(path).read_bytes(), str(path)
    except IsADirectoryError:
        raise WatchlistImportError(f"{path} is a directory, not a watch-list file") from None
    except FileNotFoundError:
        raise WatchlistImportError(f"{path}: no such file") from None
    except OSError as exc:
        raise WatchlistImportError(f"cannot read {path}: {exc.strerror or exc}") from exc


def parse_file(
    path: str | Path, fmt: ImportFormat | str = ImportFormat.AUTO, source: str | None = None
) -> ParsedList:
    """Read and parse one list file (``-`` = stdin)."""
    data, origin = read_input(path)
    return parse_bytes(data, fmt, source=source, origin=origin)


def parse_bytes(
    data: bytes,
    fmt: ImportFormat | str = ImportFormat.AUTO,
    source: str | None = None,
    origin: str = "<input>",
) -> ParsedList:
    """Parse a list in a given (or detected) format."""
    fmt = _format(fmt)
    if fmt is ImportFormat.AUTO:
        fmt = detect_format(data, origin)
    report = ImportReport(origin=origin, format=fmt, source=source)
    entries = list(_PARSERS[fmt](data, report))
    report.invalid_imos = sum(1 for e in entries if e.imo is not None and not e.imo_valid)
    report.with_mmsi = sum(1 for e in entries if e.mmsis)
    if report.skipped:
        reasons = ", ".join(f"{r}: {n}" for r, n in report.skip_reasons.most_common())
        log.warning("%s: %d of %d records skipped (%s)", origin, report.skipped, report.rows, reasons)
    return ParsedList(entries, report)


def import_file(
    watchlist: "Watchlist",
    path: str | Path,
    fmt: ImportFormat | str = ImportFormat.AUTO,
    source: str | None = None,
) -> ImportReport:
    """Parse a list file and merge it into ``watchlist``; the report has added/merged counts."""
    parsed = parse_file(path, fmt, source)
    parsed.report.added, parsed.report.merged = watchlist.merge_entries(parsed.entries)
    return parsed.report


def detect_format(data: bytes, origin: str = "<input>") -> ImportFormat:
    """Recognise a list by its content (not its file name)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise WatchlistImportError(f"{origin} is empty")
    if head[:1] in (b"[", b"{"):
        return _detect_json(head, origin)
    first_line = _decode(head[:4096])[0].splitlines()[0].lower()
    if "vessel name" in first_line and "imo" in first_line and ";" in first_line:
        return ImportFormat.EU_CSV
    if _csv_columns(first_line):
        return ImportFormat.CSV
    raise WatchlistImportError(
        f"{origin}: unrecognised watch-list format (expected the EU designated-vessels CSV, TAK JSON, "
        "OpenSanctions FtM JSON lines, or a CSV with imo/mmsi/name columns); use --format to force one"
    )


def _detect_json(head: bytes, origin: str) -> ImportFormat:
    try:
        document = json.loads(head)
    except (json.JSONDecodeError, UnicodeDecodeError):
        first = head.split(b"\n", 1)[0]
        try:
            document = json.loads(first)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise WatchlistImportError(f"{origin}: looks like JSON but is not valid JSON") from None
        if isinstance(document, dict) and "schema" in document:
            return ImportFormat.FTM
        raise WatchlistImportError(f"{origin}: JSON lines that are not FollowTheMoney entities") from None
    if isinstance(document, dict):
        if isinstance(document.get("entries"), list):
            return ImportFormat.JSON
        if "schema" in document:
            return ImportFormat.FTM
    if isinstance(document, list):
        sample = next((item for item in document if isinstance(item, dict)), {})
        if "schema" in sample:
            return ImportFormat.FTM
        if "mmsis" in sample or "id" in sample:
            return ImportFormat.JSON
        if "imo" in sample and ("names" in sample or "sanctions_origin" in sample):
            return ImportFormat.TAK_JSON
    raise WatchlistImportError(f"{origin}: JSON of an unknown shape; use --format to force one")


def _format(fmt: ImportFormat | str) -> ImportFormat:
    try:
        return ImportFormat(fmt)
    except ValueError:
        choices = ", ".join(f.value for f in ImportFormat)
        raise WatchlistImportError(f"unknown watch-list format {fmt!r}; use one of: {choices}") from None


# -- EU designated vessels (Annex XLII) -----------------------------------------------------------


def parse_eu_csv(data: bytes, report: ImportReport) -> Iterator[WatchlistEntry]:
    """``Vessel name;IMO number ;Date of application`` (cp1252, CRLF; names carry "(formerly ...)")."""
    text, report.encoding = _decode(data)
    rows = _csv_rows(text, ";", report)
    header_row = next(rows, None)
    if header_row is None:
        raise WatchlistImportError(f"{report.origin}: empty EU list")
    header = [_clean(h).lower() for h in header_row[1]]
    name_col, imo_col = _column(header, "vessel name"), _column(header, "imo")
    date_col = _column(header, "date")
    if name_col is None or imo_col is None:
        raise WatchlistImportError(
            f"{report.origin}: not an EU designated-vessels CSV (header {header_row[1]!r} lacks "
            "'Vessel name' and 'IMO number')"
        )
    source = report.source or _eu_source_label(report.origin, text)
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        report.rows += 1
        if len(cells) < max(name_col, imo_col) + 1:
            report.skip(line, "missing_columns", f"{len(cells)} cells: {cells!r}")
            continue
        names = split_former_names(cells[name_col])
        imo_text = _clean(cells[imo_col])
        imo = parse_imo(imo_text)
        listed = _parse_date(cells[date_col]) if date_col is not None and date_col < len(cells) else None
        if date_col is not None and date_col < len(cells) and cells[date_col].strip() and listed is None:
            report.warn(line, "bad_date", f"date of application {cells[date_col]!r} not DD.MM.YYYY")
        entry = _entry(report, line, imo, imo_text, [], names, source=[source], reason=EU_REASON)
        if entry is not None:
            entry.listed_since = listed
            yield entry


def _eu_source_label(origin: str, text: str) -> str:
    """``"EU Annex XLII <as-of date>"``: the date in the file name, else the latest application date."""
    found = re.search(r"(\d{4}-\d{2}-\d{2})", Path(origin).name)
    if found:
        return f"EU Annex XLII {found.group(1)}"
    dates = [d for d in (_parse_date(m) for m in re.findall(r"\d{2}\.\d{2}\.\d{4}", text)) if d]
    return f"EU Annex XLII {max(dates)}" if dates else "EU Annex XLII"


# -- TAK shadow-fleet JSON ------------------------------------------------------------------------


def parse_tak_json(data: bytes, report: ImportReport) -> Iterator[WatchlistEntry]:
    """Array of ``{imo, mmsi[], names[], type, operator, flag, sanctions_origin[], last_updated}``."""
    document = _load_json(data, report)
    if not isinstance(document, list):
        raise WatchlistImportError(f"{report.origin}: TAK shadow-fleet JSON must be an array")
    for number, item in enumerate(document, start=1):
        report.rows += 1
        if not isinstance(item, dict):
            report.skip(number, "not_an_object", f"{type(item).__name__} instead of an object")
            continue
        origins = [str(s).strip() for s in _listify(item.get("sanctions_origin")) if str(s).strip()]
        sources = [*origins, *([report.source] if report.source else [])] or ["TAK shadow-fleet list"]
        reason = "sanctioned (" + ", ".join(origins) + ")" if origins else "shadow-fleet list"
        names = [n for raw in _listify(item.get("names")) for n in split_former_names(str(raw))]
        entry = _entry(
            report,
            number,
            parse_imo(item.get("imo")),
            str(item.get("imo") or ""),
            _listify(item.get("mmsi")),
            names,
            source=sources,
            reason=reason,
        )
        if entry is None:
            continue
        entry.flag = _flag(item.get("flag"))
        entry.vessel_type = _text(item.get("type"))
        entry.operator = _text(item.get("operator"))
        yield entry


# -- OpenSanctions FollowTheMoney -----------------------------------------------------------------


def parse_ftm(data: bytes, report: ImportReport) -> Iterator[WatchlistEntry]:
    """FtM entities, one JSON object per line (or a JSON array); only ``Vessel`` is used."""
    for number, record in _ftm_records(data, report):
        report.rows += 1
        if record is None:
            continue
        schema = str(record.get("schema") or "")
        if schema != "Vessel":
            report.other_schemas[schema or "<none>"] += 1
            report.skip_reasons["other_schema"] += 1
            continue
        props = record.get("properties")
        if not isinstance(props, dict):
            report.skip(number, "no_properties", f"entity {record.get('id')!r} has no properties object")
            continue
        names = [
            n
            for key in ("name", "alias", "previousName", "weakAlias")
            for raw in _listify(props.get(key))
            for n in split_former_names(str(raw))
        ]
        imo_values = _listify(props.get("imoNumber"))
        imos = [i for i in (parse_imo(v) for v in imo_values) if i is not None]
        valid = [i for i in imos if imo_check_digit_ok(i)]
        imo = (valid or imos or [None])[0]
        if len(set(imos)) > 1:
            report.warn(number, "several_imos", f"{imo_values!r}; kept {imo}")
        topics = [str(t) for t in _listify(props.get("topics"))]
        datasets = [str(d) for d in _listify(record.get("datasets"))]
        entry = _entry(
            report,
            number,
            imo,
            ", ".join(str(v) for v in imo_values),
            _listify(props.get("mmsi")),
            names,
            source=[report.source or "OpenSanctions"],
            reason=("OpenSanctions topics: " + ", ".join(topics)) if topics else "OpenSanctions vessel",
            fallback_id=f"ftm:{record['id']}" if record.get("id") else None,
        )
        if entry is None:
            continue
        entry.flag = _flag(next(iter(_listify(props.get("flag"))), None))
        entry.vessel_type = _text(next(iter(_listify(props.get("type"))), None))
        entry.listed_since = _parse_date(str(record.get("first_seen") or ""))
        if datasets:
            entry.notes = "datasets: " + ", ".join(datasets)
        yield entry


def _ftm_records(data: bytes, report: ImportReport) -> Iterator[tuple[int, dict[str, Any] | None]]:
    text, report.encoding = _decode(data)
    stripped = text.lstrip()
    if stripped.startswith("["):
        document = _load_json(data, report)
        for number, item in enumerate(document if isinstance(document, list) else [], start=1):
            if isinstance(item, dict):
                yield number, item
            else:
                report.skip(number, "not_an_object", f"{type(item).__name__} instead of an entity")
                yield number, None
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            report.skip(number, "bad_json", f"{exc.msg} at column {exc.colno}")
            yield number, None
            continue
        if not isinstance(record, dict):
            report.skip(number, "not_an_object", f"{type(record).__name__} instead of an entity")
            yield number, None
            continue
        yield number, record


# -- the register's own exports -------------------------------------------------------------------

_CSV_ALIASES = {
    "id": "id",
    "imo": "imo",
    "imo number": "imo",
    "imo_number": "imo",
    "imonumber": "imo",
    "mmsi": "mmsis",
    "mmsis": "mmsis",
    "name": "names",
    "names": "names",
    "vessel name": "names",
    "vessel_name": "names",
    "aliases": "aliases",
    "flag": "flag",
    "type": "vessel_type",
    "vessel_type": "vessel_type",
    "operator": "operator",
    "reason": "reason",
    "source": "sources",
    "sources": "sources",
    "listed_since": "listed_since",
    "notes": "notes",
}


def _csv_columns(header_line: str) -> dict[int, str]:
    """Known columns of a register CSV header (any delimiter); needs an imo, mmsi or name column."""
    delimiter = _sniff_delimiter(header_line)
    cells = [c.strip().strip('"').lower() for c in header_line.split(delimiter)]
    columns = {i: _CSV_ALIASES[c] for i, c in enumerate(cells) if c in _CSV_ALIASES}
    return columns if {"imo", "mmsis", "names"} & set(columns.values()) else {}


def _sniff_delimiter(line: str) -> str:
    return max((",", ";", "\t"), key=line.count)


def parse_register_csv(data: bytes, report: ImportReport) -> Iterator[WatchlistEntry]:
    """The register's CSV export, or any CSV with imo / mmsi / name(s) columns (``|`` between values)."""
    text, report.encoding = _decode(data)
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    columns = _csv_columns(first_line)
    if not columns:
        raise WatchlistImportError(
            f"{report.origin}: CSV header {first_line!r} has no imo, mmsi or name column"
        )
    rows = _csv_rows(text.lstrip("\ufeff"), _sniff_delimiter(first_line), report)
    next(rows, None)
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        report.rows += 1
        record: dict[str, str] = {}
        for index, column in columns.items():
            if index < len(cells) and cells[index].strip():
                record[column] = _clean(cells[index])
        names = [n for raw in _split_multi(record.get("names", "")) for n in split_former_names(raw)]
        names += _split_multi(record.get("aliases", ""))
        mmsis = re.split(r"[|;,\s]+", record.get("mmsis", ""))
        sources = _split_multi(record.get("sources", ""))
        if report.source:
            sources.append(report.source)
        imo_text = record.get("imo", "")
        entry = _entry(
            report,
            line,
            parse_imo(imo_text),
            imo_text,
            [m for m in mmsis if m],
            names,
            source=sources or [f"import {Path(report.origin).name}"],
            reason=record.get("reason", ""),
            fallback_id=record.get("id"),
        )
        if entry is None:
            continue
        entry.flag = _flag(record.get("flag"))
        entry.vessel_type = _text(record.get("vessel_type"))
        entry.operator = _text(record.get("operator"))
        entry.listed_since = _text(record.get("listed_since"))
        entry.notes = record.get("notes", "")
        yield entry


def parse_register_json(data: bytes, report: ImportReport) -> Iterator[WatchlistEntry]:
    """The register file / JSON export (``{"entries": [...]}``) or a bare array of entries."""
    document = _load_json(data, report)
    records = document.get("entries") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise WatchlistImportError(f"{report.origin}: JSON has no list of entries")
    for number, record in enumerate(records, start=1):
        report.rows += 1
        if not isinstance(record, dict):
            report.skip(number, "not_an_object", f"{type(record).__name__} instead of an entry")
            continue
        try:
            entry = WatchlistEntry.from_dict(record)
        except ValueError as exc:
            report.skip(number, "no_identifier", str(exc))
            continue
        if record.get("imo") not in (None, "") and entry.imo is None:
            report.warn(number, "unparseable_imo", f"IMO {record.get('imo')!r} is not 7 digits; kept without")
        if report.source and report.source not in entry.sources:
            entry.sources.append(report.source)
        yield entry


_PARSERS: dict[ImportFormat, Callable[[bytes, ImportReport], Iterator[WatchlistEntry]]] = {
    ImportFormat.EU_CSV: parse_eu_csv,
    ImportFormat.TAK_JSON: parse_tak_json,
    ImportFormat.FTM: parse_ftm,
    ImportFormat.CSV: parse_register_csv,
    ImportFormat.JSON: parse_register_json,
}


# -- shared helpers -------------------------------------------------------------------------------


def _entry(
    report: ImportReport,
    row: int,
    imo: int | None,
    imo_text: str,
    mmsi_values: list[Any],
    names: list[str],
    *,
    source: list[str],
    reason: str,
    fallback_id: str | None = None,
) -> WatchlistEntry | None:
    """Build one entry from checked identifiers, recording why anything was dropped."""
    if imo is None and imo_text.strip():
        report.warn(row, "unparseable_imo", f"IMO {imo_text.strip()!r} is not 7 digits; kept without")
    mmsis: list[int] = []
    for value in mmsi_values:
        mmsi = parse_mmsi(value)
        if mmsi is None:
            report.warn(row, "bad_mmsi", f"MMSI {value!r} is not a usable 9-digit MMSI; dropped")
        elif mmsi not in mmsis:
            mmsis.append(mmsi)
    names = union_names([], [n for n in names if n])
    if imo is None and not mmsis and not names:
        report.skip(row, "no_identifier", "no IMO, MMSI or name")
        return None
    entry_id = make_entry_id(imo, mmsis, names) if (imo is not None or not fallback_id) else fallback_id
    return WatchlistEntry(
        id=entry_id,
        imo=imo,
        mmsis=mmsis,
        names=names,
        reason=reason,
        sources=list(dict.fromkeys(s for s in source if s)),
    )


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 when it is valid UTF-8, else cp1252 (the EU list), else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _load_json(data: bytes, report: ImportReport) -> Any:
    text, report.encoding = _decode(data)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise WatchlistImportError(
            f"{report.origin}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def _csv_rows(text: str, delimiter: str, report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells); a record the csv module cannot parse is skipped, not fatal."""
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report.rows += 1
            report.skip(reader.line_num, "bad_csv", str(exc))
            continue
        yield reader.line_num, cells


def _column(header: list[str], prefix: str) -> int | None:
    return next((i for i, h in enumerate(header) if h.startswith(prefix)), None)


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _split_multi(text: str) -> list[str]:
    return [part.strip() for part in text.split(MULTI_SEPARATOR) if part.strip()]


def _listify(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _text(value: object) -> str | None:
    text = _clean(str(value)) if value is not None else ""
    return text if text and text.lower() not in _NO_VALUE else None


def _flag(value: object) -> str | None:
    """Flags come as names ("Panama") or ISO codes ("pa"); codes are upper-cased ("PA")."""
    text = _text(value)
    if text and len(text) == 2 and text.isalpha():
        return text.upper()
    return text


def _parse_date(text: str) -> str | None:
    """``21.05.2025`` / ``2025-05-21`` / ``2025-05-21T10:00:00`` -> ``2025-05-21``; else None."""
    text = text.strip()
    for parse in (
        lambda t: datetime.strptime(t, "%d.%m.%Y").date(),
        lambda t: date.fromisoformat(t[:10]),
    ):
        try:
            return parse(text).isoformat()
        except ValueError:
            continue
    return None
