"""API-key authentication, role checks and the per-key rate limit.

A key arrives as ``Authorization: Bearer <token>``, ``X-API-Key: <token>`` or, for the WebSocket
only (browsers cannot set its headers), ``?token=``. The store verifies it and returns the
principal (organisation, its communities, role). 401 means "who are you?", 403 "not allowed".
"""

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import HTTPConnection

from seawarden.api.context import ApiContext, ctx_of
from seawarden.api.errors import ApiError
from seawarden.store import Principal, Role
from seawarden.store.access import key_id_of

_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token.")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key in a header.")

ROLE_RANK = {Role.VIEWER: 0, Role.ANALYST: 1, Role.ADMIN: 2}
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="seawarden"'}


def token_from(conn: HTTPConnection, allow_query: bool = False) -> str | None:
    """The API key of a request: Authorization bearer, X-API-Key, or (WebSocket) ``?token=``."""
    auth = conn.headers.get("authorization", "")
    scheme, _, value = auth.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    header = conn.headers.get("x-api-key", "").strip()
    if header:
        return header
    if allow_query:
        query = conn.query_params.get("token", "").strip()
        if query:
            return query
    return None


def rate_key(conn: HTTPConnection, token: str | None) -> str:
    """Bucket per API key; per client address for requests without a well-formed key."""
    key_id = key_id_of(token) if token else None
    if key_id:
        return f"key:{key_id}"
    return f"addr:{conn.client.host if conn.client else 'unknown'}"


def check_rate(ctx: ApiContext, conn: HTTPConnection, token: str | None) -> None:
    wait = ctx.limiter.take(rate_key(conn, token))
    if wait is not None:
        ctx.metrics.rate_limited.inc()
        retry = ctx.limiter.retry_after(wait)
        raise ApiError(
            429,
            "too many requests",
            f"rate limit of {ctx.settings.rate_per_s:g}/s per key exceeded; retry in {retry} s",
            headers={"Retry-After": retry},
        )


def authenticate(ctx: ApiContext, conn: HTTPConnection, allow_query: bool = False) -> Principal:
    """The caller's principal; raises 429 when throttled and 401 for a missing or invalid key."""
    token = token_from(conn, allow_query)
    check_rate(ctx, conn, token)
    if token is None:
        raise ApiError(
            401,
            "authentication required",
            "send an API key as 'Authorization: Bearer <token>' or 'X-API-Key: <token>'",
            headers=_CHALLENGE,
        )
    who = ctx.store.verify_api_key(token)
    if who is None:
        raise ApiError(401, "invalid API key", "the key is unknown, revoked or malformed", headers=_CHALLENGE)
    return who


def current_principal(
    request: Request,
    _bearer_token: HTTPAuthorizationCredentials | None = Depends(_bearer),
    _header_token: str | None = Depends(_api_key),
) -> Principal:
    """Dependency: the authenticated caller (the security schemes make OpenAPI document the key)."""
    return authenticate(ctx_of(request), request)


def require(role: Role) -> Callable[..., Principal]:
    """Dependency factory: the caller, who must have at least ``role``."""

    def dependency(who: Principal = Depends(current_principal)) -> Principal:
        if ROLE_RANK[who.role] < ROLE_RANK[role]:
            raise ApiError(
                403, "forbidden", f"this needs the {role} role; {who.user} of {who.org_id} is {who.role}"
            )
        return who

    return dependency


Viewer = Depends(require(Role.VIEWER))
Analyst = Depends(require(Role.ANALYST))
Admin = Depends(require(Role.ADMIN))
