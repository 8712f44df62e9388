"""The outbox: notices written in the same transaction as the change that causes them.

PK `T#{tenant}#OUTBOX`, SK `{notice id}`; the worker claims each (pending → sending) with a conditional update
before it sends, then marks it sent, back to pending, or failed (docs/data-model.md "Outbox notice"). While a
notice is unsettled (pending or sending) it also sits in GSI1 under `T#{tenant}#OUTBOX#OPEN` / `{created}#{id}`,
so the sweep finds one whose queue message was lost without reading the notices already delivered.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.clock import Clock, iso
from chalicelib.shared.errors import ConflictError

from .domain import FAILED, PENDING, SENDING, SENT, Notice


class OutboxItem(BaseItem, discriminator="Outbox"):
    """A notice to deliver."""

    channel = UnicodeAttribute()
    to = UnicodeAttribute()
    template = UnicodeAttribute()
    data = JSONAttribute()
    subject_id = UnicodeAttribute(default="")
    status = UnicodeAttribute(default=PENDING)  # pending | sending | sent | failed
    attempts = NumberAttribute(default=0)  # sends tried (claims taken)
    last_error = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    claimed_at = UnicodeAttribute(null=True)  # when the current or last send was claimed
    sent_at = UnicodeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    secret = JSONAttribute(null=True)  # the notice's secret values (a link's URL) until it is sent, then removed


class OutboxStore:
    """Reads and updates outbox items; gives other stores the item of a notice for their own transaction."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock

    def entry(self, *, tenant: str, notice: Notice) -> OutboxItem:
        """The outbox item of a notice, to be written in the transaction of the change that causes it."""
        created = iso(self._clock.now())
        return OutboxItem(
            tenant_key(tenant, "OUTBOX"),
            notice.id,
            tenant=tenant,
            channel=notice.channel,
            to=notice.to,
            template=notice.template,
            data=dict(notice.data),
            subject_id=notice.subject_id,
            secret=dict(notice.secret) or None,
            created_at=created,
            GSI1PK=_open(tenant),
            GSI1SK=f"{created}#{notice.id}",
        )

    def get(self, *, tenant: str, notice_id: str) -> OutboxItem | None:
        """One notice, or None."""
        with translated():
            try:
                return OutboxItem.get(tenant_key(tenant, "OUTBOX"), notice_id)
            except OutboxItem.DoesNotExist:
                return None

    def reopen(self, item: OutboxItem) -> None:
        """A failed notice back to pending, with no tries spent (version-checked: two people resending → one 409)."""
        item.status, item.attempts = PENDING, 0
        item.GSI1PK, item.GSI1SK = _open(item.tenant), f"{item.created_at}#{item.SK}"
        with translated():
            item.save()

    def unsettled(self, *, tenant: str, created_before: datetime, limit: int) -> list[OutboxItem]:
        """The tenant's notices still pending or sending that were created before a time, oldest first (GSI1)."""
        with translated():
            return list(OutboxItem.gsi1.query(_open(tenant), OutboxItem.GSI1SK < iso(created_before), limit=limit))  # type: ignore[arg-type]

    def claim(self, item: OutboxItem, *, at: datetime) -> bool:
        """Take a pending notice for one send (one more attempt); False when another delivery took it first."""
        return self._update(
            item,
            [OutboxItem.status.set(SENDING), OutboxItem.claimed_at.set(iso(at)), OutboxItem.attempts.add(1)],
            OutboxItem.status == PENDING,
        )

    def release(self, item: OutboxItem, *, status: str, error: str) -> bool:
        """After a send that did not happen: pending again (or failed), if the claim is still this delivery's."""
        actions = [OutboxItem.status.set(status), OutboxItem.last_error.set(error)]
        return self._update(item, actions + (_settled() if status == FAILED else []), OutboxItem.status == SENDING)

    def abandon(self, item: OutboxItem, *, error: str) -> bool:
        """A claimed send whose outcome is unknown: failed, for a person to look at, if nobody settled it meanwhile."""
        return self.release(item, status=FAILED, error=error)

    def record_sent(self, *, tenant: str, notice_id: str, provider_id: str, at: datetime) -> None:
        """The provider took the notice: sent, whatever state a slower delivery left it in (once sent, it stays)."""
        item = OutboxItem(tenant_key(tenant, "OUTBOX"), notice_id)
        actions = [
            OutboxItem.status.set(SENT),
            OutboxItem.provider_id.set(provider_id),
            OutboxItem.sent_at.set(iso(at)),
            OutboxItem.last_error.remove(),
            OutboxItem.secret.remove(),
            *_settled(),
        ]
        self._update(item, actions, OutboxItem.PK.exists() & (OutboxItem.status != SENT), versioned=False)

    def _update(self, item: OutboxItem, actions: list, condition: object, *, versioned: bool = True) -> bool:
        try:
            with translated():
                item.update(actions=actions, condition=condition, add_version_condition=versioned)  # type: ignore[arg-type]
        except ConflictError:
            return False
        return True

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


def _open(tenant: str) -> str:
    return tenant_key(tenant, "OUTBOX", "OPEN")


def _settled() -> list:
    """Out of the unsettled notices' index."""
    return [OutboxItem.GSI1PK.remove(), OutboxItem.GSI1SK.remove()]
