"""The watch-list register: entries keyed by a stable id, merged by IMO, matched by identity."""

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path

from seawarden.watchlist.config import MatchConfig
from seawarden.watchlist.entry import WatchlistEntry, WatchlistMatch
from seawarden.watchlist.identifiers import parse_imo, parse_mmsi
from seawarden.watchlist.importers import ImportFormat, ImportReport, import_file, parse_bytes
from seawarden.watchlist.matching import MatchIndex
from seawarden.watchlist.names import normalise_name
from seawarden.watchlist.store import JsonFileStore, RegisterData, WatchlistStore

log = logging.getLogger(__name__)

BUNDLED_EU_LIST = "eu_designated_vessels_2025-10-23.csv"


class Watchlist:
    """Listed vessels and the identity matcher over them.

    Keep matching when a vessel changes MMSI, name or flag: the caller passes *every* IMO and name
    the vessel has ever broadcast (its identity history) plus its current MMSI, so a ship that was
    renamed and re-flagged onto a new MMSI still matches on the IMO it kept, and a ship that
    broadcasts a new (perhaps false) IMO still matches on a listed MMSI. The index is rebuilt
    lazily after changes, so matching costs dict look-ups, not scans.
    """

    def __init__(self, entries: Iterable[WatchlistEntry] = (), config: MatchConfig | None = None) -> None:
        self.config = config or MatchConfig()
        self._entries: dict[str, WatchlistEntry] = {}
        self._id_by_imo: dict[int, str] = {}
        self._index: MatchIndex | None = None
        self.merge_entries(entries)

    # -- construction ---------------------------------------------------------------------------

    @classmethod
    def default(cls, config: MatchConfig | None = None, store: WatchlistStore | None = None) -> "Watchlist":
        """The bundled public EU list plus the user's register file (``$SEAWARDEN_DATA_DIR``).

        Raises :class:`~seawarden.watchlist.store.WatchlistStoreError` when the register file exists
        but is unreadable: running without the user's listed ships must not go unnoticed.
        """
        return cls.compose(bundled_entries(), (store or JsonFileStore()).load(), config)

    @classmethod
    def compose(
        cls, base: Iterable[WatchlistEntry], user: RegisterData, config: MatchConfig | None = None
    ) -> "Watchlist":
        """``base`` entries, then the user's entries merged over them, minus the user's removals."""
        watchlist = cls(base, config)
        watchlist.merge_entries(user.entries)
        for entry_id in user.removed:
            watchlist.remove(entry_id)
        return watchlist

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        fmt: ImportFormat | str = ImportFormat.AUTO,
        source: str | None = None,
        config: MatchConfig | None = None,
    ) -> "Watchlist":
        """A register holding just one list file (e.g. ``replay --watchlist FILE``)."""
        watchlist = cls(config=config)
        report = import_file(watchlist, path, fmt, source)
        log.info("%s", report.summary())
        return watchlist

    # -- contents -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[WatchlistEntry]:
        return iter(self._entries.values())

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    def add(self, entry: WatchlistEntry) -> bool:
        """Add a copy of ``entry``, or merge it into the entry for the same ship (same IMO, else same
        id). Returns True when it was new."""
        existing_id = self._id_by_imo.get(entry.imo) if entry.imo is not None else None
        existing = self._entries.get(existing_id or entry.id)
        self._index = None
        if existing is not None:
            existing.merge(entry)
            if existing.imo is not None:
                self._id_by_imo.setdefault(existing.imo, existing.id)
            return False
        copy = _copy_entry(entry)
        self._entries[copy.id] = copy
        if copy.imo is not None:
            self._id_by_imo.setdefault(copy.imo, copy.id)
        return True

    def merge_entries(self, entries: Iterable[WatchlistEntry]) -> tuple[int, int]:
        """Add or merge many entries; returns (added, merged)."""
        added = merged = 0
        for entry in entries:
            if self.add(entry):
                added += 1
            else:
                merged += 1
        return added, merged

    def remove(self, entry_id: str) -> WatchlistEntry | None:
        """Remove by id; returns the removed entry, or None when there was none."""
        entry = self._entries.pop(entry_id, None)
        if entry is not None:
            self._index = None
            if entry.imo is not None and self._id_by_imo.get(entry.imo) == entry_id:
                del self._id_by_imo[entry.imo]
        return entry

    def find(self, key: str | int) -> list[WatchlistEntry]:
        """Entries for an id (``imo:9329760``), an IMO (``9329760``, ``IMO9329760``) or an MMSI."""
        text = str(key).strip()
        if text in self._entries:
            return [self._entries[text]]
        imo = parse_imo(text)
        if imo is not None and imo in self._id_by_imo:
            return [self._entries[self._id_by_imo[imo]]]
        mmsi = parse_mmsi(text)
        if mmsi is not None:
            return [e for e in self._entries.values() if mmsi in e.mmsis]
        return []

    def get(self, key: str | int) -> WatchlistEntry | None:
        """The one entry for an id, IMO or MMSI; None when there is none or the key is ambiguous."""
        found = self.find(key)
        return found[0] if len(found) == 1 else None

    def search(self, text: str = "", limit: int | None = None) -> list[WatchlistEntry]:
        """Entries whose id, IMO, MMSI, name, flag or source contains ``text`` (names normalised)."""
        needle = text.strip().lower()
        name_needle = normalise_name(text) if needle else ""
        found = []
        for entry in self._entries.values():
            if needle and not _entry_contains(entry, needle, name_needle):
                continue
            found.append(entry)
            if limit is not None and len(found) >= limit:
                break
        return found

    # -- matching -------------------------------------------------------------------------------

    def match(
        self, *, imos: Iterable[int] = (), mmsi: int | None = None, names: Iterable[str] = ()
    ) -> WatchlistMatch | None:
        """The best match of a vessel's identity: by IMO (exact), else MMSI, else name (exact, then
        fuzzy). Pass all IMOs and names the vessel has ever broadcast, and its current MMSI."""
        return self._matcher().match(imos, mmsi, names)

    def matches(
        self, *, imos: Iterable[int] = (), mmsi: int | None = None, names: Iterable[str] = ()
    ) -> list[WatchlistMatch]:
        """All entries the identity matches (one match each, strongest first) — for review screens."""
        return self._matcher().matches(imos, mmsi, names)

    def similar_names(self, name: str) -> list[tuple[WatchlistEntry, str, float]]:
        """Listed names that fuzzy-match ``name`` (not equal to it), with their entries and scores:
        what a fuzzy match would consider — for review screens and threshold calibration."""
        return self._matcher().similar_names(name)

    def _matcher(self) -> MatchIndex:
        index = self._index
        if index is None:
            index = self._index = MatchIndex(self._entries.values(), self.config)
        return index


def load_watchlist(
    extra: Iterable[str | Path] = (),
    config: MatchConfig | None = None,
    store: WatchlistStore | None = None,
    include_default: bool = True,
) -> Watchlist:
    """What a run matches against: :meth:`Watchlist.default` plus extra list files (any format).

    Raises ``ValueError`` (:class:`WatchlistImportError`) for an unusable extra file and ``OSError``
    (:class:`WatchlistStoreError`) for an unreadable register file, with a message that names it.
    """
    watchlist = Watchlist.default(config, store) if include_default else Watchlist(config=config)
    for path in extra:
        report = import_file(watchlist, path)
        log.info("%s", report.summary())
    return watchlist


@cache
def _bundled_entries() -> tuple[WatchlistEntry, ...]:
    data = resources.files("seawarden.watchlist").joinpath("data", BUNDLED_EU_LIST).read_bytes()
    parsed = parse_bytes(data, ImportFormat.EU_CSV, origin=BUNDLED_EU_LIST)
    return tuple(parsed.entries)


def bundled_entries() -> list[WatchlistEntry]:
    """The bundled EU Annex XLII list (fresh copies: callers may change them)."""
    return [_copy_entry(e) for e in _bundled_entries()]


def bundled_report() -> ImportReport:
    """How the bundled list parsed (rows, skips) — for ``seawarden watchlist`` diagnostics."""
    data = resources.files("seawarden.watchlist").joinpath("data", BUNDLED_EU_LIST).read_bytes()
    return parse_bytes(data, ImportFormat.EU_CSV, origin=BUNDLED_EU_LIST).report


def _copy_entry(entry: WatchlistEntry) -> WatchlistEntry:
    return dataclasses.replace(
        entry, mmsis=list(entry.mmsis), names=list(entry.names), sources=list(entry.sources)
    )


def _entry_contains(entry: WatchlistEntry, needle: str, name_needle: str) -> bool:
    if name_needle and any(name_needle in normalise_name(n) for n in entry.names):
        return True
    fields = [entry.id, str(entry.imo or ""), entry.flag or "", *map(str, entry.mmsis), *entry.sources]
    return any(needle in f.lower() for f in fields)
