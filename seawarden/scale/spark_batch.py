"""The Spark batch job: the whole assessment over a history, partitioned by interaction group.

Stages (each a Spark job; the per-record work is the engine-free code of ``runner``/``groups``):

1. decode: one task per input file (NMEA with any framing, .gz, DMA/NOAA CSV) or read decoded
   message rows from Parquet; every row keeps its place in the input (``file_idx``, ``seq``);
2. clock: the running maximum event time of the whole input at each row (what ``replay``'s one
   pipeline would have as its clock), from per-file maxima;
3. groups: links between vessels that a cross-vessel check could read (``groups`` module): a
   grid join per proximity rule, AIS-gap coverage from a per-vessel tracker pass, shared IMOs;
   connected components on the driver (the distinct edge list is small next to the messages);
4. assess: rows repartitioned by group, sorted by input order, one :class:`Pipeline` per group;
5. output: alert rows (with the exact replay JSON record) and per-vessel summaries to Parquet.

The result equals ``seawarden replay`` over the same files in the same order (tests/scale).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyarrow as pa

from seawarden.config import Settings
from seawarden.scale.groups import EARTH_R_M, GapRule, ProximityRule, assign_groups, coarse_factor, rules_from
from seawarden.scale.rows import ALERT_DDL, ROW_DDL

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

#: Queries spanning more buckets than this join on space alone (see ``_link``).
MAX_BUCKETS = 64
SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def local_session(cores: int = 2, shuffle_partitions: int = 4, app: str = "seawarden") -> SparkSession:
    """A local-mode session for tests, benchmarks and one-machine runs (UI off, Arrow on)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    return (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(cores))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.adaptive.enabled", "false")  # keep our partitioning as asked
        .config("spark.driver.memory", os.environ.get("SEAWARDEN_SPARK_DRIVER_MEMORY", "2g"))
        .config("spark.python.worker.reuse", "true")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


@dataclass(slots=True)
class BatchResult:
    """What the job did; ``alerts`` is the alerts DataFrame (also written when an output is given)."""

    messages: int
    vessels: int
    groups: int
    largest_group: int
    edges: int
    alert_records: int
    end: float | None
    seconds: dict[str, float] = field(default_factory=dict)
    alerts: DataFrame | None = None
    vessel_summary: DataFrame | None = None

    def summary(self) -> str:
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        return (
            f"messages {self.messages:,}; vessels {self.vessels:,} in {self.groups:,} groups "
            f"(largest {self.largest_group:,}, {self.edges:,} links); alert records {self.alert_records:,}\n"
            f"time: {timing}"
        )


# ------------------------------------------------------------------------------------------ stages


def decode_inputs(spark: SparkSession, paths: Sequence[str], settings: Settings) -> DataFrame:
    """Stage 1: one Spark task per input file, decoded exactly as ``replay`` decodes it."""
    from seawarden.scale.runner import decode_file

    files = list(paths)

    def decode(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for file_idx in batch.column(0).to_pylist():
                yield from decode_file(files[file_idx], file_idx, settings)

    return spark.range(len(files), numPartitions=max(1, len(files))).mapInArrow(decode, ROW_DDL)


def with_clock(messages: DataFrame) -> tuple[DataFrame, float | None, int]:
    """Stage 2: add ``clock``, the running maximum event time of the whole input; the end time and count.

    One small aggregation (per-file maximum and count) also materialises the persisted decode.
    """
    from pyspark.sql import functions as F

    per_file = messages.groupBy("file_idx").agg(F.max("file_clock").alias("m"), F.count(F.lit(1)).alias("n"))
    rows = per_file.collect()
    maxima = {r["file_idx"]: r["m"] for r in rows}
    count = sum(r["n"] for r in rows)
    if not maxima:
        return messages.withColumn("clock", F.col("file_clock")), None, 0
    offsets, running = [], -math.inf
    for idx in range(max(maxima) + 1):
        offsets.append(running if math.isfinite(running) else -1e300)
        if idx in maxima and maxima[idx] is not None:
            running = max(running, maxima[idx])
    table = F.array(*[F.lit(float(o)) for o in offsets])
    clock = F.greatest(F.col("file_clock"), F.element_at(table, F.col("file_idx") + 1))
    return messages.withColumn("clock", clock), running, count


def _ecef(prefix: str = "") -> list[Column]:
    from pyspark.sql import functions as F

    phi, lam = F.radians(F.col("lat")), F.radians(F.col("lon"))
    return [
        (F.lit(EARTH_R_M) * F.cos(phi) * F.cos(lam)).alias(f"{prefix}x"),
        (F.lit(EARTH_R_M) * F.cos(phi) * F.sin(lam)).alias(f"{prefix}y"),
        (F.lit(EARTH_R_M) * F.sin(phi)).alias(f"{prefix}z"),
    ]


def _positions(messages: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F

    return messages.where(
        F.col("lat").isNotNull()
        & F.col("lon").isNotNull()
        & F.col("lat").between(-90.0, 90.0)
        & F.col("lon").between(-180.0, 180.0)
    )


def _fine(df: DataFrame, cell_m: float, bucket_s: float) -> DataFrame:
    """Fine cell (3-D ints) and time bucket of each row with x, y, z, timestamp."""
    from pyspark.sql import functions as F

    return df.select(
        "mmsi",
        *[F.floor(F.col(a) / cell_m).alias(f"f{a}") for a in "xyz"],
        F.floor(F.col("timestamp") / bucket_s).alias("tb"),
    )


def _link(
    queries: DataFrame, presence: DataFrame, radius_m: float, cell_m: float, query_slack_m: float
) -> DataFrame:
    """(a, b) MMSI pairs: a query (centre qx/qy/qz, buckets tb_lo..tb_hi) near a presence fine cell.

    The distance test is between a query centre and a presence cell centre, widened by both slacks,
    so it is a superset of "some real position of b within ``radius_m`` of a's". Queries spanning
    more than :data:`MAX_BUCKETS` buckets (a late message reads fixes up to the replay clock, which
    may be far ahead) join on the cell alone and filter the buckets, instead of one row per bucket.
    """
    from pyspark.sql import functions as F

    k = coarse_factor(radius_m, cell_m)
    coarse = k * cell_m
    reach = radius_m + query_slack_m + math.sqrt(3.0) / 2 * cell_m
    exploded = queries
    for a in "xyz":
        lo = F.floor((F.col(f"q{a}") - reach) / coarse)
        hi = F.floor((F.col(f"q{a}") + reach) / coarse)
        exploded = exploded.withColumn(f"c{a}", F.explode(F.sequence(lo, hi)))
    long = F.col("tb_hi") - F.col("tb_lo") >= MAX_BUCKETS
    short = exploded.where(~long).withColumn("tb", F.explode(F.sequence(F.col("tb_lo"), F.col("tb_hi"))))
    cells = presence.select(
        F.col("mmsi").alias("b"),
        *[((F.col(f"f{a}") + 0.5) * cell_m).alias(f"p{a}") for a in "xyz"],
        *[F.floor(F.col(f"f{a}") / k).alias(f"c{a}") for a in "xyz"],
        "tb",
    )
    d2 = sum((F.col(f"q{a}") - F.col(f"p{a}")) ** 2 for a in "xyz")
    joined = short.join(cells, ["cx", "cy", "cz", "tb"]).select(
        "a", "b", *[f"{p}{a}" for p in "qp" for a in "xyz"]
    )
    spans = (
        exploded.where(long)
        .join(cells.withColumnRenamed("tb", "tb_b"), ["cx", "cy", "cz"])
        .where(F.col("tb_b").between(F.col("tb_lo"), F.col("tb_hi")))
        .select("a", "b", *[f"{p}{a}" for p in "qp" for a in "xyz"])
    )
    near = joined.unionByName(spans).where((F.col("a") != F.col("b")) & (d2 <= reach * reach))
    return near.select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b")).distinct()


def proximity_edges(positions: DataFrame, rule: ProximityRule) -> DataFrame:
    """Links of one proximity rule (rendezvous or co-location) among positions with x, y, z."""
    from pyspark.sql import functions as F

    pos = positions
    if rule.min_sog is not None:
        pos = pos.where(F.col("sog") >= rule.min_sog)
    if rule.max_sog is not None:
        pos = pos.where(F.col("sog") < rule.max_sog)
    fine = _fine(pos, rule.cell_m, rule.bucket_s)
    presence = fine.distinct()
    # a fix at t reads others' last fixes no older than t - window; those may be as new as the
    # replay clock at that message (``clock`` > t for a late message)
    queries = pos.select(
        F.col("mmsi").alias("a"),
        *[((F.floor(F.col(a) / rule.cell_m) + 0.5) * rule.cell_m).alias(f"q{a}") for a in "xyz"],
        F.floor((F.col("timestamp") - rule.window_s) / rule.bucket_s).alias("tb_lo"),
        F.floor(F.col("clock") / rule.bucket_s).alias("tb_hi"),
    ).distinct()
    return _link(queries, presence, rule.radius_m, rule.cell_m, math.sqrt(3.0) / 2 * rule.cell_m)


def gap_edges(
    messages: DataFrame, positions: DataFrame, rule: GapRule, settings: Settings, end: float, partitions: int
) -> DataFrame:
    """Links from AIS-gap coverage: a per-vessel tracker pass finds silences, a grid join the others."""
    from pyspark.sql import functions as F

    schema = "mmsi bigint, lat double, lon double, t_lo double, t_hi double"

    def silences(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from seawarden.scale.groups import vessel_silences
        from seawarden.scale.runner import geo_of, rows_of

        local, geo = settings, geo_of(settings)
        out: list[dict] = []
        vessel: list[dict] = []
        for row in rows_of(batches):
            if vessel and row["mmsi"] != vessel[0]["mmsi"]:
                out.extend(vessel_silences(vessel, local, geo, rule, end))
                vessel = []
            vessel.append(row)
        if vessel:
            out.extend(vessel_silences(vessel, local, geo, rule, end))
        if out:
            yield pa.RecordBatch.from_pylist(out, schema=pa.schema(
                [("mmsi", pa.int64()), ("lat", pa.float64()), ("lon", pa.float64()),
                 ("t_lo", pa.float64()), ("t_hi", pa.float64())]))  # fmt: skip

    found = (
        messages.repartition(partitions, "mmsi")
        .sortWithinPartitions("mmsi", "file_idx", "seq")
        .mapInArrow(silences, schema)
    )
    queries = found.select(
        F.col("mmsi").alias("a"),
        *_ecef("q"),
        F.floor(F.col("t_lo") / rule.bucket_s).alias("tb_lo"),
        F.floor(F.col("t_hi") / rule.bucket_s).alias("tb_hi"),
    )
    presence = _fine(positions, rule.cell_m, rule.bucket_s).distinct()
    return _link(queries, presence, rule.radius_m, rule.cell_m, 0.0)


def interaction_groups(
    messages: DataFrame, settings: Settings, end: float, partitions: int
) -> tuple[dict[int, int], int]:
    """Stage 3: MMSI -> group for every linked vessel (others are their own group), and the edge count."""
    from pyspark.sql import functions as F

    rules = rules_from(settings)
    positions = _positions(messages).select("mmsi", "timestamp", "clock", "sog", "lat", "lon", *_ecef())
    frames = [proximity_edges(positions, rule).withColumn("imo", F.lit(False)) for rule in rules.proximity]
    if rules.gap is not None:
        gaps = gap_edges(messages, positions, rules.gap, settings, end, partitions)
        frames.append(gaps.withColumn("imo", F.lit(False)))
    if rules.imo:
        imos = messages.where(F.col("imo").isNotNull() & (F.col("imo") > 0))
        frames.append(
            imos.select(F.col("mmsi").alias("a"), F.col("imo").alias("b"), F.lit(True).alias("imo"))
        )
    if not frames:
        return {}, 0
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    rows = union.distinct().collect()  # one job for every rule: the link list is small
    edges = {(r["a"], r["b"]) for r in rows if not r["imo"]}
    imo_pairs = [(r["a"], r["b"]) for r in rows if r["imo"]]
    return assign_groups(edges, imo_pairs), len(edges)


def assess_groups(
    messages: DataFrame,
    groups: DataFrame,
    settings: Settings,
    end: float,
    partitions: int,
    watchlist_files: tuple[str, ...] = (),
) -> DataFrame:
    """Stage 4: one pipeline per group, over the group's messages in input order."""
    from pyspark.sql import functions as F

    from seawarden.scale.runner import run_groups

    def assess(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield from run_groups(batches, settings, end, watchlist_files)

    grouped = messages.join(F.broadcast(groups), "mmsi", "left").withColumn(
        "group", F.coalesce(F.col("group"), F.col("mmsi"))
    )
    return (
        grouped.repartition(partitions, "group")
        .sortWithinPartitions("group", "file_idx", "seq")
        .mapInArrow(assess, ALERT_DDL)
    )


def vessel_summaries(messages: DataFrame, groups: DataFrame, alerts: DataFrame) -> DataFrame:
    """Stage 5: one row per vessel: messages, positions, time span, identity, group, alerts."""
    from pyspark.sql import functions as F

    order = F.struct("file_idx", "seq")
    per_vessel = messages.groupBy("mmsi").agg(
        F.count(F.lit(1)).alias("messages"),
        F.count("lat").alias("positions"),
        F.min("timestamp").alias("first_time"),
        F.max("timestamp").alias("last_time"),
        F.max_by("name", F.when(F.col("name").isNotNull(), order)).alias("name"),
        F.max_by("imo", F.when(F.col("imo").isNotNull(), order)).alias("imo"),
        F.max_by("ship_type", F.when(F.col("ship_type").isNotNull(), order)).alias("ship_type"),
    )
    grouped = per_vessel.join(F.broadcast(groups), "mmsi", "left").withColumn(
        "group", F.coalesce(F.col("group"), F.col("mmsi"))
    )
    sizes = grouped.groupBy("group").agg(F.count(F.lit(1)).alias("group_size"))
    rank = F.create_map(*[x for k, v in SEVERITY_RANK.items() for x in (F.lit(k), F.lit(v))])
    per_alert = alerts.groupBy("mmsi").agg(
        F.countDistinct("id").alias("alerts"),
        F.count(F.lit(1)).alias("alert_records"),
        F.max("risk").alias("max_risk"),
        F.max_by("severity", rank[F.col("severity")]).alias("top_severity"),
    )
    return (
        grouped.join(sizes, "group")
        .join(per_alert, "mmsi", "left")
        .fillna({"alerts": 0, "alert_records": 0})
        .orderBy("mmsi")
    )


# ------------------------------------------------------------------------------------------ the job


def run_batch(
    spark: SparkSession,
    inputs: Sequence[str] = (),
    *,
    settings: Settings | None = None,
    output: str | None = None,
    messages_parquet: str | None = None,
    watchlist_files: Sequence[str] = (),
    partitions: int | None = None,
) -> BatchResult:
    """Run the assessment over ``inputs`` (files, in order) or decoded ``messages_parquet``.

    With ``output``, writes ``alerts/`` (sorted by event time, id, version), ``vessels/`` and
    ``messages/`` (the decoded rows, reusable as ``messages_parquet``) under it as Parquet.
    """
    from pyspark import StorageLevel

    settings = settings or Settings()
    partitions = partitions or int(spark.conf.get("spark.sql.shuffle.partitions", "4"))
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    if messages_parquet is not None:
        decoded = spark.read.parquet(messages_parquet).select(*[c.split(" ")[0] for c in ROW_DDL.split(", ")])
    else:
        decoded = decode_inputs(spark, inputs, settings)
    decoded = decoded.persist(StorageLevel.MEMORY_AND_DISK)
    clocked, end, messages = with_clock(decoded)
    seconds["decode"] = time.perf_counter() - start

    t = time.perf_counter()
    if end is None:
        decoded.unpersist()
        return BatchResult(0, 0, 0, 0, 0, 0, None, seconds)
    mapping, edges = interaction_groups(clocked, settings, end, partitions)
    groups = spark.createDataFrame(list(mapping.items()) or [(-1, -1)], "mmsi bigint, group bigint")
    seconds["groups"] = time.perf_counter() - t

    t = time.perf_counter()
    alerts = assess_groups(clocked, groups, settings, end, partitions, tuple(watchlist_files))
    alerts = alerts.persist(StorageLevel.MEMORY_AND_DISK)
    alert_records = alerts.count()
    seconds["assess"] = time.perf_counter() - t

    t = time.perf_counter()
    vessels = vessel_summaries(decoded, groups, alerts).persist(StorageLevel.MEMORY_AND_DISK)
    vessel_count = vessels.count()
    sizes: dict[int, int] = {}
    for group in mapping.values():
        sizes[group] = sizes.get(group, 0) + 1
    if output is not None:
        alerts.orderBy("event_time", "id", "version").write.mode("overwrite").parquet(f"{output}/alerts")
        vessels.write.mode("overwrite").parquet(f"{output}/vessels")
        if messages_parquet is None:
            decoded.write.mode("overwrite").parquet(f"{output}/messages")
    seconds["output"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - start
    return BatchResult(
        messages=messages,
        vessels=vessel_count,
        groups=vessel_count - len(mapping) + len(sizes),
        largest_group=max(sizes.values(), default=1 if vessel_count else 0),
        edges=edges,
        alert_records=alert_records,
        end=end,
        seconds=seconds,
        alerts=alerts,
        vessel_summary=vessels,
    )
