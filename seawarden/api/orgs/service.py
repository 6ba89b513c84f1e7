"""Who may administer whom, and the few read-only look-ups the store facade does not offer yet.

Scope rule: an admin manages users and keys of their own organisation; creating organisations and
changing communities (which widens what an organisation may see) is reserved to admins of the
organisations named in ``ApiSettings.admin_orgs``, who may also manage every organisation.
"""

from sqlalchemy import select

from seawarden.api.context import ApiContext
from seawarden.api.errors import ApiError
from seawarden.store import NotFound, Principal, Role, User
from seawarden.store.schema import api_keys, users


def is_global_admin(ctx: ApiContext, who: Principal) -> bool:
    return who.role is Role.ADMIN and who.org_id in ctx.settings.admin_orgs


def require_global(ctx: ApiContext, who: Principal, what: str) -> None:
    if not is_global_admin(ctx, who):
        raise ApiError(
            403,
            "forbidden",
            f"{what} is reserved to admins of the operating organisations (settings: admin_orgs)",
        )


def require_org_admin(ctx: ApiContext, who: Principal, org_id: str) -> None:
    if who.org_id != org_id and not is_global_admin(ctx, who):
        # Same answer as a missing organisation: do not confirm that other organisations exist.
        raise NotFound(f"no organisation {org_id!r}")


def list_users(ctx: ApiContext, org_id: str) -> list[User]:
    with ctx.store.engine.connect() as conn:
        rows = conn.execute(
            select(users.c.id, users.c.org_id, users.c.name, users.c.role)
            .where(users.c.org_id == org_id, users.c.disabled_at.is_(None))
            .order_by(users.c.id)
        )
        return [User(r.id, r.org_id, r.name, Role(r.role)) for r in rows]


def user_org(ctx: ApiContext, user_id: int) -> str:
    with ctx.store.engine.connect() as conn:
        org = conn.execute(select(users.c.org_id).where(users.c.id == user_id)).scalar()
    if org is None:
        raise NotFound(f"no user {user_id}")
    return str(org)


def key_org(ctx: ApiContext, key_id: str) -> str:
    with ctx.store.engine.connect() as conn:
        org = conn.execute(
            select(users.c.org_id)
            .join(api_keys, api_keys.c.user_id == users.c.id)
            .where(api_keys.c.id == key_id)
        ).scalar()
    if org is None:
        raise NotFound(f"no API key {key_id!r}")
    return str(org)
