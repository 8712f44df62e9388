"""Tenancy at the edge."""

from __future__ import annotations

from pydantic import Field

from chalicelib.shared.fields import Line, QueryFlag, Version
from chalicelib.shared.schema import BaseModel, Input

from .catalog import UNIT_KINDS


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


class UnitCreate(Input):
    """A new unit (e.g. a grassroots office)."""

    code: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    name: Line = Field(min_length=2, max_length=200)
    kind: str = Field(pattern="^(" + "|".join(UNIT_KINDS) + ")$")


class UnitUpdate(Input):
    """A change to a unit; `version` is the one read."""

    version: Version
    name: Line | None = Field(default=None, min_length=2, max_length=200)
    active: bool | None = None


class UnitQuery(Input):
    """Filters of the unit list."""

    include_inactive: QueryFlag = False
