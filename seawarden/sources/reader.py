"""``read_messages``: any mix of files, ``.gz`` and stdin, any supported format, one message stream.

NMEA inputs are decoded by the vectorised :class:`~seawarden.decode.fast.FastDecoder` unless
``fast=False``: it yields the same messages in the same order, and leaves the same statistics and
rejects in the decoder, as feeding every line to the reference :class:`Decoder` (the agreement
tests in tests/sources/test_reader_fast.py and tests/decode/test_fast.py check this on every
corpus). One difference is by design: lines without a receive time of their own are stamped with
the decoder's clock once per block read (not once per line), as the lines of one read arrived
together. ``fast=False`` is the reference path, line by line.
"""

import gzip
import io
import itertools
import logging
from collections.abc import Iterator, Sequence

from seawarden.decode.decoder import Decoder
from seawarden.decode.tabular import CSV_DECODERS
from seawarden.sources.detect import InputFormat, detect_format
from seawarden.sources.files import STDIN, SourceError, _binary, open_lines
from seawarden.types import Message

log = logging.getLogger(__name__)

DETECT_LINES = 20  # enough to get past comment headers of NMEA logs
BLOCK_BYTES = 1 << 24  # bytes per read on the fast path (a pipe gives whatever has arrived)


def source_name(path: str) -> str:
    return "stdin" if path == STDIN else path


def read_messages(
    paths: Sequence[str], decoder: Decoder | None = None, fmt: InputFormat | None = None, *, fast: bool = True
) -> Iterator[Message]:
    """Decode every path in order; the format of each is detected unless ``fmt`` is given.

    One decoder (and so one set of stats) serves all inputs; each file is its own ``source``, so
    multipart groups never span files and line numbers restart per file. Raises
    :class:`~seawarden.sources.files.SourceError` for an input that cannot be opened or read.
    ``fast=False`` decodes NMEA line by line with the reference decoder (same results).
    """
    decoder = decoder if decoder is not None else Decoder()
    for path in paths:
        if fast:
            yield from _read_fast(path, decoder, fmt)
        else:
            yield from _read_reference(path, decoder, fmt)


def _read_reference(path: str, decoder: Decoder, fmt: InputFormat | None) -> Iterator[Message]:
    name = source_name(path)
    lines = open_lines(path)
    head = list(itertools.islice(lines, DETECT_LINES))
    kind = fmt or detect_format(head)
    log.info("reading %s as %s", name, kind)
    stream = itertools.chain(head, lines)
    if kind is InputFormat.NMEA:
        yield from decoder.feed_lines(stream, name)
    else:
        yield from CSV_DECODERS[str(kind)](decoder, name).rows(stream)
    yield from decoder.flush()  # multipart groups never span files


def _read_fast(path: str, decoder: Decoder, fmt: InputFormat | None) -> Iterator[Message]:
    from seawarden.decode.fast import FastDecoder  # NumPy and the fast path load only when used

    name = source_name(path)
    stream = _binary(path)
    read = stream.read1 if path == STDIN and hasattr(stream, "read1") else stream.read
    try:
        try:
            head = _head(read)
            kind = fmt or detect_format(_text_lines(head, DETECT_LINES))
            log.info("reading %s as %s", name, kind)
            if kind is not InputFormat.NMEA:  # CSV exports: the row decoders, fed the same text lines
                raw = io.BufferedReader(_Prepended(head, read))
                text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline=None)
                yield from CSV_DECODERS[str(kind)](decoder, name).rows(text)
                yield from decoder.flush()
                return
            blocks = itertools.chain([head], iter(lambda: read(BLOCK_BYTES), b""))
            yield from FastDecoder(decoder).decode_stream(blocks, name)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceError(f"{path}: read failed ({exc})") from exc
    finally:
        if path != STDIN:
            stream.close()


def _head(read) -> bytes:
    """The first bytes of a stream, enough to hold DETECT_LINES whole lines (or all of it)."""
    head = b""
    while head.replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") < DETECT_LINES:
        block = read(1 << 16)
        if not block:
            break
        head += block
    return head


def _text_lines(data: bytes, count: int) -> list[str]:
    """The first ``count`` lines of ``data`` as the text readers split them (universal newlines)."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace", newline=None)
    return list(itertools.islice(text, count))


class _Prepended(io.RawIOBase):
    """A raw stream of ``head`` followed by what ``read`` returns (the detection already read the head)."""

    def __init__(self, head: bytes, read) -> None:
        self._head = memoryview(head)
        self._read = read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
