"""NATS JetStream channel: ``seawarden.alerts.<severity>.<kind>`` on a persistent stream.

Keyed by MMSI: the ``Seawarden-Mmsi`` header always carries it and, with ``mmsi_subject``, so does a
last subject token (``...<kind>.<mmsi>``), which lets a receiver filter one vessel or partition the
stream by vessel. One stream is one ordered log, so a vessel's alerts are stored in send order.

JetStream acknowledges each message once stored; ``Nats-Msg-Id`` is the idempotency key, so a re-send
within the stream's duplicate window (a retry after a lost ack, a second service instance) is stored
once. The stream is created if missing, covering ``<subject_prefix>.>``.
"""

import asyncio
import contextlib
import logging
from typing import Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig

from seawarden.deliver.channel import record_payload, token
from seawarden.deliver.config import NatsConfig
from seawarden.deliver.errors import DeliveryError

log = logging.getLogger(__name__)


MMSI_HEADER = "Seawarden-Mmsi"


def subject_for(prefix: str, record: dict[str, Any], *, mmsi: bool = False) -> str:
    subject = f"{prefix}.{token(record.get('severity'))}.{token(record.get('kind'))}"
    return f"{subject}.{token(record.get('mmsi'))}" if mmsi else subject


class NatsChannel:
    def __init__(self, config: NatsConfig) -> None:
        self.name = config.name
        self.org = config.org
        self.config = config
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._stream_ready = False
        self._lock = asyncio.Lock()

    async def _error_cb(self, exc: Exception) -> None:
        log.warning("NATS channel %s: %s: %s", self.name, type(exc).__name__, exc)

    async def _connect(self) -> JetStreamContext:
        cfg = self.config
        options: dict[str, Any] = {
            "servers": cfg.servers,
            "name": f"seawarden-deliver-{cfg.name}",
            "connect_timeout": cfg.timeout_s,
            "max_reconnect_attempts": 1,
            "error_cb": self._error_cb,
        }
        if cfg.user:
            options["user"] = cfg.user
        if cfg.password:
            options["password"] = cfg.password.get_secret_value()
        if cfg.token:
            options["token"] = cfg.token.get_secret_value()
        if cfg.credentials_file:
            options["user_credentials"] = cfg.credentials_file
        # The first connect must not retry for ever: a dead server is a retryable delivery failure.
        options["allow_reconnect"] = False
        nc = await asyncio.wait_for(nats.connect(**options), cfg.timeout_s)
        # Once connected, let the client ride out short outages by itself.
        nc.options["allow_reconnect"] = True
        nc.options["max_reconnect_attempts"] = -1
        self._nc = nc
        return nc.jetstream(timeout=cfg.timeout_s)

    async def _ensure_stream(self, js: JetStreamContext) -> None:
        cfg = self.config
        try:
            await js.stream_info(cfg.stream)
            return
        except nats.js.errors.NotFoundError:
            if not cfg.create_stream:
                raise DeliveryError(False, f"JetStream stream {cfg.stream} does not exist") from None
        await js.add_stream(
            StreamConfig(
                name=cfg.stream,
                subjects=[f"{cfg.subject_prefix}.>"],
                storage=StorageType.FILE,
                duplicate_window=cfg.duplicate_window_s,
                max_age=cfg.max_age_s,
                description="SeaWarden alert records",
            )
        )
        log.info("created JetStream stream %s for %s.>", cfg.stream, cfg.subject_prefix)

    async def _ready(self) -> JetStreamContext:
        async with self._lock:
            try:
                if self._js is None or self._nc is None or self._nc.is_closed:
                    self._stream_ready = False
                    self._js = await self._connect()
                if not self._stream_ready:
                    await self._ensure_stream(self._js)
                    self._stream_ready = True
                return self._js
            except DeliveryError:
                raise
            except nats.js.errors.APIError as exc:
                # The server answered: a refused stream definition will not fix itself.
                retryable = exc.code is None or exc.code == 503
                raise DeliveryError(
                    retryable, f"JetStream refused stream {self.config.stream}: {exc}"
                ) from exc
            except (nats.errors.Error, OSError, TimeoutError) as exc:
                await self._reset()
                raise DeliveryError(True, f"cannot reach NATS {self.config.servers}: {exc!r}") from exc

    async def _reset(self) -> None:
        nc, self._nc, self._js, self._stream_ready = self._nc, None, None, False
        if nc is not None and not nc.is_closed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(nc.close(), self.config.timeout_s)

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        payload = record_payload(record)
        subject = subject_for(self.config.subject_prefix, record, mmsi=self.config.mmsi_subject)
        headers = {"Nats-Msg-Id": idempotency_key, "Content-Type": "application/json"}
        if record.get("mmsi") not in (None, ""):
            headers[MMSI_HEADER] = str(record["mmsi"])
        js = await self._ready()
        try:
            ack = await js.publish(
                subject,
                payload,
                timeout=self.config.timeout_s,
                stream=self.config.stream,
                headers=headers,
            )
        except nats.js.errors.NoStreamResponseError as exc:
            self._stream_ready = False  # deleted behind our back: recreate on the next try
            raise DeliveryError(True, f"no JetStream stream answered on {subject}") from exc
        except nats.js.errors.APIError as exc:
            retryable = exc.code is None or exc.code >= 500
            raise DeliveryError(retryable, f"JetStream refused {subject}: {exc}") from exc
        except (nats.errors.Error, OSError, TimeoutError) as exc:
            if self._nc is None or self._nc.is_closed:
                await self._reset()
            raise DeliveryError(True, f"JetStream publish to {subject} not acknowledged: {exc!r}") from exc
        if ack.duplicate:
            log.info("JetStream dropped a re-send of %s (already stored as seq %s)", idempotency_key, ack.seq)

    async def close(self) -> None:
        await self._reset()
