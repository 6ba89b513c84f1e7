"""The ``seawarden`` command line. Each sub-command lives in its own module and registers itself."""

from __future__ import annotations

import importlib
import logging

import typer

app = typer.Typer(
    name="seawarden",
    help="SeaWarden: maritime early warning for undersea infrastructure (AIS assessment and alerts).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Modules under seawarden.cli that each define ``register(app)``; order is the --help order.
COMMAND_MODULES = (
    "replay",
    "serve",
    "decode",
    "areas",
    "watchlist",
    "simulate",
    "model",
    "feed",
    "spark",
    "bench",
)


@app.callback()
def _root(
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="More log output (-v info, -vv debug)."
    ),
) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


for _name in COMMAND_MODULES:
    importlib.import_module(f"seawarden.cli.{_name}").register(app)


def main() -> None:
    app()
