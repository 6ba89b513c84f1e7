"""Framed lines that are not vectorised position reports: the reference payload decoder, memoised.

Static and voyage reports (types 5, 24), base-station reports of few stations and the rarer types
still need pyais' field tables and normalise.py's rules; re-implementing them would be a second
decoder to keep in step. Instead the payload of such a line (or of a two-part message paired
here) goes to :func:`~seawarden.decode.normalise.decode_payload` itself, once per distinct
payload: vessels repeat the same type 5 / 24 payload every few minutes for a whole voyage, so a
memo turns most of them into a dictionary hit plus a ``Message`` built from the cached values.
"""

import copy
import logging
from typing import Any

from seawarden.decode.nmea import FramingError
from seawarden.decode.normalise import decode_payload
from seawarden.types import Message, TimeSource

log = logging.getLogger(__name__)

ARMOUR = bytes(range(48, 88)) + bytes(range(96, 120))  # six-bit armoured characters (as nmea._PAYLOAD_RE)
_FIELDS: tuple[str, ...] = Message.__slots__  # type: ignore[assignment]  # dataclass field order
_ENVELOPE = ("timestamp", "time_source", "source", "channel", "talker", "raw")
_AT = {name: _FIELDS.index(name) for name in (*_ENVELOPE, "extra")}
_REJECTED = object()
Template = tuple[tuple[Any, ...], bool]  # (Message field values, extra has nested containers)


def is_armoured(payload: bytes) -> bool:
    return bool(payload) and not payload.translate(None, ARMOUR)


def _copy_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``extra`` whose nested values (application data lists/dicts) are copied too."""
    return {k: copy.deepcopy(v) if isinstance(v, dict | list) else v for k, v in extra.items()}


class PayloadMemo:
    """``decode_payload`` results by (payload, fill bits); bounded, cleared when full."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self.hits = 0
        self.misses = 0
        self._cache: dict[tuple[str, int], Any] = {}

    def template(self, payload: str, fill: int) -> Template | None:
        """The reference's decoded values for this payload (None: the reference rejects it)."""
        key = (payload, fill)
        template = self._cache.get(key)
        if template is None:
            self.misses += 1
            try:
                decoded = decode_payload(payload, fill, timestamp=0.0)
            except Exception as exc:  # the reference decoder rejects these lines, each in its own words
                if not isinstance(exc, FramingError):
                    log.warning("payload %r: %r; left to the reference decoder", payload[:60], exc)
                template = _REJECTED
            else:
                extra = decoded.extra
                nested = extra is not None and any(isinstance(v, dict | list) for v in extra.values())
                template = (tuple(getattr(decoded, name) for name in _FIELDS), nested)
            if len(self._cache) >= self.max_entries:
                self._cache.clear()  # rows keep their template objects; only the lookup is reset
            self._cache[key] = template
        else:
            self.hits += 1
        return None if template is _REJECTED else template  # type: ignore[return-value]


def build(
    template: Template,
    timestamp: float,
    time_source: TimeSource,
    source: str,
    channel: str | None,
    talker: str,
    raw: str | None,
) -> Message:
    """A Message from cached values and this line's envelope; each message owns its ``extra``."""
    fields, nested = template
    values = list(fields)
    at = _AT
    values[at["timestamp"]] = timestamp
    values[at["time_source"]] = time_source
    values[at["source"]] = source
    values[at["channel"]] = channel
    values[at["talker"]] = talker
    values[at["raw"]] = raw
    extra = values[at["extra"]]
    if extra is not None:
        values[at["extra"]] = _copy_extra(extra) if nested else dict(extra)
    return Message(*values)
