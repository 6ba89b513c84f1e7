"""Releasability policy, settings loading and the demo's console line (pure, fast)."""

import pytest

from seawarden.config import ConfigError
from seawarden.service import ReleasabilityPolicy, ReleasabilityRule, ServeSettings
from seawarden.service.demo import alert_line
from seawarden.service.settings import load
from seawarden.types import Alert, AlertKind, Severity


def _alert(
    area: str | None, kind: AlertKind = AlertKind.ANCHOR_DRAG_SUSPECTED, asset: str | None = None
) -> Alert:
    return Alert(
        id="a-1", kind=kind, severity=Severity.HIGH, risk=70.0, mmsi=230000001, time=1.7e9,
        area=area, infrastructure=asset, releasability=["JEF", "NATO"],
    )  # fmt: skip


def test_default_policy_sends_gulf_of_finland_to_jef_nato_and_fingrid() -> None:
    policy = ReleasabilityPolicy()
    assert policy.communities_for(_alert("gof-estlink2")) == ["JEF", "NATO", "OPERATOR:fingrid"]
    # no rule matches: the core's own releasability stays
    assert policy.communities_for(_alert("skagerrak")) == ["JEF", "NATO"]
    assert policy.communities_for(_alert(None)) == ["JEF", "NATO"]


def test_first_matching_rule_wins_and_all_conditions_must_hold() -> None:
    policy = ReleasabilityPolicy(
        rules=[
            ReleasabilityRule(areas=["gof-*"], kinds=["ais_gap"], communities=["JEF"]),
            ReleasabilityRule(assets=["estlink-*"], communities=["OPERATOR:fingrid"]),
            ReleasabilityRule(areas=["gof-*"], communities=["JEF", "OPERATOR:fingrid"]),
        ],
        default=["NATO"],
    )
    assert policy.communities_for(_alert("gof-east", AlertKind.AIS_GAP)) == ["JEF"]
    assert policy.communities_for(_alert("gof-east", asset="estlink-2")) == ["OPERATOR:fingrid"]
    assert policy.communities_for(_alert("gof-east")) == ["JEF", "OPERATOR:fingrid"]
    assert policy.communities_for(_alert("bornholm")) == ["NATO"]
    applied = policy.apply(_alert("gof-east"))
    assert applied.releasability == ["JEF", "OPERATOR:fingrid"]


def test_blank_community_is_refused() -> None:
    with pytest.raises(ValueError, match="blank"):
        ReleasabilityRule(communities=["JEF", " "])


def test_serve_table_is_read_from_the_config_file(tmp_path) -> None:
    path = tmp_path / "seawarden.toml"
    path.write_text(
        '[alerts]\nmin_severity = "low"\n'
        "[serve]\nline_queue_size = 500\n"
        '[[serve.sources]]\ntype = "tcp_listen"\nport = 0\n'
        '[[serve.organisations]]\nid = "fi-navy"\nname = "Finnish Navy"\ncommunities = ["JEF"]\n'
        "[serve.http]\nport = 9090\n",
        encoding="utf-8",
    )
    settings, serve = load(path)
    assert isinstance(serve, ServeSettings)
    assert serve.line_queue_size == 500 and serve.http.port == 9090
    assert serve.sources[0].type == "tcp_listen" and serve.organisations[0].communities == ["JEF"]
    assert settings.alerts.min_severity == Severity.LOW


def test_bad_serve_table_says_where(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[serve]\nsources = [{type = "carrier_pigeon"}]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[serve\].*sources"):
        load(path)


def test_alert_line_is_readable_and_labels_simulated_vessels() -> None:
    record = _alert("gof-estlink2", asset="estlink-2").to_dict()
    line = alert_line(record, frozenset({230000001}))
    assert "HIGH" in line and "anchor_drag_suspected v1" in line and "near estlink-2" in line
    assert "[SIMULATED]" in line and "releasable to JEF, NATO" in line
    assert "[SIMULATED]" not in alert_line(record)
