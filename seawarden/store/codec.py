"""Checking and cleaning what goes into the database.

Why: an alert record is built from detector output; a NumPy scalar or a NaN in its evidence must
not make PostgreSQL refuse the transaction (and with it the outbox item) at 3 a.m. Records are
made strictly JSON-safe here, and records that cannot be stored are rejected with a reason.
"""

import math
from collections.abc import Mapping
from typing import Any

from seawarden.types import Alert, AlertKind, Severity

MAX_ID_LENGTH = 160
MAX_ERROR_LENGTH = 2000


def json_safe(value: Any) -> Any:
    """A copy of ``value`` strict JSON accepts: NaN/inf -> None, NumPy scalars -> Python, sets -> lists."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [json_safe(v) for v in items]
    item = getattr(value, "item", None)  # NumPy scalars
    if callable(item):
        try:
            return json_safe(item())
        except (TypeError, ValueError):
            pass
    return str(value)


def finite_or_none(value: float | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def alert_problem(alert: Alert) -> str | None:
    """Why ``alert`` cannot be stored, or None when it can."""
    if not isinstance(alert.id, str) or not alert.id.strip():
        return "missing id"
    if len(alert.id) > MAX_ID_LENGTH:
        return f"id longer than {MAX_ID_LENGTH} characters"
    if not isinstance(alert.version, int) or isinstance(alert.version, bool) or alert.version < 1:
        return f"version must be a positive integer, got {alert.version!r}"
    try:
        AlertKind(alert.kind)
        Severity(alert.severity)
    except ValueError as exc:
        return str(exc)
    if not isinstance(alert.mmsi, int) or alert.mmsi < 0:
        return f"bad mmsi {alert.mmsi!r}"
    try:
        if not math.isfinite(float(alert.time)):
            return "time is not a finite number"
        if not math.isfinite(float(alert.risk)):
            return "risk is not a finite number"
    except (TypeError, ValueError):
        return "time and risk must be numbers"
    if (
        alert.lat is not None
        and alert.lon is not None
        and not (-90.0 <= alert.lat <= 90.0 and -180.0 <= alert.lon <= 180.0)
    ):
        return f"position out of range ({alert.lat}, {alert.lon})"
    return None


def point_problem(lat: float, lon: float, t: float) -> str | None:
    """Why a track point cannot be stored, or None."""
    try:
        if not (math.isfinite(lat) and math.isfinite(lon) and math.isfinite(t)):
            return "non-finite value"
    except TypeError:
        return "missing value"
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return f"position out of range ({lat}, {lon})"
    return None


def clip_error(text: str) -> str:
    """Delivery errors can be whole HTML pages; keep the start, which says what happened."""
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"
