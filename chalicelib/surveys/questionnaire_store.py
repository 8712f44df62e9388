"""Questionnaires in the single table (docs/data-model.md "Questionnaire").

PK `T#{tenant}#QN#{id}`, SK `QN`: the current state (the latest number's content, frozen or draft, optimistic
`version`); GSI1 `T#{tenant}#QNS` / `{created}#{id}` lists a tenant's questionnaires, oldest first. Each frozen
version is its own item, written once in the transaction that freezes it: PK `T#{tenant}#QNV#{id}`, SK `V#{n:04d}`.
A change is one transaction: the current item at the version it was read (else 409) and the new frozen version
(which must not exist yet).
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.transactions import TransactWrite

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import commit
from chalicelib.shared.clock import iso, parse_iso
from chalicelib.shared.pagination import decode, encode

from .questionnaire import Questionnaire, QuestionnaireVersion, content_from_dict, content_to_dict

SK = "QN"


class QuestionnaireItem(BaseItem, discriminator="Questionnaire"):
    """A questionnaire's current state."""

    title = UnicodeAttribute()
    number = NumberAttribute()
    frozen = BooleanAttribute(default=False)
    frozen_numbers = JSONAttribute(default=list)  # [n, …]: the numbers frozen so far
    content = JSONAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute(default="")


class QuestionnaireVersionItem(BaseItem, discriminator="QuestionnaireVersion"):
    """A frozen version: never written again."""

    number = NumberAttribute()
    content = JSONAttribute()


class QuestionnaireStore:
    """Reads and saves questionnaires and their frozen versions."""

    def get(self, *, tenant: str, questionnaire_id: str) -> Questionnaire | None:
        """One GetItem, or None (another tenant's id names nothing)."""
        with translated():
            try:
                return _questionnaire(QuestionnaireItem.get(_pk(tenant, questionnaire_id), SK))
            except QuestionnaireItem.DoesNotExist:
                return None

    def save(self, questionnaire: Questionnaire, *, frozen: QuestionnaireVersion | None = None) -> Questionnaire:
        """Write the state if still at `questionnaire.version` (0: must be new), with a newly frozen version; 409 else."""
        item = _item(questionnaire)

        def build(tx: TransactWrite) -> None:
            tx.save(item)
            if frozen is not None:
                version = QuestionnaireVersionItem(
                    tenant_key(questionnaire.tenant, "QNV", questionnaire.id),
                    f"V#{frozen.number:04d}",
                    tenant=questionnaire.tenant,
                    number=frozen.number,
                    content=content_to_dict(frozen.content),
                )
                tx.save(version, condition=QuestionnaireVersionItem.PK.does_not_exist())

        commit(build)
        return _questionnaire(item)

    def get_version(self, *, tenant: str, questionnaire_id: str, number: int) -> QuestionnaireVersion | None:
        """One frozen version, or None."""
        with translated():
            try:
                item = QuestionnaireVersionItem.get(tenant_key(tenant, "QNV", questionnaire_id), f"V#{number:04d}")
            except QuestionnaireVersionItem.DoesNotExist:
                return None
        return QuestionnaireVersion(questionnaire_id, int(item.number), content_from_dict(item.content), frozen=True)

    def list(self, *, tenant: str, limit: int, cursor: str | None) -> tuple[list[Questionnaire], str | None]:
        """A page of the tenant's questionnaires, oldest first (one Query of GSI1)."""
        pk = tenant_key(tenant, "QNS")
        start = decode(cursor, partition_attr="GSI1PK", partition_value=pk)
        with translated():
            results = QuestionnaireItem.gsi1.query(pk, limit=limit, last_evaluated_key=start)
            items = [_questionnaire(i) for i in results if isinstance(i, QuestionnaireItem)]
        return items, encode(results.last_evaluated_key)


def _pk(tenant: str, questionnaire_id: str) -> str:
    return tenant_key(tenant, "QN", questionnaire_id)


def _item(q: Questionnaire) -> QuestionnaireItem:
    created = iso(q.created_at) if q.created_at else iso(q.updated_at) if q.updated_at else ""
    item = QuestionnaireItem(
        _pk(q.tenant, q.id),
        SK,
        tenant=q.tenant,
        title=q.content.title,
        number=q.number,
        frozen=q.frozen,
        frozen_numbers=list(q.frozen_numbers),
        content=content_to_dict(q.content),
        created_at=created,
        updated_at=iso(q.updated_at) if q.updated_at else created,
        updated_by=q.updated_by,
        GSI1PK=tenant_key(q.tenant, "QNS"),
        GSI1SK=f"{created}#{q.id}",
    )
    if q.version:
        item.version = q.version
    return item


def _questionnaire(item: QuestionnaireItem) -> Questionnaire:
    return Questionnaire(
        id=item.PK.rsplit("#", 1)[1],
        tenant=item.tenant,
        content=content_from_dict(item.content),
        number=int(item.number),
        frozen=bool(item.frozen),
        version=int(item.version or 0),
        created_at=parse_iso(item.created_at),
        updated_at=parse_iso(item.updated_at),
        updated_by=item.updated_by or "",
        frozen_numbers=tuple(int(n) for n in item.frozen_numbers or ()),
    )
