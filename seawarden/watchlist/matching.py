"""The look-up index behind :meth:`Watchlist.match`.

Matching runs on every identity update of every tracked vessel, and almost every vessel is *not*
listed, so the miss path must be cheap: identifiers and exact names are dict look-ups, and fuzzy
name matching only compares names in the same block (same sister-ship markers, same first or
last letter of the token-sorted name, a length that can reach the threshold), with results
cached because ships repeat their names.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from seawarden.watchlist.config import MatchConfig
from seawarden.watchlist.entry import WatchlistEntry, WatchlistMatch
from seawarden.watchlist.identifiers import imo_check_digit_ok, parse_imo, parse_mmsi
from seawarden.watchlist.names import AIS_NAME_LENGTH, NameKey, ais_cut, normalise_name

METHOD_ORDER = ("imo", "mmsi", "name")
_MISSES_MAX = 65_536  # vessels whose last unmatched identity is remembered (see MatchIndex.match)
_T = TypeVar("_T")
_Keys = list[tuple[str, NameKey]]  # (name as broadcast, its key)
_BlockKey = tuple[tuple[str, ...], str, int]  # (markers, first/last letter, length of token-sorted name)


@dataclass(frozen=True, slots=True)
class _Listed:
    """One listed name of one entry."""

    entry: WatchlistEntry
    name: str  # as listed


class MatchIndex:
    """Index over a snapshot of entries (rebuilt by the register when entries change; only its
    cache of fuzzy look-ups grows)."""

    def __init__(self, entries: Iterable[WatchlistEntry], config: MatchConfig) -> None:
        self.config = config
        self._by_imo: dict[int, list[WatchlistEntry]] = defaultdict(list)
        self._by_mmsi: dict[int, list[WatchlistEntry]] = defaultdict(list)
        self._by_name: dict[str, list[_Listed]] = defaultdict(list)
        self._by_truncated: dict[str, list[_Listed]] = defaultdict(list)
        self._by_sorted: dict[str, list[_Listed]] = defaultdict(list)
        self._blocks: dict[_BlockKey, list[str]] = defaultdict(list)
        self._fuzzy_cache: dict[str, tuple[tuple[str, float], ...]] = {}
        self._misses: dict[int | None, tuple[tuple[object, ...], tuple[object, ...]]] = {}
        for entry in entries:
            self._add(entry)
        self._by_imo = dict(self._by_imo)
        self._by_mmsi = dict(self._by_mmsi)
        self._by_name = dict(self._by_name)
        self._by_truncated = dict(self._by_truncated)
        self._by_sorted = dict(self._by_sorted)
        self._blocks = {key: sorted(set(names)) for key, names in self._blocks.items()}

    def _add(self, entry: WatchlistEntry) -> None:
        if entry.imo is not None:
            self._by_imo[entry.imo].append(entry)
        for mmsi in entry.mmsis:
            self._by_mmsi[mmsi].append(entry)
        for name in entry.names:
            key = NameKey.of(name)
            if not key.text:
                continue
            listed = _Listed(entry, name)
            _append_once(self._by_name[key.text], listed)
            cut = ais_cut(name)
            if cut:
                _append_once(self._by_truncated[cut], listed)
            if key.length >= self.config.fuzzy_min_length:
                _append_once(self._by_sorted[key.sorted_tokens], listed)
                for end in _ends(key.sorted_tokens):
                    self._blocks[(key.markers, end, len(key.sorted_tokens))].append(key.sorted_tokens)

    # -- public -------------------------------------------------------------------------------

    def match(
        self, imos: Iterable[int] = (), mmsi: int | None = None, names: Iterable[str] = ()
    ) -> WatchlistMatch | None:
        """Best match, trying IMO, then MMSI, then exact name, then fuzzy name."""
        if not isinstance(imos, list | tuple) or not isinstance(names, list | tuple):
            return self._match(imos, mmsi, names)
        if not imos and not names:  # no static report yet (most first sightings): only the MMSI can match
            by_mmsi = self._mmsi_matches(parse_mmsi(mmsi), set())
            return by_mmsi[0] if by_mmsi else None
        # A vessel is matched again whenever its identity changes, often with the same IMOs and
        # names (a new call sign, a ship type): the same inputs miss again, so remember the last miss.
        # Only plain ints and strings: for them equal inputs are parsed alike (not so 1 and True).
        plain = type(mmsi) is int and all(type(i) is int for i in imos) and all(type(n) is str for n in names)
        if not plain:
            return self._match(imos, mmsi, names)
        asked = (tuple(imos), tuple(names))
        if self._misses.get(mmsi) == asked:
            return None
        found = self._match(imos, mmsi, names)
        if found is None:
            if len(self._misses) >= _MISSES_MAX:
                self._misses.clear()  # bounded memory
            self._misses[mmsi] = asked
        return found

    def _match(self, imos: Iterable[int], mmsi: int | None, names: Iterable[str]) -> WatchlistMatch | None:
        """``match`` in full."""
        imo_list = _unique(i for i in (parse_imo(v) for v in imos) if i is not None)
        for found in self._imo_matches(imo_list):
            return found
        valid_imos = {i for i in imo_list if imo_check_digit_ok(i)}
        mmsi_found = self._mmsi_matches(parse_mmsi(mmsi), valid_imos)
        if mmsi_found:
            return mmsi_found[0]
        keys = _name_keys(names)
        exact = self._exact_name_matches(keys, valid_imos)
        if exact:
            return exact[0]
        fuzzy = self._fuzzy_name_matches(keys, valid_imos)
        return fuzzy[0] if fuzzy else None

    def matches(
        self, imos: Iterable[int] = (), mmsi: int | None = None, names: Iterable[str] = ()
    ) -> list[WatchlistMatch]:
        """Every entry the identity matches, one match per entry (its strongest), best first."""
        imo_list = _unique(i for i in (parse_imo(v) for v in imos) if i is not None)
        valid_imos = {i for i in imo_list if imo_check_digit_ok(i)}
        keys = _name_keys(names)
        found = [
            *self._imo_matches(imo_list),
            *self._mmsi_matches(parse_mmsi(mmsi), valid_imos),
            *self._exact_name_matches(keys, valid_imos),
            *self._fuzzy_name_matches(keys, valid_imos),
        ]
        best: dict[str, WatchlistMatch] = {}
        for item in found:
            known = best.get(item.entry.id)
            if known is None or item.confidence > known.confidence:
                best[item.entry.id] = item
        return sorted(best.values(), key=lambda m: (-m.confidence, METHOD_ORDER.index(m.method)))

    def similar_names(self, name: str) -> list[tuple[WatchlistEntry, str, float]]:
        """(entry, listed name, score) for listed names that fuzzy-match ``name`` but are not equal
        to it after normalisation, best first."""
        key = NameKey.of(name)
        out = []
        for sorted_tokens, score in self._fuzzy_lookup(key):
            for item in self._by_sorted[sorted_tokens]:
                if NameKey.of(item.name).text != key.text:
                    out.append((item.entry, item.name, score))
        return out

    # -- stages -------------------------------------------------------------------------------

    def _imo_matches(self, imos: list[int]) -> list[WatchlistMatch]:
        out = []
        for imo in imos:
            for entry in self._by_imo.get(imo, ()):
                valid = imo_check_digit_ok(imo)
                confidence = self.config.imo_confidence if valid else self.config.invalid_imo_confidence
                note = "" if valid else "IMO check digit is wrong"
                out.append(WatchlistMatch(entry, "imo", confidence, str(imo), note=note))
        return out

    def _mmsi_matches(self, mmsi: int | None, valid_imos: set[int]) -> list[WatchlistMatch]:
        entries = self._by_mmsi.get(mmsi, []) if mmsi is not None else []
        shared = len(entries) > 1
        out = []
        for entry in entries:
            confidence = self.config.shared_mmsi_confidence if shared else self.config.mmsi_confidence
            notes = [f"MMSI listed for {len(entries)} ships"] if shared else []
            out.append(self._qualified(entry, "mmsi", confidence, str(mmsi), valid_imos, notes))
        return _best_first(out)

    def _exact_name_matches(self, keys: _Keys, valid_imos: set[int]) -> list[WatchlistMatch]:
        out = []
        for raw, key in keys:
            listed = list(self._by_name.get(key.text, ()))
            truncated = len(raw) == AIS_NAME_LENGTH
            if truncated:
                for item in self._by_truncated.get(key.text, ()):
                    _append_once(listed, item)
            out += self._name_results(raw, listed, valid_imos, score=100.0, fuzzy=False, truncated=truncated)
        return _best_first(out)

    def _fuzzy_name_matches(self, keys: _Keys, valid_imos: set[int]) -> list[WatchlistMatch]:
        out = []
        for raw, key in keys:
            for sorted_tokens, score in self._fuzzy_lookup(key):
                # Listings whose name is exactly this one were found by the exact stage already.
                listed = [
                    item for item in self._by_sorted[sorted_tokens] if NameKey.of(item.name).text != key.text
                ]
                if listed:
                    out += self._name_results(raw, listed, valid_imos, score, fuzzy=True)
        return _best_first(out)

    def _fuzzy_lookup(self, key: NameKey) -> tuple[tuple[str, float], ...]:
        """Listed token-sorted names within the fuzzy limits, best first (cached per name)."""
        if key.length < self.config.fuzzy_min_length:
            return ()
        cached = self._fuzzy_cache.get(key.text)
        if cached is not None:
            return cached
        choices: list[str] = []
        lengths = _comparable_lengths(len(key.sorted_tokens), self.config.fuzzy_threshold)
        for end in _ends(key.sorted_tokens):
            for length in lengths:
                block = self._blocks.get((key.markers, end, length))
                if block:
                    choices += block
        found: list[tuple[str, float]] = []
        if choices:
            near = process.extract(
                key.sorted_tokens,
                choices,
                scorer=Indel.distance,
                score_cutoff=self.config.fuzzy_max_edits,
                limit=None,
                processor=None,
            )
            for name in dict.fromkeys(name for name, _, _ in near):  # a name can be in both end blocks
                score = float(fuzz.ratio(key.sorted_tokens, name))
                if score >= self.config.fuzzy_threshold:
                    found.append((name, score))
        result = tuple(sorted(found, key=lambda item: -item[1]))
        if len(self._fuzzy_cache) >= self.config.fuzzy_cache_size:
            self._fuzzy_cache.clear()
        if self.config.fuzzy_cache_size:
            self._fuzzy_cache[key.text] = result
        return result

    # -- helpers ------------------------------------------------------------------------------

    def _name_results(
        self,
        raw: str,
        listed: list[_Listed],
        valid_imos: set[int],
        score: float,
        fuzzy: bool,
        truncated: bool = False,
    ) -> list[WatchlistMatch]:
        entries = _unique(item.entry.id for item in listed)
        shared = len(entries) > 1
        if fuzzy:
            base = self.config.fuzzy_confidence * score / 100.0
        else:
            base = self.config.shared_name_confidence if shared else self.config.name_confidence
        out = []
        for item in listed:
            notes = []
            if fuzzy:
                notes.append(f"similar to listed name {item.name!r} (score {score:.0f})")
            elif truncated and normalise_name(item.name) != normalise_name(raw):
                notes.append(f"AIS name cut at 20 characters of listed name {item.name!r}")
            if shared:
                notes.append(f"name listed for {len(entries)} ships")
            match = self._qualified(item.entry, "name", base, raw, valid_imos, notes)
            match.fuzzy, match.score = fuzzy, score
            out.append(match)
        return out

    def _qualified(
        self,
        entry: WatchlistEntry,
        method: str,
        confidence: float,
        value: str,
        valid_imos: set[int],
        notes: list[str],
    ) -> WatchlistMatch:
        """Lower the confidence when the vessel's own valid IMOs contradict the listed IMO."""
        if valid_imos and entry.imo_valid and entry.imo not in valid_imos:
            confidence *= (
                self.config.imo_conflict_factor if method == "mmsi" else self.config.name_imo_conflict_factor
            )
            broadcast = ", ".join(str(i) for i in sorted(valid_imos))
            notes = [*notes, f"vessel broadcasts IMO {broadcast}, listed IMO is {entry.imo}"]
        return WatchlistMatch(entry, method, round(confidence, 4), value, note="; ".join(notes))


def _ends(sorted_tokens: str) -> tuple[str, str]:
    """Blocking keys: a name is a candidate if it shares the first *or* the last letter, so one
    typo anywhere still finds it (a typo in both ends of a name is rare enough to accept)."""
    return "^" + sorted_tokens[0], sorted_tokens[-1] + "$"


def _comparable_lengths(length: int, threshold: float) -> range:
    """Lengths a string may have and still reach ``threshold`` (Indel ratio <= 2*min/(len1+len2))."""
    shortest = math.ceil(length * threshold / (200.0 - threshold))
    longest = math.floor(length * (200.0 - threshold) / threshold)
    return range(shortest, longest + 1)


def _name_keys(names: Iterable[str]) -> list[tuple[str, NameKey]]:
    """(AIS-trimmed raw name, key) for each distinct non-empty name."""
    out: dict[str, tuple[str, NameKey]] = {}
    for name in names:
        if not isinstance(name, str):
            continue
        raw = name.strip().rstrip("@").strip()
        key = NameKey.of(raw)
        if key.text and key.text not in out:
            out[key.text] = (raw, key)
    return list(out.values())


def _best_first(matches: list[WatchlistMatch]) -> list[WatchlistMatch]:
    return sorted(matches, key=lambda m: -m.confidence)


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def _append_once(items: list[_Listed], item: _Listed) -> None:
    if all(existing.entry is not item.entry for existing in items):
        items.append(item)
