"""Links in the single table (docs/data-model.md "Links") — the only module that knows their keys.

One item per link: PK `T#{tenant}#LINK#{sha256 of the token}`, SK `LINK`. Following a link is one GetItem by the
hash, whatever the token. The subject's store writes a new link in its own transaction (`link_item`), and uses it
in its submission's transaction (`LinkUse`): a conditional update `attribute_not_exists(used_at)`, so of two racing
submissions exactly one is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pynamodb.attributes import MapAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import commit
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.errors import ConflictError

from .domain import Link

SK = "LINK"
PUT_CHUNK = 100  # links written in one TransactWriteItems (its most) (BatchWriteItem is refused by IAM: TableAccessDef)


class LinkItem(BaseItem, discriminator="Link"):
    """A single-use public link: its purpose, its subject (ids only, never contact details), window and uses."""

    purpose = UnicodeAttribute()
    subject = MapAttribute[str, str]()
    valid_from = UnicodeAttribute()
    valid_until = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    opened_at = UnicodeAttribute(null=True)
    used_at = UnicodeAttribute(null=True)


def _pk(tenant: str, link_id: str) -> str:
    return tenant_key(tenant, "LINK", link_id)


def link_item(
    *,
    tenant: str,
    link_id: str,
    purpose: str,
    subject: dict[str, str],
    valid_from: datetime,
    valid_until: datetime,
    issued_at: datetime,
) -> LinkItem:
    """The item of a new link, for the subject's own transaction (`tx.save(item)`: it must not exist yet)."""
    return LinkItem(
        _pk(tenant, link_id),
        SK,
        tenant=tenant,
        purpose=purpose,
        subject=dict(subject),
        valid_from=iso(valid_from),
        valid_until=iso(valid_until),
        issued_at=iso(issued_at),
    )


def link_of(item: LinkItem) -> Link:
    """The link an item holds."""
    return Link(
        tenant=item.tenant,
        link_id=item.PK.rsplit("#", 1)[1],
        purpose=item.purpose,
        subject={str(k): str(v) for k, v in item.subject.as_dict().items()},
        valid_from=parse_iso(item.valid_from),
        valid_until=parse_iso(item.valid_until),
        issued_at=parse_iso(item.issued_at),
        opened_at=parse_iso(item.opened_at) if item.opened_at else None,
        used_at=parse_iso(item.used_at) if item.used_at else None,
        version=item.version or 0,
    )


@dataclass(frozen=True)
class LinkUse:
    """Using a link, as one part of the subject's submission transaction: refused when it was used already."""

    tenant: str
    link_id: str
    at: datetime

    def add_to(self, tx: TransactWrite) -> None:
        """Add the conditional write (the link exists and has no `used_at`) to the transaction."""
        item = LinkItem(_pk(self.tenant, self.link_id), SK)
        condition = LinkItem.PK.exists() & LinkItem.used_at.does_not_exist()
        tx.update(item, [LinkItem.used_at.set(iso(self.at))], condition=condition, add_version_condition=False)


class DynamoLinkStore:
    """Links in DynamoDB: one GetItem to resolve, one UpdateItem to mark opened, one transaction part to use."""

    def get(self, *, tenant: str, link_id: str) -> Link | None:
        """The link, or None (one GetItem)."""
        with translated():
            try:
                return link_of(LinkItem.get(_pk(tenant, link_id), SK))
            except LinkItem.DoesNotExist:
                return None

    def many(self, *, tenant: str, link_ids: Sequence[str]) -> dict[str, Link]:
        """Several links by id (BatchGetItem, 100 keys a call)."""
        keys = [(_pk(tenant, link_id), SK) for link_id in dict.fromkeys(link_ids)]
        with translated():
            return {link.link_id: link for link in (link_of(i) for i in LinkItem.batch_get(keys))} if keys else {}

    def add(self, *, links: Iterable[LinkItem]) -> int:
        """Write new links, PUT_CHUNK to a transaction (each must not exist); returns how many transactions it took."""
        calls = 0
        chunk: list[LinkItem] = []
        for item in links:
            chunk.append(item)
            if len(chunk) == PUT_CHUNK:
                self._put(chunk)
                calls, chunk = calls + 1, []
        if chunk:
            self._put(chunk)
            calls += 1
        return calls

    def _put(self, items: list[LinkItem]) -> None:
        def build(tx: TransactWrite) -> None:
            for item in items:
                tx.save(item)

        commit(build)

    def mark_opened(self, *, tenant: str, link_id: str, at: datetime) -> bool:
        """Record the first opening; a later one (or a race with another) changes nothing and is no error."""
        item = LinkItem(_pk(tenant, link_id), SK)
        condition = LinkItem.PK.exists() & LinkItem.opened_at.does_not_exist()
        try:
            with translated():
                item.update(actions=[LinkItem.opened_at.set(iso(at))], condition=condition, add_version_condition=False)
        except ConflictError:
            return False
        return True

    def use(self, use: LinkUse, parts: Callable[[TransactWrite], None]) -> None:
        """Use the link and write the subject's submission in one transaction; ConflictError when it did not commit
        because of a condition (the link's or the subject's: the service tells them apart by reading the link)."""

        def build(tx: TransactWrite) -> None:
            use.add_to(tx)
            parts(tx)

        commit(build)
