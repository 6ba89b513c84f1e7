"""Streamed exports (GeoJSON FeatureCollection and CSV) of alerts and vessel tracks.

Rows are written as they come from the store's chunked reads, so an export of a year of alerts
never sits in memory. GeoJSON features get a Point geometry when the row has a position, else null
(RFC 7946 allows it): a row is never dropped because it lacks coordinates.
"""

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any


class ExportFormat(StrEnum):
    GEOJSON = "geojson"
    CSV = "csv"


MEDIA_TYPES = {ExportFormat.GEOJSON: "application/geo+json", ExportFormat.CSV: "text/csv; charset=utf-8"}


def _point(row: dict[str, Any]) -> dict[str, Any] | None:
    lat, lon = row.get("lat"), row.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return {"type": "Point", "coordinates": [round(float(lon), 6), round(float(lat), 6)]}


def geojson_lines(rows: Iterable[dict[str, Any]], id_field: str | None = "id") -> Iterator[str]:
    """A FeatureCollection, one feature per row, written incrementally."""
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in rows:
        feature: dict[str, Any] = {"type": "Feature", "geometry": _point(row), "properties": row}
        if id_field and row.get(id_field) is not None:
            feature["id"] = row[id_field]
        yield ("" if first else ",") + json.dumps(feature, default=str, allow_nan=False)
        first = False
    yield "]}\n"


def csv_lines(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """CSV with a header row; cells that would start a spreadsheet formula are quoted with a '."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    yield _take(buffer)
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _cell(value: object) -> object:
    """Guard against CSV injection: text from AIS (names, destinations) is attacker-controlled."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value
