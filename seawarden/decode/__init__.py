"""Stage 2, decode: NMEA framing, tag blocks, multipart reassembly and AIS decoding to ``Message``."""

from seawarden.decode.config import DecodeConfig
from seawarden.decode.decoder import Decoder
from seawarden.decode.results import DecodeStats, Reject, RejectReason

__all__ = ["DecodeConfig", "DecodeStats", "Decoder", "Reject", "RejectReason"]
