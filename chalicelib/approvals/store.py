"""The leader's inbox of pending approvals (docs/data-model.md "Pending approval") — the only module that knows its keys.

PK `T#{tenant}#APPROVALS`, SK `{submitted_at}#{kind}#{subject id}`: one partition per office, oldest submission
first, every subject kind side by side. The inbox never writes on its own: a subject's store saves `pending_item`
in the transaction that submits the subject and deletes `decided_item` in the one that approves, returns or
withdraws it, so the inbox holds exactly the subjects whose approval is `submitted`.
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.pagination import decode, encode

from .domain import INBOX_PAGE, Pending


class PendingApprovalItem(BaseItem, discriminator="PendingApproval"):
    """A subject waiting for a leader's decision."""

    kind = UnicodeAttribute()
    subject_id = UnicodeAttribute()
    title = UnicodeAttribute()
    submitted_at = UnicodeAttribute()
    submitted_by = UnicodeAttribute(default="")
    url = UnicodeAttribute()


def inbox_pk(tenant: str) -> str:
    """The office's inbox partition."""
    return tenant_key(tenant, "APPROVALS")


def decided_key(*, tenant: str, kind: str, subject_id: str, submitted_at: datetime) -> tuple[str, str]:
    """The (PK, SK) of a subject's entry, from the submission it was written for."""
    return inbox_pk(tenant), f"{iso(submitted_at)}#{kind}#{subject_id}"


def of_item(item: PendingApprovalItem) -> Pending:
    """The entry an item holds."""
    return Pending(item.kind, item.subject_id, item.title, parse_iso(item.submitted_at), item.submitted_by, item.url)


class PendingApprovals:
    """The inbox: items for the subjects' own transactions, and the leader's list."""

    def pending_item(
        self, *, tenant: str, kind: str, subject_id: str, title: str, submitted_at: datetime, url: str, submitted_by: str = ""
    ) -> BaseItem:
        """The entry of a submitted subject: `tx.save(...)` it in the transaction that submits the subject.

        `url` is the subject's page on the office's console, a path (`/surveys/{id}`).
        """
        if not url.startswith("/") or url.startswith("//"):
            raise ValueError(f"an inbox entry links to a console path, not {url!r}")
        pk, sk = decided_key(tenant=tenant, kind=kind, subject_id=subject_id, submitted_at=submitted_at)
        return PendingApprovalItem(
            pk,
            sk,
            tenant=tenant,
            kind=kind,
            subject_id=subject_id,
            title=title[:300],
            submitted_at=iso(submitted_at),
            submitted_by=submitted_by,
            url=url,
        )

    def decided_item(self, *, tenant: str, kind: str, subject_id: str, submitted_at: datetime) -> BaseItem:
        """The entry to remove: `tx.delete(..., add_version_condition=False)` in the deciding (or withdrawing)
        transaction; removing one that is gone already is a no-op, so a retried decision is safe."""
        pk, sk = decided_key(tenant=tenant, kind=kind, subject_id=subject_id, submitted_at=submitted_at)
        return PendingApprovalItem(pk, sk, tenant=tenant)

    def list(self, *, tenant: str, cursor: str | None, limit: int = INBOX_PAGE) -> tuple[list[Pending], str | None]:
        """The office's pending subjects, longest waiting first (one Query), and the cursor of the next page."""
        pk = inbox_pk(tenant)
        start = decode(cursor, partition_attr="PK", partition_value=pk)
        with translated():
            results = PendingApprovalItem.query(pk, limit=limit, last_evaluated_key=start)
            items = [of_item(i) for i in results if isinstance(i, PendingApprovalItem)]
        key = results.last_evaluated_key
        return items, encode(key) if key and key.get("PK", {}).get("S") == pk else None
