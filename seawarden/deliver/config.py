"""Configuration of delivery channels and subscriptions (pydantic, loaded with the rest of Settings).

Every channel belongs to exactly one organisation and a subscription may only use a channel of its own
organisation: a channel is a pipe to one receiver, so sharing it would hand one org's alerts to another.
"""

from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, SecretStr, model_validator

from seawarden.deliver.retry import RetryPolicy
from seawarden.deliver.routing import Subscription
from seawarden.types import Severity

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"


class ChannelBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME, description="Unique channel name; subscriptions and the outbox use it.")
    org: str = Field(min_length=1, description="The one organisation whose alerts this channel carries.")
    timeout_s: float = Field(10.0, gt=0, le=300, description="Bound on one send (connect included).")
    concurrency: int = Field(4, ge=1, le=256, description="Sends in flight at once on this channel.")


class WebhookConfig(ChannelBase):
    """HTTP POST of the JSON record, HMAC-signed with a secret shared with the receiver."""

    type: Literal["webhook"] = "webhook"
    url: HttpUrl
    secret: SecretStr = Field(description="HMAC-SHA256 key; at least 16 characters.")
    headers: dict[str, str] = Field(default_factory=dict, description="Extra headers (e.g. an API key).")
    verify_tls: bool = True

    @model_validator(mode="after")
    def _strong_secret(self) -> "WebhookConfig":
        if len(self.secret.get_secret_value()) < 16:
            raise ValueError("webhook secret must be at least 16 characters")
        return self


class MqttConfig(ChannelBase):
    """Publish to ``<topic_prefix>/alerts/<severity>/<kind>`` with QoS 1 (MQTT 5)."""

    type: Literal["mqtt"] = "mqtt"
    host: str = "127.0.0.1"
    port: int = Field(1883, ge=1, le=65535)
    topic_prefix: str = Field("seawarden", min_length=1)
    username: str | None = None
    password: SecretStr | None = None
    tls: bool = False
    client_id: str | None = None
    keepalive_s: int = Field(60, ge=5)
    retain: bool = False

    @model_validator(mode="after")
    def _prefix_is_literal(self) -> "MqttConfig":
        if any(c in self.topic_prefix for c in "+#") or self.topic_prefix.endswith("/"):
            raise ValueError("MQTT topic_prefix must not contain wildcards or end with '/'")
        return self


class NatsConfig(ChannelBase):
    """JetStream publish with ``Nats-Msg-Id`` = idempotency key, so the stream drops re-sends."""

    type: Literal["nats"] = "nats"
    servers: list[str] = Field(default_factory=lambda: ["nats://127.0.0.1:4222"], min_length=1)
    stream: str = Field("SEAWARDEN_ALERTS", pattern=r"^[A-Za-z0-9_-]+$")
    subject_prefix: str = Field("seawarden.alerts", pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    create_stream: bool = Field(True, description="Create the stream if it does not exist.")
    duplicate_window_s: float = Field(
        3600.0, gt=0, description="How long JetStream remembers message ids (a re-send within it is dropped)."
    )
    max_age_s: float = Field(30 * 86400.0, gt=0, description="Retention of a created stream.")
    user: str | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None
    credentials_file: str | None = None
    mmsi_subject: bool = Field(
        False,
        description="Append the MMSI as a last subject token (<prefix>.<severity>.<kind>.<mmsi>); "
        "the Seawarden-Mmsi header carries it either way.",
    )

    @model_validator(mode="after")
    def _window_within_retention(self) -> "NatsConfig":
        if self.duplicate_window_s > self.max_age_s:
            raise ValueError("duplicate_window_s cannot exceed max_age_s (JetStream refuses such a stream)")
        return self


class KafkaClientSettings(BaseModel):
    """librdkafka settings shared by the Kafka source (``serve``) and the Kafka delivery channel."""

    bootstrap_servers: str = Field("127.0.0.1:9092", min_length=1, description="host:port[,host:port...]")
    options: dict[str, str] = Field(
        default_factory=dict,
        description="Extra librdkafka settings, e.g. security.protocol, sasl.mechanism, sasl.username.",
    )
    sasl_password: SecretStr | None = Field(None, description="Sent as sasl.password; kept out of logs.")

    def client_options(self) -> dict[str, str]:
        """``options`` plus the SASL password: what goes to librdkafka (never to a log)."""
        out = dict(self.options)
        if self.sasl_password is not None:
            out["sasl.password"] = self.sasl_password.get_secret_value()
        return out

    @model_validator(mode="after")
    def _no_secret_in_options(self) -> Self:
        if any(k in self.options for k in ("sasl.password", "ssl.key.password")):
            raise ValueError("put secrets in sasl_password, not in options (options are logged)")
        return self


class KafkaConfig(ChannelBase, KafkaClientSettings):
    """Produce the JSON record to a Kafka topic keyed by MMSI, so one vessel's alerts stay in order."""

    type: Literal["kafka"] = "kafka"
    topic: str = Field("seawarden.alerts", pattern=r"^[A-Za-z0-9._-]{1,249}$")


class SmtpConfig(ChannelBase):
    """E-mail to watch officers: plain-text summary plus the JSON record as an attachment."""

    type: Literal["email"] = "email"
    host: str = "127.0.0.1"
    port: int = Field(25, ge=1, le=65535)
    sender: str = Field(min_length=3)
    recipients: list[str] = Field(min_length=1)
    security: Literal["none", "starttls", "tls"] = Field(
        "starttls", description="'none' only for a relay on a trusted local network."
    )
    username: str | None = None
    password: SecretStr | None = None


class TakConfig(ChannelBase):
    """Cursor-on-Target events to a TAK server or multicast/unicast UDP listener."""

    type: Literal["tak"] = "tak"
    host: str = "127.0.0.1"
    port: int = Field(8087, ge=1, le=65535)
    protocol: Literal["tcp", "tls", "udp"] = Field(
        "tcp", description="tcp (plain streaming, often 8087), tls (TAK server's 8089, client cert), udp."
    )
    cafile: str | None = Field(None, description="PEM CA bundle that signed the TAK server's certificate.")
    certfile: str | None = Field(None, description="PEM client certificate (TAK servers require one on TLS).")
    keyfile: str | None = Field(None, description="PEM private key of the client certificate.")
    key_password: SecretStr | None = None
    check_hostname: bool = Field(True, description="Off only for servers whose certificate lacks their name.")
    stale_minutes: float = Field(30.0, gt=0, description="How long the marker stays valid on the map.")
    ce_m: float = Field(50.0, ge=0, description="Circular error of the position (AIS GNSS plus drift).")
    hostile_min_severity: Severity | None = Field(
        Severity.CRITICAL, description="From this severity the track is hostile (a-h-S); None = never."
    )
    suspect_min_severity: Severity = Field(
        Severity.HIGH, description="From this severity the track is suspect (a-s-S); below, unknown (a-u-S)."
    )


ChannelConfig = Annotated[
    WebhookConfig | MqttConfig | NatsConfig | KafkaConfig | SmtpConfig | TakConfig,
    Field(discriminator="type"),
]


class DeliverySettings(BaseModel):
    """Channels, subscriptions and retry policy, cross-checked so no org can use another's channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: list[ChannelConfig] = Field(default_factory=list)
    subscriptions: list[Subscription] = Field(default_factory=list)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    send_timeout_s: float = Field(
        60.0, gt=0, description="Hard bound on one send, whatever the channel does."
    )

    @model_validator(mode="after")
    def _consistent(self) -> "DeliverySettings":
        names: dict[str, str] = {}
        for channel in self.channels:
            if channel.name in names:
                raise ValueError(f"duplicate channel name {channel.name!r}")
            names[channel.name] = channel.org
        seen: set[str] = set()
        for sub in self.subscriptions:
            if sub.id in seen:
                raise ValueError(f"duplicate subscription id {sub.id!r}")
            seen.add(sub.id)
            owner = names.get(sub.channel)
            if owner is None:
                raise ValueError(f"subscription {sub.id!r} uses unknown channel {sub.channel!r}")
            if owner != sub.org:
                raise ValueError(
                    f"subscription {sub.id!r} of org {sub.org!r} uses channel {sub.channel!r} "
                    f"of org {owner!r}; a channel carries one organisation's alerts only"
                )
        return self
