"""Units in the single table: PK T#{tenant}#UNIT, SK {unit id}."""

from __future__ import annotations

from collections.abc import Sequence

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from chalicelib.adapters.dynamo import BaseItem, tenant_key, translated
from chalicelib.adapters.unit_of_work import Journal, write
from chalicelib.audit.domain import AuditEvent

from .domain import Unit


class UnitItem(BaseItem, discriminator="Unit"):
    """A unit of a tenant."""

    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    active = BooleanAttribute(default=True)


def _to_unit(item: UnitItem) -> Unit:
    return Unit(id=item.SK, name=item.name, kind=item.kind, active=item.active, version=item.version or 0)


class UnitStore:
    """Repository of units; one Query lists a tenant's units."""

    def __init__(self, *, journal: Journal) -> None:
        self._journal = journal

    def list(self, *, tenant: str) -> list[Unit]:
        """Every unit of the tenant, by id."""
        with translated():
            return [_to_unit(i) for i in UnitItem.query(tenant_key(tenant, "UNIT"))]

    def get(self, *, tenant: str, unit_id: str) -> Unit | None:
        """One unit, or None."""
        with translated():
            try:
                return _to_unit(UnitItem.get(tenant_key(tenant, "UNIT"), unit_id))
            except UnitItem.DoesNotExist:
                return None

    def add(self, *, tenant: str, unit: Unit, event: AuditEvent) -> Unit:
        """Create a unit and its audit entry together; an existing id is a conflict."""
        item = UnitItem(tenant_key(tenant, "UNIT"), unit.id, tenant=tenant, name=unit.name, kind=unit.kind, active=unit.active)
        write(item, journal=self._journal, tenant=tenant, event=event, conflict="Mã đơn vị đã tồn tại.")
        return _to_unit(item)

    def replace(self, *, tenant: str, unit: Unit, event: AuditEvent) -> Unit:
        """Save a changed unit if nobody changed it since `unit.version` was read."""
        item = UnitItem(
            tenant_key(tenant, "UNIT"),
            unit.id,
            tenant=tenant,
            name=unit.name,
            kind=unit.kind,
            active=unit.active,
        )
        item.version = unit.version
        write(item, journal=self._journal, tenant=tenant, event=event)
        return _to_unit(item)

    def seed(self, *, tenant: str, units: Sequence[Unit]) -> None:
        """Write seed units in batches (used by provisioning, not by requests)."""
        with translated(), UnitItem.batch_write() as batch:
            for unit in units:
                batch.save(
                    UnitItem(tenant_key(tenant, "UNIT"), unit.id, tenant=tenant, name=unit.name, kind=unit.kind, version=1)
                )
