"""Watch-list changes: merge into what the store holds, never overwrite it blindly.

The store's upsert replaces a row; an import of the EU list (IMO only) must not wipe the MMSIs
another source gave the same ship. So entries are merged with the stored register through
:class:`seawarden.watchlist.Watchlist` (the same merge rules as the command line), and only the
entries the import touched are written back.
"""

from collections.abc import Iterable

from seawarden.api.context import ApiContext
from seawarden.api.watchlist.models import ImportOut, WatchlistEntryIn
from seawarden.store import Principal
from seawarden.watchlist import ImportReport, Watchlist, WatchlistEntry


def entry_from(model: WatchlistEntryIn, entry_id: str | None = None) -> WatchlistEntry:
    """A store entry from request data; ValueError (400) when it has no IMO, MMSI or name."""
    data = model.model_dump()
    if entry_id is not None:
        data["id"] = entry_id
    return WatchlistEntry.from_dict(data)


def merge_into_store(
    ctx: ApiContext,
    who: Principal,
    entries: Iterable[WatchlistEntry],
    replace: bool,
    report: ImportReport | None = None,
) -> ImportOut:
    incoming = list(entries)
    if replace and not incoming:
        raise ValueError("refusing to replace the watch-list with an empty list (nothing usable was read)")
    if replace:
        register = Watchlist(incoming)
        added, merged = len(register), 0
        stored = ctx.store.save_watchlist(list(register), actor=who.user, replace=True)
        total = len(register)
    else:
        register = Watchlist(ctx.store.watchlist())
        before = {e.id for e in register}
        added, merged = register.merge_entries(incoming)
        # An incoming entry may merge into a stored one with another id (same IMO): write that one.
        incoming_ids = {e.id for e in incoming}
        incoming_imos = {e.imo for e in incoming if e.imo is not None}
        touched = [
            e for e in register if e.id in incoming_ids or e.id not in before or e.imo in incoming_imos
        ]
        stored = ctx.store.save_watchlist(touched, actor=who.user, replace=False)
        total = len(register)
    ctx.watchlist_revision += 1
    ctx.audit(
        who,
        "watchlist.import",
        "watchlist",
        added=added,
        merged=merged,
        replace=replace,
        origin=None if report is None else report.origin,
    )
    if report is not None:
        report.added, report.merged = added, merged
    return ImportOut(
        added=added,
        merged=merged,
        stored=stored,
        total=total,
        report=None if report is None else report.to_dict(),
    )
