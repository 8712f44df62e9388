"""Audit entries in the single table: PK T#{tenant}#AUDIT#{yyyy-mm}, SK {iso instant}#{id}; never updated.

A month is deleted whole, by the retention job, once all of it is older than the tenant's audit retention
(customers/retention.py `audit_entry`); that deletion is itself recorded in the current month.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import MapAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.ids import new_id

from .domain import AuditEvent


class AuditItem(BaseItem, discriminator="Audit"):
    """One audit entry."""

    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    at = UnicodeAttribute()
    detail = MapAttribute[str, str](default=dict)


def _month(at: datetime) -> str:
    return at.strftime("%Y-%m")


def audit_item(*, tenant: str, event: AuditEvent) -> AuditItem:
    """The item for an event, to be written alongside the change it records (same transaction)."""
    entry_id = event.id or new_id()
    stamp = iso(event.at)
    return AuditItem(
        tenant_key(tenant, "AUDIT", _month(event.at)),
        f"{stamp}#{entry_id}",
        tenant=tenant,
        actor=event.actor,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        at=stamp,
        detail=dict(event.detail),
    )


def _to_event(item: AuditItem) -> AuditEvent:
    return AuditEvent(
        actor=item.actor,
        action=item.action,
        target_type=item.target_type,
        target_id=item.target_id,
        at=parse_iso(item.at),
        detail=dict(item.detail.as_dict() if hasattr(item.detail, "as_dict") else item.detail or {}),
        id=item.SK.split("#", 1)[1],
    )


class AuditStore:
    """Reads and appends audit entries; the unit of work's `Journal`, so each change writes its entry in its transaction."""

    def entry(self, *, tenant: str, event: AuditEvent) -> AuditItem:
        """The item recording `event`, for the transaction of the change it records."""
        return audit_item(tenant=tenant, event=event)

    def append(self, *, tenant: str, event: AuditEvent) -> None:
        """Append an entry on its own (when there is no other item to change with it)."""
        with translated():
            audit_item(tenant=tenant, event=event).save()

    def list_month(self, *, tenant: str, month: str, limit: int = 100) -> list[AuditEvent]:
        """The month's entries, newest first (one Query)."""
        with translated():
            items = AuditItem.query(tenant_key(tenant, "AUDIT", month), scan_index_forward=False, limit=limit)
            return [_to_event(i) for i in items]

    def purge_month(self, *, tenant: str, month: str) -> int:
        """Delete every entry of one month (one Query, then batched deletes); how many there were."""
        with translated():
            items = list(AuditItem.query(tenant_key(tenant, "AUDIT", month), attributes_to_get=["PK", "SK", "type"]))
            with AuditItem.batch_write() as batch:
                for item in items:
                    batch.delete(item)
        return len(items)
