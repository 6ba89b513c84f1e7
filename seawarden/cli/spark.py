"""``seawarden spark batch|stream``: the assessment on Apache Spark (the ``spark`` extra).

Run locally (``--master local[4]``) or hand the same module to ``spark-submit`` on a cluster
(docs/scale-out.md). Both jobs call the same pure core as ``seawarden replay``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from seawarden.cli.common import fail
from seawarden.config import ConfigError, Settings

spark_app = typer.Typer(help="Run the assessment on Apache Spark (batch over history, or streaming).")


def _settings(config: Path | None, areas: Path | None, infrastructure: Path | None) -> Settings:
    try:
        settings = Settings.load(config)
    except ConfigError as exc:
        fail(str(exc))
    if areas is not None:
        settings.geo.areas = str(areas.resolve())
    if infrastructure is not None:
        settings.geo.infrastructure = str(infrastructure.resolve())
    return settings


def _session(master: str | None, partitions: int):
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        fail("PySpark is not installed: pip install 'seawarden[spark]' (Java 17 is needed too)")
    from seawarden.scale.spark_batch import local_session

    if master is None:  # under spark-submit the master and resources come from the submit options
        return SparkSession.builder.appName("seawarden").getOrCreate()
    cores = int(master[6:-1]) if master.startswith("local[") and master[6:-1].isdigit() else 2
    return local_session(cores=cores, shuffle_partitions=partitions)


CONFIG = typer.Option(None, "--config", help="TOML configuration file.")
AREAS = typer.Option(None, "--areas", help="GeoJSON of areas of interest (default: bundled 22).")
INFRA = typer.Option(None, "--infrastructure", help="GeoJSON of cables/pipelines (default: bundled).")
WATCHLIST = typer.Option([], "--watchlist", help="Extra watch-list file(s), readable on every executor.")
MASTER = typer.Option(
    "local[2]", "--master", help="Spark master for a local run; 'submit' takes it from spark-submit."
)
PARTITIONS = typer.Option(8, "--partitions", help="Shuffle partitions (groups are spread over them).")


@spark_app.command("batch")
def batch_command(
    files: list[str] = typer.Argument(None, help="Input files in time order (any format replay reads)."),
    output: str = typer.Option(
        ..., "--output", "-o", help="Output folder: alerts/, vessels/, messages/ Parquet."
    ),
    messages_parquet: str | None = typer.Option(
        None, "--messages-parquet", help="Read decoded message rows (a previous run's messages/) instead."
    ),
    config: Path | None = CONFIG,
    areas: Path | None = AREAS,
    infrastructure: Path | None = INFRA,
    watchlist: list[Path] = WATCHLIST,
    master: str = MASTER,
    partitions: int = PARTITIONS,
) -> None:
    """The whole assessment over a history: alerts and per-vessel summaries to Parquet.

    Gives the same alert records as `seawarden replay` over the same files in the same order.
    """
    if not files and messages_parquet is None:
        fail("give input files or --messages-parquet")
    for name in files or []:
        if not Path(name).is_file():
            fail(
                f"input file not found: {name} (raw files are read by the executors from a shared path; "
                "for object stores use --messages-parquet)"
            )
    settings = _settings(config, areas, infrastructure)
    spark = _session(None if master == "submit" else master, partitions)
    from seawarden.scale.spark_batch import run_batch

    inputs = [str(Path(name).resolve()) for name in files or []]
    result = run_batch(
        spark,
        inputs,
        settings=settings,
        output=output,
        messages_parquet=messages_parquet,
        watchlist_files=[str(p.resolve()) for p in watchlist],
        partitions=partitions,
    )
    print(result.summary(), file=sys.stderr)
    if result.messages == 0:
        fail("no AIS message could be decoded from the input")


@spark_app.command("stream")
def stream_command(
    output: str = typer.Option(..., "--output", "-o", help="Alerts are appended here as Parquet."),
    checkpoint: str = typer.Option(..., "--checkpoint", help="Checkpoint folder (state and progress)."),
    inbox: str | None = typer.Option(None, "--files", help="Directory to watch for new AIS files."),
    kafka_bootstrap: str | None = typer.Option(None, "--kafka-bootstrap", help="Kafka bootstrap servers."),
    topic: str | None = typer.Option(None, "--topic", help="Kafka topic of raw NMEA lines."),
    watermark: str = typer.Option("0 seconds", "--watermark", help="Allowed lateness of event time."),
    trigger_s: float | None = typer.Option(None, "--trigger-s", help="Micro-batch interval (default: asap)."),
    config: Path | None = CONFIG,
    areas: Path | None = AREAS,
    infrastructure: Path | None = INFRA,
    watchlist: list[Path] = WATCHLIST,
    master: str = MASTER,
    partitions: int = PARTITIONS,
) -> None:
    """Streaming assessment with per-vessel state: files from a directory, or Kafka (--kafka-bootstrap).

    Cross-vessel checks see only the vessel itself in a stream (docs/scale-out.md); use `batch`.
    """
    if (inbox is None) == (kafka_bootstrap is None):
        fail("give exactly one source: --files DIR or --kafka-bootstrap HOST:PORT --topic T")
    settings = _settings(config, areas, infrastructure)
    spark = _session(None if master == "submit" else master, partitions)
    from seawarden.scale.spark_stream import start_stream

    source = {"source": "files", "path": inbox} if inbox else {
        "source": "kafka", "kafka_bootstrap": kafka_bootstrap, "topic": topic}  # fmt: skip
    try:
        query = start_stream(
            spark,
            output,
            checkpoint,
            settings,
            watchlist_files=tuple(str(p.resolve()) for p in watchlist),
            watermark=watermark,
            trigger_s=trigger_s,
            **source,
        )
    except ValueError as exc:
        fail(str(exc))
    print(f"streaming alerts to {output} (checkpoint {checkpoint}); Ctrl-C stops", file=sys.stderr)
    try:
        query.awaitTermination()
    except KeyboardInterrupt:
        query.stop()


def register(app: typer.Typer) -> None:
    app.add_typer(spark_app, name="spark")


if __name__ == "__main__":  # spark-submit seawarden/cli/spark.py batch ... (docs/scale-out.md)
    spark_app()
