"""Tenancy at the edge."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.shared.schema import BaseModel

from .catalog import UNIT_KINDS

Strict = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TenantRead(BaseModel):
    """A tenant as the CCC sees it."""

    code: str
    name: str
    short_name: str
    kind: str
    host: str


class TenantPage(BaseModel):
    """Every tenant."""

    items: list[TenantRead]


class UnitRead(BaseModel):
    """A unit of the tenant."""

    id: str
    name: str
    kind: str
    active: bool
    version: int


class UnitPage(BaseModel):
    """The tenant's units."""

    items: list[UnitRead]


class UnitCreate(BaseModel):
    """A new unit (e.g. a grassroots office)."""

    model_config = Strict
    code: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: str = Field(min_length=2, max_length=200)
    kind: str = Field(pattern="^(" + "|".join(UNIT_KINDS) + ")$")


class UnitUpdate(BaseModel):
    """A change to a unit; `version` is the one read."""

    model_config = Strict
    version: int = Field(ge=0)
    name: str | None = Field(default=None, min_length=2, max_length=200)
    active: bool | None = None


class UnitQuery(BaseModel):
    """Filters of the unit list."""

    model_config = Strict
    include_inactive: bool = False
