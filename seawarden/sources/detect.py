"""Which kind of input a file is, from its first lines."""

import enum
import re
from collections.abc import Sequence

from seawarden.decode.tabular import NOAA_COLUMNS, header_key


class InputFormat(enum.StrEnum):
    NMEA = "nmea"  # any NMEA variant: plain, tag blocks, PGHP, prefixed, trailing metadata
    DMA_CSV = "dma_csv"  # Danish Maritime Authority aisdk daily CSV
    NOAA_CSV = "noaa_csv"  # NOAA / BOEM MarineCadastre AIS CSV


_NMEA_HINT = re.compile(r"[!$\\]")


def detect_format(first_lines: Sequence[str]) -> InputFormat:
    """CSV when the first non-empty line is a known header (DMA or NOAA), NMEA otherwise.

    NMEA is the default because its decoder accounts for every line anyway, so an unknown file
    ends up as visible rejects rather than a silent guess.
    """
    for line in first_lines:
        text = line.strip().lstrip("\ufeff")
        if not text:
            continue
        columns = {header_key(c) for c in text.lstrip("#").split(",")}
        if {"timestamp", "typeofmobile", "mmsi", "latitude", "longitude"} <= columns:
            return InputFormat.DMA_CSV
        if len(columns & NOAA_COLUMNS.keys()) >= 4 and "mmsi" in columns:
            return InputFormat.NOAA_CSV
        if text.startswith("#"):
            continue  # a comment line in an NMEA log
        return InputFormat.NMEA
    return InputFormat.NMEA
