"""``read_messages``: any mix of files, ``.gz`` and stdin, any supported format, one message stream."""

import itertools
import logging
from collections.abc import Iterator, Sequence

from seawarden.decode.decoder import Decoder
from seawarden.decode.tabular import CSV_DECODERS
from seawarden.sources.detect import InputFormat, detect_format
from seawarden.sources.files import STDIN, open_lines
from seawarden.types import Message

log = logging.getLogger(__name__)

DETECT_LINES = 20  # enough to get past comment headers of NMEA logs


def source_name(path: str) -> str:
    return "stdin" if path == STDIN else path


def read_messages(
    paths: Sequence[str], decoder: Decoder | None = None, fmt: InputFormat | None = None
) -> Iterator[Message]:
    """Decode every path in order; the format of each is detected unless ``fmt`` is given.

    One decoder (and so one set of stats) serves all inputs; each file is its own ``source``, so
    multipart groups never span files and line numbers restart per file. Raises
    :class:`~seawarden.sources.files.SourceError` for an input that cannot be opened or read.
    """
    decoder = decoder if decoder is not None else Decoder()
    for path in paths:
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
