"""Sign-in and staff accounts at the edge."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.shared.schema import BaseModel

Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginBody(BaseModel):
    """Credentials typed on the tenant's sign-in page."""

    model_config = Strict
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=256)


class NewPasswordBody(BaseModel):
    """The answer to a first sign-in with a temporary password."""

    model_config = Strict
    username: str = Field(min_length=1, max_length=80)
    session: str = Field(min_length=1, max_length=4096)
    new_password: str = Field(min_length=8, max_length=256)


class UserRead(BaseModel):
    """A staff member."""

    username: str
    full_name: str
    roles: list[str]
    unit_id: str | None
    email: str | None = None
    agent_code: str | None = None
    enabled: bool = True
    version: int = 0


class LoginResponse(BaseModel):
    """A sign-in: the token (also set as an HttpOnly cookie), or `challenge` when a new password is needed."""

    access_token: str | None = None
    token_type: str = "Bearer"
    expires_in: int | None = None
    user: UserRead | None = None
    challenge: str | None = None
    session: str | None = None


class MeRead(BaseModel):
    """Who is signed in, where, and what they may do."""

    user: UserRead
    tenant: dict[str, str]
    roles: list[str]
    permissions: list[str]


class UserPage(BaseModel):
    """The tenant's staff."""

    items: list[UserRead]


class UserCreate(BaseModel):
    """A new staff account."""

    model_config = Strict
    username: str = Field(min_length=3, max_length=40)
    full_name: str = Field(min_length=2, max_length=120)
    roles: list[str] = Field(min_length=1, max_length=8)
    unit_id: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    agent_code: str | None = Field(default=None, max_length=20, pattern=r"^[A-Za-z0-9-]+$")


class UserUpdate(BaseModel):
    """A change to an account; `version` is the one read."""

    model_config = Strict
    version: int = Field(ge=0)
    full_name: str | None = Field(default=None, min_length=2, max_length=120)
    roles: list[str] | None = Field(default=None, min_length=1, max_length=8)
    unit_id: str | None = Field(default=None, max_length=40)
    agent_code: str | None = Field(default=None, max_length=20, pattern=r"^[A-Za-z0-9-]+$")


class VersionBody(BaseModel):
    """An action that only needs the version read."""

    model_config = Strict
    version: int = Field(ge=0)


class NewAccountRead(BaseModel):
    """A created account, or a reset: the temporary password is shown this once."""

    user: UserRead
    temporary_password: str
