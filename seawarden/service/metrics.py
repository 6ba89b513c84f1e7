"""Counters of the running service, written from several threads and read by ``/metrics``.

One lock around a ``Counter``: increments happen a few times per message at most, far below the
cost of decoding it, and a reader always gets a consistent copy.
"""

import logging
import threading
from collections import Counter
from typing import Any

log = logging.getLogger(__name__)


def _api_registry() -> Any:
    """The API's process-wide Prometheus registry, when the API package is installed."""
    try:
        from seawarden.api.metrics import METRICS
    except ImportError:
        return None
    return METRICS


class ServiceMetrics:
    """Monotonic counters (``lines_in``, ``queue_full_waits``, ``alerts_stored``...) and gauges."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: Counter[str] = Counter()
        self._gauges: dict[str, float] = {}
        self._prometheus = _api_registry()

    @property
    def prometheus(self) -> Any:
        """The API's registry this object also feeds (None without the API package)."""
        return self._prometheus

    def messages_processed(self, count: int) -> None:
        """Counted here and in the API's Prometheus registry (``seawarden_messages_processed_total``)."""
        self.inc("messages", count)
        if self._prometheus is not None and count:
            self._prometheus.messages.inc(count)

    def alert_stored(self, kind: str, severity: str) -> None:
        self.inc("alerts_stored")
        if self._prometheus is not None:
            self._prometheus.alerts.inc(kind=kind, severity=severity)

    def inc(self, name: str, value: int = 1) -> None:
        with self._lock:
            self._counters[name] += value

    def set(self, name: str, value: float) -> None:
        with self._lock:
            self._gauges[name] = value

    def get(self, name: str) -> float:
        with self._lock:
            return self._gauges.get(name, self._counters.get(name, 0))

    def snapshot(self) -> dict[str, float]:
        """Every counter and gauge, copied (safe to serialise from another thread)."""
        with self._lock:
            out: dict[str, float] = dict(self._counters)
            out.update(self._gauges)
            return out
