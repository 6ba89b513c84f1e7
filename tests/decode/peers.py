"""Helpers to compare our decode with other decoders' expected output (gpsd .chk, libais .json)."""

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seawarden.decode import Decoder, Reject
from seawarden.types import Message

CORPORA = Path(__file__).resolve().parents[1] / "data" / "corpora"


def decode_file(path: Path, **kwargs: Any) -> tuple[list[Message], list[Reject], Decoder]:
    rejects: list[Reject] = []
    decoder = Decoder(path.name, keep_raw=True, on_reject=rejects.append, clock=lambda: 1.7e9, **kwargs)
    with path.open(encoding="utf-8", errors="replace") as lines:
        messages = list(decoder.feed_lines(lines))
    messages += decoder.flush()
    return messages, rejects, decoder


def by_sentences(messages: list[Message]) -> dict[str, Message]:
    """Message keyed by its sentence(s), one per line (what gpsd echoes before its JSON)."""
    out: dict[str, Message] = {}
    for msg in messages:
        assert msg.raw is not None
        out[msg.raw] = msg
    return out


def gpsd_expected(chk: Path) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """(AIS sentences echoed before it, newest last; gpsd AIS JSON) pairs from a gpsd .chk file."""
    recent: list[str] = []
    for line in chk.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("!"):
            recent = [*recent[-8:], line.strip()]
        elif line.startswith("{") and '"class":"AIS"' in line:
            yield recent, json.loads(line)


def match(ours: dict[str, Message], recent: list[str]) -> Message | None:
    """Our message made of the last k echoed sentences (the shortest k that is one of ours)."""
    for k in range(1, len(recent) + 1):
        msg = ours.get("\n".join(recent[-k:]))
        if msg is not None:
            return msg
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("@", " ").split())
    return text or None


def _na(value: Any, sentinel: Any) -> Any:
    return None if value is None or value == sentinel else value


def _gpsd_lat(doc: dict[str, Any], key: str) -> float | None:
    """gpsd unscaled position -> degrees (None for the N/A sentinel)."""
    raw = doc.get(key)
    if raw is None:
        return None
    scale = 600.0 if doc["type"] in (17, 27) else 600000.0
    sentinel = (91 if key == "lat" else 181) * scale
    return None if raw == sentinel else raw / scale


def _gpsd_speed(doc: dict[str, Any]) -> float | None:
    raw = doc.get("speed")
    if doc["type"] == 27:
        return _na(raw, 63)
    if doc["type"] == 9:
        return _na(raw, 1023)
    return None if raw is None or raw == 1023 else raw / 10.0


def _gpsd_course(doc: dict[str, Any]) -> float | None:
    raw = doc.get("course")
    if doc["type"] == 27:
        return _na(raw, 511)
    return None if raw is None or raw == 3600 else raw / 10.0


# field name -> (gpsd value in our units, our value)
GPSD_FIELDS: dict[str, tuple[Callable[[dict[str, Any]], Any], Callable[[Message], Any]]] = {
    "mmsi": (lambda d: d["mmsi"], lambda m: m.mmsi),
    "lat": (lambda d: _gpsd_lat(d, "lat"), lambda m: m.lat),
    "lon": (lambda d: _gpsd_lat(d, "lon"), lambda m: m.lon),
    "speed": (_gpsd_speed, lambda m: m.sog),
    "course": (_gpsd_course, lambda m: m.cog),
    "heading": (lambda d: _na(d.get("heading"), 511), lambda m: m.heading),
    "status": (lambda d: d.get("status"), lambda m: m.nav_status),
    "imo": (lambda d: _na(d.get("imo"), 0), lambda m: m.imo),
    "shipname": (lambda d: _text(d.get("shipname") or d.get("name")), lambda m: _text(m.name)),
    "callsign": (lambda d: _text(d.get("callsign")), lambda m: _text(m.callsign)),
    "shiptype": (lambda d: _na(d.get("shiptype"), 0), lambda m: m.ship_type),
    "to_bow": (lambda d: d.get("to_bow"), lambda m: m.to_bow),
    "to_stern": (lambda d: d.get("to_stern"), lambda m: m.to_stern),
    "to_port": (lambda d: d.get("to_port"), lambda m: m.to_port),
    "to_starboard": (lambda d: d.get("to_starboard"), lambda m: m.to_starboard),
    "destination": (lambda d: _text(d.get("destination")), lambda m: _text(m.destination)),
    "draught": (lambda d: _na(d.get("draught"), 0), lambda m: None if m.draught is None else m.draught * 10),
}


def same(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, float) or isinstance(actual, float):
        return abs(float(expected) - float(actual)) < 1.5e-6 * max(1.0, abs(float(expected)))
    return expected == actual


@dataclass
class Agreement:
    compared: int = 0  # peer messages compared
    missing: list[str] = field(default_factory=list)  # sentences the peer decodes and we do not
    agree: Counter[str] = field(default_factory=Counter)
    mismatches: list[str] = field(default_factory=list)

    def check(self, name: str, expected: Any, actual: Any, where: str) -> None:
        if same(expected, actual):
            self.agree[name] += 1
        else:
            self.mismatches.append(f"{where}: {name} peer={expected!r} ours={actual!r}")


def compare_gpsd(log: Path, chk: Path) -> Agreement:
    messages, _rejects, _decoder = decode_file(log)
    ours = by_sentences(messages)
    result = Agreement()
    for recent, doc in gpsd_expected(chk):
        sentence = recent[-1] if recent else ""
        msg = match(ours, recent)
        if msg is None:
            result.missing.append(sentence)
            continue
        result.compared += 1
        for name, (peer, mine) in GPSD_FIELDS.items():
            keys = ("shipname", "name") if name == "shipname" else (name,)
            if doc["type"] in (6, 8) and name != "mmsi":
                continue  # application payload fields (met-hydro, inland ERI ...) are not ship fields
            if doc["type"] == 24 and (name == "shipname") != (msg.part_num == 0):
                continue  # gpsd merges the cached other half of type 24 into each report
            if any(key in doc for key in keys):
                result.check(name, peer(doc), mine(msg), f"{log.name} {sentence[:40]}")
    return result
