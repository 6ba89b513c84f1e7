"""Flat rows for messages and alerts: the codec between the pure core and a columnar engine.

Why a codec of our own: Spark moves data as Arrow columns, the core wants :class:`Message`
objects. Every field of ``Message`` travels (``extra`` as JSON, which the decoder keeps JSON-safe)
so that a message that went through a row is *equal* to the one decoded; anything less would change
what the tracker sees (its duplicate key reads ``raw`` and ``extra``) and so the alerts.
Each message row also carries its place in the input (``file_idx``, ``seq``) and the running maximum
of event time within its file (``file_clock``): together they give the order and the clock that
``seawarden replay`` would have had.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from typing import Any

import pyarrow as pa

from seawarden.types import Alert, Message, TimeSource

#: (column, Arrow type, Spark SQL type) of every Message field, in declaration order.
MESSAGE_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("msg_type", pa.int32(), "int"),
    ("mmsi", pa.int64(), "bigint"),
    ("timestamp", pa.float64(), "double"),
    ("time_source", pa.string(), "string"),
    ("source", pa.string(), "string"),
    ("channel", pa.string(), "string"),
    ("talker", pa.string(), "string"),
    ("repeat", pa.int32(), "int"),
    ("lat", pa.float64(), "double"),
    ("lon", pa.float64(), "double"),
    ("sog", pa.float64(), "double"),
    ("cog", pa.float64(), "double"),
    ("heading", pa.float64(), "double"),
    ("nav_status", pa.int32(), "int"),
    ("rot", pa.float64(), "double"),
    ("accuracy", pa.bool_(), "boolean"),
    ("maneuver", pa.int32(), "int"),
    ("raim", pa.bool_(), "boolean"),
    ("second", pa.int32(), "int"),
    ("imo", pa.int64(), "bigint"),
    ("callsign", pa.string(), "string"),
    ("name", pa.string(), "string"),
    ("ship_type", pa.int32(), "int"),
    ("to_bow", pa.int32(), "int"),
    ("to_stern", pa.int32(), "int"),
    ("to_port", pa.int32(), "int"),
    ("to_starboard", pa.int32(), "int"),
    ("draught", pa.float64(), "double"),
    ("destination", pa.string(), "string"),
    ("eta", pa.string(), "string"),
    ("part_num", pa.int32(), "int"),
    ("extra", pa.string(), "string"),  # JSON
    ("raw", pa.string(), "string"),
)
#: Where a row came from: input file index, message index within it, running max event time in it.
ORDER_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("file_idx", pa.int32(), "int"),
    ("seq", pa.int64(), "bigint"),
    ("file_clock", pa.float64(), "double"),
)
ROW_COLUMNS = ORDER_COLUMNS + MESSAGE_COLUMNS
ROW_SCHEMA = pa.schema([(name, arrow) for name, arrow, _ in ROW_COLUMNS])
ROW_DDL = ", ".join(f"{name} {sql}" for name, _, sql in ROW_COLUMNS)

_FLOAT_FIELDS = frozenset(name for name, arrow, _ in MESSAGE_COLUMNS if pa.types.is_floating(arrow))
_FIELD_NAMES = tuple(f.name for f in fields(Message))
if tuple(name for name, _, _ in MESSAGE_COLUMNS) != _FIELD_NAMES:  # a new Message field must travel too
    raise RuntimeError("seawarden.types.Message changed: add the field to seawarden/scale/rows.py")


def message_to_row(msg: Message, file_idx: int = 0, seq: int = 0, file_clock: float = 0.0) -> dict[str, Any]:
    """One message as a flat row (``extra`` as JSON, ``time_source`` as its string)."""
    row: dict[str, Any] = {"file_idx": file_idx, "seq": seq, "file_clock": file_clock}
    for name in _FIELD_NAMES:
        value = getattr(msg, name)
        if name == "extra":
            value = None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        elif name == "time_source":
            value = str(value)
        elif name in _FLOAT_FIELDS and value is not None:
            value = float(value)
        row[name] = value
    return row


def row_to_message(row: dict[str, Any]) -> Message:
    """The message back from a row (extra columns such as ``group`` are ignored)."""
    kwargs = {name: row.get(name) for name in _FIELD_NAMES}
    extra = kwargs["extra"]
    kwargs["extra"] = None if extra is None else json.loads(extra)
    kwargs["time_source"] = TimeSource(kwargs["time_source"] or TimeSource.CLOCK)
    for name in ("source", "talker"):
        if kwargs[name] is None:
            kwargs[name] = "" if name == "source" else "AIVDM"
    if kwargs["repeat"] is None:
        kwargs["repeat"] = 0
    return Message(**kwargs)


def messages_to_batches(
    messages: Iterable[Message], file_idx: int, batch_rows: int = 20_000
) -> Iterator[pa.RecordBatch]:
    """Decoded messages of one input file as Arrow batches, numbered and with the file's clock."""
    rows: list[dict[str, Any]] = []
    clock = -float("inf")
    for seq, msg in enumerate(messages):
        clock = msg.timestamp if seq == 0 else max(clock, msg.timestamp)
        rows.append(message_to_row(msg, file_idx, seq, clock))
        if len(rows) >= batch_rows:
            yield pa.RecordBatch.from_pylist(rows, schema=ROW_SCHEMA)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=ROW_SCHEMA)


# ------------------------------------------------------------------------------------------ alerts

#: Alert rows: the searchable fields plus ``record``, the exact JSON line ``seawarden replay`` writes.
ALERT_COLUMNS: tuple[tuple[str, pa.DataType, str], ...] = (
    ("id", pa.string(), "string"),
    ("version", pa.int32(), "int"),
    ("kind", pa.string(), "string"),
    ("severity", pa.string(), "string"),
    ("risk", pa.float64(), "double"),
    ("mmsi", pa.int64(), "bigint"),
    ("event_time", pa.float64(), "double"),  # epoch seconds of ``time`` (for sorting and partitioning)
    ("time", pa.string(), "string"),
    ("lat", pa.float64(), "double"),
    ("lon", pa.float64(), "double"),
    ("area", pa.string(), "string"),
    ("infrastructure", pa.string(), "string"),
    ("group", pa.int64(), "bigint"),  # the interaction group that produced it
    ("emit_idx", pa.int64(), "bigint"),  # order of emission within the group's pipeline
    ("record", pa.string(), "string"),
)
ALERT_SCHEMA = pa.schema([(name, arrow) for name, arrow, _ in ALERT_COLUMNS])
ALERT_DDL = ", ".join(f"`{name}` {sql}" for name, _, sql in ALERT_COLUMNS)


def alert_to_row(alert: Alert, group: int, emit_idx: int) -> dict[str, Any]:
    record = alert.to_dict()
    return {
        "id": alert.id,
        "version": alert.version,
        "kind": record["kind"],
        "severity": record["severity"],
        "risk": record["risk"],
        "mmsi": alert.mmsi,
        "event_time": float(alert.time),
        "time": record["time"],
        "lat": record["lat"],
        "lon": record["lon"],
        "area": alert.area,
        "infrastructure": alert.infrastructure,
        "group": group,
        "emit_idx": emit_idx,
        "record": json.dumps(record, ensure_ascii=False),
    }


def alert_batch(rows: Sequence[dict[str, Any]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist(list(rows), schema=ALERT_SCHEMA)
