"""The Structured Streaming job: per-vessel pipelines in Spark's state store, fed by files or Kafka.

Why per vessel: a stream cannot precompute the interaction groups the batch job uses (they depend
on the future), so the state key is the MMSI. Every per-vessel check is exact (the grid clock makes
a vessel's alerts independent of the other vessels); the four cross-vessel reads see only the
vessel itself: no rendezvous or co-location partner, AIS-gap coverage counts no neighbours, and an
IMO moving to another MMSI is not seen. Run the batch job over the same history for those.

State: each vessel's :class:`Pipeline` is pickled into its ``GroupState`` after every call, with
the read-only parts (settings, geo context, watch-list, detector objects) replaced by references
and rebuilt from this worker's copies on load. It is therefore in Spark's checkpointed state store
and survives executor loss and restarts, exactly once with the file sink. Detector objects hold
configuration and static models only, except the identity detector's IMO index, which for one
vessel holds only its own IMO and is rebuilt from the next static report.

Clock: event time. Spark's watermark (max event time seen minus ``--watermark``) is the stream's
heartbeat: a vessel whose next clock mark the watermark has passed is called with no data and its
pipeline advanced to the watermark, so AIS gaps age while it is silent. For input in time order the
alerts equal ``seawarden replay``'s (without its end-of-input flush, which a stream never reaches).
"""

from __future__ import annotations

import io
import math
import pickle
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from seawarden.config import Settings
from seawarden.pipeline import Pipeline
from seawarden.scale.rows import (
    ALERT_COLUMNS,
    ALERT_SCHEMA,
    ROW_DDL,
    ROW_SCHEMA,
    alert_to_row,
    row_to_message,
)

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.streaming import StreamingQuery
    from pyspark.sql.streaming.state import GroupState

STATE_DDL = "pipeline binary"


class _StatePickler(pickle.Pickler):
    """Pickles a pipeline's own state; shared read-only objects become references."""

    def __init__(self, buffer: io.BytesIO, shared: dict[int, str]) -> None:
        super().__init__(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        self._shared = shared

    def persistent_id(self, obj: Any) -> str | None:
        return self._shared.get(id(obj))


class _StateUnpickler(pickle.Unpickler):
    def __init__(self, buffer: io.BytesIO, objects: dict[str, Any]) -> None:
        super().__init__(buffer)
        self._objects = objects

    def persistent_load(self, pid: Any) -> Any:
        return self._objects[pid]


def _shared_objects(pipe: Pipeline) -> dict[str, Any]:
    objects: dict[str, Any] = {"settings": pipe.settings, "geo": pipe.geo, "watchlist": pipe.watchlist}
    for i, detector in enumerate(pipe.assessor.detectors):
        objects[f"detector:{i}"] = detector
    return objects


def dump_pipeline(pipe: Pipeline) -> bytes:
    """The pipeline's per-vessel state as bytes (kilobytes, not the geo context or models)."""
    buffer = io.BytesIO()
    shared = {id(obj): name for name, obj in _shared_objects(pipe).items()}
    _StatePickler(buffer, shared).dump(pipe)
    return buffer.getvalue()


def load_pipeline(blob: bytes, template: Pipeline) -> Pipeline:
    """A pipeline from :func:`dump_pipeline`, wired to ``template``'s read-only objects."""
    return _StateUnpickler(io.BytesIO(blob), _shared_objects(template)).load()


def _next_mark(pipe: Pipeline) -> float | None:
    every = pipe.settings.assess.tick_interval_s
    if pipe.now is None or every <= 0:
        return None
    return (math.floor(pipe.now / every) + 1) * every


def assess_vessel(
    settings: Settings,
    watchlist_files: tuple[str, ...],
    key: tuple,
    frames: Iterator[pd.DataFrame],
    state: GroupState,
) -> Iterator[pd.DataFrame]:
    """applyInPandasWithState function: one vessel's new rows (or a timeout) through its pipeline."""
    import pandas as pd

    from seawarden.scale.runner import new_pipeline

    template = new_pipeline(settings, watchlist_files)  # fresh detector objects for this call
    pipe = load_pipeline(state.get[0], template) if state.exists else template
    watermark_s = state.getCurrentWatermarkMs() / 1000.0
    mmsi = int(key[0])
    alerts = []
    if state.hasTimedOut:
        alerts += pipe.advance(watermark_s)
    else:
        table = pa.concat_tables(
            [pa.Table.from_pandas(frame, schema=ROW_SCHEMA, preserve_index=False) for frame in frames]
        )
        rows = sorted(table.to_pylist(), key=lambda r: (r["file_idx"], r["seq"]))
        if state.exists and pipe.now is not None and watermark_s > pipe.now:
            alerts += pipe.advance(watermark_s)  # the heartbeat this vessel missed since its last call
        for row in rows:
            alerts += pipe.process(row_to_message(row))
    state.update((dump_pipeline(pipe),))
    mark = _next_mark(pipe)
    wm_ms = state.getCurrentWatermarkMs()
    state.setTimeoutTimestamp(max(int(mark * 1000) - 1 if mark is not None else wm_ms + 1, wm_ms + 1))
    if alerts:
        batch = pa.RecordBatch.from_pylist(
            [alert_to_row(a, mmsi, i) for i, a in enumerate(alerts)], schema=ALERT_SCHEMA
        )
        yield batch.to_pandas()
    else:
        yield pd.DataFrame({name: [] for name, _, _ in ALERT_COLUMNS})


def _decode_files(settings: Settings):
    from seawarden.scale.runner import decode_file

    def decode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for row in batch.to_pylist():
                path = row["path"]
                local = path[len("file:") :] if path.startswith("file:") else path
                while local.startswith("//"):
                    local = local[1:]
                yield from decode_file(local, int(row["file_idx"]), settings)

    return decode


def _decode_kafka(settings: Settings):
    from seawarden.decode import Decoder
    from seawarden.scale.rows import messages_to_batches

    def decode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        decoder = Decoder(multipart_timeout_s=settings.decode.multipart_timeout_s)
        for batch in batches:
            for row in batch.to_pylist():
                lines = (row["value"] or b"").decode("utf-8", errors="replace").splitlines()
                source = f"kafka:{row['topic']}:{row['partition']}"
                messages = list(decoder.feed_lines(lines, source))
                base = int(row["offset"]) * 1024  # order within a partition: offset, then line
                for out in messages_to_batches(messages, int(row["partition"])):
                    seq = pa.array([base + i for i in out.column(1).to_pylist()], pa.int64())
                    yield out.set_column(1, "seq", seq)
        decoder.flush()

    return decode


def message_stream(
    spark: SparkSession,
    settings: Settings,
    *,
    source: str = "files",
    path: str | None = None,
    kafka_bootstrap: str | None = None,
    topic: str | None = None,
    max_files_per_trigger: int = 1,
) -> DataFrame:
    """Decoded message rows as a stream: whole files from a directory, or NMEA lines from Kafka.

    Files: each new file in ``path`` (any format ``replay`` reads) is decoded whole, so multipart
    groups are exact; files are taken oldest first, ``max_files_per_trigger`` at a time (within one
    micro-batch a vessel's rows are ordered by the file's modification second, then line: keep it 1
    when files can share a second). Kafka (``spark-sql-kafka`` on the cluster's
    classpath): each record holds one or more NMEA lines; a multipart group must not straddle a
    micro-batch (publish a group in one record, as the SeaWarden Kafka adapter does per line group).
    """
    from pyspark.sql import functions as F

    if source == "kafka":
        if not kafka_bootstrap or not topic:
            raise ValueError("the Kafka source needs --kafka-bootstrap and --topic")
        raw = (
            spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", kafka_bootstrap)
            .option("subscribe", topic)
            .option("startingOffsets", "earliest")
            .load()
            .select("topic", "partition", "offset", "value")
        )
        return raw.mapInArrow(_decode_kafka(settings), ROW_DDL)
    if source != "files" or not path:
        raise ValueError("source must be 'files' (with a directory) or 'kafka'")
    files = (
        spark.readStream.format("binaryFile")
        .schema("path string, modificationTime timestamp, length bigint, content binary")
        .option("maxFilesPerTrigger", max_files_per_trigger)
        .option("pathGlobFilter", "*")
        .load(path)
        .select("path", (F.col("modificationTime").cast("long")).cast("int").alias("file_idx"))
    )
    return files.mapInArrow(_decode_files(settings), ROW_DDL)


def alert_stream(
    messages: DataFrame,
    settings: Settings,
    watchlist_files: tuple[str, ...] = (),
    watermark: str = "0 seconds",
) -> DataFrame:
    """Alert rows from a stream of message rows: one pipeline per vessel in the state store."""
    from functools import partial

    from pyspark.sql import functions as F
    from pyspark.sql.streaming.state import GroupStateTimeout

    from seawarden.scale.rows import ALERT_DDL

    timed = messages.withColumn("event_time", F.timestamp_seconds(F.col("timestamp"))).withWatermark(
        "event_time", watermark
    )
    return timed.groupBy("mmsi").applyInPandasWithState(
        partial(assess_vessel, settings, watchlist_files),
        outputStructType=ALERT_DDL,
        stateStructType=STATE_DDL,
        outputMode="append",
        timeoutConf=GroupStateTimeout.EventTimeTimeout,
    )


def start_stream(
    spark: SparkSession,
    output: str,
    checkpoint: str,
    settings: Settings | None = None,
    *,
    watchlist_files: tuple[str, ...] = (),
    watermark: str = "0 seconds",
    trigger_s: float | None = None,
    **source: Any,
) -> StreamingQuery:
    """Start the job: alerts appended to Parquet under ``output`` (exactly once, via ``checkpoint``)."""
    settings = settings or Settings()
    alerts = alert_stream(message_stream(spark, settings, **source), settings, watchlist_files, watermark)
    writer = (
        alerts.writeStream.format("parquet").option("path", output).option("checkpointLocation", checkpoint)
    )
    if trigger_s:
        writer = writer.trigger(processingTime=f"{trigger_s} seconds")
    return writer.outputMode("append").start()
