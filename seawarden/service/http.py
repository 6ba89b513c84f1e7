"""The HTTP/WebSocket side: the API's Hub and app when the API package provides them, uvicorn in our loop.

Why uvicorn runs inside our event loop (``Server.serve()``) rather than as the main program: one
process, one loop, so the Hub, the delivery worker and the feeds share it, and the runtime (not
uvicorn) owns SIGINT/SIGTERM to shut everything down in the right order.
"""

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger(__name__)


class CountingHub:
    """Stand-in used only when ``seawarden.api.hub`` is not installed: counts, fans out to nobody."""

    def __init__(self, max_queue: int = 1000) -> None:
        self._lock = threading.Lock()
        self.stats: dict[str, int] = {"published": 0, "delivered": 0, "dropped": 0, "subscribers": 0}
        self.vessel_updates = 0

    def publish_alert(self, record: dict[str, Any]) -> None:
        with self._lock:
            self.stats["published"] += 1

    def wants_vessels(self) -> bool:
        return True  # counts every update, as a hub with a map open would send them

    def publish_vessels(self, updates: list[dict[str, Any]]) -> None:
        with self._lock:
            self.vessel_updates += len(updates)


def make_hub(max_queue: int = 1000) -> Any:
    """The API's Hub, or :class:`CountingHub` when the API is not available in this installation."""
    try:
        from seawarden.api.hub import Hub
    except ImportError as exc:
        log.warning("live WebSocket fan-out unavailable (%s); alerts are still stored and delivered", exc)
        return CountingHub(max_queue)
    return Hub(max_queue=max_queue)


def load_create_app() -> Callable[..., Any] | None:
    try:
        from seawarden.api.app import create_app
    except ImportError as exc:
        log.warning("HTTP API unavailable (%s); running without it", exc)
        return None
    return create_app


def build_server(app: Any, host: str, port: int) -> Any:
    """A uvicorn server for ``app`` that leaves signal handling to the runtime."""
    import uvicorn

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:  # the runtime handles signals
            yield

    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, lifespan="on", ws="auto"
    )
    return _Server(config)
