"""``seawarden watchlist``: keep the register of watch-listed vessels and test identity matching.

The register shown and matched is the bundled EU Annex XLII list plus the user's register file
(``$SEAWARDEN_DATA_DIR/watchlist.json``, else ``~/.local/share/seawarden/watchlist.json``). Changes
(import, add, remove) are written to the user's file only; removing a bundled entry records the
removal there, so the bundled list itself is never edited.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import typer

from seawarden.cli.common import fail, open_output
from seawarden.watchlist import (
    ImportFormat,
    JsonFileStore,
    RegisterData,
    Watchlist,
    WatchlistEntry,
    WatchlistImportError,
    WatchlistMatch,
    WatchlistStoreError,
    bundled_entries,
    imo_check_digit_ok,
    parse_file,
    parse_imo,
    parse_mmsi,
)
from seawarden.watchlist.entry import make_entry_id
from seawarden.watchlist.exporters import write_csv, write_json

EXIT_NOT_FOUND = 1
MAX_PROBLEMS_SHOWN = 10

watchlist_app = typer.Typer(
    name="watchlist",
    help="The watch-list register (shadow fleet, sanctions): import lists, add, remove, match, export.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


def register(app: typer.Typer) -> None:
    """Add the ``watchlist`` sub-commands to the main command line."""
    app.add_typer(watchlist_app, name="watchlist")


@dataclass
class _Register:
    """The user's file, its contents, and the merged view (bundled + user) the commands show."""

    store: JsonFileStore
    data: RegisterData
    view: Watchlist
    bundled_ids: set[str]

    @classmethod
    def open(cls) -> "_Register":
        store = JsonFileStore()
        try:
            data = store.load()
        except WatchlistStoreError as exc:
            fail(f"{exc} (fix or move the file; nothing was changed)")
        bundled = bundled_entries()
        view = Watchlist.compose(bundled, data)
        return cls(store, data, view, {e.id for e in bundled})

    def put(self, entries: list[WatchlistEntry]) -> tuple[int, int]:
        """Merge entries into the user's file and the view; returns (added, merged) for the view."""
        user = Watchlist(self.data.entries)
        user.merge_entries(entries)
        self.data.entries = list(user)
        self.data.removed -= {e.id for e in entries} | {f"imo:{e.imo}" for e in entries if e.imo}
        return self.view.merge_entries(entries)

    def save(self) -> None:
        try:
            self.store.save(self.data)
        except WatchlistStoreError as exc:
            fail(str(exc))


@watchlist_app.command("import")
def import_list(
    file: str = typer.Argument(..., help="List file to import; '-' reads stdin."),
    fmt: ImportFormat = typer.Option(ImportFormat.AUTO, "--format", "-f", help="Input format."),
    source: str | None = typer.Option(None, "--source", help="Source label recorded on every entry."),
) -> None:
    """Import a published list (EU Annex XLII CSV, TAK JSON, OpenSanctions FtM, register CSV/JSON)."""
    register_ = _Register.open()
    try:
        parsed = parse_file(file, fmt, source)
    except WatchlistImportError as exc:
        fail(str(exc))
    report = parsed.report
    if parsed.entries:
        report.added, report.merged = register_.put(parsed.entries)
        register_.save()
    typer.echo(report.summary())
    if report.format is ImportFormat.TAK_JSON or report.with_mmsi:
        typer.echo(f"{report.with_mmsi} of {len(parsed.entries)} imported entries carry an MMSI")
    if report.other_schemas:
        other = ", ".join(f"{k}: {n}" for k, n in report.other_schemas.most_common())
        typer.echo(f"skipped non-vessel entities: {other}")
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        typer.echo(f"  row {problem.row}: {problem.reason}: {problem.detail}", err=True)
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        typer.echo(f"  ... {len(report.problems) - MAX_PROBLEMS_SHOWN} more problems", err=True)
    if not parsed.entries:
        fail(f"{report.origin}: no usable entries ({report.rows} rows read)")
    typer.echo(f"register: {len(register_.view)} entries ({register_.store.path})")


@watchlist_app.command("list")
def list_entries(
    search: str | None = typer.Option(
        None, "--search", "-s", help="Text in name, id, IMO, MMSI, flag or source."
    ),
    limit: int = typer.Option(50, "--limit", "-n", min=0, help="Show at most N entries (0 = all)."),
) -> None:
    """List register entries."""
    view = _Register.open().view
    found = view.search(search or "")
    shown = found if limit == 0 else found[:limit]
    for entry in shown:
        typer.echo(_entry_line(entry))
    typer.echo(f"{len(shown)} of {len(found)} matching entries ({len(view)} in the register)")


@watchlist_app.command("show")
def show(key: str = typer.Argument(..., help="Entry id (imo:9329760), IMO or MMSI.")) -> None:
    """Show everything known about one listed vessel."""
    found = _Register.open().view.find(key)
    if not found:
        fail(f"no watch-list entry for {key!r}", EXIT_NOT_FOUND)
    for entry in found:
        _echo_entry(entry)


@watchlist_app.command("add")
def add(
    imo: str | None = typer.Option(None, "--imo", help="IMO number (7 digits, check digit verified)."),
    mmsi: list[str] = typer.Option([], "--mmsi", help="MMSI (repeat for several)."),
    name: list[str] = typer.Option([], "--name", help="Name or alias (repeat; the first is the primary)."),
    reason: str = typer.Option("", "--reason", help="Why the vessel is watched."),
    source: str = typer.Option("manual", "--source", help="Where the listing comes from."),
    flag: str | None = typer.Option(None, "--flag", help="Flag state."),
    vessel_type: str | None = typer.Option(None, "--type", help="Vessel type."),
    notes: str = typer.Option("", "--notes", help="Free text for the watch officer."),
) -> None:
    """Add a vessel to the user's register (merged into an existing entry with the same IMO)."""
    imo_number = parse_imo(imo) if imo else None
    if imo and imo_number is None:
        fail(f"--imo {imo!r} is not a 7-digit IMO number")
    mmsis = []
    for value in mmsi:
        parsed = parse_mmsi(value)
        if parsed is None:
            fail(f"--mmsi {value!r} is not a usable 9-digit MMSI")
        mmsis.append(parsed)
    names = [n.strip() for n in name if n.strip()]
    if imo_number is None and not mmsis and not names:
        fail("give at least one of --imo, --mmsi, --name")
    if imo_number is not None and not imo_check_digit_ok(imo_number):
        typer.echo(f"warning: IMO {imo_number} fails its check digit; added and flagged as invalid", err=True)
    entry = WatchlistEntry(
        id=make_entry_id(imo_number, mmsis, names),
        imo=imo_number,
        mmsis=mmsis,
        names=names,
        flag=flag,
        vessel_type=vessel_type,
        reason=reason,
        sources=[source],
        listed_since=datetime.now(UTC).date().isoformat(),
        notes=notes,
    )
    register_ = _Register.open()
    added, _ = register_.put([entry])
    register_.save()
    stored = register_.view.get(f"imo:{imo_number}" if imo_number else entry.id) or entry
    typer.echo(f"{'added' if added else 'merged into'} {stored.id}")


@watchlist_app.command("remove")
def remove(key: str = typer.Argument(..., help="Entry id (imo:9329760), IMO or MMSI.")) -> None:
    """Remove a vessel (a bundled entry is hidden through the user's register file)."""
    register_ = _Register.open()
    found = register_.view.find(key)
    if not found:
        fail(f"no watch-list entry for {key!r}", EXIT_NOT_FOUND)
    if len(found) > 1:
        ids = ", ".join(e.id for e in found)
        fail(f"{key!r} matches {len(found)} entries ({ids}); remove one by its id")
    entry = found[0]
    register_.data.entries = [
        e for e in register_.data.entries if e.id != entry.id and (e.imo is None or e.imo != entry.imo)
    ]
    if entry.id in register_.bundled_ids:
        register_.data.removed.add(entry.id)
    register_.save()
    typer.echo(f"removed {entry.id} ({entry.name})")


@watchlist_app.command("match")
def match(
    imo: list[str] = typer.Option([], "--imo", help="IMO(s) the vessel has broadcast (repeat)."),
    mmsi: str | None = typer.Option(None, "--mmsi", help="The vessel's current MMSI."),
    name: list[str] = typer.Option([], "--name", help="Name(s) the vessel has broadcast (repeat)."),
    show_all: bool = typer.Option(False, "--all", help="Show every matching entry, not only the best."),
) -> None:
    """Match a vessel identity against the register; prints the method and confidence."""
    imos = []
    for value in imo:
        parsed = parse_imo(value)
        if parsed is None:
            fail(f"--imo {value!r} is not a 7-digit IMO number")
        imos.append(parsed)
    mmsi_number = parse_mmsi(mmsi) if mmsi else None
    if mmsi and mmsi_number is None:
        fail(f"--mmsi {mmsi!r} is not a usable 9-digit MMSI")
    if not imos and mmsi_number is None and not name:
        fail("give at least one of --imo, --mmsi, --name")
    view = _Register.open().view
    if show_all:
        found = view.matches(imos=imos, mmsi=mmsi_number, names=name)
    else:
        best = view.match(imos=imos, mmsi=mmsi_number, names=name)
        found = [best] if best else []
    if not found:
        typer.echo("no match")
        raise typer.Exit(EXIT_NOT_FOUND)
    for item in found:
        typer.echo(_match_line(item))


@watchlist_app.command("export")
def export(
    out: str = typer.Option("-", "--out", "-o", help="Output file; '-' (default) is stdout."),
    fmt: ExportFormat = typer.Option(ExportFormat.JSON, "--format", "-f", help="json or csv."),
) -> None:
    """Export the whole register (bundled + user entries) as JSON or CSV (re-importable)."""
    view = _Register.open().view
    with open_output(out) as stream:
        (write_json if fmt is ExportFormat.JSON else write_csv)(view, stream)
    if out != "-":
        typer.echo(f"exported {len(view)} entries to {out}", err=True)


def _entry_line(entry: WatchlistEntry) -> str:
    imo = f"{entry.imo}{'' if entry.imo_valid else '!'}" if entry.imo else "-"
    mmsis = ",".join(map(str, entry.mmsis)) or "-"
    flag = f" [{entry.flag}]" if entry.flag else ""
    return f"{entry.id:<18} IMO {imo:<8} MMSI {mmsis:<10} {entry.name}{flag}  ({', '.join(entry.sources)})"


def _echo_entry(entry: WatchlistEntry) -> None:
    imo_text = "-"
    if entry.imo is not None:
        imo_text = f"{entry.imo}" + ("" if entry.imo_valid else " (check digit wrong)")
    rows = [
        ("id", entry.id),
        ("IMO", imo_text),
        ("MMSI", ", ".join(map(str, entry.mmsis)) or "-"),
        ("names", " | ".join(entry.names) or "-"),
        ("flag", entry.flag or "-"),
        ("type", entry.vessel_type or "-"),
        ("operator", entry.operator or "-"),
        ("reason", entry.reason or "-"),
        ("sources", ", ".join(entry.sources) or "-"),
        ("listed since", entry.listed_since or "-"),
        ("notes", entry.notes or "-"),
    ]
    for label, value in rows:
        typer.echo(f"{label:>13}: {value}")
    typer.echo("")


def _match_line(item: WatchlistMatch) -> str:
    method = f"{item.method} (fuzzy, score {item.score:.0f})" if item.fuzzy else item.method
    text = (
        f"match: {item.entry.id} {item.entry.name!r} by {method} on {item.matched_value!r}, "
        f"confidence {item.confidence:.2f}"
    )
    return text + (f" — {item.note}" if item.note else "")
