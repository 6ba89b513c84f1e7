"""Watch-list entries and match results (contract: docs/architecture.md, "watch-list")."""

import re
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyascii import anyascii

from seawarden.watchlist.identifiers import imo_check_digit_ok, parse_imo, parse_mmsi
from seawarden.watchlist.names import normalise_name

_T = TypeVar("_T")


@dataclass
class WatchlistEntry:
    """One listed vessel, merged over all the sources that list it.

    ``id`` is stable: ``"imo:<IMO>"`` when the IMO is known (several sources for one ship merge on
    it), otherwise a slug chosen by the importer (``"ftm:<OpenSanctions id>"``, ``"mmsi:<MMSI>"``,
    ``"name:<slug>"``). ``names[0]`` is the current/primary name; the rest are aliases and earlier
    names. An IMO with a wrong check digit is kept (lists contain typos, and dropping a listed ship
    is worse) and flagged by :attr:`imo_valid`.
    """

    id: str
    imo: int | None = None
    mmsis: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    flag: str | None = None
    vessel_type: str | None = None
    reason: str = ""
    sources: list[str] = field(default_factory=list)
    listed_since: str | None = None  # ISO date (YYYY-MM-DD) of the earliest listing known
    notes: str = ""
    operator: str | None = None

    @property
    def imo_valid(self) -> bool:
        """False when the IMO is missing or fails its check digit."""
        return self.imo is not None and imo_check_digit_ok(self.imo)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    def merge(self, other: "WatchlistEntry") -> None:
        """Fold another listing of the same ship into this one (lists are unioned, nothing lost)."""
        if self.imo is None:
            self.imo = other.imo
        self.mmsis = _union(self.mmsis, other.mmsis)
        self.names = union_names(self.names, other.names)
        self.flag = self.flag or other.flag
        self.vessel_type = self.vessel_type or other.vessel_type
        self.operator = self.operator or other.operator
        self.reason = _join_text(self.reason, other.reason)
        self.sources = _union(self.sources, other.sources)
        self.notes = _join_text(self.notes, other.notes)
        dates = [d for d in (self.listed_since, other.listed_since) if d]
        self.listed_since = min(dates) if dates else None

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by the register file and the JSON export."""
        return {
            "id": self.id,
            "imo": self.imo,
            "imo_valid": self.imo_valid,
            "mmsis": list(self.mmsis),
            "names": list(self.names),
            "flag": self.flag,
            "vessel_type": self.vessel_type,
            "operator": self.operator,
            "reason": self.reason,
            "sources": list(self.sources),
            "listed_since": self.listed_since,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "WatchlistEntry":
        """Inverse of :meth:`to_dict`; raises ``ValueError`` on a record with no identifier."""
        imo = parse_imo(data.get("imo"))
        mmsis = [m for m in (parse_mmsi(v) for v in _as_list(data.get("mmsis"))) if m is not None]
        names = [str(n).strip() for n in _as_list(data.get("names")) if str(n).strip()]
        entry_id = str(data.get("id") or "").strip() or make_entry_id(imo, mmsis, names)
        if imo is None and not mmsis and not names:
            raise ValueError("entry has no IMO, MMSI or name")
        return cls(
            id=entry_id,
            imo=imo,
            mmsis=_union([], mmsis),
            names=union_names([], names),
            flag=_text_or_none(data.get("flag")),
            vessel_type=_text_or_none(data.get("vessel_type")),
            operator=_text_or_none(data.get("operator")),
            reason=str(data.get("reason") or "").strip(),
            sources=_union([], [str(s).strip() for s in _as_list(data.get("sources")) if str(s).strip()]),
            listed_since=_text_or_none(data.get("listed_since")),
            notes=str(data.get("notes") or "").strip(),
        )


@dataclass
class WatchlistMatch:
    """Why a vessel matched the register.

    ``method`` is ``"imo"``, ``"mmsi"`` or ``"name"`` (contract); ``fuzzy`` tells an approximate
    name match from an exact one. ``confidence`` (0..1) reflects the method: an IMO is a ship's
    lifelong identity, an MMSI can be reassigned, a name is shared by many ships. ``note`` says what
    lowered it (an MMSI listed for several ships, a broadcast IMO that contradicts the listed one).
    """

    entry: WatchlistEntry
    method: str
    confidence: float
    matched_value: str
    fuzzy: bool = False
    score: float = 100.0  # name similarity 0..100 (100 for exact and identifier matches)
    note: str = ""


def make_entry_id(imo: int | None, mmsis: list[int], names: list[str]) -> str:
    """The stable id: IMO first, else the first MMSI, else a slug of the first name."""
    if imo is not None:
        return f"imo:{imo}"
    if mmsis:
        return f"mmsi:{mmsis[0]}"
    return f"name:{slugify(names[0]) if names else 'unnamed'}"


def slugify(text: str) -> str:
    """``"Nova Crest"`` -> ``"nova-crest"`` (ASCII, lower-case, hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-") or "unnamed"


def _as_list(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]


def _text_or_none(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text if text and text.lower() not in {"nan", "none", "null", "-"} else None


def _union(first: list[_T], second: list[_T]) -> list[_T]:
    seen = dict.fromkeys(first)
    seen.update(dict.fromkeys(second))
    return list(seen)


def union_names(first: list[str], second: list[str]) -> list[str]:
    """Union keeping the first spelling of each name (``"Eagle S"`` and ``"EAGLE S"`` are one)."""
    by_key: dict[str, str] = {}
    for name in [*first, *second]:
        by_key.setdefault(normalise_name(name) or name, name)
    return list(by_key.values())


def _join_text(first: str, second: str) -> str:
    parts = [p for p in (first, second) if p]
    if len(parts) == 2 and (parts[1] in parts[0]):
        return parts[0]
    if len(parts) == 2 and parts[0] in parts[1]:
        return parts[1]
    return "; ".join(parts)
