"""Customers: look-up, create, read with the timeline, update; the CCC's read of any province's customer."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .schemas import CustomerIdentity, CustomerPage, CustomerQuery, CustomerRead, CustomerSummaryRead, CustomerUpdate

if TYPE_CHECKING:
    from .domain import Customer, CustomerSummary

bp = Blueprint(__name__)
TAGS = ("customers",)


def customer_read(customer: Customer) -> CustomerRead:
    """The API view of a customer, with its timeline."""
    return CustomerRead.model_validate({**asdict(customer), "display_name": customer.display_name})


def summary_read(summary: CustomerSummary) -> CustomerSummaryRead:
    """The API view of a search result."""
    return CustomerSummaryRead.model_validate(asdict(summary))


@route(bp, "/api/customers", permission=Permission.CUSTOMERS_READ, query=CustomerQuery, response=CustomerPage, tags=TAGS)
def search_customers(ctx: RequestContext, query: CustomerQuery) -> CustomerPage:
    """Find customers by any identifier (or its first characters) or by name, diacritics optional."""
    found = container().customers.search(
        tenant=ctx.tenant, actor=ctx.user, identifier=query.identifier, name=query.q, limit=query.limit
    )
    return CustomerPage(items=[summary_read(s) for s in found])


@route(
    bp,
    "/api/customers",
    method="POST",
    permission=Permission.CUSTOMERS_WRITE,
    body=CustomerIdentity,
    response=CustomerRead,
    status=201,
    tags=TAGS,
)
def create_customer(ctx: RequestContext, body: CustomerIdentity) -> CustomerRead:
    """Record a new customer; an identifier already on record is 409 with a pointer to that record."""
    return customer_read(container().customers.create(tenant=ctx.tenant, actor=ctx.user, data=body))


@route(bp, "/api/customers/{customer_id}", permission=Permission.CUSTOMERS_READ, response=CustomerRead, tags=TAGS)
def get_customer(ctx: RequestContext, customer_id: str) -> CustomerRead:
    """One customer with the timeline (the read is audited)."""
    return customer_read(container().customers.get(tenant=ctx.tenant, actor=ctx.user, customer_id=customer_id))


@route(
    bp,
    "/api/customers/{customer_id}",
    method="PUT",
    permission=Permission.CUSTOMERS_WRITE,
    body=CustomerUpdate,
    response=CustomerRead,
    tags=TAGS,
)
def update_customer(ctx: RequestContext, body: CustomerUpdate, customer_id: str) -> CustomerRead:
    """Replace the customer's fields at the version read."""
    customers = container().customers
    updated = customers.update(tenant=ctx.tenant, actor=ctx.user, customer_id=customer_id, version=body.version, data=body)
    return customer_read(updated)


@route(bp, "/api/central/customers/{tenant}/{customer_id}", permission=Permission.CENTRAL_VIEW, response=CustomerRead, tags=TAGS)
def get_customer_centrally(ctx: RequestContext, tenant: str, customer_id: str) -> CustomerRead:
    """The CCC reads any office's customer (DOMAIN.md §1); audited in the CCC's trail with the office named."""
    return customer_read(container().customers.get(tenant=tenant, actor=ctx.user, customer_id=customer_id))
