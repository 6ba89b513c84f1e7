"""Human text for an alert record: what a watch officer reads first at 3 a.m.

Used by the e-mail channel (subject and body) and by TAK remarks. Works on the JSON record, tolerating
missing fields, because the record is the contract every channel shares.
"""

from collections.abc import Mapping
from typing import Any


def one_line(text: object, limit: int = 200) -> str:
    """One line, no control characters (header injection), bounded length."""
    flat = " ".join(str(text).split())
    flat = "".join(c for c in flat if c.isprintable())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def vessel_label(record: Mapping[str, Any]) -> str:
    """``EAGLE S (518998865)``, or the MMSI alone when the vessel never broadcast a name."""
    name = one_line(record.get("name") or "", 60)
    mmsi = record.get("mmsi")
    if name and mmsi is not None:
        return f"{name} ({mmsi})"
    return name or (f"MMSI {mmsi}" if mmsi is not None else "unknown vessel")


def place_label(record: Mapping[str, Any]) -> str:
    """The asset if there is one (what is at risk), else the area."""
    return one_line(record.get("infrastructure") or record.get("area") or "", 80)


def subject(record: Mapping[str, Any]) -> str:
    """``[SeaWarden HIGH] anchor_drag_suspected EAGLE S (518998865) near estlink-2``."""
    severity = one_line(record.get("severity") or "unknown", 20).upper()
    parts = [f"[SeaWarden {severity}]", one_line(record.get("kind") or "alert", 40), vessel_label(record)]
    place = place_label(record)
    if place:
        parts.append(f"near {place}")
    version = record.get("version")
    if isinstance(version, int) and version > 1:
        parts.append(f"(update {version})")
    return one_line(" ".join(parts), 250)


def _position(record: Mapping[str, Any]) -> str:
    lat, lon = record.get("lat"), record.get("lon")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return "unknown"
    ns, ew = ("N" if lat >= 0 else "S"), ("E" if lon >= 0 else "W")
    return f"{abs(lat):.5f}°{ns} {abs(lon):.5f}°{ew}"


def _evidence_lines(record: Mapping[str, Any], limit: int = 10) -> list[str]:
    items = record.get("evidence")
    if not isinstance(items, list):
        return []
    lines = []
    for item in items[:limit]:
        if not isinstance(item, Mapping):
            continue
        what = one_line(item.get("explanation") or item.get("kind") or "", 300)
        lines.append(f"  - {one_line(item.get('time') or '?', 30)}  {what}")
    if len(items) > limit:
        lines.append(f"  ... and {len(items) - limit} more (see the attached JSON)")
    return lines


def plain_text(record: Mapping[str, Any]) -> str:
    """The e-mail body: releasability marking, the facts, the explanation, the evidence."""
    releasability = record.get("releasability") or []
    marking = ", ".join(str(c) for c in releasability) if isinstance(releasability, list) else "?"
    rows = [
        (
            "Alert",
            f"{record.get('kind', '?')} - severity {str(record.get('severity', '?')).upper()}, "
            f"risk {record.get('risk', '?')}/100",
        ),
        ("Vessel", vessel_label(record)),
        ("IMO", record.get("imo") or "-"),
        ("Flag", record.get("flag") or "-"),
        ("Time (UTC)", record.get("time") or "?"),
        ("Position", _position(record)),
        ("Infrastructure", record.get("infrastructure") or "-"),
        ("Area", record.get("area") or "-"),
        (
            "Alert id",
            f"{record.get('id', '?')} (version {record.get('version', 1)}, {record.get('status', '?')})",
        ),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"RELEASABLE TO: {marking}", ""]
    lines += [f"{k.ljust(width)} : {one_line(v, 300)}" for k, v in rows]
    explanation = str(record.get("explanation") or "").strip()
    if explanation:
        lines += ["", "Why:", explanation]
    evidence = _evidence_lines(record)
    if evidence:
        lines += ["", "Evidence:", *evidence]
    lines += [
        "",
        "The full alert record (JSON) is attached.",
        "SeaWarden flags behaviour for a person to judge; it is not proof of intent.",
    ]
    return "\n".join(lines) + "\n"
