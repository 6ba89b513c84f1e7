"""Bad input never crashes the assessment: any decoded message, however odd, is processed or skipped."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawarden.geo import GeoContext
from seawarden.pipeline import Pipeline
from seawarden.types import Message
from seawarden.watchlist import Watchlist

ODD_FLOATS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 91.0, 181.0, 102.3, 360.0, 511.0, -128.0, 1e12]),
)
IN_BALTIC = st.tuples(st.floats(53.5, 66.0), st.floats(9.0, 30.0))

messages = st.builds(
    Message,
    msg_type=st.sampled_from([1, 2, 3, 5, 18, 19, 24, 27, 4, 21, 9, 99]),
    mmsi=st.one_of(st.integers(0, 999_999_999), st.sampled_from([518998865, 111111111, 0, 970123456])),
    timestamp=st.one_of(st.floats(1.6e9, 1.8e9), st.sampled_from([0.0, -1.0, 1e11])),
    lat=ODD_FLOATS,
    lon=ODD_FLOATS,
    sog=ODD_FLOATS,
    cog=ODD_FLOATS,
    heading=ODD_FLOATS,
    nav_status=st.one_of(st.none(), st.integers(-1, 20)),
    imo=st.one_of(st.none(), st.integers(-5, 10**10), st.just(9329760)),
    name=st.one_of(st.none(), st.text(max_size=30)),
    ship_type=st.one_of(st.none(), st.integers(-1, 300)),
    destination=st.one_of(st.none(), st.text(max_size=25)),
    draught=ODD_FLOATS,
)


def _plausible(lat_lon: tuple[float, float], t: float, mmsi: int) -> Message:
    lat, lon = lat_lon
    return Message(msg_type=1, mmsi=mmsi, timestamp=t, lat=lat, lon=lon, sog=8.0, cog=270.0, heading=268.0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            messages,
            st.builds(
                _plausible, IN_BALTIC, st.floats(1.7e9, 1.7e9 + 7200), st.sampled_from([518998865, 230000001])
            ),
        ),
        max_size=60,
    )
)
def test_any_message_sequence_is_processed_without_exception(batch: list[Message]) -> None:
    pipeline = Pipeline(geo=GeoContext.default(), watchlist=Watchlist.default())
    for message in batch:
        for alert in pipeline.process(message):
            assert 0.0 <= alert.risk <= 100.0 and not math.isnan(alert.risk)
            assert alert.to_dict()["severity"] in {"info", "low", "medium", "high", "critical"}
    pipeline.finish()
    assert pipeline.stats.messages == len(batch)
    # the assessor isolates a failing detector (the service must not stop), but none may fail here
    assert not pipeline.assessor.stats.detector_errors and not pipeline.assessor.stats.watchlist_errors
