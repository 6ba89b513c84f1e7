"""The operations picture (map, alert queue, vessel dossier) served by the API process.

The page is built from ``web/`` with Vite (``scripts/build_web.sh``) into ``static/`` inside this
package and committed, so ``pip install seawarden`` serves it without Node. Everything it needs is
in that folder (MapLibre, its worker, the Natural Earth basemap): it works in an air-gapped centre.

Caching: Vite puts a content hash in every asset name, so ``/assets/*`` may be cached for a year
(``immutable``); ``index.html`` names those hashes, so it must be revalidated on every load
(``no-cache`` + ETag), otherwise an upgrade would leave officers on a stale page.
"""

import logging
import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

log = logging.getLogger("seawarden.web")

# MapLibre's worker is an ES module (.mjs); browsers refuse module scripts served as octet-stream.
mimetypes.add_type("text/javascript", ".mjs")

INDEX_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=31536000, immutable"

#: Nothing may load from anywhere but this server (offline by construction, and no injected script
#: can call out). ``blob:`` for MapLibre's worker fallback and PNG/CSV export links, ``data:`` for
#: images MapLibre builds in memory; inline styles because MapLibre positions controls with them.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; worker-src 'self' blob:; child-src 'self' blob:; "
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Cache-Control": INDEX_CACHE,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

NOT_BUILT = (
    "The SeaWarden web page is not built in this installation ({path} is missing).\n"
    "From a source checkout run: scripts/build_web.sh  (needs Node 20+ and npm).\n"
    "The API itself works: see /docs.\n"
)


def static_dir() -> Path:
    """Folder holding the built page (``index.html`` and ``assets/``)."""
    return Path(__file__).resolve().parent / "static"


class _HashedAssets(StaticFiles):
    """Static files whose names carry a content hash, so they can be cached forever."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:  # a missing asset may appear after a rebuild: never cache the miss
            return PlainTextResponse(
                "not found", status_code=exc.status_code, headers={"Cache-Control": "no-store"}
            )
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = ASSET_CACHE
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response


def mount_web(app: FastAPI, directory: Path | None = None) -> None:
    """Serve the page at ``/`` (and ``/index.html``) and its hashed assets under ``/assets``.

    Call after the API routes are added. A missing build is not fatal: ``/`` then answers 503 with
    the command that builds it, and the API keeps working.
    """
    root = directory or static_dir()
    index = root / "index.html"
    assets = root / "assets"
    if assets.is_dir():
        app.mount("/assets", _HashedAssets(directory=assets), name="web-assets")
    else:
        log.warning("web page not built: %s is missing; run scripts/build_web.sh", assets)

    async def page(request: Request) -> Response:
        if not index.is_file():
            return PlainTextResponse(
                NOT_BUILT.format(path=index), status_code=503, headers={"Cache-Control": "no-store"}
            )
        stat = index.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers = {**PAGE_HEADERS, "ETag": etag}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)  # unchanged since the last load: no body
        response = FileResponse(index, media_type="text/html; charset=utf-8", headers=headers)
        return response

    for path in ("/", "/index.html"):
        app.add_api_route(
            path, page, methods=["GET", "HEAD"], include_in_schema=False, name=f"web-page{path}"
        )


__all__ = ["ASSET_CACHE", "CONTENT_SECURITY_POLICY", "INDEX_CACHE", "mount_web", "static_dir"]
