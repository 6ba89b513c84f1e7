"""What happens to each alert the pipeline emits: releasability, outbox, live fan-out. In that order.

The order is the promise to users: an alert is in the store (with one outbox item per subscription
that must receive it) before anything is pushed anywhere, so a crash between the two loses nothing
and a replay of the same input after a restart stores nothing twice (the store dedups on id+version).
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import select

from seawarden.deliver import Subscription, route
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.releasability import ReleasabilityPolicy
from seawarden.store import SaveOutcome, SaveResult, Store
from seawarden.store.schema import alert_releasability
from seawarden.types import Alert

log = logging.getLogger(__name__)


class AlertPublisher(Protocol):
    """The part of ``seawarden.api.hub.Hub`` the service uses (thread-safe by contract)."""

    def publish_alert(self, record: dict[str, Any]) -> None: ...

    def wants_vessels(self) -> bool: ...

    def publish_vessels(self, updates: list[dict[str, Any]]) -> None: ...


def stored_releasability(store: Store, alert_id: str) -> list[str] | None:
    """The communities currently stored for ``alert_id`` (an analyst may have edited them), or None.

    Read straight from the store's schema: the Store facade only offers viewer-filtered reads, and the
    service must see an alert's releasability whoever it is releasable to.
    """
    with store.engine.connect() as conn:
        exists_row = conn.execute(
            select(alert_releasability.c.community).where(alert_releasability.c.alert_id == alert_id)
        ).all()
    return sorted(row.community for row in exists_row) or None


class AlertRecorder:
    """Releasability policy -> store (outbox) -> hub, for one alert at a time (pipeline thread)."""

    def __init__(
        self,
        store: Store,
        hub: AlertPublisher,
        policy: ReleasabilityPolicy,
        subscriptions: Sequence[Subscription],
        metrics: ServiceMetrics,
        *,
        on_stored: Callable[[], None] = lambda: None,
        on_alert: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.policy = policy
        self.subscriptions = list(subscriptions)
        self.metrics = metrics
        self.on_stored = on_stored
        self.on_alert = on_alert
        self._known: set[str] = set()  # ids this process stored: later versions may keep an edit

    def releasability_for(self, alert: Alert) -> list[str]:
        """The policy's choice for a new incident; for a known one, what is stored (edits survive)."""
        if alert.version > 1 or alert.id in self._known:
            current = stored_releasability(self.store, alert.id)
            if current is not None:
                return current
        return self.policy.communities_for(alert)

    def record(self, alert: Alert) -> SaveResult:
        alert.releasability = self.releasability_for(alert)
        record = alert.to_dict()
        channels = [sub.id for sub in route(record, self.subscriptions)]
        result = self.store.save_alert(alert, channels=channels)
        if result.outcome is not SaveOutcome.STORED:
            self.metrics.inc(f"alerts_{result.outcome}")
            return result
        self.metrics.alert_stored(str(alert.kind), alert.severity.label)
        self._known.add(alert.id)
        self.metrics.inc("outbox_enqueued", result.enqueued)
        if result.enqueued:
            self.on_stored()
        try:
            self.hub.publish_alert(record)
        except Exception:  # a fan-out bug must not stop the pipeline; the alert is stored already
            self.metrics.inc("hub_publish_errors")
            log.exception("publishing alert %s to live clients failed", alert.id)
        if self.on_alert is not None:
            self.on_alert(record)
        return result
