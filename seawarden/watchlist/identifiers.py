"""Ship identifiers: IMO numbers (with their check digit) and MMSIs.

The IMO number is the only identifier a ship keeps for life, so the register is keyed on it; the
check digit catches most typing errors in lists and most junk broadcast in AIS type 5 messages.
MMSIs are reassigned when a ship is sold or re-flagged, so they are a weaker key.
"""

import re

_IMO_TEXT = re.compile(r"^\s*(?:IMO)?[\s:.#-]*(\d{7})(?:\.0+)?\s*$", re.IGNORECASE)
_MMSI_TEXT = re.compile(r"^\s*(?:MMSI)?[\s:.#-]*(\d{9})(?:\.0+)?\s*$", re.IGNORECASE)

# MMSIs that misconfigured transponders broadcast; many unrelated ships share them, so they
# identify nothing and must never produce a watch-list match.
PLACEHOLDER_MMSIS = frozenset(
    {123456789, 987654321, 100000000, 999999999} | {int(str(d) * 9) for d in range(1, 10)}
)


def imo_check_digit_ok(imo: int) -> bool:
    """True when a 7-digit IMO number's last digit is its check digit.

    The check digit is the last digit of the sum of the first six digits weighted 7, 6, ..., 2
    (IMO Resolution A.1117(30)); e.g. 9329760: 9*7+3*6+2*5+9*4+7*3+6*2 = 160 -> 0.
    """
    if not 1_000_000 <= imo <= 9_999_999:
        return False
    rest, check = divmod(imo, 10)
    total = 0
    for weight in range(2, 8):  # from the digit before the check digit leftwards
        rest, digit = divmod(rest, 10)
        total += digit * weight
    return total % 10 == check


def parse_imo(value: object) -> int | None:
    """A 7-digit IMO number from ``9329760``, ``"9329760"``, ``"IMO9329760"``, ``"IMO 9329760"``.

    Returns ``None`` for anything that is not seven digits (empty, ``0``, junk). The check digit
    is *not* required here: lists contain mistyped IMOs, and keeping them (flagged) is safer than
    dropping a listed ship. Use :func:`imo_check_digit_ok` to flag them.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1_000_000 <= value <= 9_999_999 else None
    if isinstance(value, float):
        return parse_imo(int(value)) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    found = _IMO_TEXT.match(value)
    if not found:
        return None
    number = int(found.group(1))
    return number if number >= 1_000_000 else None


def parse_mmsi(value: object) -> int | None:
    """A 9-digit MMSI from an int or text (``"518998865"``, ``"MMSI 518998865"``); else ``None``.

    Placeholder MMSIs (``123456789``, ``111111111`` ...) return ``None``: they identify no ship.
    """
    if value is None or isinstance(value, bool):
        return None
    number: int | None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        found = _MMSI_TEXT.match(value)
        number = int(found.group(1)) if found else None
    else:
        number = None
    if number is None or not 1 <= number <= 999_999_999 or number in PLACEHOLDER_MMSIS:
        return None
    return number
