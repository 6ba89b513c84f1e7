"""API fixtures: a real SQLite store with three organisations and alerts of different releasability.

Organisations: ``fi-navy`` (community JEF), ``nato-marcom`` (NATO), ``fingrid`` (OPERATOR:fingrid).
Alerts: ``a-jef-nato`` (JEF, NATO), ``a-jef`` (JEF only), ``a-operator`` (OPERATOR:fingrid),
``a-nobody`` (no releasability: visible to nobody, fail closed).
"""

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from seawarden.api import ApiSettings, Hub, Metrics, create_app
from seawarden.geo import GeoContext
from seawarden.store import Store, open_store
from seawarden.types import Alert, AlertKind, Severity

T0 = 1_735_120_800.0  # 2024-12-25T10:00:00Z, the Eagle S / Estlink 2 morning
ORGS = {
    "fi-navy": ("Finnish Navy", ["JEF"]),
    "nato-marcom": ("NATO MARCOM", ["NATO"]),
    "fingrid": ("Fingrid", ["OPERATOR:fingrid"]),
}
ALERTS = {
    "a-jef-nato": ("JEF", "NATO"),
    "a-jef": ("JEF",),
    "a-operator": ("OPERATOR:fingrid",),
    "a-nobody": (),
}
#: Which alerts each organisation must see, and no others.
VISIBLE = {
    "fi-navy": {"a-jef-nato", "a-jef"},
    "nato-marcom": {"a-jef-nato"},
    "fingrid": {"a-operator"},
}


def make_alert(
    alert_id: str,
    releasability: tuple[str, ...],
    *,
    kind: AlertKind = AlertKind.ANCHOR_DRAG_SUSPECTED,
    severity: Severity = Severity.HIGH,
    mmsi: int = 518998865,
    time: float = T0,
    version: int = 1,
    area: str | None = "gof-estlink2",
) -> Alert:
    return Alert(
        id=alert_id,
        kind=kind,
        severity=severity,
        risk=20.0 * int(severity) + 5,
        mmsi=mmsi,
        time=time,
        lat=59.7,
        lon=25.9,
        imo=9329760,
        name="EAGLE S",
        flag="Cook Islands",
        area=area,
        infrastructure="estlink-2",
        evidence=[{"kind": str(kind), "time": "2024-12-25T10:00:00Z", "speed_drop_pct": 26.0}],
        explanation="=cmd|' /C calc'!A0 EAGLE S slowed while crossing Estlink 2",
        first_time=time,
        version=version,
        releasability=list(releasability),
    )


@dataclass
class World:
    store: Store
    hub: Hub
    app: Any
    client: TestClient
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)  # (org, role) -> token
    user_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def headers(self, org: str, role: str = "viewer") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[(org, role)]}"}


@pytest.fixture(scope="session")
def geo() -> GeoContext:
    return GeoContext.default()


@dataclass
class Seed:
    """A populated store file, built once per session and copied for each test (fast set-up)."""

    path: Path
    tokens: dict[tuple[str, str], str]
    user_ids: dict[tuple[str, str], int]


def _seed(directory: Path) -> Seed:
    path = directory / "seed.db"
    store = open_store(f"sqlite:///{path}")
    tokens: dict[tuple[str, str], str] = {}
    user_ids: dict[tuple[str, str], int] = {}
    for org_id, (name, communities) in ORGS.items():
        store.create_org(org_id, name, communities)
        for role in ("viewer", "analyst", "admin"):
            user = store.create_user(org_id, f"{role}@{org_id}", role)
            tokens[(org_id, role)], _info = store.create_api_key(user.id, "test")
            user_ids[(org_id, role)] = user.id
    for alert_id, releasability in ALERTS.items():
        store.save_alert(make_alert(alert_id, releasability))
    store.close()
    return Seed(path, tokens, user_ids)


@pytest.fixture(scope="session")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Seed:
    return _seed(tmp_path_factory.mktemp("api-seed"))


def build_world(
    tmp_path: Path, geo: GeoContext, seed: Seed, settings: ApiSettings | None = None, **app_kwargs: Any
) -> World:
    path = tmp_path / "api.db"
    shutil.copyfile(seed.path, path)
    store = open_store(f"sqlite:///{path}")
    hub = Hub(max_queue=app_kwargs.pop("max_queue", 100))
    settings = settings or ApiSettings(admin_orgs=["fi-navy"], rate_per_s=1000, rate_burst=1000)
    app = create_app(store=store, hub=hub, geo=geo, settings=settings, metrics=Metrics(), **app_kwargs)
    return World(store, hub, app, TestClient(app), dict(seed.tokens), dict(seed.user_ids))


@pytest.fixture
def world(tmp_path: Path, geo: GeoContext, seed: Seed) -> Iterator[World]:
    built = build_world(tmp_path, geo, seed)
    with built.client:
        yield built
    built.store.close()
