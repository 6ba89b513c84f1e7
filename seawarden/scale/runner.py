"""Engine-free code that runs inside each Spark task: decode one file, run one pipeline per group.

Why separate from the Spark wiring: these functions take and return Arrow batches only, so they
are tested without a JVM, and the Spark jobs stay thin. The core is used as is: the decoder as
``seawarden replay`` builds it, one :class:`Pipeline` per interaction group.

The clock: ``seawarden replay`` moves one pipeline's clock to the running maximum event time of
the whole input (``clock`` column). Before each message a group's pipeline is advanced to that same
clock, so every clock mark runs at the same place relative to the group's messages as in the
replay, late (out-of-order) messages included; :meth:`Pipeline.finish` gets the job's end time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import pyarrow as pa

from seawarden.config import Settings
from seawarden.decode import Decoder
from seawarden.geo import GeoContext
from seawarden.pipeline import Pipeline
from seawarden.scale.rows import alert_batch, alert_to_row, messages_to_batches, row_to_message
from seawarden.sources import read_messages
from seawarden.sources.files import SourceError
from seawarden.watchlist import Watchlist

log = logging.getLogger(__name__)

GROUP_COLUMN = "group"
CLOCK_COLUMN = "clock"


_GEO: dict[str, GeoContext] = {}


def geo_of(settings: Settings) -> GeoContext:
    """One geo context per worker process and geography: building it is the slow part of a pipeline."""
    key = settings.geo.model_dump_json()
    geo = _GEO.get(key)
    if geo is None:
        geo = _GEO[key] = settings.geo.context()
    return geo


@lru_cache(maxsize=4)
def watchlist_of(extra: tuple[str, ...]) -> Watchlist:
    from seawarden.watchlist import load_watchlist

    return load_watchlist(extra=list(extra)) if extra else Watchlist.default()


def new_pipeline(settings: Settings, watchlist_files: tuple[str, ...] = ()) -> Pipeline:
    """A fresh pipeline sharing this process's geo context and watch-list (both read-only).

    Settings travel pickled, not as JSON: a JSON round trip turns integer defaults such as
    ``distance_m = 500`` into ``500.0``, which would show in the alert evidence.
    """
    return Pipeline(settings, geo=geo_of(settings), watchlist=watchlist_of(watchlist_files))


def decode_file(
    path: str, file_idx: int, settings: Settings, batch_rows: int = 20_000
) -> Iterator[pa.RecordBatch]:
    """One input file (any format ``seawarden replay`` reads) as numbered message rows.

    The decoder is built as ``replay`` builds it; multipart groups never span files there either,
    so decoding files independently gives the same messages. An unreadable file is logged and
    yields nothing (bad input never stops the job).
    """
    decoder = Decoder(multipart_timeout_s=settings.decode.multipart_timeout_s)
    try:
        yield from messages_to_batches(read_messages([path], decoder=decoder), file_idx, batch_rows)
    except (OSError, SourceError) as exc:
        log.error("input %s skipped: %s", path, exc)
        return
    stats = decoder.stats
    log.info(
        "decoded %s: %d lines, %d messages, %d rejected %s",
        path,
        stats.lines,
        stats.messages,
        sum(stats.rejects.values()),
        dict(stats.rejects),
    )


def rows_of(batches: Iterable[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    for batch in batches:
        yield from batch.to_pylist()


def run_groups(
    batches: Iterable[pa.RecordBatch],
    settings: Settings,
    end: float,
    watchlist_files: tuple[str, ...] = (),
    batch_rows: int = 5_000,
) -> Iterator[pa.RecordBatch]:
    """Alert rows from message rows sorted by (group, file_idx, seq): one pipeline per group.

    Each row carries ``group`` and ``clock``. A group's pipeline is finished at ``end`` (the whole
    job's last event time) when the next group starts, so memory holds one group at a time.
    """
    out: list[dict[str, Any]] = []
    pipe: Pipeline | None = None
    group: int | None = None
    emitted = 0

    def emit(alerts: list) -> None:
        nonlocal emitted
        for alert in alerts:
            out.append(alert_to_row(alert, group or 0, emitted))
            emitted += 1

    for row in rows_of(batches):
        if row[GROUP_COLUMN] != group:
            if pipe is not None:
                emit(pipe.finish(end))
            group, emitted = row[GROUP_COLUMN], 0
            pipe = new_pipeline(settings, watchlist_files)
        assert pipe is not None
        emit(pipe.advance(float(row[CLOCK_COLUMN])))
        emit(pipe.process(row_to_message(row)))
        if len(out) >= batch_rows:
            yield alert_batch(out)
            out = []
    if pipe is not None:
        emit(pipe.finish(end))
    if out:
        yield alert_batch(out)
