"""Reading the audit trail (leaders, supervisors, administrators)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.entrypoints import container
from chalicelib.entrypoints.api import route
from chalicelib.shared.permissions import Permission
from chalicelib.shared.tenancy import RequestContext

from .schemas import AuditPage, AuditQuery, AuditRead

bp = Blueprint(__name__)


@route(bp, "/api/audit", permission=Permission.AUDIT_READ, query=AuditQuery, response=AuditPage, tags=("audit",))
def list_audit(ctx: RequestContext, query: AuditQuery) -> AuditPage:
    """A month of the tenant's audit trail, newest first."""
    c = container()
    month = query.month or c.clock.now().strftime("%Y-%m")
    events = c.audit.list_month(tenant=ctx.tenant, month=month, limit=query.limit)
    return AuditPage(items=[AuditRead(**{**e.__dict__}) for e in events])
