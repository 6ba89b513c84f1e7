"""Organisations, users and API keys (hashed at rest)."""

import pytest
from sqlalchemy import create_engine, text

from seawarden.store import NotFound, Role, Store
from tests.store.conftest import FakeClock


def test_api_key_round_trip_and_never_stored_in_clear(store: Store, store_url: str, clock: FakeClock) -> None:
    store.create_org("fingrid", "Fingrid Oyj", ["OPERATOR:fingrid", " "])
    user = store.create_user("fingrid", "control-room", Role.ANALYST)
    token, info = store.create_api_key(user.id, "control room wall screen")
    assert token.startswith(f"sw_{info.id}_")

    who = store.verify_api_key(token)
    assert who is not None
    assert (who.org_id, who.user, who.role, who.communities) == (
        "fingrid",
        "control-room",
        Role.ANALYST,
        ("OPERATOR:fingrid",),
    )
    assert store.api_keys(user.id)[0].last_used_at == clock.now

    engine = create_engine(store_url)
    with engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM api_keys")) for v in row)
    engine.dispose()
    secret = token.rsplit("_", 1)[-1]
    assert secret not in dump and token not in dump

    assert store.verify_api_key(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.verify_api_key("not a token") is None
    assert store.revoke_api_key(info.id, actor="admin")
    assert store.verify_api_key(token) is None
    assert [e.action for e in store.audit_log(org_id="fingrid")][:2] == ["api_key.revoke", "api_key.create"]


def test_bad_organisation_and_user_input_is_refused_clearly(store: Store) -> None:
    with pytest.raises(ValueError, match="organisation id"):
        store.create_org("Finnish Navy!", "Finnish Navy", ["JEF"])
    with pytest.raises(NotFound):
        store.create_user("nobody", "x", Role.ADMIN)
    store.create_org("dk-navy", "Danish Navy", ["JEF"])
    with pytest.raises(ValueError):
        store.create_user("dk-navy", "x", "captain")
    with pytest.raises(NotFound):
        store.principal("dk-navy", "ghost")


def test_changing_communities_is_audited(store: Store) -> None:
    store.create_org("ee-navy", "Estonian Navy", ["JEF"])
    org = store.set_communities("ee-navy", ["JEF", "NATO"], actor="admin")
    assert org.communities == ("JEF", "NATO")
    entry = store.audit_log(org_id="ee-navy")[0]
    assert entry.action == "org.communities" and entry.detail == {"from": ["JEF"], "to": ["JEF", "NATO"]}
