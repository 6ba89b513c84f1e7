"""E-mail channel: a plain-text summary for a watch officer, the JSON record attached.

The Message-ID is derived from the idempotency key, so a mail client or archive that sees a re-send
can recognise it. SMTP 4xx and connection problems are retryable; 5xx (bad address, rejected content,
failed authentication) are not.
"""

import hashlib
import logging
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import aiosmtplib

from seawarden.deliver.channel import encode_record, require
from seawarden.deliver.config import SmtpConfig
from seawarden.deliver.errors import DeliveryError
from seawarden.deliver.summary import plain_text, subject

log = logging.getLogger(__name__)


def message_id(idempotency_key: str, sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "seawarden.invalid"
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(
    record: dict[str, Any], *, sender: str, recipients: list[str], idempotency_key: str
) -> EmailMessage:
    """The alert as an e-mail: summary text body plus ``seawarden-alert-<id>-v<n>.json``."""
    message = EmailMessage()
    message["Subject"] = subject(record)
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(idempotency_key, sender)
    message["X-SeaWarden-Alert-Id"] = str(record.get("id", ""))
    message["X-SeaWarden-Idempotency-Key"] = idempotency_key
    severity = str(record.get("severity", "")).lower()
    if severity in {"high", "critical"}:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    message.set_content(plain_text(record))
    safe_id = "".join(c if c.isalnum() or c in "-_" else "_" for c in str(record.get("id", "alert")))[:64]
    message.add_attachment(
        encode_record(record),
        maintype="application",
        subtype="json",
        filename=f"seawarden-alert-{safe_id}-v{record.get('version', 1)}.json",
    )
    return message


def classify_smtp_error(exc: Exception) -> DeliveryError:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        retryable = bool(codes) and all(400 <= c < 500 for c in codes)
        return DeliveryError(retryable, f"SMTP server refused every recipient: {exc}")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        retryable = 400 <= exc.code < 500
        return DeliveryError(retryable, f"SMTP server answered {exc.code}: {exc.message}")
    # Connect, time-out, disconnect, TLS failures: the server may be back later.
    return DeliveryError(True, f"SMTP failure: {type(exc).__name__}: {exc}")


class SmtpChannel:
    def __init__(self, config: SmtpConfig) -> None:
        self.name = config.name
        self.org = config.org
        self.config = config

    async def send(self, record: dict[str, Any], *, idempotency_key: str) -> None:
        require(record, "id", "severity", "kind")
        cfg = self.config
        try:
            message = build_message(
                record, sender=cfg.sender, recipients=cfg.recipients, idempotency_key=idempotency_key
            )
        except (TypeError, ValueError) as exc:
            raise DeliveryError(False, f"cannot build the e-mail: {exc}") from exc
        try:
            refused, _ = await aiosmtplib.send(
                message,
                hostname=cfg.host,
                port=cfg.port,
                username=cfg.username,
                password=cfg.password.get_secret_value() if cfg.password else None,
                use_tls=cfg.security == "tls",
                start_tls=cfg.security == "starttls",
                tls_context=ssl.create_default_context() if cfg.security != "none" else None,
                timeout=cfg.timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise classify_smtp_error(exc) from exc
        if refused:
            # Some recipients got it; re-sending would duplicate for them. Delivered, with a loud log.
            log.warning(
                "e-mail channel %s: recipients refused for %s: %s", self.name, idempotency_key, refused
            )

    async def close(self) -> None:
        """Nothing held open: one SMTP session per alert keeps a dead relay from wedging the channel."""
