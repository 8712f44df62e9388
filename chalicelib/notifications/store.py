"""The outbox: notices written in the same transaction as the change that causes them.

PK `T#{tenant}#OUTBOX`, SK `{notice id}`; the worker marks each sent, or failed after MAX_ATTEMPTS.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.clock import Clock, iso

from .domain import Notice


class OutboxItem(BaseItem, discriminator="Outbox"):
    """A notice to deliver."""

    channel = UnicodeAttribute()
    to = UnicodeAttribute()
    template = UnicodeAttribute()
    data = JSONAttribute()
    subject_id = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="pending")  # pending | sent | failed
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)


class OutboxStore:
    """Reads and updates outbox items; gives other stores the item of a notice for their own transaction."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock

    def entry(self, *, tenant: str, notice: Notice) -> OutboxItem:
        """The outbox item of a notice, to be written in the transaction of the change that causes it."""
        return OutboxItem(
            tenant_key(tenant, "OUTBOX"),
            notice.id,
            tenant=tenant,
            channel=notice.channel,
            to=notice.to,
            template=notice.template,
            data=dict(notice.data),
            subject_id=notice.subject_id,
            created_at=iso(self._clock.now()),
        )

    def get(self, *, tenant: str, notice_id: str) -> OutboxItem | None:
        """One notice, or None."""
        with translated():
            try:
                return OutboxItem.get(tenant_key(tenant, "OUTBOX"), notice_id)
            except OutboxItem.DoesNotExist:
                return None

    def save(self, item: OutboxItem) -> None:
        """Save a notice's new state (version-checked: two deliveries of one notice cannot both win)."""
        with translated():
            item.save()

    def by_status(self, *, tenant: str, status: str, limit: int = 100) -> list[OutboxItem]:
        """The tenant's notices in a status, newest first (one Query, filtered)."""
        with translated():
            return list(
                OutboxItem.query(
                    tenant_key(tenant, "OUTBOX"),
                    filter_condition=OutboxItem.status == status,
                    scan_index_forward=False,
                    limit=limit,
                )
            )
