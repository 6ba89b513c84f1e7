"""/health (liveness + store check), /metrics (Prometheus text) and /docs from bundled Swagger UI."""

import hmac
import logging
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from seawarden.api.context import ApiContext, get_ctx
from seawarden.api.errors import ApiError
from seawarden.api.metrics import Gauge

log = logging.getLogger("seawarden.api")
router = APIRouter(tags=["service"])

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
DOCS_STATIC = "/docs-static"


@router.get("/health", summary="Liveness and store check (no key needed)")
def health(ctx: ApiContext = Depends(get_ctx)) -> JSONResponse:
    checks: dict[str, Any] = {"api": "ok"}
    status = 200
    try:
        ctx.store.outbox_counts()
        checks["store"] = "ok"
        checks["store_backend"] = ctx.store.backend
    except Exception as exc:  # any failure of the store is "not healthy", never a crash
        log.error("health: store check failed: %s", exc)
        checks["store"] = f"error: {type(exc).__name__}"
        status = 503
    checks["websocket_subscribers"] = ctx.hub.stats.get("subscribers", 0)
    return JSONResponse(
        {"status": "ok" if status == 200 else "degraded", "checks": checks}, status_code=status
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=PlainTextResponse)
def metrics(request: Request, ctx: ApiContext = Depends(get_ctx)) -> PlainTextResponse:
    expected = ctx.settings.metrics_token
    if expected:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise ApiError(401, "authentication required", "send 'Authorization: Bearer <metrics_token>'")
    text = ctx.metrics.render()
    snapshot = getattr(request.app.state, "service_metrics", None)  # set by seawarden.service
    if callable(snapshot):
        text += service_lines(snapshot)
    return PlainTextResponse(text, media_type=PROMETHEUS_TEXT)


def service_lines(snapshot: Any) -> str:
    """The service's flat counters as one labelled gauge; a failing snapshot only costs its lines."""
    try:
        values = dict(snapshot())
    except Exception as exc:
        log.warning("service metrics unavailable: %s", exc)
        return "# seawarden_service unavailable\n"
    gauge = Gauge("seawarden_service", "Service counters (queue depth, sources, store, hub...).", ("name",))
    for name, value in values.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            gauge.set(value, name=name)
    return "\n".join([*gauge.header(), *gauge.lines()]) + "\n"


@router.get("/docs", include_in_schema=False)
def docs(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}/openapi.json",
        title="SeaWarden API",
        swagger_js_url=f"{root}{DOCS_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{DOCS_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{root}{DOCS_STATIC}/favicon-32x32.png",
    )
