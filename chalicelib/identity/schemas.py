"""Sign-in and staff accounts at the edge."""

from __future__ import annotations

from pydantic import Field

from chalicelib.shared.fields import Identifier, Line, Version
from chalicelib.shared.schema import BaseModel, Input


class LoginBody(Input):
    """Credentials typed on the tenant's sign-in page."""

    username: Identifier = Field(max_length=80)
    password: str = Field(min_length=1, max_length=256)


class NewPasswordBody(Input):
    """The answer to a first sign-in with a temporary password; an unknown, malformed or spent session is a 401."""

    username: Identifier = Field(max_length=80)
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


class UserCreate(Input):
    """A new staff account (the login's form is a rule of the domain: 422)."""

    username: Line = Field(min_length=3, max_length=40)
    full_name: Line = Field(min_length=2, max_length=120)
    roles: list[Identifier] = Field(min_length=1, max_length=8)
    unit_id: Identifier | None = Field(default=None, max_length=40)
    email: Line | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    agent_code: Line | None = Field(default=None, max_length=20, pattern=r"^[A-Za-z0-9-]+$")


class UserUpdate(Input):
    """A change to an account; `version` is the one read."""

    version: Version
    full_name: Line | None = Field(default=None, min_length=2, max_length=120)
    roles: list[Identifier] | None = Field(default=None, min_length=1, max_length=8)
    unit_id: Identifier | None = Field(default=None, max_length=40)
    agent_code: Line | None = Field(default=None, max_length=20, pattern=r"^[A-Za-z0-9-]+$")


class VersionBody(Input):
    """An action that only needs the version read."""

    version: Version


class NewAccountRead(BaseModel):
    """A created account, or a reset: the temporary password is shown this once."""

    user: UserRead
    temporary_password: str
