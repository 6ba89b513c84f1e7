"""Organisations, users and API keys (hashed at rest).

Why this key scheme: a token is ``sw_<key id>_<secret>`` with a 256-bit random secret. Only the
SHA-256 of the secret is stored; because the secret is high-entropy, a fast hash is as good as a
slow password hash here, and the key id (public) finds the row without scanning. Verification
compares digests in constant time. A stolen database therefore yields no usable key.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence

from sqlalchemy import Connection, insert, select, update

from seawarden.store import audit
from seawarden.store.errors import NotFound
from seawarden.store.models import ApiKeyInfo, Organisation, Principal, Role, User
from seawarden.store.schema import api_keys, organisations, users

TOKEN_PREFIX = "sw"
_TOKEN = re.compile(r"^sw_([0-9a-f]{16})_([A-Za-z0-9_-]{20,200})$")
_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
#: ``last_used_at`` is refreshed at most this often (a read path should rarely write).
LAST_USED_RESOLUTION_S = 60.0


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def clean_communities(communities: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(sorted({c.strip() for c in communities if c and c.strip()}))
    if any(len(c) > 100 for c in cleaned):
        raise ValueError("a community name may have at most 100 characters")
    return cleaned


def create_org(
    conn: Connection, org_id: str, name: str, communities: Sequence[str], now: float
) -> Organisation:
    if not _ORG_ID.match(org_id):
        raise ValueError(
            f"organisation id {org_id!r}: use lower-case letters, digits, '-', '_' or '.' (max 64)"
        )
    if not name.strip():
        raise ValueError("an organisation needs a name")
    cleaned = clean_communities(communities)
    conn.execute(
        insert(organisations).values(id=org_id, name=name.strip(), communities=list(cleaned), created_at=now)
    )
    audit.record(
        conn,
        actor="seawarden",
        org_id=org_id,
        action="org.create",
        obj=f"org:{org_id}",
        now=now,
        detail={"communities": list(cleaned)},
    )
    return Organisation(org_id, name.strip(), cleaned)


def get_org(conn: Connection, org_id: str) -> Organisation:
    row = conn.execute(select(organisations).where(organisations.c.id == org_id)).first()
    if row is None:
        raise NotFound(f"no organisation {org_id!r}")
    return Organisation(row.id, row.name, tuple(row.communities or ()))


def set_communities(
    conn: Connection, org_id: str, communities: Sequence[str], actor: str, now: float
) -> Organisation:
    before = get_org(conn, org_id)
    cleaned = clean_communities(communities)
    conn.execute(update(organisations).where(organisations.c.id == org_id).values(communities=list(cleaned)))
    audit.record(
        conn,
        actor=actor,
        org_id=org_id,
        action="org.communities",
        obj=f"org:{org_id}",
        now=now,
        detail={"from": list(before.communities), "to": list(cleaned)},
    )
    return Organisation(org_id, before.name, cleaned)


def create_user(conn: Connection, org_id: str, name: str, role: Role | str, now: float) -> User:
    get_org(conn, org_id)
    role = Role(role)
    if not name.strip():
        raise ValueError("a user needs a name")
    new_id = conn.execute(
        insert(users)
        .values(org_id=org_id, name=name.strip(), role=role.value, created_at=now)
        .returning(users.c.id)
    ).scalar_one()
    audit.record(
        conn,
        actor="seawarden",
        org_id=org_id,
        action="user.create",
        obj=f"user:{new_id}",
        now=now,
        detail={"name": name.strip(), "role": role.value},
    )
    return User(new_id, org_id, name.strip(), role)


def principal(conn: Connection, org_id: str, user_name: str) -> Principal:
    row = conn.execute(
        select(users.c.name, users.c.role, organisations.c.id, organisations.c.communities)
        .join(organisations, organisations.c.id == users.c.org_id)
        .where(users.c.org_id == org_id, users.c.name == user_name, users.c.disabled_at.is_(None))
    ).first()
    if row is None:
        raise NotFound(f"no active user {user_name!r} in organisation {org_id!r}")
    return Principal(row.id, row.name, Role(row.role), tuple(row.communities or ()))


def create_api_key(conn: Connection, user_id: int, label: str, now: float) -> tuple[str, ApiKeyInfo]:
    """A new key for ``user_id``: returns (token, info). The token is shown once and never stored."""
    row = conn.execute(select(users.c.org_id).where(users.c.id == user_id)).first()
    if row is None:
        raise NotFound(f"no user {user_id}")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    conn.execute(
        insert(api_keys).values(
            id=key_id, user_id=user_id, secret_sha256=_digest(secret), label=label[:200], created_at=now
        )
    )
    audit.record(
        conn,
        actor="seawarden",
        org_id=row.org_id,
        action="api_key.create",
        obj=f"api_key:{key_id}",
        now=now,
        detail={"user_id": user_id, "label": label[:200]},
    )
    return f"{TOKEN_PREFIX}_{key_id}_{secret}", ApiKeyInfo(key_id, user_id, label[:200], now, None, None)


def verify_api_key(conn: Connection, token: str, now: float) -> tuple[Principal, bool] | None:
    """(principal, last-used stamp is stale) for a valid token; None when malformed, unknown, revoked
    or the user is disabled. Read-only, so the API's hot path needs no write lock (see ``touch_api_key``).
    """
    match = _TOKEN.match(token.strip()) if isinstance(token, str) else None
    if match is None:
        return None
    key_id, secret = match.groups()
    row = conn.execute(
        select(
            api_keys.c.secret_sha256,
            api_keys.c.revoked_at,
            api_keys.c.last_used_at,
            users.c.name,
            users.c.role,
            users.c.disabled_at,
            organisations.c.id.label("org_id"),
            organisations.c.communities,
        )
        .join(users, users.c.id == api_keys.c.user_id)
        .join(organisations, organisations.c.id == users.c.org_id)
        .where(api_keys.c.id == key_id)
    ).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, _digest(secret)):
        return None
    if row.revoked_at is not None or row.disabled_at is not None:
        return None
    stale = row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION_S
    return Principal(row.org_id, row.name, Role(row.role), tuple(row.communities or ())), stale


def key_id_of(token: str) -> str | None:
    match = _TOKEN.match(token.strip()) if isinstance(token, str) else None
    return None if match is None else match.group(1)


def touch_api_key(conn: Connection, key_id: str, now: float) -> None:
    conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))


def list_api_keys(conn: Connection, user_id: int) -> list[ApiKeyInfo]:
    rows = conn.execute(select(api_keys).where(api_keys.c.user_id == user_id).order_by(api_keys.c.created_at))
    return [ApiKeyInfo(r.id, r.user_id, r.label, r.created_at, r.last_used_at, r.revoked_at) for r in rows]


def revoke_api_key(conn: Connection, key_id: str, actor: str, now: float) -> bool:
    row = conn.execute(
        select(users.c.org_id).join(api_keys, api_keys.c.user_id == users.c.id).where(api_keys.c.id == key_id)
    ).first()
    if row is None:
        return False
    result = conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    if result.rowcount:
        audit.record(
            conn, actor=actor, org_id=row.org_id, action="api_key.revoke", obj=f"api_key:{key_id}", now=now
        )
    return bool(result.rowcount)
