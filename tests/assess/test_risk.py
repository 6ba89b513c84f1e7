"""Risk model: the documented formula, decay, prior factors, and the flag table helpers."""

import math

import pytest

from seawarden.assess.flags import FlagCategory, flag_risk, normalise_flag_name, same_flag
from seawarden.assess.risk import (
    RISK_SCRATCH,
    RU_PORT_SCRATCH,
    RiskConfig,
    RiskModel,
    combine,
    is_russian_destination,
    ship_type_group,
)
from seawarden.track import Tracker
from seawarden.types import AlertKind, Event, Message
from seawarden.watchlist import Watchlist, WatchlistEntry

T0 = 1_735_120_000.0  # 2024-12-25T09:46:40Z
HOUR = 3600.0


def vessel(mmsi: int = 230123456, **static):
    """A tracked vessel with optional static data (one type 5 message)."""
    tracker = Tracker()
    tracker.update(Message(msg_type=1, mmsi=mmsi, timestamp=T0, lat=59.6, lon=24.0, sog=8.0, cog=90.0))
    if static:
        tracker.update(Message(msg_type=5, mmsi=mmsi, timestamp=T0 + 1, **static))
    return tracker, tracker.get(mmsi)


def event(kind: AlertKind, t: float, score: float, **kw) -> Event:
    return Event(kind=kind, mmsi=518998865, time=t, score=score, **kw)


def imo_match(imo: int = 9329760):
    entry = WatchlistEntry(id=f"imo:{imo}", imo=imo, names=["EAGLE S"], flag="Cook Islands", reason="EU")
    return Watchlist([entry]).match(imos=[imo])


def test_contributions_sum_to_risk_and_risk_follows_the_product_formula() -> None:
    _, state = vessel(ship_type=80, name="EAGLE S", imo=9329760)
    model = RiskModel()
    model.record(state, [event(AlertKind.ANCHOR_DRAG_SUSPECTED, T0, 0.9, infrastructure="estlink-2")])
    a = model.assess(state, T0, imo_match())
    raw = [c.detail["raw_points"] for c in a.contributions]
    assert a.risk == pytest.approx(combine(raw), abs=0.2)  # raw points are rounded to 0.1
    assert sum(c.points for c in a.contributions) == pytest.approx(a.risk)
    assert a.contributions == sorted(a.contributions, key=lambda c: -c.points)
    factors = {c.factor for c in a.contributions}
    assert {"watchlist", "ship_type", "anchor_drag_suspected"} <= factors
    drag = next(c for c in a.contributions if c.factor == "anchor_drag_suspected")
    assert drag.detail["raw_points"] == pytest.approx(72.0)
    assert drag.detail["where"] == "estlink-2"
    assert a.risk < 100.0


def test_combine_is_dominated_by_strong_evidence_and_adds_weak_evidence() -> None:
    assert combine([80.0]) == pytest.approx(80.0)
    assert combine([20.0, 20.0]) == pytest.approx(36.0)
    assert combine([]) == 0.0
    assert combine([80.0, 10.0]) == pytest.approx(82.0)


def test_behaviour_points_halve_every_half_life() -> None:
    _, state = vessel()
    model = RiskModel(RiskConfig(behaviour_half_life_s=6 * HOUR))
    model.record(state, [event(AlertKind.ANCHOR_DRAG_SUSPECTED, T0, 1.0)])
    now = model.assess(state, T0).risk
    later = model.assess(state, T0 + 6 * HOUR).risk
    much_later = model.assess(state, T0 + 60 * HOUR).risk
    assert now == pytest.approx(80.0)
    assert later == pytest.approx(40.0)
    assert much_later < 1.0


def test_a_weaker_repeat_of_a_kind_does_not_replace_stronger_recent_evidence() -> None:
    _, state = vessel()
    model = RiskModel()
    model.record(state, [event(AlertKind.AIS_GAP, T0, 1.0)])
    model.record(state, [event(AlertKind.AIS_GAP, T0 + 600, 0.2)])
    assert model.assess(state, T0 + 600).risk == pytest.approx(35.0 * math.pow(0.5, 600 / (6 * HOUR)))
    model.record(state, [event(AlertKind.AIS_GAP, T0 + 24 * HOUR, 0.5)])  # the old one has decayed
    assert model.assess(state, T0 + 24 * HOUR).risk == pytest.approx(17.5)


def test_info_kinds_add_no_behaviour_points() -> None:
    _, state = vessel()
    model = RiskModel()
    model.record(state, [event(AlertKind.AREA_ENTRY, T0, 1.0), event(AlertKind.WATCHLIST_IN_AREA, T0, 1.0)])
    assert model.assess(state, T0).risk == 0.0


def test_watchlist_match_dominates_an_identity_only_suspect() -> None:
    _, listed = vessel(mmsi=518998865, name="EAGLE S", imo=9329760)
    _, suspect = _renamed_vessel()  # invalid IMO, renamed twice, new call signs
    model = RiskModel()
    listed_risk = model.assess(listed, T0 + 300, imo_match()).risk
    suspect_assessment = model.assess(suspect, T0 + 300)
    assert {"invalid_imo", "identity_changes"} <= {c.factor for c in suspect_assessment.contributions}
    assert listed_risk > suspect_assessment.risk
    assert listed_risk >= 50.0


def _renamed_vessel():
    """IMO 1234568 fails its check digit; name and call sign change twice."""
    tracker = Tracker()
    mmsi = 273111111
    tracker.update(Message(msg_type=1, mmsi=mmsi, timestamp=T0, lat=59.6, lon=24.0, sog=8.0, cog=90.0))
    tracker.update(
        Message(msg_type=5, mmsi=mmsi, timestamp=T0 + 1, name="ALFA", imo=1234568, callsign="UABC")
    )
    tracker.update(
        Message(msg_type=5, mmsi=mmsi, timestamp=T0 + 100, name="BRAVO", imo=1234568, callsign="UABD")
    )
    tracker.update(
        Message(msg_type=5, mmsi=mmsi, timestamp=T0 + 200, name="CHARLIE", imo=1234568, callsign="UABE")
    )
    return tracker, tracker.get(mmsi)


def test_identity_changes_are_capped_and_forgotten_after_the_window() -> None:
    _, state = _renamed_vessel()
    cfg = RiskConfig()
    model = RiskModel(cfg)
    changes = next(c for c in model.assess(state, T0 + 300).contributions if c.factor == "identity_changes")
    assert changes.detail["raw_points"] == pytest.approx(cfg.identity_change_cap)
    assert changes.detail["fields"] == ["callsign", "name"]
    late = model.assess(state, T0 + cfg.identity_change_window_s + 1000)
    assert "identity_changes" not in {c.factor for c in late.contributions}


def test_flag_and_ship_type_prior() -> None:
    _, cook = vessel(mmsi=518998865, ship_type=80)  # MID 518: Cook Islands
    _, malta = vessel(mmsi=248123456, ship_type=70)
    model = RiskModel()
    cook_factors = {c.factor: c for c in model.assess(cook, T0).contributions}
    malta_factors = {c.factor: c for c in model.assess(malta, T0).contributions}
    assert cook_factors["flag"].detail["flag"] == "Cook Islands"
    assert cook_factors["ship_type"].detail["ship_type"] == "tanker"
    assert "flag" not in malta_factors
    assert malta_factors["ship_type"].detail["ship_type"] == "cargo"


def test_russian_port_departure_from_track_and_from_destination_change() -> None:
    model = RiskModel()
    _, seen_in_port = vessel()
    seen_in_port.scratch[RU_PORT_SCRATCH] = ("ru-ust-luga", "Ust-Luga", T0 - 20 * HOUR)
    origin = next(
        c for c in model.assess(seen_in_port, T0).contributions if c.factor == "russian_port_departure"
    )
    assert origin.detail["port"] == "Ust-Luga"
    assert origin.detail["hours_ago"] == pytest.approx(20.0)
    assert "russian_port_departure" not in {
        c.factor for c in model.assess(seen_in_port, T0 + 10 * 24 * HOUR).contributions
    }

    tracker = Tracker()
    mmsi = 518998865
    tracker.update(Message(msg_type=5, mmsi=mmsi, timestamp=T0, destination="RU ULU"))
    tracker.update(Message(msg_type=5, mmsi=mmsi, timestamp=T0 + HOUR, destination="PORT SAID"))
    factors = {c.factor: c for c in model.assess(tracker.get(mmsi), T0 + 2 * HOUR).contributions}
    assert factors["russian_port_departure"].detail["evidence"] == "destination_change"
    assert "russian_destination" not in factors


@pytest.mark.parametrize(
    ("text", "russian"),
    [
        ("RU ULU", True),
        ("RUULU", True),
        ("USTLUGA", True),
        ("ST.PETERSBURG", True),
        ("PRIMORSK RUS", True),
        ("GDANSK", False),
        ("RUGEN", False),
        ("", False),
        (None, False),
    ],
)
def test_russian_destination_patterns(text: str | None, russian: bool) -> None:
    assert is_russian_destination(text) is russian


def test_update_stores_the_assessment_for_the_alert_layer() -> None:
    _, state = vessel(ship_type=80)
    a = RiskModel().update(state, T0)
    assert state.risk == a.risk
    assert state.scratch[RISK_SCRATCH] is a
    assert a.to_list()[0]["factor"] in {"flag", "ship_type"}
    assert a.reasons(1) == [a.contributions[0].factor]


@pytest.mark.parametrize(
    ("code", "group"),
    [(84, "tanker"), (70, "cargo"), (30, "fishing"), (33, "service"), (60, "passenger"), (None, "unknown")],
)
def test_ship_type_groups(code: int | None, group: str) -> None:
    assert ship_type_group(code) == group


def test_flag_table_lookup_by_code_and_name() -> None:
    assert flag_risk("CK").name == "Cook Islands"
    assert flag_risk(name="Cook Is.").code == "CK"
    assert flag_risk(name="São Tomé and Príncipe").code == "ST"
    assert FlagCategory.PARIS_MOU_BLACK in flag_risk(name="Cameroon").categories
    assert flag_risk("MT", "Malta") is None
    assert flag_risk() is None


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("St Vincent & Grenadines", "Saint Vincent and the Grenadines", True),
        ("Guinea", "Guinea-Bissau", False),
        ("Comoros", "Cook Islands", False),
        ("Swaziland", "Eswatini", True),
        ("CK", "ck", True),
        (None, "Comoros", None),
    ],
)
def test_same_flag(a: str | None, b: str | None, same: bool | None) -> None:
    assert same_flag(a, b) is same


def test_normalise_flag_name() -> None:
    assert normalise_flag_name("St. Kitts & Nevis") == "saint kitts and nevis"


def test_behaviour_risk_excludes_the_prior() -> None:
    _, state = vessel(ship_type=80)
    model = RiskModel()
    assert model.assess(state, T0, imo_match()).behaviour_risk == 0.0
    model.record(state, [event(AlertKind.AIS_GAP, T0, 1.0)])
    a = model.assess(state, T0, imo_match())
    assert a.behaviour_risk == pytest.approx(35.0)
    assert a.risk > a.behaviour_risk
