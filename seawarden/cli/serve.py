"""``seawarden serve`` (the live service) and ``seawarden demo`` (the service on bundled data).

The service (web framework, database, brokers) is imported only when one of these commands runs, so
``seawarden replay`` and the other offline commands start in a fraction of a second.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from seawarden.cli.common import fail
from seawarden.config import ConfigError

if TYPE_CHECKING:
    from seawarden.service import Runtime
    from seawarden.service.bootstrap import IssuedKey

#: Pace of the SIMULATED scenario in the demo (mirrors seawarden.service.demo.DEFAULT_SPEED).
DEMO_SPEED = 1000.0


def _print_keys(keys: list[IssuedKey]) -> None:
    if not keys:
        return
    print("API keys (shown once; keep them, they cannot be recovered):", file=sys.stderr)
    for key in keys:
        communities = ", ".join(key.communities)
        print(f"  {key.org:<14} {key.user} ({key.role}, sees {communities}): {key.token}", file=sys.stderr)


def _run(runtime: Runtime) -> int:
    from seawarden.store import StoreError

    async def main() -> int:
        task = asyncio.create_task(runtime.run())
        started = asyncio.create_task(runtime.started.wait())
        await asyncio.wait({task, started}, return_when=asyncio.FIRST_COMPLETED)
        if runtime.started.is_set():
            _print_keys(runtime.issued_keys)
            where = runtime.http_url if runtime.server is not None else "(no HTTP API)"
            print(f"SeaWarden is running: {where}  (Ctrl-C to stop)", file=sys.stderr)
        started.cancel()
        return await task

    try:
        return asyncio.run(main())
    except (ConfigError, StoreError, OSError) as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        config: str | None = typer.Option(None, "--config", "-c", help="TOML config file ([serve] table)."),
        log_json: bool = typer.Option(False, "--log-json", help="Log JSON lines (for log shippers)."),
    ) -> None:
        """Run the live service: feeds, pipeline, store, delivery and the HTTP API."""
        from seawarden.service import Runtime
        from seawarden.service.logs import use_json_logs
        from seawarden.service.settings import load

        if log_json:
            use_json_logs()
        try:
            settings, serve_settings = load(config)
        except ConfigError as exc:
            fail(str(exc))
        settings.process.apply()
        raise typer.Exit(_run(Runtime(settings, serve_settings, tune_gc=True)))

    @app.command()
    def demo(
        speed: float = typer.Option(
            DEMO_SPEED, "--speed", min=1.0, help="Pace of the SIMULATED scenario, x real time."
        ),
        port: int = typer.Option(8080, "--port", help="HTTP port of the API and map."),
        host: str = typer.Option("127.0.0.1", "--host", help="Interface for the API (loopback by default)."),
        store: str | None = typer.Option(
            None, "--store", help="Store URL/file to keep the demo's data (default: a temporary one)."
        ),
        exit_after_replay: bool = typer.Option(
            False, "--exit-after-replay", help="Stop when the bundled data is replayed (tests, CI)."
        ),
    ) -> None:
        """Run the service on bundled real AIS plus a SIMULATED Eagle S anchor drag (alerts in a minute)."""
        from seawarden.service import Runtime
        from seawarden.service.demo import (
            DemoDataMissing,
            alert_line,
            demo_files,
            demo_settings,
            simulated_mmsis,
        )
        from seawarden.service.settings import load as load_settings

        logging.getLogger("seawarden").setLevel(max(logging.getLogger().level, logging.WARNING))
        try:
            settings, _ = load_settings(None)
            _, scenario = demo_files()
        except (ConfigError, DemoDataMissing) as exc:
            fail(str(exc))
        settings.process.apply()
        simulated = simulated_mmsis(scenario)

        def show(record: dict) -> None:
            print(alert_line(record, simulated), flush=True)

        with tempfile.TemporaryDirectory(prefix="seawarden-demo-") as tmp:
            url = store or f"sqlite:///{Path(tmp) / 'demo.db'}"
            serve_settings = demo_settings(url, speed=speed, host=host, port=port)
            print(
                "SeaWarden demo: real AIS (Danish Maritime Authority 2010, Kystverket 2019), then a "
                f"SIMULATED Eagle S anchor drag at {speed:g}x real time.",
                file=sys.stderr,
            )
            runtime = Runtime(
                settings, serve_settings, exit_after_files=exit_after_replay, on_alert=show, tune_gc=True
            )
            code = _run(runtime)
            snapshot = runtime.metrics_snapshot()
            print(
                f"demo finished: {int(snapshot.get('messages', 0)):,} messages, "
                f"{int(snapshot.get('alerts_stored', 0)):,} alert records stored",
                file=sys.stderr,
            )
        raise typer.Exit(code)
