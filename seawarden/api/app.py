"""The FastAPI application: routers under /api/v1, limits, errors, metrics, offline docs."""

import logging
import time

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from seawarden.api.alerts.views import router as alerts_router
from seawarden.api.areas.views import router as areas_router
from seawarden.api.config import ApiSettings
from seawarden.api.context import ApiContext
from seawarden.api.deliveries.views import router as deliveries_router
from seawarden.api.errors import install_error_handlers
from seawarden.api.hub import Hub
from seawarden.api.limits import BodyLimit, RateLimiter
from seawarden.api.live import LiveView
from seawarden.api.metrics import METRICS, Gauge, Metrics
from seawarden.api.orgs.views import router as orgs_router
from seawarden.api.stream.views import router as stream_router
from seawarden.api.system.views import DOCS_STATIC
from seawarden.api.system.views import router as system_router
from seawarden.api.vessels.views import router as vessels_router
from seawarden.api.watchlist.views import router as watchlist_router
from seawarden.geo import GeoContext
from seawarden.store import Store
from seawarden.watchlist import Watchlist
from seawarden.web import mount_web

log = logging.getLogger("seawarden.api")

API_PREFIX = "/api/v1"
DESCRIPTION = """Early warning of threats to undersea cables and pipelines from AIS traffic.

Authenticate with an API key: `Authorization: Bearer <token>` or `X-API-Key: <token>`.
Every list, read and export shows only what your organisation may see (alert releasability).
Live push: WebSocket `/api/v1/stream?token=...&kinds=&min_severity=&areas=&vessels=1`.
Errors are JSON `{"error": "...", "detail": ...}`."""


class RequestMetrics:
    """Pure ASGI middleware counting requests and their latency per route template (bounded labels)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            if (
                route is not None
                and scope["path"].startswith(API_PREFIX)
                and not template.startswith(API_PREFIX)
            ):
                template = API_PREFIX + template  # FastAPI keeps the route's path relative to its router
            method = scope.get("method", "")
            self.metrics.requests.inc(method=method, route=template, status=str(status))
            self.metrics.latency.observe(time.perf_counter() - start, method=method, route=template)


def _register_gauges(ctx: ApiContext) -> None:
    """Scrape-time gauges: outbox backlog from the store, WebSocket hub counters."""

    def outbox(state: str):
        def collect():
            counts = ctx.store.outbox_counts()
            return [((channel,), float(by_state.get(state, 0))) for channel, by_state in counts.items()]

        return collect

    ctx.metrics.add(
        Gauge("seawarden_outbox_pending", "Deliveries waiting.", ("channel",), collect=outbox("pending"))
    )
    ctx.metrics.add(
        Gauge("seawarden_outbox_dead", "Deliveries given up on.", ("channel",), collect=outbox("dead"))
    )
    ctx.metrics.add(
        Gauge(
            "seawarden_hub",
            "WebSocket hub: published, delivered, dropped (slow clients), subscribers.",
            ("stat",),
            collect=lambda: [((k,), float(v)) for k, v in dict(ctx.hub.stats).items()],
        )
    )


def create_app(
    *,
    store: Store,
    hub: Hub,
    geo: GeoContext,
    watchlist: Watchlist | None = None,
    live: LiveView | None = None,
    settings: ApiSettings | None = None,
    metrics: Metrics | None = None,
) -> FastAPI:
    """The API over a running store/hub/geo; ``live`` and ``watchlist`` come from the pipeline."""
    settings = settings or ApiSettings()
    ctx = ApiContext(
        store=store,
        hub=hub,
        geo=geo,
        settings=settings,
        limiter=RateLimiter(settings.rate_per_s, settings.rate_burst),
        metrics=metrics or METRICS,
        watchlist=watchlist,
        live=live,
    )
    app = FastAPI(
        title="SeaWarden API",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # served below from bundled assets: no CDN in air-gapped centres
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = ctx
    install_error_handlers(app)

    api = APIRouter(prefix=API_PREFIX)
    for router in (
        alerts_router,
        vessels_router,
        watchlist_router,
        areas_router,
        orgs_router,
        stream_router,
        deliveries_router,
    ):
        api.include_router(router)
    app.include_router(api)
    app.include_router(system_router)
    if settings.docs:
        app.mount(DOCS_STATIC, StaticFiles(directory=str(swagger_ui_path)), name="docs-static")
    else:
        app.router.routes = [r for r in app.router.routes if getattr(r, "path", "") != "/docs"]

    _register_gauges(ctx)
    app.add_middleware(BodyLimit, max_body=settings.max_body_bytes, max_import=settings.max_import_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    app.add_middleware(RequestMetrics, metrics=ctx.metrics)
    mount_web(app)  # the operations picture at "/" (bundled, offline); last so API routes win
    return app
