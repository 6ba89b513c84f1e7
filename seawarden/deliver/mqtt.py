"""MQTT channel: the JSON record on ``<prefix>/alerts/<severity>/<kind>`` with QoS 1.

Subscribers pick what they want with topic filters (``seawarden/alerts/critical/#``,
``seawarden/alerts/+/anchor_drag_suspected``). QoS 1 means the broker acknowledged the message before
``send`` returns; the idempotency key travels as an MQTT 5 user property so subscribers can drop the
duplicates QoS 1 allows. One connection is kept and re-opened after any failure.
"""

import asyncio
import contextlib
import logging
import ssl
from typing import Any

import aiomqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from seawarden.deliver.channel import record_payload, token
from seawarden.deliver.config import MqttConfig
from seawarden.deliver.errors import DeliveryError

log = logging.getLogger(__name__)


def topic_for(prefix: str, record: dict[str, Any]) -> str:
    return f"{prefix}/alerts/{token(record.get('severity'))}/{token(record.get('kind'))}"


class MqttChannel:
    def __init__(self, config: MqttConfig) -> None:
        self.name = config.name
        self.org = config.org
        self.config = config
        self._client: aiomqtt.Client | None = None
        self._connect_lock = asyncio.Lock()

    def _new_client(self) -> aiomqtt.Client:
        cfg = self.config
        return aiomqtt.Client(
            hostname=cfg.host,
            port=cfg.port,
            username=cfg.username,
            password=cfg.password.get_secret_value() if cfg.password else None,
            identifier=cfg.client_id,
            protocol=aiomqtt.ProtocolVersion.V5,
            keepalive=cfg.keepalive_s,
            timeout=cfg.timeout_s,
            tls_context=ssl.create_default_context() if cfg.tls else None,
        )

    async def _connected(self) -> aiomqtt.Client:
        async with self._connect_lock:
            if self._client is None:
                client = self._new_client()
                try:
                    await asyncio.wait_for(client.__aenter__(), self.config.timeout_s)
                except (aiomqtt.MqttError, OSError, TimeoutError) as exc:
                    raise DeliveryError(
                        True, f"cannot connect to MQTT broker {self.config.host}:{self.config.port}: {exc}"
                    ) from exc
                self._client = client
            return self._client

    async def _drop(self, client: aiomqtt.Client) -> None:
        async with self._connect_lock:
            if self._client is client:
                self._client = None
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.__aexit__(None, None, None), self.config.timeout_s)

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        payload = record_payload(record)
        properties = Properties(PacketTypes.PUBLISH)
        properties.ContentType = "application/json"
        properties.UserProperty = [("idempotency-key", idempotency_key)]
        topic = topic_for(self.config.topic_prefix, record)
        client = await self._connected()
        try:
            await client.publish(
                topic,
                payload,
                qos=1,
                retain=self.config.retain,
                properties=properties,
                timeout=self.config.timeout_s,
            )
        except (aiomqtt.MqttError, OSError, TimeoutError) as exc:
            await self._drop(client)
            raise DeliveryError(True, f"MQTT publish to {topic} not acknowledged: {exc}") from exc

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.__aexit__(None, None, None), self.config.timeout_s)
