"""Files, ``.gz`` files and stdin as line iterators that never fail on bad bytes."""

import gzip
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

STDIN = "-"


class SourceError(Exception):
    """An input that cannot be opened or read at all (missing, unreadable, corrupt gzip)."""


def _binary(path: str) -> BinaryIO:
    if path == STDIN:
        return sys.stdin.buffer
    file = Path(path)
    if not file.is_file():
        raise SourceError(f"{path}: no such file" if not file.exists() else f"{path}: not a regular file")
    try:
        handle: BinaryIO = file.open("rb")
    except OSError as exc:
        raise SourceError(f"{path}: cannot open ({exc.strerror or exc})") from exc
    if handle.read(2) == b"\x1f\x8b":  # gzip magic, whatever the file is called
        handle.seek(0)
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def open_lines(path: str) -> Iterator[str]:
    """Lines of a file / ``.gz`` / stdin (``-``), decoded as UTF-8 with bad bytes replaced.

    Raises :class:`SourceError` when the input cannot be opened or its compression is corrupt;
    undecodable bytes never raise (AIS is ASCII; a replaced byte fails the sentence checksum).
    """
    stream = _binary(path)
    text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=None)  # type: ignore[arg-type]
    try:
        yield from text
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise SourceError(f"{path}: read failed ({exc})") from exc
    finally:
        if path != STDIN:
            text.close()
        else:
            text.detach()
