"""Merging static and voyage data (types 5, 19, 21, 24 and CSV rows) into a vessel's identity.

Why the care: identity changes are evidence (shadow-fleet vessels rename and re-flag), so only
real changes may be recorded. A blank arriving is not a change (type 24 part A carries no
callsign, a type 5 with IMO 0 means "not available"), and the same text with different ``@``
padding, spacing or case is the same name.
"""

import math
from dataclasses import dataclass

from seawarden.track.identity import MmsiKind
from seawarden.track.state import Identity, IdentityChange
from seawarden.types import Message

# Fields whose changes go into the identity history.
HISTORY_FIELDS: tuple[str, ...] = ("name", "imo", "callsign", "ship_type", "destination", "draught")
_DRAUGHT_TOLERANCE_M = 0.05


def clean_text(value: str | None) -> str | None:
    """AIS 6-bit text -> trimmed text with single spaces; ``@`` padding and blanks -> None."""
    if value is None:
        return None
    text = " ".join(value.replace("@", " ").split())
    return text or None


def same_text(a: str | None, b: str | None) -> bool:
    """Equality that ignores padding, spacing and case."""
    ca, cb = clean_text(a), clean_text(b)
    return (ca or "").casefold() == (cb or "").casefold()


@dataclass(slots=True)
class StaticData:
    """The identity fields one message carries (None: not carried / not available)."""

    name: str | None = None
    imo: int | None = None
    callsign: str | None = None
    ship_type: int | None = None
    length_m: int | None = None
    beam_m: int | None = None
    draught: float | None = None
    destination: str | None = None
    eta: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, name) is None for name in self.__slots__)


def _positive_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def carries_static(msg: Message) -> bool:
    """Cheap test so that plain position reports skip the identity merge."""
    return not (
        msg.name is None
        and msg.imo is None
        and msg.callsign is None
        and msg.ship_type is None
        and msg.to_bow is None
        and msg.to_port is None
        and msg.draught is None
        and msg.destination is None
        and msg.eta is None
    )


def static_from_message(msg: Message, kind: MmsiKind) -> StaticData:
    """Extract identity fields from any message, normalised; type 21 aid types are not ship types."""
    data = StaticData(
        name=clean_text(msg.name),
        imo=_positive_int(msg.imo),
        callsign=clean_text(msg.callsign),
        ship_type=_positive_int(msg.ship_type) if msg.msg_type != 21 else None,
        destination=clean_text(msg.destination),
        eta=clean_text(msg.eta),
    )
    if isinstance(msg.draught, int | float) and math.isfinite(msg.draught) and msg.draught > 0:
        data.draught = float(msg.draught)
    # Type 24 part B of an auxiliary craft (98MID...) carries the mother ship's MMSI, not dimensions.
    if kind is not MmsiKind.CRAFT_ASSOCIATED:
        data.length_m = _positive_int(msg.length_m)
        if msg.to_port is not None and msg.to_starboard is not None:
            data.beam_m = _positive_int(msg.to_port + msg.to_starboard)
    return data


def _equal(field: str, old: object, new: object) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return same_text(old, new)
    if field == "draught" and isinstance(old, float) and isinstance(new, float):
        return abs(old - new) < _DRAUGHT_TOLERANCE_M
    return old == new


def merge_static(identity: Identity, data: StaticData, time: float) -> list[IdentityChange]:
    """Apply the non-empty fields of ``data``; return the changes of history fields."""
    changes: list[IdentityChange] = []
    for name in StaticData.__slots__:
        new = getattr(data, name)
        if new is None:
            continue
        old = getattr(identity, name)
        if old is not None and _equal(name, old, new):
            continue
        setattr(identity, name, new)
        if old is not None and name in HISTORY_FIELDS:
            changes.append(IdentityChange(time=time, field=name, old=old, new=new))
    return changes


def fill_missing(identity: Identity, data: StaticData) -> None:
    """Apply only the fields ``identity`` does not know yet (for reports older than its data)."""
    for name in StaticData.__slots__:
        new = getattr(data, name)
        if new is not None and getattr(identity, name) is None:
            setattr(identity, name, new)
