"""What every route needs, built once by :func:`seawarden.api.app.create_app` and kept on ``app.state``."""

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.requests import HTTPConnection

from seawarden.api.config import ApiSettings
from seawarden.api.hub import Hub
from seawarden.api.limits import RateLimiter
from seawarden.api.live import LiveView
from seawarden.api.metrics import Metrics
from seawarden.geo import GeoContext
from seawarden.store import Principal, Store
from seawarden.watchlist import Watchlist


@dataclass
class ApiContext:
    store: Store
    hub: Hub
    geo: GeoContext
    settings: ApiSettings
    limiter: RateLimiter
    metrics: Metrics
    watchlist: Watchlist | None = None
    live: LiveView | None = None
    #: Bumped on every watch-list change so the service knows to reload the pipeline's copy.
    watchlist_revision: int = 0
    cache: dict[str, Any] = field(default_factory=dict)

    def audit(self, who: Principal, action: str, obj: str, **detail: Any) -> None:
        """Audit-log one read or change made by ``who`` (alerts and watch-lists: every one)."""
        self.store.audit(who.user, who.org_id, action, obj, **detail)


def get_ctx(request: Request) -> ApiContext:
    return request.app.state.ctx


def ctx_of(conn: HTTPConnection) -> ApiContext:
    return conn.app.state.ctx
