"""Persistence of the user's own register (entries added or imported, and removals).

The bundled public list ships with the package; what a user adds, imports or removes lives in one
JSON file, written atomically (temp file + rename) so a crash mid-write never leaves a half file.
Storage sits behind :class:`WatchlistStore` so a SQL store can replace the file later.
"""

import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from seawarden.paths import data_dir as default_data_dir
from seawarden.watchlist.entry import WatchlistEntry

log = logging.getLogger(__name__)

FILE_FORMAT = "seawarden-watchlist"
FILE_VERSION = 1
REGISTER_FILE = "watchlist.json"


class WatchlistStoreError(OSError):
    """The register file exists but cannot be read or written; the message says which and why."""


@dataclass
class RegisterData:
    """The user's layer over the bundled list."""

    entries: list[WatchlistEntry] = field(default_factory=list)
    removed: set[str] = field(default_factory=set)  # ids removed by the user, bundled ones included


class WatchlistStore(Protocol):
    """Where the user's register lives."""

    def load(self) -> RegisterData: ...

    def save(self, data: RegisterData) -> None: ...


def default_register_path() -> Path:
    return default_data_dir() / REGISTER_FILE


def register_to_json(data: RegisterData) -> dict[str, object]:
    return {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "entries": [entry.to_dict() for entry in data.entries],
        "removed": sorted(data.removed),
    }


class JsonFileStore:
    """The register as one JSON file (``{"format", "version", "entries", "removed"}``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_register_path()

    def load(self) -> RegisterData:
        """The register; empty when the file does not exist yet.

        A file that exists but is unreadable raises :class:`WatchlistStoreError` rather than being
        treated as empty: silently dropping a user's watch-list would hide listed ships. Single bad
        entries are skipped and logged.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return RegisterData()
        except (OSError, UnicodeDecodeError) as exc:
            raise WatchlistStoreError(f"cannot read watch-list register {self.path}: {exc}") from exc
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WatchlistStoreError(f"watch-list register {self.path} is not valid JSON: {exc}") from exc
        if not isinstance(document, dict) or not isinstance(document.get("entries", []), list):
            raise WatchlistStoreError(f"watch-list register {self.path} has no 'entries' list")
        data = RegisterData(removed={str(i) for i in document.get("removed", []) if i})
        for number, record in enumerate(document.get("entries", []), start=1):
            try:
                if not isinstance(record, dict):
                    raise ValueError("not an object")
                data.entries.append(WatchlistEntry.from_dict(record))
            except ValueError as exc:
                log.warning("watch-list register %s: entry %d skipped: %s", self.path, number, exc)
        return data

    def save(self, data: RegisterData) -> None:
        """Write atomically: a temp file in the same folder, fsync, then rename over the old file."""
        text = json.dumps(register_to_json(data), ensure_ascii=False, indent=1) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(prefix=".watchlist-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp_name, self.path)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise WatchlistStoreError(f"cannot write watch-list register {self.path}: {exc}") from exc
