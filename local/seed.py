"""Demo data: the units of every tenant and one demo sign-in per role (per tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from chalicelib.adapters.cognito import CognitoDirectory
from chalicelib.audit.store import AuditStore
from chalicelib.identity.domain import StaffUser
from chalicelib.identity.store import UserStore
from chalicelib.shared.permissions import Role, roles_for_tenant
from chalicelib.shared.tenancy import cognito_username
from chalicelib.tenancy.catalog import TENANTS, UNIT_CARE_DESK, UNIT_DEPARTMENT, UNIT_SPECIALIST_BOARD, units_for
from chalicelib.tenancy.domain import Unit
from chalicelib.tenancy.store import UnitStore

from .aws import Resources

DEMO_PASSWORD = "Demo@2026"

# Vietnamese demo names by role; agents are known to the public only by their agent code (Annex 1 III.2).
_NAMES = {
    Role.AGENT: "Nguyễn Thị Lan",
    Role.FOCAL_OFFICER: "Trần Văn Minh",
    Role.CCC_OFFICER: "Lê Thu Hà",
    Role.LEADER: "Phạm Quốc Hùng",
    Role.SPECIALIST: "Đỗ Thị Hồng",
    Role.SUPERVISOR: "Vũ Đức Anh",
    Role.TENANT_ADMIN: "Hoàng Mai Phương",
    Role.CENTRAL_ADMIN: "Bùi Thanh Tùng",
}


@dataclass(frozen=True)
class DemoUser:
    """One demo sign-in, as written to .local/demo-users.json."""

    tenant: str
    role: str
    username: str
    password: str


def _unit_for(role: Role, units: list[Unit]) -> str | None:
    by_kind: dict[str, list[Unit]] = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append(unit)
    if role is Role.SPECIALIST:
        pool = by_kind.get(UNIT_SPECIALIST_BOARD) or by_kind.get(UNIT_DEPARTMENT) or []
        return pool[0].id if pool else None
    if role in (Role.AGENT, Role.FOCAL_OFFICER, Role.LEADER, Role.CCC_OFFICER):
        desk = by_kind.get(UNIT_CARE_DESK) or [u for u in units if u.id == "cham-soc-khach-hang"]
        return desk[0].id if desk else None
    return None


def demo_roles(tenant: str) -> tuple[Role, ...]:
    """Every role that exists in the tenant gets one demo sign-in."""
    return roles_for_tenant(tenant)


def seed(resources: Resources, tenants: tuple[str, ...] | None = None) -> list[DemoUser]:
    """Write the units and demo users of the given tenants (all by default)."""
    codes = tenants or tuple(t.code for t in TENANTS)
    kw: dict[str, Any] = {"endpoint_url": resources.endpoint, "region_name": resources.region}
    directory = CognitoDirectory(
        boto3.client("cognito-idp", **kw), pool_id=resources.user_pool_id, client_id=resources.user_pool_client_id
    )
    trail = AuditStore()
    unit_store, user_store = UnitStore(journal=trail), UserStore(journal=trail)
    demo: list[DemoUser] = []
    for code in codes:
        units = [Unit(id=u.code, name=u.name, kind=u.kind, version=1) for u in units_for(code)]
        unit_store.seed(tenant=code, units=units)
        for number, role in enumerate(demo_roles(code), start=1):
            login = role.value.replace("_", "-")
            unit_id = _unit_for(role, units)
            username = cognito_username(code, login)
            directory.create_user(
                username=username,
                tenant=code,
                full_name=_NAMES[role],
                email=None,
                unit_id=unit_id,
                roles=[role.value],
                temporary_password=DEMO_PASSWORD,
            )
            directory.set_password(username=username, password=DEMO_PASSWORD, permanent=True)
            agent_code = f"GDV-{code.upper()[:3]}{number:02d}" if role is Role.AGENT else None
            user_store.add(
                tenant=code,
                user=StaffUser(login, _NAMES[role], (role.value,), unit_id, None, agent_code),
                event=None,
            )
            demo.append(DemoUser(code, role.value, login, DEMO_PASSWORD))
    return demo
