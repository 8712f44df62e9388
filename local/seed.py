"""Demo data: the units of every tenant, one demo sign-in per role (per tenant), in Hà Nội a retention setting
with two customers — one inactive for years, whom the retention job anonymises, and one it leaves alone — and the
knowledge bank (local/knowledge_seed.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from chalicelib.adapters.cognito import CognitoDirectory
from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.customers.domain import Customer
from chalicelib.customers.privacy_store import RetentionStore
from chalicelib.customers.retention import CUSTOMER_PROFILE, REQUEST_CONTENT, RetentionPolicy
from chalicelib.customers.store import CustomerStore
from chalicelib.identity.domain import StaffUser
from chalicelib.identity.store import UserStore
from chalicelib.notifications.store import OutboxStore
from chalicelib.requests.domain import Category, Channel, Event, Kind, Rating, Request, Status, reference_of
from chalicelib.requests.ports import Change
from chalicelib.requests.store import DynamoRequestStore
from chalicelib.shared.clock import SystemClock
from chalicelib.shared.ids import new_id
from chalicelib.shared.permissions import Role, roles_for_tenant
from chalicelib.shared.tenancy import acting_for, cognito_username
from chalicelib.tenancy.catalog import TENANTS, UNIT_CARE_DESK, UNIT_DEPARTMENT, UNIT_SPECIALIST_BOARD, units_for
from chalicelib.tenancy.domain import Unit
from chalicelib.tenancy.store import UnitStore

from .aws import Resources
from .knowledge_seed import seed_knowledge

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
        with acting_for(code):  # a tenant's seed writes its items only, as its requests do
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
            if code == "hanoi":
                seed_personal_data(code, trail)
    seed_knowledge(codes)
    return demo


def _at(year: int, month: int, day: int, hour: int = 2) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def seed_personal_data(tenant: str, trail: AuditStore) -> None:
    """A retention setting, a customer inactive since 2020 with one closed call, and a customer recorded last year."""
    now = SystemClock().now()
    retention = RetentionStore(journal=trail)
    retention.save_policy(
        policy=RetentionPolicy(tenant, {CUSTOMER_PROFILE: 48, REQUEST_CONTENT: 24}),
        event=AuditEvent("seed", "retention_policy.update", "retention_policy", tenant, now, {"source": "seed"}),
    )
    customers = CustomerStore(journal=trail)
    inactive = Customer(
        kind="individual",
        id=new_id(),
        full_name="Phạm Văn Thành",
        id_number="001085012345",
        social_insurance_code="0108501234",
        phone="0904123456",
        address="17 Hàng Bông, Hoàn Kiếm, Hà Nội",
        created_at=_at(2019, 5, 10),
        updated_at=_at(2020, 6, 18),
    )
    recent = Customer(
        kind="individual",
        id=new_id(),
        full_name="Nguyễn Thị Mai",
        id_number="001190067890",
        phone="0915678901",
        email="mai.nguyen@example.vn",
        created_at=now - timedelta(days=200),
        updated_at=now - timedelta(days=200),
    )
    for customer in (inactive, recent):  # imported records: the entry is stamped now, by the clock
        customers.add(tenant=tenant, customer=customer, event=AuditEvent("seed", "customer.create", "customer", customer.id, now))
    received = _at(2020, 6, 15)
    call = Request(
        id=new_id(),
        reference="",
        tenant=tenant,
        channel=Channel.HOTLINE,
        kind=Kind.STATUS_LOOKUP,
        category=Category.PUBLIC_SERVICE,
        subject="Tra cứu quá trình đóng BHXH",
        question="Ông Thành hỏi thời gian đóng BHXH tại công ty cũ đã được cộng nối chưa.",
        customer_id=inactive.id,
        customer_name=inactive.display_name,
        received_at=received,
        recorded_at=received,
        created_by=f"{tenant}.agent",
        status=Status.CLOSED,
        answer="Đã cộng nối đủ 96 tháng; ông có thể tra cứu trên ứng dụng VssID.",
        answered_at=received + timedelta(minutes=6),
        answered_by=f"{tenant}.agent",
        rating=Rating(True, "", "", received + timedelta(minutes=7), f"{tenant}.agent"),
    )
    call.reference = reference_of(call)
    call.new_events = [
        Event(received, f"{tenant}.agent", "received"),
        Event(received + timedelta(minutes=6), f"{tenant}.agent", "answered"),
        Event(received + timedelta(minutes=7), f"{tenant}.agent", "rated", "hài lòng"),
        Event(_at(2020, 6, 18), f"{tenant}.agent", "closed"),
    ]
    store = DynamoRequestStore(outbox=OutboxStore(clock=SystemClock()), journal=trail, customers=customers)
    store.commit(Change([call]))
