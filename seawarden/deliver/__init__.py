"""Delivery of alert records to allied receivers (webhook, MQTT, NATS JetStream, Kafka, e-mail, TAK).

The store's outbox hands (record, subscription) pairs to a :class:`Dispatcher`; :func:`route` decides
who gets a record, enforcing releasability; each channel pushes one record to one receiver and raises
:class:`DeliveryError` saying whether to retry. Network libraries are imported only by the channels.
"""

from seawarden.deliver.channel import Channel, Delivery, DeliveryRequest, Outcome, encode_record
from seawarden.deliver.config import (
    ChannelConfig,
    DeliverySettings,
    KafkaConfig,
    MqttConfig,
    NatsConfig,
    SmtpConfig,
    TakConfig,
    WebhookConfig,
)
from seawarden.deliver.dispatcher import Dispatcher
from seawarden.deliver.errors import DeliveryError
from seawarden.deliver.factory import build_channel, build_dispatcher
from seawarden.deliver.retry import RetryPolicy
from seawarden.deliver.routing import (
    AlertFilter,
    Audience,
    Subscription,
    idempotency_key,
    releasable_to,
    route,
    visible,
)

__all__ = [
    "AlertFilter",
    "Audience",
    "Channel",
    "ChannelConfig",
    "Delivery",
    "DeliveryError",
    "DeliveryRequest",
    "DeliverySettings",
    "Dispatcher",
    "KafkaConfig",
    "MqttConfig",
    "NatsConfig",
    "Outcome",
    "RetryPolicy",
    "SmtpConfig",
    "Subscription",
    "TakConfig",
    "WebhookConfig",
    "build_channel",
    "build_dispatcher",
    "encode_record",
    "idempotency_key",
    "releasable_to",
    "route",
    "visible",
]
