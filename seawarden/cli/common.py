"""Small helpers shared by the sub-commands: uniform errors and '-' for stdin/stdout."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn, TextIO

import typer

#: Exit status for unusable input or configuration (documented in the README).
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print ``error: ...`` to stderr and exit; messages say what to do next."""
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def open_output(target: str | None) -> Iterator[TextIO]:
    """A text stream for ``target``: '-' or None is stdout, otherwise a file (parent folders created)."""
    if target in (None, "-"):
        yield sys.stdout
        return
    path = Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    with handle:
        yield handle
