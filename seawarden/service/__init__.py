"""The running service (``seawarden serve`` / ``seawarden demo``): feeds, pipeline thread, store outbox,
delivery and the HTTP API in one process. See :mod:`seawarden.service.runtime` for the picture."""

from seawarden.service.config import (
    FileSource,
    KafkaSource,
    NatsJetStreamSource,
    OrgBootstrap,
    ServeSettings,
    SourceConfig,
    TcpConnectSource,
    TcpListenSource,
    UdpSource,
)
from seawarden.service.live import TrackerLiveView, vessel_dossier, vessel_summary
from seawarden.service.metrics import ServiceMetrics
from seawarden.service.releasability import ReleasabilityPolicy, ReleasabilityRule
from seawarden.service.runtime import Runtime

__all__ = [
    "FileSource",
    "KafkaSource",
    "NatsJetStreamSource",
    "OrgBootstrap",
    "ReleasabilityPolicy",
    "ReleasabilityRule",
    "Runtime",
    "ServeSettings",
    "ServiceMetrics",
    "SourceConfig",
    "TcpConnectSource",
    "TcpListenSource",
    "TrackerLiveView",
    "UdpSource",
    "vessel_dossier",
    "vessel_summary",
]
