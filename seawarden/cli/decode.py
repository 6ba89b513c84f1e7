"""``seawarden decode``: recorded AIS (any supported format) -> normalised messages as JSON lines or CSV."""

import csv
import json
import sys
import time
from contextlib import ExitStack
from dataclasses import fields
from typing import IO, Any

import typer

from seawarden.decode import Decoder, Reject
from seawarden.sources import InputFormat, SourceError, read_messages
from seawarden.types import Message

DECODERS = ("fast", "reference")
CSV_COLUMNS = [f.name for f in fields(Message) if f.name not in ("extra", "raw")] + ["received_at", "extra"]


class _Writer:
    """One output format; CSV puts ``extra`` as a JSON cell so no information is dropped."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.fmt = fmt
        self.out = out
        self._csv = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore") if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writeheader()

    def write(self, message: Message) -> None:
        record: dict[str, Any] = message.to_dict()
        if self._csv is None:
            self.out.write(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n")
            return
        if "extra" in record:
            record["extra"] = json.dumps(record["extra"], separators=(",", ":"), ensure_ascii=False)
        self._csv.writerow(record)


def decode_command(
    files: list[str] = typer.Argument(..., help="NMEA logs, .gz files, DMA/NOAA CSV exports; '-' is stdin."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="Output format: jsonl or csv."),
    input_format: InputFormat | None = typer.Option(
        None, "--input-format", help="Skip detection and read every input as this format."
    ),
    output: str | None = typer.Option(None, "--output", "-o", help="Write messages here instead of stdout."),
    rejects: str | None = typer.Option(
        None, "--rejects", help="Write every rejected line here as JSON (reason, detail, source, line_no)."
    ),
    keep_raw: bool = typer.Option(False, "--raw", help="Include the source sentence(s) in each message."),
    decoder_kind: str = typer.Option(
        "fast",
        "--decoder",
        help="NMEA decoder: 'fast' (vectorised, the default) or 'reference' (line by line); same results.",
    ),
) -> None:
    """Decode recorded AIS into normalised messages; a summary goes to stderr."""
    if fmt not in ("jsonl", "csv"):
        typer.echo(f"error: --format must be jsonl or csv, not {fmt!r}", err=True)
        raise typer.Exit(2)
    if decoder_kind not in DECODERS:
        typer.echo(f"error: --decoder must be {' or '.join(DECODERS)}, not {decoder_kind!r}", err=True)
        raise typer.Exit(2)
    if files.count("-") > 1:
        typer.echo("error: stdin ('-') can be read only once", err=True)
        raise typer.Exit(2)
    with ExitStack() as stack:
        try:
            out = (
                stack.enter_context(open(output, "w", encoding="utf-8", newline="")) if output else sys.stdout
            )
            reject_file = stack.enter_context(open(rejects, "w", encoding="utf-8")) if rejects else None
        except OSError as exc:
            typer.echo(f"error: cannot write {exc.filename}: {exc.strerror}", err=True)
            raise typer.Exit(2) from None

        def on_reject(reject: Reject) -> None:
            if reject_file is not None:
                reject_file.write(json.dumps(reject.to_dict(), ensure_ascii=False) + "\n")

        decoder = Decoder(keep_raw=keep_raw, on_reject=on_reject)
        writer = _Writer(out, fmt)
        started = time.perf_counter()
        try:
            for message in read_messages(files, decoder, input_format, fast=decoder_kind == "fast"):
                writer.write(message)
        except SourceError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
        out.flush()
        elapsed = max(time.perf_counter() - started, 1e-9)
    stats = decoder.stats
    typer.echo(f"decode: {stats.summary()}; {stats.messages / elapsed:,.0f} msg/s", err=True)
    if stats.ignored_by_kind:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(stats.ignored_by_kind.items()))
        typer.echo(f"decode: ignored: {kinds}", err=True)
    if stats.messages == 0:
        typer.echo(f"error: no AIS message in {stats.lines} input lines (see the summary above)", err=True)
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add ``decode`` to the main ``seawarden`` command."""
    app.command("decode")(decode_command)
