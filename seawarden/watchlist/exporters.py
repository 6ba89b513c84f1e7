"""Export the register as CSV or JSON; both read back with the importers unchanged."""

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from seawarden.watchlist.entry import WatchlistEntry
from seawarden.watchlist.store import FILE_FORMAT, FILE_VERSION

CSV_COLUMNS = (
    "id",
    "imo",
    "imo_valid",
    "mmsis",
    "names",
    "flag",
    "vessel_type",
    "operator",
    "reason",
    "sources",
    "listed_since",
    "notes",
)
MULTI_SEPARATOR = "|"  # between the values of one CSV cell (names contain ";" and ",")


def write_csv(entries: Iterable[WatchlistEntry], stream: TextIO) -> int:
    """One row per entry, list fields joined by ``|``; returns the number of rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for entry in entries:
        record = entry.to_dict()
        writer.writerow([_cell(record[column]) for column in CSV_COLUMNS])
        count += 1
    return count


def write_json(entries: Iterable[WatchlistEntry], stream: TextIO) -> int:
    """``{"format", "version", "entries"}`` (the register file's shape); returns the entry count."""
    records = [entry.to_dict() for entry in entries]
    json.dump(
        {"format": FILE_FORMAT, "version": FILE_VERSION, "entries": records},
        stream,
        ensure_ascii=False,
        indent=1,
    )
    stream.write("\n")
    return len(records)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(str(v).replace(MULTI_SEPARATOR, "/") for v in value)
    return str(value)
