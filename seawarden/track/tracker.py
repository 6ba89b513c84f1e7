"""The tracker: one :class:`VesselState` per MMSI, updated message by message.

Pure and single-threaded like the rest of the core: no I/O, no clock (all times come from the
messages), bounded memory (``expire`` plus least-recently-heard eviction).
"""

import logging
import math
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from seawarden.geodesy import haversine_m
from seawarden.track.config import TrackConfig
from seawarden.track.fixes import Fix, FixTrack, Stored
from seawarden.track.grid import PositionGrid
from seawarden.track.identity import MmsiKind, flag_of, is_valid_imo, is_valid_mmsi, mmsi_kind
from seawarden.track.quality import Verdict, check_position, is_jump
from seawarden.track.state import Identity, IdentityChange, QualityFlag, TrackUpdate, VesselState
from seawarden.track.static import carries_static, fill_missing, merge_static, same_text, static_from_message
from seawarden.types import Message

log = logging.getLogger(__name__)

CLASS_B_TYPES = frozenset({18, 19, 24})
AIRCRAFT_TYPES = frozenset({9})
# Types whose lat/lon (if a decoder exposes one) is not the sender's own position: binary
# payloads (6, 8, 25, 26: e.g. weather-station or area-notice positions), the DGNSS reference
# point (17) and the area corners of channel management / group assignment (22, 23).
FOREIGN_POSITION_TYPES = frozenset({6, 8, 17, 22, 23, 25, 26})
_SHARED_STATIC_FIELDS = ("name", "imo")
_RECENT_KEYS = 6  # remembered message keys per vessel for duplicate detection
_LOUD_REJECTS = 5  # bad-input reasons logged at WARNING this many times, then at DEBUG
_STALE = QualityFlag.STALE  # per-message flag look-ups, bound once
_ON_LAND = QualityFlag.ON_LAND


@dataclass
class TrackStats:
    """Counters for summaries and monitoring (how much input was usable, what was flagged)."""

    messages: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    positions_accepted: int = 0
    jumps_rejected: int = 0
    reanchored: int = 0
    expired: int = 0
    evicted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)  # bad input by reason
    flags: Counter[str] = field(default_factory=Counter)  # raises by QualityFlag value


def _message_key(msg: Message) -> int:
    """Identity of one broadcast, the same whichever receiver heard it."""
    raw = msg.raw
    if raw:
        payload = ",".join(_payload_of(line) for line in raw.splitlines())
        if payload.strip(","):
            return hash((msg.msg_type, payload))
    lat, lon = msg.lat, msg.lon
    if lat is not None and lon is not None:
        second = msg.second
        if second is None or not 0 <= second < 60:
            second = -1
        return hash((msg.msg_type, round(lat, 6), round(lon, 6), second))
    content = (msg.msg_type, msg.part_num, msg.name, msg.imo, msg.callsign, msg.ship_type, msg.draught)
    return hash((*content, msg.destination, msg.eta, msg.length_m, repr(msg.extra)))


def _payload_of(line: str) -> str:
    """The armoured payload field of one !xxVDM/VDO sentence ('' for other lines)."""
    sentence = line.rsplit("\\", 1)[-1]  # after any NMEA 4.0 tag block
    fields = sentence.split(",", 7)  # 8 pieces at most: enough for the length test and field 5
    if len(fields) < 7 or fields[0][-3:] not in ("VDM", "VDO"):
        return ""
    return fields[5]


class Tracker:
    """Per-vessel state for every MMSI heard; see docs/architecture.md ("track")."""

    def __init__(
        self, config: TrackConfig | None = None, is_land: Callable[[float, float], bool] | None = None
    ) -> None:
        self.config = config or TrackConfig()
        self.is_land = is_land
        self.stats = TrackStats()
        self._vessels: OrderedDict[int, VesselState] = OrderedDict()  # least recently heard first
        self._grid = PositionGrid(self.config.grid_cell_deg)

    # ----------------------------------------------------------------- public API
    def update(self, msg: Message) -> TrackUpdate:
        """Apply one decoded message; never raises on bad field values (they are counted)."""
        self.stats.messages += 1
        t = msg.timestamp
        if not isinstance(t, (int, float)) or not math.isfinite(t):
            self._reject("bad_timestamp", msg)
            state, _ = self._state_for(msg.mmsi, 0.0)
            return TrackUpdate(state=state, message=msg)
        mmsi = msg.mmsi
        state = self._vessels.get(mmsi)
        if state is not None:  # a known vessel (nearly every message): _state_for's fast path, inlined
            self._vessels.move_to_end(mmsi)
            update = TrackUpdate(state, msg, None, state.last)
        else:
            state, _ = self._state_for(mmsi, t)
            update = TrackUpdate(state, msg, None, state.last)
            if QualityFlag.INVALID_MMSI in state.quality:
                self._raise(update, QualityFlag.INVALID_MMSI)
        if self._is_duplicate(state, msg):
            update.duplicate = True
            self.stats.duplicates += 1
            return update
        state.message_count += 1
        if t > state.last_seen:  # max(last_seen, t) without the call
            state.last_seen = t
        msg_type = msg.msg_type
        if msg_type in CLASS_B_TYPES:
            state.seen_class_b = True
        if carries_static(msg):
            self._apply_static(state, msg, update)
        if msg.lat is not None and msg.lon is not None and msg_type not in FOREIGN_POSITION_TYPES:
            self._apply_position(state, msg, update)
        return update

    def get(self, mmsi: int) -> VesselState | None:
        return self._vessels.get(mmsi)

    def expire(self, now: float) -> list[int]:
        """Drop vessels unheard for ``expiry_age_s``; flag STALE those without a recent position."""
        expiry_cutoff = now - self.config.expiry_age_s
        stale_cutoff = now - self.config.stale_age_s
        dropped = [m for m, s in self._vessels.items() if s.last_seen < expiry_cutoff]
        for mmsi in dropped:
            self._drop(mmsi)
        self.stats.expired += len(dropped)
        for state in self._vessels.values():
            last_position_t = state.last.t if state.last is not None else state.first_seen
            if last_position_t < stale_cutoff and QualityFlag.STALE not in state.quality:
                state.quality.add(QualityFlag.STALE)
                self.stats.flags[QualityFlag.STALE.value] += 1
        return dropped

    def stale(self) -> list[VesselState]:
        """Vessels currently flagged STALE (as of the last ``expire`` call)."""
        return [s for s in self._vessels.values() if QualityFlag.STALE in s.quality]

    def vessels_near(
        self, lat: float, lon: float, radius_m: float, now: float, max_age_s: float
    ) -> list[VesselState]:
        """Vessels whose last accepted fix is within ``radius_m`` and at most ``max_age_s`` old.

        Nearest first. The caller's own vessel is included if it qualifies.
        """
        if not (math.isfinite(lat) and math.isfinite(lon) and radius_m >= 0):
            return []
        found: list[tuple[float, VesselState]] = []
        for mmsi in self._grid.candidates(lat, lon, radius_m):
            state = self._vessels.get(mmsi)
            last = None if state is None else state.last
            if state is None or last is None or now - last.t > max_age_s:
                continue
            distance = haversine_m(lat, lon, last.lat, last.lon)
            if distance <= radius_m:
                found.append((distance, state))
        found.sort(key=lambda pair: (pair[0], pair[1].mmsi))
        return [state for _, state in found]

    def __len__(self) -> int:
        return len(self._vessels)

    def __iter__(self) -> Iterator[VesselState]:
        return iter(list(self._vessels.values()))

    def __contains__(self, mmsi: object) -> bool:
        return mmsi in self._vessels

    # ----------------------------------------------------------------- internals
    def _state_for(self, mmsi: int, t: float) -> tuple[VesselState, bool]:
        state = self._vessels.get(mmsi)
        if state is not None:
            self._vessels.move_to_end(mmsi)
            return state, False
        cfg = self.config
        identity = Identity()
        flag = flag_of(mmsi)
        if flag is not None:
            identity.flag, identity.flag_code = flag
        state = VesselState(
            mmsi=mmsi,
            identity=identity,
            track=FixTrack(cfg.track_max_fixes, cfg.track_max_age_s, cfg.track_min_spacing_s),
            first_seen=t,
            last_seen=t,
            kind=mmsi_kind(mmsi),
        )
        if not is_valid_mmsi(mmsi):
            state.quality.add(QualityFlag.INVALID_MMSI)
        self._vessels[mmsi] = state
        while len(self._vessels) > cfg.max_vessels:
            oldest = next(iter(self._vessels))
            self._drop(oldest)
            self.stats.evicted += 1
            log.debug("evicted MMSI %s: more than %d vessels tracked", oldest, cfg.max_vessels)
        return state, True

    def _drop(self, mmsi: int) -> None:
        state = self._vessels.pop(mmsi, None)
        if state is not None and state.grid_cell is not None:
            self._grid.remove(mmsi, state.grid_cell)

    def _reject(self, reason: str, msg: Message) -> None:
        self.stats.rejected[reason] += 1
        level = logging.WARNING if self.stats.rejected[reason] <= _LOUD_REJECTS else logging.DEBUG
        log.log(
            level,
            "track: skipped %s of MMSI %s (type %s, source %r)",
            reason,
            msg.mmsi,
            msg.msg_type,
            msg.source,
        )

    def _raise(self, update: TrackUpdate, flag: QualityFlag) -> None:
        update.state.quality.add(flag)
        update.new_flags.add(flag)
        self.stats.flags[flag.value] += 1

    def _is_duplicate(self, state: VesselState, msg: Message) -> bool:
        """Same broadcast heard again within the duplicate window (remembers it otherwise)."""
        key = _message_key(msg)
        t_ms = int(msg.timestamp * 1000)
        keys = state.recent_keys
        if key in keys:  # one C-level scan; the pairwise check below only runs when the key is there
            window_ms = self.config.duplicate_window_s * 1000
            for i in range(0, len(keys), 2):
                if keys[i] == key and abs(t_ms - keys[i + 1]) <= window_ms:
                    return True
        keys.extend((key, t_ms))
        if len(keys) > 2 * _RECENT_KEYS:
            del keys[:2]
        return False

    def _apply_static(self, state: VesselState, msg: Message, update: TrackUpdate) -> None:
        data = static_from_message(msg, state.kind)
        if data.is_empty():
            return
        if state.last_static_t is not None and msg.timestamp < state.last_static_t:
            # An older report (another receiver, another part) may fill gaps but must not revert
            # newer identity data and fake a change.
            if not msg.has_position:
                update.out_of_order = True
                self.stats.out_of_order += 1
            fill_missing(state.identity, data)
            return
        state.last_static_t = msg.timestamp
        if (
            data.imo is not None
            and not is_valid_imo(data.imo)
            and QualityFlag.INVALID_IMO not in state.quality
        ):
            self._raise(update, QualityFlag.INVALID_IMO)
        history = state.identity_history
        changes = merge_static(state.identity, data, msg.timestamp)
        flips = any(self._flips_back(history, change) for change in changes)
        if flips and QualityFlag.SHARED_MMSI not in state.quality:
            self._raise(update, QualityFlag.SHARED_MMSI)
        history.extend(changes)
        if len(history) > self.config.identity_history_max:
            del history[: len(history) - self.config.identity_history_max]
        update.identity_changes.extend(changes)

    def _flips_back(self, history: list[IdentityChange], change: IdentityChange) -> bool:
        """A name/IMO going back to the value it just left: two transmitters alternating."""
        if change.field not in _SHARED_STATIC_FIELDS:
            return False
        since = change.time - self.config.shared_static_window_s
        for earlier in reversed(history):
            if earlier.time < since:
                return False
            if earlier.field == change.field and _same_value(earlier.old, change.new):
                return True
        return False

    def _apply_position(self, state: VesselState, msg: Message, update: TrackUpdate) -> None:
        lat, lon = msg.lat, msg.lon
        if not _usable_position(lat, lon):
            self._reject("bad_position", msg)
            return
        fix, stored = Fix.make_stored(msg.timestamp, lat, lon, msg.sog, msg.cog, msg.heading, msg.nav_status)
        state.position_count += 1
        last = state.last
        if last is not None and fix.t < last.t:
            update.out_of_order = True
            self.stats.out_of_order += 1
            return
        config = self.config
        state.reporting.observe(fix.t, config.interval_max_s)
        state.quality.discard(_STALE)
        aircraft = msg.msg_type in AIRCRAFT_TYPES or state.kind is MmsiKind.SAR_AIRCRAFT
        limit = config.aircraft_jump_speed_kn if aircraft else config.jump_speed_kn
        if state.pending is None and (last is None or not is_jump(last, fix, limit, config)):
            # check_position's verdict here is a plain ACCEPT (no run to update): skip building it.
            self._accept(state, fix, stored, update)
            return
        check = check_position(state, fix, limit, config)
        if check.shared and QualityFlag.SHARED_MMSI not in state.quality:
            self._raise(update, QualityFlag.SHARED_MMSI)
        if check.jump:
            self._raise(update, QualityFlag.JUMP)
        if check.verdict is Verdict.REJECT:
            self.stats.jumps_rejected += 1
            return
        if check.verdict is Verdict.REANCHOR and check.run:
            state.track.clear()
            for earlier in check.run[:-1]:
                state.track.append(earlier)
            update.previous = check.run[-2] if len(check.run) > 1 else None
            update.reanchored = True
            self.stats.reanchored += 1
            log.info("MMSI %s: track re-anchored to a persistent run of %d fixes", state.mmsi, len(check.run))
        self._accept(state, fix, stored, update)

    def _accept(self, state: VesselState, fix: Fix, stored: Stored, update: TrackUpdate) -> None:
        state.track.append(fix, stored)
        state.last = fix
        update.fix = fix
        self.stats.positions_accepted += 1
        lat, lon = fix.lat, fix.lon
        state.grid_cell = self._grid.move(state.mmsi, state.grid_cell, lat, lon)
        is_land = self.is_land
        if is_land is None:
            return
        # A moored vessel repeats its exact position; the land test is a pure function of it.
        cached = state.land_at
        if cached is not None and cached[0] == lat and cached[1] == lon and cached[3] is is_land:
            on_land = cached[2]
        else:
            on_land = bool(is_land(lat, lon))
            state.land_at = (lat, lon, on_land, is_land)
        if on_land:
            if _ON_LAND not in state.quality:
                self._raise(update, _ON_LAND)
        else:
            state.quality.discard(_ON_LAND)


def _usable_position(lat: float | None, lon: float | None) -> bool:
    """Finite, in range, and not the (0, 0) default of receivers without a GNSS fix."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return False
    return not (lat == 0.0 and lon == 0.0)


def _same_value(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return same_text(a, b)
    return a == b
