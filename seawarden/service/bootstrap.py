"""Organisations the service needs from its first start (the demo's navies and operator, a site's own).

Creation only: an organisation that exists is left as it is, because its communities may have been
changed since by an administrator, and configuration must never silently widen what an org sees.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from seawarden.service.config import OrgBootstrap
from seawarden.store import NotFound, Role, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """An API key created now; its token is shown once and cannot be recovered later."""

    org: str
    user: str
    role: str
    communities: tuple[str, ...]
    token: str


def bootstrap_orgs(store: Store, orgs: Sequence[OrgBootstrap], issue_keys: bool = True) -> list[IssuedKey]:
    """Create missing organisations with an admin user (and a key); returns the keys issued."""
    issued: list[IssuedKey] = []
    for org in orgs:
        try:
            existing = store.get_org(org.id)
        except NotFound:
            existing = None
        if existing is not None:
            if sorted(existing.communities) != sorted(org.communities):
                log.warning(
                    "organisation %s exists with communities %s; configuration says %s; left unchanged",
                    org.id,
                    list(existing.communities),
                    org.communities,
                )
            continue
        created = store.create_org(org.id, org.name, org.communities)
        user = store.create_user(org.id, org.admin_user, Role.ADMIN)
        log.info("organisation %s created (communities %s)", org.id, list(created.communities))
        if issue_keys:
            token, _info = store.create_api_key(user.id, "bootstrap")
            issued.append(IssuedKey(org.id, user.name, str(user.role), created.communities, token))
    return issued
