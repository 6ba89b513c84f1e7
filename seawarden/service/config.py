"""Settings of the live service (``seawarden serve`` / ``seawarden demo``).

The lead adds ``serve: ServeSettings`` to :class:`seawarden.config.Settings`; until then the command line
reads the ``[serve]`` table of the config file itself (see :func:`seawarden.service.settings.load`).
Every default runs: one TCP listener for receivers, the HTTP API on loopback, SQLite in the data dir.
"""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from seawarden.api.config import ApiSettings
from seawarden.deliver import DeliverySettings
from seawarden.deliver.config import KafkaClientSettings
from seawarden.service.releasability import ReleasabilityPolicy


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(None, description="Feed id in logs, metrics and Message.source.")


class TcpListenSource(_Source):
    """Receivers (or an aggregator) connect to us and push NMEA lines; a full queue slows them down."""

    type: Literal["tcp_listen"] = "tcp_listen"
    host: str = Field("127.0.0.1", description="Interface to listen on (loopback unless told otherwise).")
    port: int = Field(10110, ge=0, le=65535, description="10110 is the registered NMEA-0183 port.")


class TcpConnectSource(_Source):
    """We connect to a feed (AISHub, a receiver's NMEA port) and reconnect with back-off for ever."""

    type: Literal["tcp_connect"] = "tcp_connect"
    host: str
    port: int = Field(ge=1, le=65535)


class UdpSource(_Source):
    """NMEA datagrams (AIS-catcher, rtl-ais); UDP has no back-pressure, so overflow is dropped and counted."""

    type: Literal["udp"] = "udp"
    host: str = "127.0.0.1"
    port: int = Field(10110, ge=0, le=65535)


class FileSource(_Source):
    """Recorded files (any format `replay` reads), paced by event time; file sources play in order."""

    type: Literal["file"] = "file"
    paths: list[str] = Field(min_length=1)
    speed: float | None = Field(
        None, gt=0, description="N x real time by the messages' own times; None = as fast as possible."
    )


class KafkaSource(_Source, KafkaClientSettings):
    """A Kafka topic of raw AIS records (see ``seawarden feed``); offsets committed after hand-off."""

    type: Literal["kafka"] = "kafka"
    topic: str = Field("ais.raw", pattern=r"^[A-Za-z0-9._-]{1,249}$")
    group_id: str = Field("seawarden", min_length=1, description="Consumer group (one per service).")
    auto_offset_reset: Literal["earliest", "latest"] = Field(
        "earliest", description="Where a new group starts: the whole retained topic, or only new records."
    )
    commit_interval_s: float = Field(1.0, gt=0, description="How often handed-on offsets are committed.")


class NatsJetStreamSource(_Source):
    """A JetStream stream of raw AIS records on ``<subject>.<mmsi>``; a durable pull consumer acks each."""

    type: Literal["nats_jetstream"] = "nats_jetstream"
    servers: list[str] = Field(default_factory=lambda: ["nats://127.0.0.1:4222"], min_length=1)
    stream: str = Field("AIS", pattern=r"^[A-Za-z0-9_-]+$")
    subject: str = Field("ais.raw", pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    durable: str = Field("seawarden", pattern=r"^[A-Za-z0-9_-]+$", description="Durable consumer name.")
    create_stream: bool = Field(True, description="Create the stream (subjects <subject>.>) if missing.")
    ack_wait_s: float = Field(60.0, gt=0, description="Unacked records are redelivered after this.")
    user: str | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None
    credentials_file: str | None = None


SourceConfig = Annotated[
    TcpListenSource | TcpConnectSource | UdpSource | FileSource | KafkaSource | NatsJetStreamSource,
    Field(discriminator="type"),
]


class OrgBootstrap(BaseModel):
    """An organisation created at start-up if it does not exist, with one admin user and API key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    name: str = Field(min_length=1)
    communities: list[str] = Field(min_length=1, description="e.g. ['JEF'], ['NATO'], ['OPERATOR:fingrid'].")
    admin_user: str = Field("admin", min_length=1, description="User created with the admin role.")


class ServeSettings(BaseModel):
    """The running service: where data comes from, where it goes, and how often state is saved."""

    model_config = ConfigDict(extra="forbid")

    http: ApiSettings = Field(
        default_factory=ApiSettings, description="HTTP/WebSocket API (default http://127.0.0.1:8080)."
    )
    http_enabled: bool = Field(True, description="Off: no HTTP server (headless ingest and delivery only).")
    sources: list[SourceConfig] = Field(
        default_factory=lambda: [TcpListenSource()],
        description="Where AIS comes from; default: one TCP listener on 127.0.0.1:10110.",
    )
    store_url: str | None = Field(
        None, description="sqlite:///FILE or postgresql://...; None = seawarden.db in the data dir."
    )
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    organisations: list[OrgBootstrap] = Field(default_factory=list)
    releasability: ReleasabilityPolicy = Field(default_factory=ReleasabilityPolicy)
    line_queue_size: int = Field(
        10_000, ge=10, description="Lines waiting for the pipeline; when full, TCP readers are paused."
    )
    vessel_publish_interval_s: float = Field(
        1.0, gt=0, description="How often changed vessels are pushed to WebSocket clients."
    )
    vessel_snapshot_interval_s: float = Field(
        30.0, gt=0, description="How often changed vessels (and sampled track points) are saved."
    )
    track_retention_h: float = Field(
        72.0, gt=0, description="Stored track points older than this (event time) are pruned."
    )
    prune_interval_s: float = Field(600.0, gt=0, description="How often old track points are pruned.")
    delivery_poll_s: float = Field(
        1.0, gt=0, description="Longest wait between outbox scans (new alerts wake the worker at once)."
    )
    outbox_lease_s: float = Field(
        120.0,
        gt=0,
        description="How long a claimed delivery is held; a crashed worker's items come back after it.",
    )
    drain_timeout_s: float = Field(
        30.0, gt=0, description="On shutdown: longest wait for queued lines and the last delivery round."
    )

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        names = [s.name for s in sources if s.name]
        if len(names) != len(set(names)):
            raise ValueError("source names must be unique")
        return sources

    def store_path_default(self, data_dir: Path) -> str:
        """The store URL to open: the configured one, else SQLite in ``data_dir``."""
        return self.store_url or f"sqlite:///{data_dir / 'seawarden.db'}"
