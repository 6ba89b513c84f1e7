"""MMSI and IMO validity, and the flag an MMSI claims.

Why: an MMSI with an unallocated MID (123456789, 111111111 on a ship ...) or an IMO number whose
check digit fails is a classic sign of a spoofed or sloppy identity, and the flag derived from the
MID is how watch officers first judge a vessel. Formats follow ITU-R M.585 (MMSI) and IMO
resolution A.1078(28) (IMO ship identification number).
"""

import enum

from seawarden.track.mid import country_of_mid


class MmsiKind(enum.StrEnum):
    """What kind of station an MMSI's digit pattern says it is (ITU-R M.585 annexes)."""

    SHIP = "ship"  # MIDXXXXXX, first digit 2-7
    GROUP = "group"  # 0MIDXXXXX, group of ships
    COAST_STATION = "coast_station"  # 00MIDXXXX (AIS base stations)
    SAR_AIRCRAFT = "sar_aircraft"  # 111MIDXXX
    HANDHELD = "handheld"  # 8MIDXXXXX, handheld VHF with DSC and GNSS
    CRAFT_ASSOCIATED = "craft_associated"  # 98MIDXXXX, craft associated with a parent ship
    ATON = "aton"  # 99MIDXXXX, AIS aids to navigation
    SART = "sart"  # 970XXYYYY, AIS search-and-rescue transmitter
    MOB = "mob"  # 972XXYYYY, man-overboard device
    EPIRB = "epirb"  # 974XXYYYY, EPIRB with AIS
    INVALID = "invalid"  # anything else (wrong length, unallocated pattern)


# Kinds whose digits after the prefix carry a MID that must be allocated.
_MID_PREFIXES: tuple[tuple[str, MmsiKind], ...] = (
    ("111", MmsiKind.SAR_AIRCRAFT),
    ("970", MmsiKind.SART),
    ("972", MmsiKind.MOB),
    ("974", MmsiKind.EPIRB),
    ("98", MmsiKind.CRAFT_ASSOCIATED),
    ("99", MmsiKind.ATON),
    ("00", MmsiKind.COAST_STATION),
    ("0", MmsiKind.GROUP),
    ("8", MmsiKind.HANDHELD),
)
# Device kinds whose remaining digits are a manufacturer id, not a MID.
_NO_MID_KINDS = frozenset({MmsiKind.SART, MmsiKind.MOB, MmsiKind.EPIRB})


def _digits(mmsi: int) -> str | None:
    if not isinstance(mmsi, int) or mmsi <= 0 or mmsi > 999_999_999:
        return None
    return f"{mmsi:09d}"


def mmsi_kind(mmsi: int) -> MmsiKind:
    """Classify an MMSI by its digit pattern (no MID check)."""
    digits = _digits(mmsi)
    if digits is None:
        return MmsiKind.INVALID
    if digits[0] in "234567":
        return MmsiKind.SHIP
    for prefix, kind in _MID_PREFIXES:
        if digits.startswith(prefix):
            return kind
    return MmsiKind.INVALID


def mid_of(mmsi: int) -> int | None:
    """The Maritime Identification Digits an MMSI carries, or None when its pattern has none."""
    digits = _digits(mmsi)
    if digits is None:
        return None
    kind = mmsi_kind(mmsi)
    if kind is MmsiKind.SHIP:
        return int(digits[:3])
    if kind is MmsiKind.INVALID or kind in _NO_MID_KINDS:
        return None
    prefix = next(p for p, k in _MID_PREFIXES if k is kind)
    return int(digits[len(prefix) : len(prefix) + 3])


def flag_of(mmsi: int) -> tuple[str, str] | None:
    """(country name, ISO alpha-2) of the MID an MMSI claims, or None when unknown."""
    mid = mid_of(mmsi)
    return None if mid is None else country_of_mid(mid)


def is_valid_mmsi(mmsi: int) -> bool:
    """True when the MMSI has a known pattern and, where the pattern has one, an allocated MID."""
    kind = mmsi_kind(mmsi)
    if kind is MmsiKind.INVALID:
        return False
    if kind in _NO_MID_KINDS:
        return True
    return flag_of(mmsi) is not None


def is_valid_imo(imo: int | None) -> bool:
    """IMO number check: 7 digits, last digit = sum of the first six times 7..2, modulo 10."""
    if not isinstance(imo, int) or not 1_000_000 <= imo <= 9_999_999:
        return False
    digits = [int(c) for c in str(imo)]
    checksum = sum(d * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return checksum % 10 == digits[6]
