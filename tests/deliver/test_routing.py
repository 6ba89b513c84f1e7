"""Releasability is enforced exhaustively: no organisation ever gets an alert it may not see."""

import itertools
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from seawarden.deliver import (
    AlertFilter,
    Audience,
    DeliverySettings,
    Subscription,
    idempotency_key,
    releasable_to,
    route,
    visible,
)
from seawarden.types import AlertKind, Severity
from tests.deliver.conftest import make_record

COMMUNITIES = ["JEF", "NATO", "OPERATOR:fingrid", "OPERATOR:elering", "EU"]


def subsets(items: list[str]) -> list[tuple[str, ...]]:
    return [c for r in range(len(items) + 1) for c in itertools.combinations(items, r)]


def sub(org: str, communities, channel: str = "ch", **kw) -> Subscription:
    return Subscription(
        id=f"{org}-{channel}", org=org, communities=frozenset(communities), channel=channel, **kw
    )


def test_every_releasability_against_every_membership():
    """All 32 releasabilities x all 31 memberships: delivered iff they share a community."""
    memberships = [m for m in subsets(COMMUNITIES) if m]
    subscriptions = [sub(f"org{i}", m, min_severity="info") for i, m in enumerate(memberships)]
    checked = 0
    for releasability in subsets(COMMUNITIES):
        record = make_record(releasability=list(releasability))
        got = {s.org for s in route(record, subscriptions)}
        expected = {s.org for s in subscriptions if set(s.communities) & set(releasability)}
        assert got == expected
        for s in subscriptions:
            assert (s.org in got) == releasable_to(record, s.communities)
            checked += 1
    assert checked == 32 * 31


def test_no_releasability_goes_nowhere(caplog):
    everyone = sub("all", COMMUNITIES, min_severity="info")
    with caplog.at_level(logging.WARNING):
        for value in ([], None, "JEF", [None, 3], ["", "  "]):
            assert route(make_record(releasability=value), [everyone]) == []
    assert "no releasability" in caplog.text
    record = make_record()
    del record["releasability"]
    assert route(record, [everyone]) == []


def test_community_names_compare_without_case_or_padding():
    assert releasable_to(make_record(releasability=["operator:Fingrid "]), ["OPERATOR:fingrid"])
    assert not releasable_to(make_record(releasability=["OPERATOR:fingrid"]), ["OPERATOR:fingrid2"])
    assert not releasable_to(make_record(releasability=["OPERATOR"]), ["OPERATOR:fingrid"])
    assert releasable_to(make_record(releasability=["JEF"]), "JEF")
    assert not releasable_to(make_record(releasability=["J"]), "JEF")  # a string is one community


@settings(max_examples=300, deadline=None)
@given(
    releasability=st.lists(st.sampled_from([*COMMUNITIES, "jef", "nato ", "X", ""]), max_size=5),
    memberships=st.lists(
        st.frozensets(st.sampled_from([*COMMUNITIES, "Nato", "Y"]), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    ),
    severity=st.sampled_from(list(Severity)),
    min_severity=st.sampled_from(list(Severity)),
)
def test_routed_implies_shared_community(releasability, memberships, severity, min_severity):
    record = make_record(releasability=releasability, severity=severity.label)
    subscriptions = [sub(f"o{i}", m, min_severity=min_severity) for i, m in enumerate(memberships)]
    wanted_norm = {c.strip().casefold() for c in releasability if c.strip()}
    for s in route(record, subscriptions):
        assert {c.casefold() for c in s.communities} & wanted_norm
        assert severity >= min_severity


def test_filters_on_kind_area_asset_and_severity():
    record = make_record()  # high anchor drag in gulf-of-finland over estlink-2
    jef = ["JEF"]
    assert route(record, [sub("a", jef, kinds="all", areas="all")])
    assert route(record, [sub("a", jef, kinds=[AlertKind.ANCHOR_DRAG_SUSPECTED])])
    assert not route(record, [sub("a", jef, kinds=["ais_gap"])])
    assert route(record, [sub("a", jef, areas=["gulf-of-finland", "bornholm"])])
    assert not route(record, [sub("a", jef, areas=["bornholm"])])
    assert not route(make_record(area=None), [sub("a", jef, areas=["bornholm"])])
    assert route(record, [sub("a", jef, assets=["estlink-2"])])
    assert not route(record, [sub("a", jef, assets=["balticconnector"])])
    assert route(record, [sub("a", jef, min_severity="high")])
    assert not route(record, [sub("a", jef, min_severity=Severity.CRITICAL)])
    assert not route(record, [sub("a", jef, enabled=False)])


def test_malformed_records_are_skipped_not_raised():
    everyone = sub("all", COMMUNITIES, min_severity="info")
    assert route(make_record(severity="apocalyptic"), [everyone]) == []
    assert route(make_record(severity=None), [everyone]) == []
    assert route(make_record(id=None), [everyone]) == []
    assert route({"releasability": ["JEF"]}, [everyone]) == []
    assert route("not a record", [everyone]) == []  # type: ignore[arg-type]


def test_visible_for_websocket_readers():
    fingrid = Audience(org="fingrid", communities=frozenset({"OPERATOR:fingrid"}))
    navy = Audience(org="fi-navy", communities=frozenset({"JEF", "NATO"}))
    record = make_record()
    assert visible(record, navy) and not visible(record, fingrid)
    assert not visible(record, navy, AlertFilter(min_severity="critical"))
    assert visible(
        make_record(releasability=["OPERATOR:fingrid"]), fingrid, AlertFilter(assets=["estlink-2"])
    )


def test_idempotency_key_changes_with_version_and_subscription():
    a, b = sub("a", ["JEF"]), sub("b", ["JEF"])
    r1, r2 = make_record(), make_record(version=2)
    keys = {idempotency_key(r, s) for r in (r1, r2) for s in (a, b)}
    assert len(keys) == 4
    assert idempotency_key(r1, a) == idempotency_key(make_record(), a)


def test_settings_forbid_using_another_orgs_channel():
    channel = {"type": "tak", "name": "navy-tak", "org": "fi-navy"}
    ok = DeliverySettings(
        channels=[channel],
        subscriptions=[{"id": "s", "org": "fi-navy", "communities": ["JEF"], "channel": "navy-tak"}],
    )
    assert ok.subscriptions[0].min_severity is Severity.LOW
    with pytest.raises(ValidationError, match="of org 'fi-navy'"):
        DeliverySettings(
            channels=[channel],
            subscriptions=[
                {"id": "s", "org": "fingrid", "communities": ["OPERATOR:fingrid"], "channel": "navy-tak"}
            ],
        )
    with pytest.raises(ValidationError, match="unknown channel"):
        DeliverySettings(subscriptions=[{"id": "s", "org": "x", "communities": ["JEF"], "channel": "nope"}])
    with pytest.raises(ValidationError, match="duplicate channel"):
        DeliverySettings(channels=[channel, channel])
    with pytest.raises(ValidationError):
        Subscription(id="s", org="x", communities=frozenset(), channel="c")
    with pytest.raises(ValidationError, match="secret"):
        DeliverySettings(
            channels=[{"type": "webhook", "name": "w", "org": "x", "url": "http://h/", "secret": "short"}]
        )
