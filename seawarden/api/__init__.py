"""The REST and WebSocket API of the live service (FastAPI).

One sub-package per domain (``alerts``, ``vessels``, ``watchlist``, ``areas``, ``orgs``, ``system``,
``stream``), each with the same few files (``models.py`` for request/response shapes, ``views.py``
for the routes, ``service.py`` where there is logic beyond calling the store). Releasability is
enforced by the store for reads and by :func:`seawarden.deliver.visible` for the WebSocket.
"""

from seawarden.api.app import create_app
from seawarden.api.config import ApiSettings
from seawarden.api.hub import Hub
from seawarden.api.live import LiveView
from seawarden.api.metrics import METRICS, Metrics

__all__ = ["METRICS", "ApiSettings", "Hub", "LiveView", "Metrics", "create_app"]
