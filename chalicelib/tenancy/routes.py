"""Tenants (CCC only) and the tenant's units."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .schemas import TenantPage, TenantRead, UnitCreate, UnitPage, UnitQuery, UnitRead, UnitUpdate

if TYPE_CHECKING:
    from .domain import Unit

bp = Blueprint(__name__)
TAGS = ("tenancy",)


def unit_read(unit: Unit) -> UnitRead:
    """The API view of a unit."""
    return UnitRead(id=unit.id, name=unit.name, kind=unit.kind, active=unit.active, version=unit.version)


@route(bp, "/api/units", permission=Permission.UNITS_READ, query=UnitQuery, response=UnitPage, tags=TAGS)
def list_units(ctx: RequestContext, query: UnitQuery) -> UnitPage:
    """The tenant's units: departments, care desk, specialist boards, district offices."""
    units = container().tenancy.list_units(tenant=ctx.tenant, include_inactive=query.include_inactive)
    return UnitPage(items=[unit_read(u) for u in units])


@route(
    bp, "/api/units", method="POST", permission=Permission.UNITS_MANAGE, body=UnitCreate, response=UnitRead, status=201, tags=TAGS
)
def create_unit(ctx: RequestContext, body: UnitCreate) -> UnitRead:
    """Add a unit, e.g. a grassroots office."""
    return unit_read(container().tenancy.create_unit(tenant=ctx.tenant, actor=ctx.user, **body.model_dump()))


@route(bp, "/api/units/{unit_id}", permission=Permission.UNITS_READ, response=UnitRead, tags=TAGS)
def get_unit(ctx: RequestContext, unit_id: str) -> UnitRead:
    """One unit of the tenant."""
    return unit_read(container().tenancy.get_unit(tenant=ctx.tenant, unit_id=unit_id))


@route(
    bp, "/api/units/{unit_id}", method="PUT", permission=Permission.UNITS_MANAGE, body=UnitUpdate, response=UnitRead, tags=TAGS
)
def update_unit(ctx: RequestContext, body: UnitUpdate, unit_id: str) -> UnitRead:
    """Rename or (de)activate a unit."""
    return unit_read(container().tenancy.update_unit(tenant=ctx.tenant, actor=ctx.user, unit_id=unit_id, **body.model_dump()))


@route(bp, "/api/central/tenants", permission=Permission.CENTRAL_VIEW, response=TenantPage, tags=TAGS)
def list_tenants(ctx: RequestContext) -> TenantPage:
    """Every tenant with its code, name and host (CCC only)."""
    tenancy = container().tenancy
    return TenantPage(
        items=[
            TenantRead(code=t.code, name=t.name, short_name=t.short_name, kind=t.kind, host=tenancy.host_of(t.code))
            for t in tenancy.list_tenants()
        ]
    )
