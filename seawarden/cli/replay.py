"""``seawarden replay``: the whole assessment over recorded AIS."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

import typer

from seawarden.cli.common import fail, open_output
from seawarden.config import ConfigError, Settings
from seawarden.decode import DecodeStats, Reject
from seawarden.pipeline import Pipeline, PipelineStats
from seawarden.replay import parse_speed, replay
from seawarden.types import Alert, Severity, iso_utc

DECODERS = ("fast", "reference")


def format_alert_line(alert: Alert) -> str:
    """One line a watch officer can read at a glance: when, how bad, what, who, where, why."""
    who = f"{alert.name or '?'} ({alert.mmsi})"
    position = f"{alert.lat:.3f},{alert.lon:.3f}" if alert.lat is not None and alert.lon is not None else "?"
    where = alert.infrastructure or alert.area or position
    update = "" if alert.version == 1 else f" v{alert.version}"
    return (
        f"{iso_utc(alert.time)} {alert.severity.label.upper():<8} {alert.kind!s:<28} {who:<28} "
        f"{where:<24} risk {alert.risk:>3.0f}{update}  {alert.explanation[:160]}"
    )


def replay_command(
    files: list[str] = typer.Argument(
        ...,
        help="Recorded AIS: raw NMEA (with or without tag blocks, $PGHP or timestamp prefixes), .gz, "
        "DMA aisdk CSV or NOAA MarineCadastre CSV. '-' reads stdin. Give files in time order.",
    ),
    areas: Path | None = typer.Option(
        None, "--areas", help="GeoJSON of areas of interest (default: bundled 22)."
    ),
    infrastructure: Path | None = typer.Option(
        None, "--infrastructure", help="GeoJSON of cables/pipelines (default: bundled, indicative)."
    ),
    watchlist: list[Path] = typer.Option(
        [],
        "--watchlist",
        help="Extra watch-list file(s) to match against (EU CSV, TAK JSON, FtM JSONL, CSV).",
    ),
    alerts: str | None = typer.Option(
        None, "--alerts", help="Write alert records here as JSON lines ('-': stdout)."
    ),
    speed: str = typer.Option("max", "--speed", help="'max' (as fast as possible) or N for N x real time."),
    min_severity: str | None = typer.Option(
        None,
        "--min-severity",
        help="Lowest severity to emit: info, low, medium, high, critical (default: low).",
    ),
    rejects: str | None = typer.Option(
        None, "--rejects", help="Write rejected lines with reasons (JSON lines)."
    ),
    config: Path | None = typer.Option(None, "--config", help="TOML configuration file."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
    show: bool = typer.Option(False, "--show", help="Also print each alert as one readable line on stderr."),
    decoder: str = typer.Option(
        "fast",
        "--decoder",
        help="NMEA decoder: 'fast' (vectorised, default) or 'reference' (line by line); same messages.",
    ),
) -> None:
    """Run the whole assessment (decode, track, detectors, risk, alerts) over recorded AIS.

    Alerts go to --alerts as JSON lines; a summary (messages, rejects by reason, vessels, alerts by
    kind, throughput) goes to stderr. Exits 2 on unusable input. With --speed max the assessment runs
    on batches of messages (the same alert records as message by message).
    """
    try:
        settings = Settings.load(config)
        if areas is not None:
            settings.geo.areas = str(areas)
        if infrastructure is not None:
            settings.geo.infrastructure = str(infrastructure)
        if min_severity is not None:
            settings.alerts.min_severity = Severity.parse(min_severity)
        pace = parse_speed(speed)
        if decoder not in DECODERS:
            raise ValueError(f"--decoder must be one of {', '.join(DECODERS)}, not {decoder!r}")
    except (ConfigError, ValueError) as exc:
        fail(str(exc))
    settings.process.apply()
    for name in files:
        if name != "-" and not Path(name).is_file():
            fail(f"input file not found: {name}")

    try:
        from seawarden.watchlist import load_watchlist

        register = load_watchlist(extra=[str(p) for p in watchlist])
        pipeline = Pipeline(settings, watchlist=register)
    except (OSError, ValueError) as exc:
        fail(str(exc))

    with ExitStack() as stack:
        alerts_out: TextIO | None = stack.enter_context(open_output(alerts)) if alerts else None
        rejects_out = stack.enter_context(open_output(rejects)) if rejects else None

        def on_reject(rej: Reject) -> None:
            if rejects_out is not None:
                rejects_out.write(
                    json.dumps(
                        {
                            "reason": str(rej.reason),
                            "source": rej.source,
                            "line_no": rej.line_no,
                            "detail": rej.detail,
                            "line": rej.line,
                        }
                    )
                    + "\n"
                )

        def on_alert(alert: Alert) -> None:
            if show:
                print(format_alert_line(alert), file=sys.stderr, flush=True)

        def progress(d: DecodeStats, p: PipelineStats) -> None:
            if not quiet:
                print(
                    f"... {d.lines:,} lines, {p.messages:,} messages, {p.vessels_seen:,} vessels, "
                    f"{p.alerts:,} alerts",
                    file=sys.stderr,
                    flush=True,
                )

        try:
            result = replay(
                files,
                pipeline,
                alerts_out=alerts_out,
                speed=pace,
                on_reject=on_reject,
                progress=progress,
                on_alert=on_alert,
                fast=decoder == "fast",
            )
        except (OSError, ValueError) as exc:
            fail(str(exc))

    print(result.summary(), file=sys.stderr)
    if result.decode.messages == 0:
        fail(
            "no AIS message could be decoded from the input; "
            "check the file format (see seawarden decode --help)"
        )


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_command)
