"""identity_change: the deceptive identity practices of the shadow fleet, from AIS alone.

Why: the US May-2020 advisory lists manipulating AIS identity (name / IMO / MMSI), false flags and
flag hopping among the seven deceptive shipping practices (anchors.md §2.1); in January 2026
Germany turned back a tanker "pretending to be a different vessel" and >450 ships were falsely
flagged in 2025 (anchors.md §1.2). Findings, strongest first:

* IMO changed on the same MMSI (the IMO is the hull's lifetime number: a change is strong).
* Same IMO (and name) on two MMSIs at the same time: a cloned identity.
* A new MMSI broadcasting an IMO recently seen under another MMSI: an MMSI change (re-flag or spoof).
* The flag of the MMSI's MID contradicts the watch-list's flag for this ship (false flag).
* Name change (moderate: ships are renamed on sale), callsign change, ship-type change.
* Invalid IMO check digit or invalid MMSI (from the tracker's quality flags).

Destination and draught changes are voyage data, not identity: they raise no event, but a draught
change right after an AIS gap (cargo moved while dark, a Pole Star red flag) is remembered in
``state.scratch["draught_change"]`` for the risk model.
"""

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field

from seawarden.assess.base import AssessEnv, Situation
from seawarden.assess.flags import same_flag
from seawarden.assess.risk import DRAUGHT_SCRATCH
from seawarden.types import AlertKind, Event

if TYPE_CHECKING:
    from seawarden.track import VesselState


class IdentityConfig(BaseModel):
    """Scores per identity finding and the memory bounds of the IMO index."""

    field_scores: dict[str, float] = Field(
        default_factory=lambda: {"imo": 0.8, "name": 0.5, "callsign": 0.4, "ship_type": 0.3},
        description="Score per changed field; destination, draught and eta are voyage data, not identity.",
    )
    mmsi_change_score: float = Field(0.65, ge=0, le=1)
    duplicate_identity_score: float = Field(0.75, ge=0, le=1)
    flag_mismatch_score: float = Field(0.55, ge=0, le=1)
    invalid_imo_score: float = Field(0.3, ge=0, le=1)
    invalid_mmsi_score: float = Field(0.3, ge=0, le=1)
    mmsi_change_window_s: float = Field(
        30 * 86400, gt=0, description="An IMO seen under another MMSI within 30 days suggests an MMSI change."
    )
    concurrent_s: float = Field(
        900.0, gt=0, description="Both MMSIs heard within 15 min: the identity is on two ships at once."
    )
    imo_index_size: int = Field(250_000, ge=100, description="IMOs remembered (LRU); 200k vessels fit.")
    gap_for_draught_s: float = Field(3600.0, gt=0, description="A draught change after >= 1 h dark is noted.")
    draught_after_gap_s: float = Field(3600.0, gt=0, description="... if it comes within 1 h of reappearing.")
    max_reported_pairs: int = Field(8, ge=1)


class IdentityDetector:
    """Identity findings; runs on every update of a vessel, with or without a position."""

    name: ClassVar[str] = "identity"
    needs_fix: ClassVar[bool] = False

    def __init__(self, config: IdentityConfig | None = None) -> None:
        self.config = config or IdentityConfig()
        # IMO -> (mmsi, last time heard with that IMO); shared by all vessels, bounded LRU.
        self._imo_index: OrderedDict[int, tuple[int, float]] = OrderedDict()

    def check(self, s: Situation, env: AssessEnv) -> list[Event]:
        state = s.state
        update = s.update
        memory = state.scratch.get(self.name) or {}  # stored only once there is something to keep
        events: list[Event] = []
        self._note_gap(s, memory)
        for change in update.identity_changes:
            if change.field == "draught":
                self._note_draught(s, change, memory)
                continue
            score = self.config.field_scores.get(change.field)
            if score is None or change.old in (None, "") or change.old == change.new:
                continue
            events.append(self._field_change(s, change.field, change.old, change.new, change.time, score))
        if update.new_flags:  # most updates raise no flag: no set to build
            flags = {str(f) for f in update.new_flags}
            if "invalid_imo" in flags:
                events.append(self._invalid(s, "invalid_imo", self.config.invalid_imo_score))
            if "invalid_mmsi" in flags:
                events.append(self._invalid(s, "invalid_mmsi", self.config.invalid_mmsi_score))
        imo = state.identity.imo
        if imo and not _has_flag(state.quality, "invalid_imo"):
            events.extend(self._imo_elsewhere(s, env, imo, memory))
        if s.watch is not None and memory.get("flag_checked") != s.watch.entry.id:
            memory["flag_checked"] = s.watch.entry.id
            event = self._flag_mismatch(s)
            if event is not None:
                events.append(event)
        if memory:
            state.scratch[self.name] = memory
        return events

    def tick(self, state: "VesselState", now: float, env: AssessEnv) -> list[Event]:
        return []

    # -- findings --------------------------------------------------------------------------------
    def _field_change(
        self, s: Situation, field: str, old: object, new: object, t: float, score: float
    ) -> Event:
        words = {"imo": "IMO number", "name": "name", "callsign": "call sign", "ship_type": "ship type"}
        return self._event(
            s,
            score,
            {"change": field, "old": old, "new": new},
            f"{_label(s.state)} changed its broadcast {words.get(field, field)} from {old} to {new}.",
            time=t,
        )

    def _invalid(self, s: Situation, what: str, score: float) -> Event:
        if what == "invalid_imo":
            text = (
                f"{_label(s.state)} broadcasts IMO {s.state.identity.imo}, which fails the IMO check digit."
            )
            detail = {"change": what, "imo": s.state.identity.imo}
        else:
            text = f"{_label(s.state)} uses an MMSI with no valid flag (MID): {s.state.mmsi}."
            detail = {"change": what, "mmsi": s.state.mmsi}
        return self._event(s, score, detail, text)

    def _imo_elsewhere(self, s: Situation, env: AssessEnv, imo: int, memory: dict[str, Any]) -> list[Event]:
        cfg = self.config
        index = self._imo_index
        mmsi = s.state.mmsi
        previous = index.get(imo)
        index[imo] = (mmsi, s.now)
        index.move_to_end(imo)
        while len(index) > cfg.imo_index_size:
            index.popitem(last=False)
        if previous is None or previous[0] == mmsi or s.now - previous[1] > cfg.mmsi_change_window_s:
            return []
        other_mmsi, other_seen = previous
        reported: list[int] = memory.setdefault("pairs", [])
        if other_mmsi in reported:
            index[imo] = previous  # keep the first holder as the reference; both keep broadcasting
            return []
        reported.append(other_mmsi)
        del reported[: -cfg.max_reported_pairs]
        other = env.tracker.get(other_mmsi)
        other_last = other.last_seen if other is not None else other_seen
        other_name = other.identity.name if other is not None else None
        name = s.state.identity.name
        concurrent = s.now - other_last <= cfg.concurrent_s
        detail = {
            "imo": imo,
            "other_mmsi": other_mmsi,
            "other_name": other_name,
            "other_last_seen_min": round((s.now - other_last) / 60.0),
        }
        if concurrent:
            index[imo] = previous
            same_name = bool(name and other_name and _norm(name) == _norm(other_name))
            detail |= {"change": "duplicate_identity", "same_name": same_name}
            what = f"IMO {imo}" + (f" and name {name}" if same_name else "")
            return [
                self._event(
                    s,
                    cfg.duplicate_identity_score,
                    detail,
                    f"{what} are broadcast by two MMSIs at once ({mmsi} and {other_mmsi}): "
                    "one of them is a false identity.",
                )
            ]
        detail |= {"change": "mmsi_change"}
        hours = (s.now - other_last) / 3600.0
        return [
            self._event(
                s,
                cfg.mmsi_change_score,
                detail,
                f"IMO {imo} was broadcast by MMSI {other_mmsi} {hours:.1f} h ago and now by MMSI {mmsi}: "
                "the ship changed its MMSI (re-flag or spoofing).",
            )
        ]

    def _flag_mismatch(self, s: Situation) -> Event | None:
        entry = s.watch.entry
        mid_flag = s.state.identity.flag
        if same_flag(mid_flag, entry.flag) is not False:
            return None
        return self._event(
            s,
            self.config.flag_mismatch_score,
            {
                "change": "flag_mismatch",
                "mid_flag": mid_flag,
                "listed_flag": entry.flag,
                "watchlist_id": entry.id,
            },
            f"{_label(s.state)} broadcasts an MMSI of {mid_flag} but the watch-list records the flag of "
            f"{entry.name or 'this ship'} as {entry.flag}: possible false flag.",
        )

    def _note_gap(self, s: Situation, memory: dict[str, Any]) -> None:
        fix, previous = s.fix, s.update.previous
        if fix is not None and previous is not None and fix.t - previous.t >= self.config.gap_for_draught_s:
            memory["gap"] = (fix.t, fix.t - previous.t)

    def _note_draught(self, s: Situation, change: Any, memory: dict[str, Any]) -> None:
        gap = memory.get("gap")
        gap_s = gap[1] if gap is not None and change.time - gap[0] <= self.config.draught_after_gap_s else 0.0
        s.state.scratch[DRAUGHT_SCRATCH] = {
            "old": change.old,
            "new": change.new,
            "time": change.time,
            "gap_s": round(gap_s),
        }

    def _event(
        self, s: Situation, score: float, detail: dict[str, Any], text: str, time: float | None = None
    ) -> Event:
        where = s.fix or s.state.last
        return Event(
            kind=AlertKind.IDENTITY_CHANGE,
            mmsi=s.state.mmsi,
            time=s.now if time is None else time,
            lat=where.lat if where is not None else None,
            lon=where.lon if where is not None else None,
            score=score,
            detail=detail,
            explanation=text,
        )


def _has_flag(flags: set[Any], word: str) -> bool:
    """Whether a quality-flag set holds ``word`` (most vessels have no flag: nothing to convert)."""
    return bool(flags) and word in {str(f) for f in flags}


def _norm(name: str) -> str:
    return " ".join(name.upper().split())


def _label(state: "VesselState") -> str:
    name = state.identity.name
    return f"{name} (MMSI {state.mmsi})" if name else f"MMSI {state.mmsi}"
