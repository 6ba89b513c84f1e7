"""Request and response shapes of the organisations domain."""

from pydantic import BaseModel, Field

from seawarden.store import Role


class OrgIn(BaseModel):
    id: str = Field(min_length=1, max_length=64, description="Lower-case id, e.g. 'fi-navy'.")
    name: str = Field(min_length=1, max_length=200)
    communities: list[str] = Field(default_factory=list, max_length=50, description="e.g. JEF, NATO.")


class OrgOut(BaseModel):
    id: str
    name: str
    communities: list[str]


class CommunitiesIn(BaseModel):
    communities: list[str] = Field(max_length=50)


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role = Role.VIEWER


class UserOut(BaseModel):
    id: int
    org_id: str
    name: str
    role: Role


class KeyIn(BaseModel):
    label: str = Field("", max_length=200)


class KeyOut(BaseModel):
    id: str
    user_id: int
    label: str
    created_at: str | None
    last_used_at: str | None
    revoked_at: str | None


class NewKeyOut(KeyOut):
    token: str = Field(description="The secret token: shown now and never again. Store it safely.")
