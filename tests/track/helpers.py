"""Small builders for hand-made track test cases."""

from seawarden.geodesy import METRES_PER_DEG_LAT
from seawarden.types import Message

T0 = 1_700_000_000.0  # 2023-11-14, an arbitrary fixed epoch
SHIP = 230_123_450  # Finland (MID 230), a valid ship MMSI


def north(lat: float, metres: float) -> float:
    """Latitude ``metres`` north of ``lat``."""
    return lat + metres / METRES_PER_DEG_LAT


def pos(
    t: float,
    lat: float = 59.5,
    lon: float = 24.5,
    *,
    mmsi: int = SHIP,
    sog: float | None = 10.0,
    msg_type: int = 1,
    second: int | None = None,
    **extra: object,
) -> Message:
    """A position report at ``T0 + t``."""
    second = int(T0 + t) % 60 if second is None else second
    return Message(
        msg_type=msg_type,
        mmsi=mmsi,
        timestamp=T0 + t,
        lat=lat,
        lon=lon,
        sog=sog,
        cog=0.0,
        heading=0,
        nav_status=0,
        second=second,
        **extra,
    )


def static(t: float, *, mmsi: int = SHIP, msg_type: int = 5, **fields: object) -> Message:
    """A static/voyage report at ``T0 + t`` carrying ``fields``."""
    return Message(msg_type=msg_type, mmsi=mmsi, timestamp=T0 + t, **fields)
