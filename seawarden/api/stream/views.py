"""WebSocket ``/api/v1/stream``: authenticated, filtered, releasability-checked live push.

Protocol (JSON text frames): the server sends ``{"type":"hello", ...}`` once, then
``{"type":"alert","alert":{...}}``, ``{"type":"vessels","vessels":[...]}``, ``{"type":"dropped",
"count":N}`` when this client was too slow and lost its oldest messages, and ``{"type":"ping"}``
after ``ws_ping_s`` idle seconds. A client may send ``{"type":"ping"}`` (answered with ``pong``).
Errors close the socket with 4401 (no/invalid key), 4403 (forbidden), 4429 (throttled), 4400
(bad filter) after an ``{"type":"error",...}`` frame saying why.
"""

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from seawarden.api.auth import authenticate
from seawarden.api.context import ApiContext, ctx_of
from seawarden.api.errors import ApiError
from seawarden.api.hub import Subscriber
from seawarden.deliver import AlertFilter, Audience
from seawarden.store import Principal
from seawarden.store.codec import json_safe

log = logging.getLogger("seawarden.api.stream")
router = APIRouter()


def _split(value: str | None) -> list[str] | None:
    if value is None or not value.strip():
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_filter(params: Any) -> tuple[AlertFilter, bool]:
    """(alert filter, wants vessel updates) from the query string; ValueError when unusable."""
    values: dict[str, Any] = {}
    if kinds := _split(params.get("kinds")):
        values["kinds"] = kinds
    if areas := _split(params.get("areas")):
        values["areas"] = areas
    if assets := _split(params.get("assets")):
        values["assets"] = assets
    if min_severity := (params.get("min_severity") or "").strip():
        values["min_severity"] = min_severity
    vessels = (params.get("vessels") or "0").strip().lower() in {"1", "true", "yes"}
    return AlertFilter(**values), vessels


async def _refuse(ws: WebSocket, code: int, error: str, detail: Any) -> None:
    await ws.accept()
    await ws.send_json({"type": "error", "error": error, "detail": detail})
    await ws.close(code=code)


@router.websocket("/stream")
async def stream(ws: WebSocket) -> None:
    ctx: ApiContext = ctx_of(ws)
    try:
        who: Principal = await run_in_threadpool(authenticate, ctx, ws, True)
    except ApiError as exc:
        await _refuse(ws, 4000 + exc.status, exc.error, exc.detail)
        return
    try:
        wanted, want_vessels = parse_filter(ws.query_params)
        audience = Audience(org=who.org_id, communities=frozenset(who.communities))
    except ValueError as exc:
        await _refuse(ws, 4400, "bad filter", str(exc).splitlines()[0])
        return
    await ws.accept()
    sub = ctx.hub.subscribe(audience, wanted, want_vessels)
    await run_in_threadpool(
        ctx.audit, who, "stream.open", "stream", filter=wanted.model_dump(mode="json"), vessels=want_vessels
    )
    await ws.send_json({"type": "hello", "org": who.org_id, "filter": wanted.model_dump(mode="json")})
    lock = asyncio.Lock()  # the reader (pongs) and the pusher share the socket
    reader = asyncio.create_task(_read(ws, lock))
    try:
        await _push(ws, sub, ctx.settings.ws_ping_s, reader, lock)
    except (WebSocketDisconnect, RuntimeError, ConnectionError):
        pass
    finally:
        ctx.hub.unsubscribe(sub)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader
        log.info("stream closed for %s/%s (dropped %d)", who.org_id, who.user, sub.dropped_total)


async def _send(ws: WebSocket, lock: asyncio.Lock, message: dict[str, Any]) -> None:
    text = json.dumps(json_safe(message), separators=(",", ":"))
    async with lock:
        await ws.send_text(text)


async def _push(
    ws: WebSocket, sub: Subscriber, ping_s: float, reader: asyncio.Task, lock: asyncio.Lock
) -> None:
    """Forward queued messages until the client goes; ping after ``ping_s`` idle seconds."""
    last_sent = time.monotonic()
    while not reader.done():
        items = await sub.wait(timeout=min(1.0, ping_s))
        if reader.done():
            return
        for item in items:
            await _send(ws, lock, item)
        if items:
            last_sent = time.monotonic()
        elif time.monotonic() - last_sent >= ping_s:
            await _send(ws, lock, {"type": "ping"})
            last_sent = time.monotonic()


async def _read(ws: WebSocket, lock: asyncio.Lock) -> None:
    """Consume client frames until it disconnects: pings get a pong; anything else is ignored."""
    while True:
        text = await ws.receive_text()
        try:
            message = json.loads(text)
        except ValueError:
            continue
        if isinstance(message, dict) and message.get("type") == "ping":
            await _send(ws, lock, {"type": "pong"})
