"""Administration routes: organisations, users, API keys (admin role; audited by the store)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from seawarden.api.auth import Admin
from seawarden.api.context import ApiContext, get_ctx
from seawarden.api.orgs import service
from seawarden.api.orgs.models import CommunitiesIn, KeyIn, KeyOut, NewKeyOut, OrgIn, OrgOut, UserIn, UserOut
from seawarden.store import ApiKeyInfo, NotFound, Organisation, Principal
from seawarden.types import iso_utc

router = APIRouter(tags=["administration"])

OrgId = Annotated[str, Path(min_length=1, max_length=64)]
UserId = Annotated[int, Path(ge=1, le=2**62)]
KeyId = Annotated[str, Path(min_length=1, max_length=32)]


def _org_out(org: Organisation) -> OrgOut:
    return OrgOut(id=org.id, name=org.name, communities=list(org.communities))


def _key_out(info: ApiKeyInfo) -> KeyOut:
    return KeyOut(
        id=info.id,
        user_id=info.user_id,
        label=info.label,
        created_at=iso_utc(info.created_at),
        last_used_at=iso_utc(info.last_used_at),
        revoked_at=iso_utc(info.revoked_at),
    )


@router.post("/orgs", status_code=201, response_model=OrgOut, summary="Create an organisation")
def create_org(body: OrgIn, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> OrgOut:
    service.require_global(ctx, who, "creating organisations")
    org = ctx.store.create_org(body.id, body.name, body.communities)
    ctx.audit(who, "org.create.api", f"org:{org.id}", communities=list(org.communities))
    return _org_out(org)


@router.get("/orgs/{org_id}", response_model=OrgOut, summary="An organisation")
def get_org(org_id: OrgId, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> OrgOut:
    service.require_org_admin(ctx, who, org_id)
    return _org_out(ctx.store.get_org(org_id))


@router.put("/orgs/{org_id}/communities", response_model=OrgOut, summary="Set the communities it belongs to")
def set_communities(
    org_id: OrgId, body: CommunitiesIn, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)
) -> OrgOut:
    service.require_global(ctx, who, "changing communities")
    return _org_out(ctx.store.set_communities(org_id, body.communities, actor=who.user))


@router.get("/orgs/{org_id}/users", response_model=list[UserOut], summary="Active users of an organisation")
def list_users(org_id: OrgId, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> list[UserOut]:
    service.require_org_admin(ctx, who, org_id)
    ctx.store.get_org(org_id)
    return [
        UserOut(id=u.id, org_id=u.org_id, name=u.name, role=u.role) for u in service.list_users(ctx, org_id)
    ]


@router.post("/orgs/{org_id}/users", status_code=201, response_model=UserOut, summary="Create a user")
def create_user(
    org_id: OrgId, body: UserIn, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)
) -> UserOut:
    service.require_org_admin(ctx, who, org_id)
    user = ctx.store.create_user(org_id, body.name, body.role)
    ctx.audit(who, "user.create.api", f"user:{user.id}", role=str(user.role))
    return UserOut(id=user.id, org_id=user.org_id, name=user.name, role=user.role)


@router.get("/users/{user_id}/keys", response_model=list[KeyOut], summary="A user's API keys (no tokens)")
def list_keys(user_id: UserId, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> list[KeyOut]:
    service.require_org_admin(ctx, who, service.user_org(ctx, user_id))
    return [_key_out(k) for k in ctx.store.api_keys(user_id)]


@router.post("/users/{user_id}/keys", status_code=201, response_model=NewKeyOut, summary="Create an API key")
def create_key(
    user_id: UserId, body: KeyIn | None = None, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)
) -> NewKeyOut:
    service.require_org_admin(ctx, who, service.user_org(ctx, user_id))
    token, info = ctx.store.create_api_key(user_id, (body or KeyIn()).label)
    ctx.audit(who, "api_key.create.api", f"api_key:{info.id}", user_id=user_id)
    return NewKeyOut(token=token, **_key_out(info).model_dump())


@router.delete("/keys/{key_id}", status_code=204, response_class=Response, summary="Revoke an API key")
def revoke_key(key_id: KeyId, who: Principal = Admin, ctx: ApiContext = Depends(get_ctx)) -> Response:
    service.require_org_admin(ctx, who, service.key_org(ctx, key_id))
    if not ctx.store.revoke_api_key(key_id, actor=who.user):
        raise NotFound(f"API key {key_id!r} is unknown or already revoked")
    return Response(status_code=204)
