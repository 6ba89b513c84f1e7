"""Watch-list routes: list/search, read, create, replace, delete, import (file upload or JSON)."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile

from seawarden.api.auth import Analyst, Viewer
from seawarden.api.context import ApiContext, get_ctx
from seawarden.api.watchlist import service
from seawarden.api.watchlist.models import ImportJsonIn, ImportOut, WatchlistEntryIn, WatchlistPageOut
from seawarden.store import NotFound, Principal
from seawarden.watchlist import ImportFormat, Watchlist, parse_bytes

router = APIRouter(prefix="/watchlist", tags=["watch-list"])

EntryId = Annotated[str, Path(min_length=1, max_length=200, description="Entry id, e.g. imo:9329760.")]


@router.get("", response_model=WatchlistPageOut, summary="Listed vessels (search by IMO, MMSI, name...)")
def list_entries(
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    who: Principal = Viewer,
    ctx: ApiContext = Depends(get_ctx),
) -> WatchlistPageOut:
    found = Watchlist(ctx.store.watchlist()).search(q)
    ctx.audit(who, "watchlist.list", "watchlist", q=q, count=len(found))
    items = [e.to_dict() for e in found[offset : offset + limit]]
    return WatchlistPageOut(items=items, total=len(found), limit=limit, offset=offset)


@router.get("/{entry_id}", summary="One listed vessel")
def get_entry(entry_id: EntryId, who: Principal = Viewer, ctx: ApiContext = Depends(get_ctx)) -> dict:
    entry = Watchlist(ctx.store.watchlist()).get(entry_id)
    ctx.audit(who, "watchlist.read", f"watchlist:{entry_id}", found=entry is not None)
    if entry is None:
        raise NotFound(f"no watch-list entry {entry_id!r}")
    return entry.to_dict()


@router.post("", status_code=201, response_model=ImportOut, summary="Add a vessel (merged if listed)")
def create_entry(
    body: WatchlistEntryIn, who: Principal = Analyst, ctx: ApiContext = Depends(get_ctx)
) -> ImportOut:
    return service.merge_into_store(ctx, who, [service.entry_from(body)], replace=False)


@router.put("/{entry_id}", summary="Replace one entry")
def put_entry(
    entry_id: EntryId, body: WatchlistEntryIn, who: Principal = Analyst, ctx: ApiContext = Depends(get_ctx)
) -> dict:
    entry = service.entry_from(body, entry_id)
    ctx.store.save_watchlist([entry], actor=who.user)
    ctx.watchlist_revision += 1
    ctx.audit(who, "watchlist.put", f"watchlist:{entry_id}")
    return entry.to_dict()


@router.delete("/{entry_id}", status_code=204, response_class=Response, summary="Remove one entry")
def delete_entry(entry_id: EntryId, who: Principal = Analyst, ctx: ApiContext = Depends(get_ctx)) -> Response:
    if not ctx.store.delete_watchlist_entry(entry_id, actor=who.user):
        raise NotFound(f"no watch-list entry {entry_id!r}")
    ctx.watchlist_revision += 1
    ctx.audit(who, "watchlist.delete", f"watchlist:{entry_id}")
    return Response(status_code=204)


@router.post("/import", response_model=ImportOut, summary="Import a list file (multipart upload)")
def import_file(
    file: Annotated[UploadFile, File(description="EU CSV, TAK JSON, OpenSanctions FtM, CSV or JSON.")],
    format: Annotated[ImportFormat, Form()] = ImportFormat.AUTO,
    source: Annotated[str | None, Form(max_length=200)] = None,
    replace: Annotated[bool, Form()] = False,
    who: Principal = Analyst,
    ctx: ApiContext = Depends(get_ctx),
) -> ImportOut:
    data = file.file.read()
    parsed = parse_bytes(data, format, source=source, origin=file.filename or "<upload>")
    return service.merge_into_store(ctx, who, parsed.entries, replace, parsed.report)


@router.post("/import/json", response_model=ImportOut, summary="Import a list as JSON (text or entries)")
def import_json(
    body: ImportJsonIn, who: Principal = Analyst, ctx: ApiContext = Depends(get_ctx)
) -> ImportOut:
    if (body.content is None) == (body.entries is None):
        raise ValueError("send exactly one of 'content' (a list file's text) or 'entries'")
    if body.content is not None:
        parsed = parse_bytes(body.content.encode("utf-8"), body.format, source=body.source, origin="<json>")
        return service.merge_into_store(ctx, who, parsed.entries, body.replace, parsed.report)
    entries = [service.entry_from(e) for e in body.entries or []]
    if body.source:
        for entry in entries:
            entry.sources = list(dict.fromkeys([*entry.sources, body.source]))
    return service.merge_into_store(ctx, who, entries, body.replace)
