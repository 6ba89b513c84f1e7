"""The register of watch-listed vessels (shadow fleet, sanctions) and identity matching."""

from seawarden.watchlist.config import MatchConfig
from seawarden.watchlist.entry import WatchlistEntry, WatchlistMatch
from seawarden.watchlist.exporters import write_csv, write_json
from seawarden.watchlist.identifiers import imo_check_digit_ok, parse_imo, parse_mmsi
from seawarden.watchlist.importers import (
    ImportFormat,
    ImportReport,
    ParsedList,
    WatchlistImportError,
    detect_format,
    import_file,
    parse_bytes,
    parse_file,
)
from seawarden.watchlist.names import normalise_name, split_former_names
from seawarden.watchlist.register import Watchlist, bundled_entries, load_watchlist
from seawarden.watchlist.store import (
    JsonFileStore,
    RegisterData,
    WatchlistStore,
    WatchlistStoreError,
    default_register_path,
)

__all__ = [
    "ImportFormat",
    "ImportReport",
    "JsonFileStore",
    "MatchConfig",
    "ParsedList",
    "RegisterData",
    "Watchlist",
    "WatchlistEntry",
    "WatchlistImportError",
    "WatchlistMatch",
    "WatchlistStore",
    "WatchlistStoreError",
    "bundled_entries",
    "default_register_path",
    "detect_format",
    "imo_check_digit_ok",
    "import_file",
    "load_watchlist",
    "normalise_name",
    "parse_bytes",
    "parse_file",
    "parse_imo",
    "parse_mmsi",
    "split_former_names",
    "write_csv",
    "write_json",
]
