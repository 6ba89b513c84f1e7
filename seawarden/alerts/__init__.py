"""Stage 5, alerts: turn detector events into deduplicated, escalating alert records."""

from seawarden.alerts.config import AlertConfig
from seawarden.alerts.manager import AlertManager, alert_id

__all__ = ["AlertConfig", "AlertManager", "alert_id"]
