"""Configured channel -> live channel object (imports each library only when that channel is used)."""

from seawarden.deliver.channel import Channel
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


def build_channel(config: ChannelConfig) -> Channel:
    if isinstance(config, WebhookConfig):
        from seawarden.deliver.webhook import WebhookChannel

        return WebhookChannel(config)
    if isinstance(config, MqttConfig):
        from seawarden.deliver.mqtt import MqttChannel

        return MqttChannel(config)
    if isinstance(config, NatsConfig):
        from seawarden.deliver.jetstream import NatsChannel

        return NatsChannel(config)
    if isinstance(config, KafkaConfig):
        from seawarden.deliver.kafka import KafkaChannel

        return KafkaChannel(config)
    if isinstance(config, SmtpConfig):
        from seawarden.deliver.smtp import SmtpChannel

        return SmtpChannel(config)
    if isinstance(config, TakConfig):
        from seawarden.deliver.tak import TakChannel

        return TakChannel(config)
    raise TypeError(f"unknown channel config {type(config).__name__}")


def build_dispatcher(settings: DeliverySettings):  # -> Dispatcher (import kept lazy on purpose)
    """All configured channels behind one Dispatcher, with each channel's own concurrency limit."""
    from seawarden.deliver.dispatcher import Dispatcher

    channels = [build_channel(c) for c in settings.channels]
    return Dispatcher(
        channels,
        settings.retry,
        concurrency={c.name: c.concurrency for c in settings.channels},
        send_timeout_s=settings.send_timeout_s,
    )
