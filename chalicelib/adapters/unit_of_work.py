"""Write a changed item together with its audit entry: one DynamoDB transaction, all or nothing."""

from __future__ import annotations

from chalicelib.adapters.dynamo import BaseItem, transaction
from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import audit_item


def write(*items: BaseItem, tenant: str, event: AuditEvent, conflict: str | None = None) -> None:
    """Save the items (versions checked; a new item must not exist) and append the audit entry atomically."""
    with transaction(conflict) as tx:
        for item in items:
            tx.save(item)
        tx.save(audit_item(tenant=tenant, event=event))
