"""Personal data over the API: retention settings (tenant, national), the job run now, a customer's export and erasure."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.clock import stop_after
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext
from chalicelib.tenancy.catalog import TENANT_BY_CODE

from .privacy_schemas import (
    CustomerErase,
    CustomerErasureRead,
    CustomerExportRead,
    RetentionBoundsRead,
    RetentionBoundsUpdate,
    RetentionPolicyRead,
    RetentionPolicyUpdate,
    RetentionRunRead,
    bounds_read,
    erasure_read,
    export_read,
    policy_read,
    run_read,
)
from .routes import customer_read

bp = Blueprint(__name__)
TAGS = ("personal data",)
RUN_SECONDS = 20  # a run asked for over the API stops in time for API Gateway's limit; the next run goes on


@route(bp, "/api/retention-policy", permission=Permission.CONSOLE, response=RetentionPolicyRead, tags=TAGS)
def get_retention_policy(ctx: RequestContext) -> RetentionPolicyRead:
    """How long the office keeps each kind of personal data, inside the national bounds; the job's last run."""
    privacy = container().privacy
    return policy_read(privacy.policy(tenant=ctx.tenant), privacy.last_run(tenant=ctx.tenant))


@route(
    bp,
    "/api/retention-policy",
    method="PUT",
    permission=Permission.RETENTION_MANAGE,
    body=RetentionPolicyUpdate,
    response=RetentionPolicyRead,
    tags=TAGS,
)
def put_retention_policy(ctx: RequestContext, body: RetentionPolicyUpdate) -> RetentionPolicyRead:
    """Set the office's months per kind at the version read; outside the national bounds is a 422."""
    privacy = container().privacy
    policy = privacy.set_policy(tenant=ctx.tenant, actor=ctx.user, months=dict(body.months), version=body.version)
    return policy_read(policy, privacy.last_run(tenant=ctx.tenant))


@route(
    bp, "/api/retention-policy/run", method="POST", permission=Permission.RETENTION_MANAGE, response=RetentionRunRead, tags=TAGS
)
def run_retention_now(ctx: RequestContext) -> RetentionRunRead | None:
    """Run the retention job for the office now (it also runs every night); `complete` false: the next run goes on."""
    return run_read(container().privacy.run(tenant=ctx.tenant, should_stop=stop_after(RUN_SECONDS)))


@route(bp, "/api/central/retention-bounds", permission=Permission.CENTRAL_RETENTION, response=RetentionBoundsRead, tags=TAGS)
def get_retention_bounds(ctx: RequestContext) -> RetentionBoundsRead:
    """The national minimum and maximum months per kind (CCC)."""
    return bounds_read(container().privacy.national())


@route(
    bp,
    "/api/central/retention-bounds",
    method="PUT",
    permission=Permission.CENTRAL_RETENTION,
    body=RetentionBoundsUpdate,
    response=RetentionBoundsRead,
    tags=TAGS,
)
def put_retention_bounds(ctx: RequestContext, body: RetentionBoundsUpdate) -> RetentionBoundsRead:
    """Set the national bounds at the version read (CCC central administrators)."""
    bounds = {key: (b.minimum, b.maximum) for key, b in body.bounds.items()}
    return bounds_read(container().privacy.set_national(actor=ctx.user, bounds=bounds, version=body.version))


@route(
    bp,
    "/api/customers/{customer_id}/export",
    permission=Permission.CUSTOMERS_EXPORT,
    response=CustomerExportRead,
    tags=("customers",),
)
def export_customer(ctx: RequestContext, customer_id: str) -> CustomerExportRead:
    """The customer's copy of their data (Decree 13/2023 Art. 9.7, 14); audited as a read of personal data."""
    export = container().privacy.export(tenant=ctx.tenant, actor=ctx.user, customer_id=customer_id)
    return export_read(export, TENANT_BY_CODE[ctx.tenant].name, customer_read(export.customer))


@route(
    bp,
    "/api/customers/{customer_id}/erase",
    method="POST",
    permission=Permission.CUSTOMERS_ERASE,
    body=CustomerErase,
    response=CustomerErasureRead,
    tags=("customers",),
)
def erase_customer(ctx: RequestContext, body: CustomerErase, customer_id: str) -> CustomerErasureRead:
    """Erase the customer's personal data on their request (Art. 9.5, 16); with an open request it is a 422."""
    privacy = container().privacy
    erasure = privacy.erase(
        tenant=ctx.tenant,
        actor=ctx.user,
        customer_id=customer_id,
        version=body.version,
        reason=body.reason,
        reference=body.reference,
    )
    return erasure_read(erasure, customer_read(erasure.customer))
