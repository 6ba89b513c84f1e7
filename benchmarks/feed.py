"""A seeded, realistic North Sea / Baltic AIS feed of millions of lines, generated in seconds.

Why generated: the benchmark needs a feed far larger than the public samples, with the message
mix of a national coastal network. The mix by message (per Kystverket's and DMA's public samples
and ITU-R M.1371 reporting rates: class A positions dominate, then class B, static/voyage data
and base stations) is in ``MIX``. Each line carries a Kystverket-style tag block
``\\s:<station>,c:<epoch>*hh\\`` so that replays have receive times.

Speed: position reports (types 1/2/3/18, the bulk) are packed, armoured and checksummed with
NumPy; static and voyage data (types 5 two-part, 24) come from a pool encoded once with pyais'
encoder, and the rare types 19 and 27 are encoded with pyais one by one at the vessel's position
of the moment; all are stamped with their tag block in Python. Vessels move on straight legs, so
the tracker and detectors see plausible tracks.

Like real traffic, each vessel carries one transponder class: class A vessels send types 1/2/3/5/27
and class B vessels types 18/19/24, and a vessel's static data never changes. (Before format 3 any
vessel sent any type and its type 19/27 reports sat at its starting point, so thousands of vessels
"changed identity" and "jumped" every minute: a pathological feed, not a realistic one.)
"""

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyais.encode import encode_dict

FORMAT_VERSION = 3  # bump when the generator changes, so cached feeds are rebuilt
T0 = 1_717_200_000  # 2024-06-01 00:00 UTC
RATE_PER_S = 1500.0  # messages per second of a national coastal network (both seas)
STATIONS = [f"{2570000 + 137 * i}" for i in range(24)]  # 7-character receiver ids, Kystverket style
# share of messages by type (types 5 are two sentences each)
MIX = {1: 0.56, 2: 0.02, 3: 0.12, 18: 0.13, 5: 0.05, 24: 0.05, 4: 0.05, 19: 0.01, 27: 0.01}
# the same traffic without static, voyage and base-station reports (a positions-only filtered feed)
POSITIONS_ONLY = {1: 0.70, 2: 0.02, 3: 0.13, 18: 0.15}
MIXES = {"mixed": MIX, "positions": POSITIONS_ONLY}
# sea boxes (lat_min, lat_max, lon_min, lon_max):
# North Sea, Skagerrak/Kattegat, Baltic proper, Gulf of Finland
SEA_BOXES = [
    (52.0, 58.5, 1.0, 7.5),
    (56.5, 58.3, 8.5, 12.0),
    (54.5, 59.5, 13.5, 21.0),
    (59.3, 60.4, 22.0, 29.0),
]
POSITION_TYPES = (1, 2, 3, 18)
VECTOR_TYPES = (*POSITION_TYPES, 4)  # generated with NumPy; the rest come from the pyais-encoded pool
BASE_STATIONS = 40
POOL_VESSELS = 4000  # vessels with static reports (encoding more with pyais would slow generation)
CLASS_B_SHARE = 0.2  # vessels with a class B transponder (leisure craft, small fishing and work boats)
CLASS_A_TYPES = (1, 2, 3, 5, 27)
CLASS_B_TYPES = (18, 19, 24)
STATIC_TYPES = (5, 24)  # from the pool of pyais-encoded reports


@dataclass(frozen=True)
class Fleet:
    """Vessels on straight legs: position at time t = start + velocity * (t - T0)."""

    mmsi: np.ndarray
    lat0: np.ndarray
    lon0: np.ndarray
    sog: np.ndarray  # knots
    cog: np.ndarray  # degrees
    status: np.ndarray  # nav status (0 under way, 1 at anchor, 5 moored)
    class_b: np.ndarray  # bool: the vessel's transponder is class B

    @classmethod
    def random(cls, rng: np.random.Generator, n: int) -> "Fleet":
        box = np.array(SEA_BOXES)[rng.integers(len(SEA_BOXES), size=n)]
        moving = rng.random(n) < 0.7
        mid = rng.choice([219, 220, 230, 244, 245, 257, 258, 259, 261, 265, 266, 273, 276, 636, 538], size=n)
        return cls(
            mmsi=mid * 1_000_000 + rng.integers(0, 1_000_000, size=n),
            lat0=rng.uniform(box[:, 0], box[:, 1]),
            lon0=rng.uniform(box[:, 2], box[:, 3]),
            sog=np.where(moving, rng.uniform(4.0, 18.0, n), rng.uniform(0.0, 0.4, n)),
            cog=rng.uniform(0.0, 360.0, n),
            status=np.where(moving, 0, rng.choice([1, 5], size=n)),
            class_b=rng.random(n) < CLASS_B_SHARE,
        )

    def position(self, vessel: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hours = (t - T0) / 3600.0
        dist_nm = self.sog[vessel] * hours
        rad = np.radians(self.cog[vessel])
        lat = self.lat0[vessel] + dist_nm * np.cos(rad) / 60.0
        lon = self.lon0[vessel] + dist_nm * np.sin(rad) / (60.0 * np.cos(np.radians(self.lat0[vessel])))
        return np.clip(lat, -89.0, 89.0), (lon + 180.0) % 360.0 - 180.0


def _armour(values: list[tuple[np.ndarray, int]], chars: int) -> np.ndarray:
    """Pack (value, width) fields MSB first into ``chars`` armoured six-bit characters per row."""
    n = len(values[0][0])
    bits = np.zeros((n, chars * 6), dtype=np.uint8)
    pos = 0
    for value, width in values:
        raw = np.asarray(value, dtype=np.int64) & ((1 << width) - 1)
        shifts = np.arange(width - 1, -1, -1)
        bits[:, pos : pos + width] = (raw[:, None] >> shifts) & 1
        pos += width
    six = bits.reshape(n, chars, 6) @ np.array([32, 16, 8, 4, 2, 1], dtype=np.uint8)
    return np.where(six < 40, six + 48, six + 56).astype(np.uint8)


def _position_payloads(rng: np.random.Generator, fleet: Fleet, vessel, t, msg_type) -> np.ndarray:
    n = len(vessel)
    lat, lon = fleet.position(vessel, t)
    sog = np.round(fleet.sog[vessel] * 10 + rng.normal(0, 2, n)).clip(0, 1022)
    cog = np.round((fleet.cog[vessel] + rng.normal(0, 2, n)) % 360 * 10)
    heading = np.where(rng.random(n) < 0.08, 511, np.round(fleet.cog[vessel]) % 360)
    second = (t.astype(np.int64) + rng.integers(0, 3, n)) % 60
    lon_raw, lat_raw = np.round(lon * 600_000), np.round(lat * 600_000)
    repeat = (rng.random(n) < 0.03).astype(np.int64)
    if msg_type == 18:
        fields = [
            (np.full(n, 18), 6), (repeat, 2), (fleet.mmsi[vessel], 30), (np.zeros(n), 8), (sog, 10),
            (rng.integers(0, 2, n), 1), (lon_raw, 28), (lat_raw, 27), (cog, 12), (heading, 9), (second, 6),
            (np.zeros(n), 2), (np.ones(n), 1), (np.zeros(n), 1), (np.ones(n), 1), (np.ones(n), 1),
            (np.ones(n), 1), (np.zeros(n), 1), (rng.integers(0, 2, n), 1), (rng.integers(0, 1 << 20, n), 20),
        ]  # fmt: skip
    else:
        turn = np.where(rng.random(n) < 0.2, -128, rng.integers(-30, 31, n))
        fields = [
            (np.full(n, msg_type), 6), (repeat, 2), (fleet.mmsi[vessel], 30), (fleet.status[vessel], 4),
            (turn, 8), (sog, 10), (rng.integers(0, 2, n), 1), (lon_raw, 28), (lat_raw, 27), (cog, 12),
            (heading, 9), (second, 6), (np.zeros(n), 2), (np.zeros(n), 3), (rng.integers(0, 2, n), 1),
            (rng.integers(0, 1 << 19, n), 19),
        ]  # fmt: skip
    return _armour(fields, 28)


def _base_station_payloads(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Type 4 reports of BASE_STATIONS coastal stations: their UTC time changes every report."""
    n = len(t)
    station = rng.integers(0, BASE_STATIONS, n)
    box = np.array(SEA_BOXES)[station % len(SEA_BOXES)]
    lat = box[:, 0] + (box[:, 1] - box[:, 0]) * ((station * 37) % 100) / 100.0
    lon = box[:, 2] + (box[:, 3] - box[:, 2]) * ((station * 61) % 100) / 100.0
    when = t.astype("datetime64[s]")
    days = when.astype("datetime64[D]")
    secs = (when - days).astype(np.int64)
    year = when.astype("datetime64[Y]").astype(np.int64) + 1970
    month = when.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    fields = [
        (np.full(n, 4), 6), (np.zeros(n), 2), (2_190_000 + station, 30), (year, 14), (month, 4), (day, 5),
        (secs // 3600, 5), (secs // 60 % 60, 6), (secs % 60, 6), (np.ones(n), 1),
        (np.round(lon * 600_000), 28),
        (np.round(lat * 600_000), 27), (np.ones(n), 4), (np.zeros(n), 10), (np.zeros(n), 1),
        (rng.integers(0, 1 << 19, n), 19),
    ]  # fmt: skip
    return _armour(fields, 28)


def _tag_rows(station: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``\\s:SSSSSSS,c:TTTTTTTTTT*hh\\`` rows (fixed width 29)."""
    n = len(t)
    names = np.frombuffer("".join(STATIONS).encode(), dtype=np.uint8).reshape(len(STATIONS), 7)
    digits = (t.astype(np.int64)[:, None] // 10 ** np.arange(9, -1, -1)) % 10 + ord("0")
    body = np.concatenate(
        [np.tile(np.frombuffer(b"s:", np.uint8), (n, 1)), names[station],
         np.tile(np.frombuffer(b",c:", np.uint8), (n, 1)), digits.astype(np.uint8)], axis=1,
    )  # fmt: skip
    return np.concatenate(
        [np.full((n, 1), ord("\\"), np.uint8), body, np.full((n, 1), ord("*"), np.uint8), _hex(body),
         np.full((n, 1), ord("\\"), np.uint8)], axis=1,
    )  # fmt: skip


def _hex(body: np.ndarray) -> np.ndarray:
    digits = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
    xor = np.bitwise_xor.reduce(body, axis=1)
    return np.stack([digits[xor >> 4], digits[xor & 15]], axis=1)


def _position_lines(payload: np.ndarray, channel: np.ndarray) -> np.ndarray:
    n = len(payload)
    head = np.tile(np.frombuffer(b"AIVDM,1,1,,A,", np.uint8), (n, 1))
    head[:, -2] = channel
    body = np.concatenate([head, payload, np.tile(np.frombuffer(b",0", np.uint8), (n, 1))], axis=1)
    return np.concatenate(
        [np.full((n, 1), ord("!"), np.uint8), body, np.full((n, 1), ord("*"), np.uint8), _hex(body),
         np.full((n, 1), ord("\n"), np.uint8)], axis=1,
    )  # fmt: skip


def _pool(rng: np.random.Generator, fleet: Fleet, size: int) -> dict[int, list[list[str]]]:
    """Static reports of the first ``size`` vessels, encoded once with pyais (vessel i: entry i).

    Like real static and voyage data they repeat unchanged for a vessel through the feed: type 5
    for class A vessels, the two parts of type 24 for class B vessels (an empty entry for the other
    class, which never sends that type).
    """
    kw = {"talker_id": "AI", "sentence_type": "VDM"}
    pool: dict[int, list[list[str]]] = {5: [], 24: []}
    for i in range(size):
        mmsi, name = int(fleet.mmsi[i]), _name(i)
        if fleet.class_b[i]:
            pool[5].append([])
            pool[24].append([
                *encode_dict({"type": 24, "mmsi": mmsi, "partno": 0, "shipname": name}, **kw),
                *encode_dict({
                    "type": 24, "mmsi": mmsi, "partno": 1, "ship_type": 37, "callsign": f"SB{i:04d}",
                    "to_bow": 8, "to_stern": 4, "to_port": 2, "to_starboard": 2,
                }, **kw),
            ])  # fmt: skip
            continue
        pool[24].append([])
        pool[5].append(encode_dict({
            "type": 5, "mmsi": mmsi, "imo": imo_number(900_000 + i), "callsign": f"OZ{i % 1000:03d}",
            "shipname": name,
            "ship_type": int(rng.choice([30, 52, 60, 70, 80])), "to_bow": 80, "to_stern": 20, "to_port": 8,
            "to_starboard": 8, "draught": 6.5, "destination": PORTS[i % len(PORTS)], "month": 6, "day": 3,
            "hour": 12, "minute": 30, "epfd": 1,
        }, seq_id=i % 10, radio_channel="AB"[i % 2], **kw))  # fmt: skip
    return pool


NAMES = ["NORDIC STAR", "BALTIC TRADER", "SEA FALCON", "STENA FREIGHTER", "VIKING GRACE", "ATLANTIC"]
PORTS = ["GDANSK", "ROTTERDAM", "GOTHENBURG", "HELSINKI", "KIEL", "ST PETERSBURG", "AARHUS"]


def imo_number(serial: int) -> int:
    """A valid IMO number (its check digit) from a six-digit serial: real ships' IMOs pass the check."""
    digits = [int(d) for d in f"{serial:06d}"]
    return serial * 10 + sum(d * (7 - i) for i, d in enumerate(digits)) % 10


def _name(vessel: int) -> str:
    return f"{NAMES[vessel % len(NAMES)]} {vessel % 97}"


def _now_report(fleet: Fleet, vessel: int, t: float, msg_type: int) -> list[str]:
    """A type 19 (class B extended) or 27 (long range) report at the vessel's position at ``t``."""
    lat, lon = (float(v[0]) for v in fleet.position(np.array([vessel]), np.array([t])))
    sog, cog = round(float(fleet.sog[vessel]), 1), round(float(fleet.cog[vessel]), 1)
    kw = {"talker_id": "AI", "sentence_type": "VDM"}
    mmsi = int(fleet.mmsi[vessel])
    if msg_type == 19:
        return encode_dict({
            "type": 19, "mmsi": mmsi, "speed": sog, "lon": lon, "lat": lat, "course": cog,
            "heading": int(cog) % 360, "second": int(t) % 60, "shipname": _name(vessel), "ship_type": 37,
            "to_bow": 8, "to_stern": 4, "to_port": 2, "to_starboard": 2, "epfd": 1,
        }, **kw)  # fmt: skip
    return encode_dict({
        "type": 27, "mmsi": mmsi, "lon": lon, "lat": lat, "speed": min(62, round(sog)), "course": int(cog),
        "status": int(fleet.status[vessel]),
    }, **kw)  # fmt: skip


def generate(messages: int, seed: int = 42, mix: str = "mixed") -> bytes:
    """The feed as bytes: ``messages`` AIS messages (type 5 spans two lines), in time order."""
    shares = MIXES[mix]
    rng = np.random.default_rng(seed)
    fleet = Fleet.random(rng, max(200, min(20_000, messages // 100)))
    types = np.array(list(shares))
    msg_type = rng.choice(types, size=messages, p=np.array(list(shares.values())) / sum(shares.values()))
    t = np.floor(T0 + np.arange(messages) / RATE_PER_S)
    vessel = _senders(rng, fleet, msg_type)
    station = rng.integers(len(STATIONS), size=messages)
    tags = _tag_rows(station, t)
    lines: list[bytes | None] = [None] * messages
    for kind in VECTOR_TYPES:
        rows = np.flatnonzero(msg_type == kind)
        for lo in range(0, len(rows), 200_000):  # bounded temporary memory
            part = rows[lo : lo + 200_000]
            if kind == 4:
                payload = _base_station_payloads(rng, t[part])
            else:
                payload = _position_payloads(rng, fleet, vessel[part], t[part], kind)
            text = np.concatenate(
                [tags[part], _position_lines(payload, rng.choice([65, 66], len(part)))], axis=1
            )
            blob, width = text.tobytes(), text.shape[1]
            for j, row in enumerate(part.tolist()):
                lines[row] = blob[j * width : (j + 1) * width]
    pool = _pool(rng, fleet, min(len(fleet.mmsi), POOL_VESSELS))
    for row in np.flatnonzero(~np.isin(msg_type, VECTOR_TYPES)).tolist():
        kind, sender = int(msg_type[row]), int(vessel[row])
        if kind in STATIC_TYPES:
            group = pool[kind][sender]
        else:
            group = _now_report(fleet, sender, float(t[row]), kind)
        tag = tags[row].tobytes()
        lines[row] = b"".join(tag + s.encode() + b"\n" for s in group)
    return b"".join(lines)  # type: ignore[arg-type]


def _senders(rng: np.random.Generator, fleet: Fleet, msg_type: np.ndarray) -> np.ndarray:
    """The vessel sending each message: one of its transponder class, any vessel for type 4 rows
    (ignored: base stations have their own identities), a pool vessel for static reports."""
    vessel = rng.integers(len(fleet.mmsi), size=len(msg_type))
    pooled = np.arange(len(fleet.mmsi)) < POOL_VESSELS
    for types, wanted in ((CLASS_A_TYPES, False), (CLASS_B_TYPES, True)):
        for static in (False, True):
            candidates = np.flatnonzero((fleet.class_b == wanted) & (pooled if static else True))
            rows = np.flatnonzero(np.isin(msg_type, types) & (np.isin(msg_type, STATIC_TYPES) == static))
            if len(rows) and len(candidates):
                vessel[rows] = candidates[rng.integers(len(candidates), size=len(rows))]
    return vessel


FAULTS = (
    "bad_checksum", "truncated", "garbage", "blank", "comment", "tag_only", "gatehouse", "crlf",
    "three_part", "split_pair", "lone_fragment", "bad_tag_checksum", "group_tag", "prefix_time",
)  # fmt: skip


def _three_part(rng: np.random.Generator) -> list[bytes]:
    """A type 8 binary broadcast long enough for three fragments (the reference path's business)."""
    data = "".join(rng.choice(list("0123456789abcdef"), size=180))
    sentences = encode_dict(
        {"type": 8, "mmsi": int(rng.integers(200_000_000, 280_000_000)), "dac": 1, "fid": 31, "data": data},
        talker_id="AI", sentence_type="VDM", seq_id=int(rng.integers(0, 10)),
    )  # fmt: skip
    return [s.encode() for s in sentences]


def _xor(body: bytes) -> int:
    value = 0
    for char in body:
        value ^= char
    return value


def _tagged(body: str) -> bytes:
    return b"\\%s*%02X\\" % (body.encode(), _xor(body.encode()))


def _resum(sentence: bytes) -> bytes:
    """``!...*hh`` with its checksum recomputed after an edit."""
    body = sentence[1 : sentence.rfind(b"*")]
    return b"!%s*%02X" % (body, _xor(body))


_GATEHOUSE_BODY = b"PGHP,1,2024,6,1,12,0,0,0,219,0,,1,00"
_GATEHOUSE = b"$%s*%02X" % (_GATEHOUSE_BODY, _xor(_GATEHOUSE_BODY))


def dirty(data: bytes, seed: int = 7, share: float = 0.05) -> bytes:
    """``data`` with about ``share`` of its lines hit by the faults real feeds have (see ``FAULTS``).

    For equivalence tests of the fast and reference decoders: every fault must come out the same
    way (same rejects, same reasons, same surviving messages) on both paths.
    """
    rng = np.random.default_rng(seed)
    out: list[bytes] = []
    lines = data.split(b"\n")
    for line in lines[:-1] if data.endswith(b"\n") else lines:
        if rng.random() >= share or not line:
            out.append(line)
            continue
        fault = FAULTS[int(rng.integers(len(FAULTS)))]
        bang = line.find(b"!")
        sentence = line[bang:] if bang >= 0 else line
        if fault == "bad_checksum":
            out.append(line[:-1] + (b"0" if line[-1:] != b"0" else b"1"))
        elif fault == "truncated":
            out.append(line[: int(rng.integers(1, len(line)))])
        elif fault == "garbage":
            noise = rng.integers(1, 256, size=int(rng.integers(1, 90)), dtype=np.uint8).tobytes()
            out.extend([noise.replace(b"\n", b"").replace(b"\r", b""), line])
        elif fault == "blank":
            out.extend([b"", b"   ", line])
        elif fault == "comment":
            out.extend([b"# receiver restarted", line])
        elif fault == "tag_only":
            out.extend([_tagged(f"c:{T0 + int(rng.integers(0, 86_400))}"), sentence])
        elif fault == "gatehouse":
            out.extend([_GATEHOUSE, sentence])
        elif fault == "crlf":
            out.append(line + b"\r")
        elif fault == "three_part":
            out.extend(_three_part(rng))
            out.append(line)
        elif fault == "split_pair" and b",2,1," in line and out:
            out.insert(max(0, len(out) - int(rng.integers(1, 4))), line)  # first part arrives early
        elif fault == "lone_fragment":
            out.extend([_resum(sentence.replace(b",1,1,", b",2,1,", 1)), line])  # its part 2 never comes
        elif fault == "bad_tag_checksum" and line.startswith(b"\\"):
            star = line.find(b"*")
            digit = b"0" if line[star + 1 : star + 2] != b"0" else b"1"
            out.append(line[: star + 1] + digit + line[star + 2 :])
        elif fault == "group_tag":
            out.append(_tagged(f"g:1-1-{int(rng.integers(1000))},c:{T0}") + sentence)
        elif fault == "prefix_time":
            out.append(b"%d " % (T0 + int(rng.integers(0, 86_400))) + sentence)
        else:
            out.append(line)
    return b"\n".join(out) + b"\n"


def cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "seawarden-bench"


def feed_path(messages: int, seed: int = 42, directory: Path | None = None, mix: str = "mixed") -> Path:
    """The cached feed file for (seed, size, mix), generated on first use."""
    directory = directory or cache_dir()
    name = f"feed-v{FORMAT_VERSION}-seed{seed}-{messages}" + ("" if mix == "mixed" else f"-{mix}")
    path = directory / f"{name}.nmea"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(generate(messages, seed, mix))
        tmp.replace(path)  # atomic: a killed run never leaves a truncated cache file
    return path


class Report(list[str]):
    """Report lines that are also printed as they come (a long benchmark shows progress)."""

    def say(self, text: str) -> None:
        self.append(text)
        print(text, flush=True)


def head_lines(data: bytes, lines: int) -> bytes:
    """The first ``lines`` lines, extended to keep a two-part message whole."""
    end = 0
    for _ in range(lines):
        end = data.find(b"\n", end) + 1
        if end == 0:
            return data
    while data[end:].startswith(b"\\") and b",2,2," in data[end : data.find(b"\n", end)]:
        end = data.find(b"\n", end) + 1
    return data[:end]


def feed_and_head(
    messages: int, seed: int, cache: Path | None, head: int, report: Report
) -> tuple[Path, bytes, bytes, Path]:
    """(feed path, feed bytes, its first ``head`` lines, a file holding them), reported as it goes.

    The slow baselines (pyais, the reference decoder, the replay) run on the head; the file is
    for pyais, which reads paths.
    """
    start = time.perf_counter()
    path = feed_path(messages, seed, cache)
    report.say(
        f"feed: {path} ({path.stat().st_size / 1e6:.1f} MB, ready in {time.perf_counter() - start:.1f} s)"
    )
    data = path.read_bytes()
    first = head_lines(data, min(head, data.count(b"\n")))
    head_path = path.with_name(path.stem + f"-head{head}.nmea")
    head_path.write_bytes(first)
    return path, data, first, head_path
