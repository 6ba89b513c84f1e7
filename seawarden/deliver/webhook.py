"""Webhook channel: HTTP POST of the JSON alert record, HMAC-SHA256 signed.

Receivers verify ``X-SeaWarden-Signature: sha256=<hex>``, an HMAC-SHA256 with the shared secret of
``<X-SeaWarden-Timestamp> + "." + <raw body>`` (:func:`verify_signature` is the reference): signing
the timestamp too lets a receiver refuse replays of an old, captured request (reject timestamps more
than a few minutes old), and ``Idempotency-Key`` drops legitimate re-sends. 2xx is
delivered; 4xx other than 408/429 will never succeed as sent (dead letter); 5xx, 408, 429, time-outs
and connection errors may heal (retry, honouring ``Retry-After``).
"""

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from seawarden import __version__
from seawarden.deliver.channel import encode_record
from seawarden.deliver.config import WebhookConfig
from seawarden.deliver.errors import DeliveryError

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-SeaWarden-Signature"
TIMESTAMP_HEADER = "X-SeaWarden-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
RETRYABLE_4XX = frozenset({408, 429})


def sign(body: bytes, secret: str, timestamp: str) -> str:
    """The signature header value: ``sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">``."""
    message = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_signature(
    body: bytes,
    header: str | None,
    secret: str,
    timestamp: str | None,
    *,
    now: float | None = None,
    tolerance_s: float = 300.0,
) -> bool:
    """Receiver side: constant-time signature check, refusing timestamps older than ``tolerance_s``."""
    if not header or not timestamp:
        return False
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance_s:
        return False
    return hmac.compare_digest(sign(body, secret, timestamp), header.strip())


def parse_retry_after(value: str | None, now: float) -> float | None:
    """``Retry-After`` (seconds or HTTP date) -> seconds from now; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def classify_status(
    status: int, *, retry_after_s: float | None = None, where: str = ""
) -> DeliveryError | None:
    """HTTP status -> None (delivered) or the DeliveryError to raise."""
    if 200 <= status < 300:
        return None
    if status in RETRYABLE_4XX or status >= 500:
        return DeliveryError(True, f"receiver {where} answered HTTP {status}", retry_after_s=retry_after_s)
    if 300 <= status < 400:
        return DeliveryError(False, f"receiver {where} redirected (HTTP {status}); configure the final URL")
    return DeliveryError(False, f"receiver {where} rejected the alert with HTTP {status}")


def _safe_url(url: str) -> str:
    """URL for logs: no credentials, no query string (tokens live there)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class WebhookChannel:
    """One receiver URL; one pooled HTTP client reused across sends."""

    def __init__(
        self,
        config: WebhookConfig,
        *,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = config.name
        self.org = config.org
        self.config = config
        self._clock = clock
        self._url = str(config.url)
        self._where = _safe_url(self._url)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(config.timeout_s),
            verify=config.verify_tls,
            follow_redirects=False,
            transport=transport,
            headers={"User-Agent": f"SeaWarden/{__version__}"},
        )

    def headers_for(self, body: bytes, idempotency_key: str) -> dict[str, str]:
        headers = dict(self.config.headers)
        timestamp = str(int(self._clock()))
        headers.update(
            {
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: sign(body, self.config.secret.get_secret_value(), timestamp),
                TIMESTAMP_HEADER: timestamp,
                IDEMPOTENCY_HEADER: idempotency_key,
            }
        )
        return headers

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        try:
            body = encode_record(record)
        except (TypeError, ValueError) as exc:
            raise DeliveryError(False, f"alert record is not JSON-serialisable: {exc}") from exc
        try:
            response = await self._client.post(
                self._url, content=body, headers=self.headers_for(body, idempotency_key)
            )
        except httpx.TimeoutException as exc:
            raise DeliveryError(
                True, f"no answer from {self._where} within {self.config.timeout_s:g}s ({type(exc).__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise DeliveryError(True, f"cannot reach {self._where}: {type(exc).__name__}: {exc}") from exc
        error = classify_status(
            response.status_code,
            retry_after_s=parse_retry_after(response.headers.get("Retry-After"), self._clock()),
            where=self._where,
        )
        if error is not None:
            snippet = " ".join(response.text[:200].split())  # the receiver's reason helps the operator
            if snippet:
                error = DeliveryError(
                    error.retryable, f"{error.detail}: {snippet}", retry_after_s=error.retry_after_s
                )
            raise error

    async def close(self) -> None:
        await self._client.aclose()
