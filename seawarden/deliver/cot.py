"""Alert record -> Cursor-on-Target event (the XML TAK/ATAK/WinTAK map clients draw).

Built with the standard library rather than pytak's helpers, which stamp the current wall-clock time
inside (untestable) and warn on import without optional extras. The uid is derived from the alert id,
so an updated alert moves the same marker instead of adding one; ``stale`` makes the marker expire
when nobody updates it. Affiliation follows severity: hostile, suspect or unknown surface track.
"""

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from seawarden.deliver.errors import DeliveryError
from seawarden.deliver.summary import one_line, vessel_label
from seawarden.types import Severity

UNKNOWN_ERROR = "9999999.0"  # CoT's "not known" value for ce/le/hae


def cot_time(ts: float) -> str:
    """CoT dateTime: UTC, milliseconds, ``Z``."""
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def cot_type(severity: Severity, *, hostile_min: Severity | None, suspect_min: Severity) -> str:
    """``a-h-S`` hostile, ``a-s-S`` suspect, ``a-u-S`` unknown surface track (MIL-STD-2525 atoms)."""
    if hostile_min is not None and severity >= hostile_min:
        return "a-h-S"
    if severity >= suspect_min:
        return "a-s-S"
    return "a-u-S"


def alert_uid(record: Mapping[str, Any]) -> str:
    return f"SeaWarden.alert.{one_line(record['id'], 100).replace(' ', '_')}"


def alert_to_cot(
    record: Mapping[str, Any],
    *,
    now: float,
    stale_minutes: float = 30.0,
    ce_m: float = 50.0,
    hostile_min: Severity | None = Severity.CRITICAL,
    suspect_min: Severity = Severity.HIGH,
) -> ET.Element:
    """The CoT ``<event>`` for an alert; DeliveryError (not retryable) if it has no usable position."""
    lat, lon = record.get("lat"), record.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        raise DeliveryError(False, f"alert {record.get('id')} has no position to put on a map")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise DeliveryError(False, f"alert {record.get('id')} has an impossible position {lat}, {lon}")
    if not record.get("id"):
        raise DeliveryError(False, "alert record has no id")
    try:
        severity = Severity.parse(str(record.get("severity", "")))
    except ValueError as exc:
        raise DeliveryError(False, f"alert {record.get('id')}: {exc}") from exc

    event = ET.Element(
        "event",
        {
            "version": "2.0",
            "uid": alert_uid(record),
            "type": cot_type(severity, hostile_min=hostile_min, suspect_min=suspect_min),
            "how": "m-g",
            "time": cot_time(now),
            "start": cot_time(now),
            "stale": cot_time(now + stale_minutes * 60.0),
        },
    )
    ET.SubElement(
        event,
        "point",
        {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "hae": "0.0", "ce": f"{ce_m:.1f}", "le": UNKNOWN_ERROR},
    )
    detail = ET.SubElement(event, "detail")
    callsign = one_line(record.get("name") or "", 60) or vessel_label(record)
    ET.SubElement(detail, "contact", {"callsign": callsign})
    releasability = record.get("releasability") or []
    marking = ", ".join(str(c) for c in releasability) if isinstance(releasability, list) else ""
    remarks = ET.SubElement(detail, "remarks", {"source": "SeaWarden", "time": cot_time(now)})
    head = f"REL TO {marking}. " if marking else ""
    remarks.text = (
        head
        + f"[{severity.label.upper()}] {record.get('kind', 'alert')}: "
        + str(record.get("explanation") or vessel_label(record))
    )
    ET.SubElement(
        detail,
        "seawarden",
        {
            k: str(v)
            for k, v in {
                "alert_id": record.get("id"),
                "version": record.get("version"),
                "kind": record.get("kind"),
                "severity": severity.label,
                "risk": record.get("risk"),
                "mmsi": record.get("mmsi"),
                "imo": record.get("imo"),
                "area": record.get("area"),
                "infrastructure": record.get("infrastructure"),
                "alert_time": record.get("time"),
                "releasability": marking,
            }.items()
            if v not in (None, "")
        },
    )
    return event


def to_bytes(event: ET.Element) -> bytes:
    """Serialised event with an XML declaration; TAK servers split the TCP stream on ``</event>``."""
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + ET.tostring(event, encoding="utf-8")
