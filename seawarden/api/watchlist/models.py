"""Request and response shapes of the watch-list domain."""

from typing import Any

from pydantic import BaseModel, Field

from seawarden.watchlist import ImportFormat


class WatchlistEntryIn(BaseModel):
    """A listed vessel: at least one of IMO, MMSI or name (the id is derived when missing)."""

    id: str | None = Field(None, max_length=200)
    imo: int | None = Field(None, ge=1_000_000, le=9_999_999)
    mmsis: list[int] = Field(default_factory=list, max_length=50)
    names: list[str] = Field(default_factory=list, max_length=50)
    flag: str | None = Field(None, max_length=100)
    vessel_type: str | None = Field(None, max_length=100)
    operator: str | None = Field(None, max_length=200)
    reason: str = Field("", max_length=2000)
    sources: list[str] = Field(default_factory=list, max_length=50)
    listed_since: str | None = Field(None, max_length=10, description="YYYY-MM-DD")
    notes: str = Field("", max_length=5000)


class WatchlistPageOut(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class ImportJsonIn(BaseModel):
    """Either the text of a list file (any format the importers read) or ready entries."""

    content: str | None = Field(None, description="The file's text (EU CSV, TAK JSON, FtM, CSV, JSON).")
    format: ImportFormat = ImportFormat.AUTO
    entries: list[WatchlistEntryIn] | None = Field(None, max_length=100_000)
    source: str | None = Field(None, max_length=200, description="Source label recorded on entries.")
    replace: bool = Field(False, description="Replace the whole register instead of merging into it.")


class ImportOut(BaseModel):
    added: int
    merged: int
    stored: int = Field(description="Entries written to the store (added + merged).")
    total: int = Field(description="Entries in the register after the import.")
    report: dict[str, Any] | None = Field(None, description="Per-row problems of a parsed file.")
