"""Stage 1, sources: where raw lines come from (files, gzip, stdin, TCP, UDP, CSV exports)."""

from seawarden.sources.detect import InputFormat, detect_format
from seawarden.sources.files import SourceError, open_lines
from seawarden.sources.reader import read_messages

__all__ = ["InputFormat", "SourceError", "detect_format", "open_lines", "read_messages"]
