"""Use cases of tenants and units."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, NotFoundError
from chalicelib.shared.tenancy import Principal

from .catalog import TENANTS, TenantSpec
from .domain import TenantHosts, Unit, check_new_unit
from .store import UnitStore


class TenancyService:
    """Tenants (a fixed catalogue) and their units (data an administrator extends)."""

    def __init__(self, *, units: UnitStore, hosts: TenantHosts, clock: Clock) -> None:
        self._units = units
        self._hosts = hosts
        self._clock = clock

    def list_tenants(self) -> tuple[TenantSpec, ...]:
        """Every tenant: the CCC, then the 34 provinces."""
        return TENANTS

    def host_of(self, code: str, port: int | None = None) -> str:
        """The host a tenant is served on."""
        return self._hosts.host_of(code, port)

    def list_units(self, *, tenant: str, include_inactive: bool = False) -> list[Unit]:
        """The tenant's units, active ones unless asked otherwise."""
        return [u for u in self._units.list(tenant=tenant) if include_inactive or u.active]

    def get_unit(self, *, tenant: str, unit_id: str) -> Unit:
        """One unit; another tenant's id is simply not found."""
        unit = self._units.get(tenant=tenant, unit_id=unit_id)
        if unit is None:
            raise NotFoundError("Không tìm thấy đơn vị.")
        return unit

    def create_unit(self, *, tenant: str, actor: Principal, code: str, name: str, kind: str) -> Unit:
        """Add a unit (e.g. a grassroots office) to the tenant."""
        check_new_unit(code, name, kind, existing=())
        event = AuditEvent(actor.username, "unit.create", "unit", code, self._clock.now(), {"kind": kind})
        return self._units.add(tenant=tenant, unit=Unit(code, name.strip(), kind), event=event)

    def update_unit(
        self, *, tenant: str, actor: Principal, unit_id: str, version: int, name: str | None, active: bool | None
    ) -> Unit:
        """Rename or (de)activate a unit, if nobody changed it since `version`."""
        current = self.get_unit(tenant=tenant, unit_id=unit_id)
        if current.version != version:
            raise ConflictError()
        changed = replace(current, name=(name or current.name).strip(), active=current.active if active is None else active)
        fields = [f for f, v in (("name", name), ("active", active)) if v is not None]
        event = AuditEvent(actor.username, "unit.update", "unit", unit_id, self._clock.now(), {"fields": ",".join(fields)})
        return self._units.replace(tenant=tenant, unit=changed, event=event)
