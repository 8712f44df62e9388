"""The tenant scope against the emulated table: refused keys never reach DynamoDB; allowed calls are signed for their tenant.

moto enforces no IAM, so what IAM would deny in AWS is shown two ways: the store refuses before sending (counted on
the wire, with botocore's `before-send`), and with per-tenant credentials bound (moto's STS) every request is
signed by the session assumed for exactly its tenants.
"""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from chalicelib.adapters import dynamo
from chalicelib.adapters.clients import lazy_client
from chalicelib.adapters.dynamo import tenant_key
from chalicelib.adapters.tenant_credentials import TenantCredentials, TenantRoles
from chalicelib.adapters.tenant_scope import TenantScopeError, shared_reads
from chalicelib.audit.store import AuditStore
from chalicelib.customers.store import CustomerStore
from chalicelib.notifications.domain import Notice
from chalicelib.notifications.store import OutboxStore
from chalicelib.requests.store import RequestItem
from chalicelib.shared.clock import SystemClock
from chalicelib.shared.tenancy import acting_for
from chalicelib.sla.store import SlaStore
from chalicelib.tenancy.domain import Unit
from chalicelib.tenancy.store import UnitItem, UnitStore

ROLES = TenantRoles(
    tenant_access="arn:aws:iam::123456789012:role/cskh-tenant-access",
    national_read="arn:aws:iam::123456789012:role/cskh-national-read",
)
_CREDENTIAL = re.compile(r"Credential=([A-Z0-9]+)/")


@pytest.fixture
def sent(stack: Any) -> Iterator[list[str]]:
    """The operation of every DynamoDB request that goes on the wire (retries included) while the test runs."""
    operations: list[str] = []
    events = dynamo.connection().client.meta.events

    def record(request: Any, **kwargs: Any) -> None:
        operations.append(request.headers["X-Amz-Target"].decode().rsplit(".", 1)[1])

    events.register("before-send.dynamodb", record)
    yield operations
    events.unregister("before-send.dynamodb", record)


def test_another_tenants_key_is_refused_before_any_request_is_sent(sent: list[str]) -> None:
    customers = CustomerStore(journal=AuditStore())
    with acting_for("hanoi"):
        assert customers.get(tenant="hanoi", customer_id="01NOSUCHCUSTOMER") is None
        assert sent == ["GetItem"], "the counter sees what is sent"
        sent.clear()
        for call in (
            lambda: customers.get(tenant="hcm", customer_id="01NOSUCHCUSTOMER"),
            lambda: customers.claimed(tenant="hcm", identifiers={"id_number": "001099000001"}),
            lambda: list(RequestItem.gsi4.query(tenant_key("ccc", "OPEN"))),
            lambda: list(RequestItem.scan()),
        ):
            with pytest.raises(TenantScopeError):
                call()
    assert sent == []


def test_a_transaction_with_one_foreign_item_writes_nothing(sent: list[str], unique: str) -> None:
    units = UnitStore(journal=AuditStore())
    with acting_for("hanoi"), pytest.raises(TenantScopeError):
        units.seed(tenant="hcm", units=[Unit(id=f"x-{unique}", name="Khu vực thử", kind="grassroots", version=1)])
    assert sent == []
    with pytest.raises(UnitItem.DoesNotExist):
        UnitItem.get(tenant_key("hcm", "UNIT"), f"x-{unique}")


@dataclass
class Signing:
    """Which assumed session signed each DynamoDB request: session name by access key, and the keys seen."""

    sessions: dict[str, str] = field(default_factory=dict)
    assumed: list[dict[str, Any]] = field(default_factory=list)
    signed_by: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """The session names of the requests signed since the last clear, in order."""
        return [self.sessions.get(key, "process") for key in self.signed_by]

    def clear(self) -> None:
        """Forget the requests seen so far (not the sessions)."""
        self.signed_by.clear()


class RecordingSts:
    """moto's STS, with each AssumeRole kept (the session policy it carried and the key it issued)."""

    def __init__(self, sts: Any, signing: Signing) -> None:
        self._sts = sts
        self._signing = signing

    def assume_role(self, **params: Any) -> dict[str, Any]:
        response = self._sts.assume_role(**params)
        self._signing.assumed.append(params)
        self._signing.sessions[response["Credentials"]["AccessKeyId"]] = params["RoleSessionName"]
        return dict(response)


@pytest.fixture
def per_tenant_credentials(stack: Any) -> Iterator[Signing]:
    """The table bound as in AWS: every call signed with credentials assumed for its grant (moto's STS)."""
    from chalicelib.config import settings

    config = settings()
    signing = Signing()
    sts = RecordingSts(lazy_client("sts", region_name=config.region, endpoint_url=config.endpoint_url), signing)
    credentials = TenantCredentials(roles=ROLES, sts=sts, shared_reads=shared_reads)
    dynamo.bind(table_name=config.table_name, region=config.region, host=config.endpoint_url, credentials=credentials)

    def record(request: Any, **kwargs: Any) -> None:
        found = _CREDENTIAL.search(request.headers["Authorization"].decode())
        assert found, "every request is signed"
        signing.signed_by.append(found.group(1))

    dynamo.connection().client.meta.events.register("before-send.dynamodb", record)
    try:
        yield signing
    finally:
        dynamo.bind(table_name=config.table_name, region=config.region, host=config.endpoint_url)


def _intake(client: Any, unique: str) -> dict[str, Any]:
    digits = str(abs(hash(unique)))[:9].rjust(9, "1")
    reply = client.post(
        "/api/requests",
        {
            "channel": "hotline",
            "kind": "information",
            "category": "policy",
            "subject": f"Chế độ thai sản {unique}",
            "question": "Tôi muốn hỏi về chế độ thai sản khi sinh con.",
            "customer": {"kind": "individual", "full_name": "Nguyễn Văn An", "id_number": "001" + digits},
        },
    )
    assert reply.status == 201, reply.text
    return dict(reply.json)


def test_each_request_is_signed_by_a_session_scoped_to_its_tenant(per_tenant_credentials: Signing, api: Any, unique: str) -> None:
    signing = per_tenant_credentials
    agent = api("hcm").login("agent")
    request = _intake(agent, unique)
    assert set(signing.names()) == {"tenant-hcm"}
    (hcm,) = signing.assumed
    statements = json.loads(hcm["Policy"])["Statement"]
    assert statements[0]["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["T#hcm#*"]}}
    assert hcm["RoleArn"] == ROLES.tenant_access

    signing.clear()
    assert agent.get("/api/requests").status == 200
    assert agent.get(f"/api/requests/{request['id']}").status == 200
    assert signing.signed_by and set(signing.names()) == {"tenant-hcm"}
    assert len(signing.assumed) == 1, "cached for the instance: no STS call per request"

    signing.clear()
    with acting_for("hcm"):
        SlaStore(journal=AuditStore()).overrides(year=2026)  # the national calendar, shared for reading
    assert signing.names() == ["tenant-hcm"]


def test_the_ccc_reads_a_province_through_the_read_role_and_writes_its_own_trail(
    per_tenant_credentials: Signing, api: Any, unique: str
) -> None:
    signing = per_tenant_credentials
    ccc = api("ccc").login("ccc-officer")
    created = (
        api("hanoi")
        .login("agent")
        .post("/api/customers", {"kind": "individual", "full_name": "Lê Văn Cường", "phone": "0913" + str(int(unique, 16))[-6:]})
    )
    assert created.status == 201, created.text
    signing.clear()
    read = ccc.get(f"/api/central/customers/hanoi/{created.json['id']}")
    assert read.status == 200, read.text
    names = signing.names()
    assert "national-read" in names and set(names) <= {"national-read", "tenant-ccc"}
    assert "tenant-ccc" in names, "the read of personal data is audited in the CCC's own trail, with the CCC's session"
    national = next(a for a in signing.assumed if a["RoleSessionName"] == "national-read")
    assert national["RoleArn"] == ROLES.national_read and "Policy" not in national
    signing.clear()
    assert ccc.get("/api/central/requests").status == 200  # GSI4 under T#ccc#OPEN: the CCC's own partition
    assert set(signing.names()) == {"tenant-ccc"}


def test_a_transfer_is_signed_for_the_ccc_and_the_receiving_office_only(
    per_tenant_credentials: Signing, api: Any, unique: str
) -> None:
    signing = per_tenant_credentials
    ccc = api("ccc").login("ccc-officer")
    request = _intake(ccc, unique)
    signing.clear()
    moved = ccc.post(f"/api/requests/{request['id']}/transfer", {"version": request["version"], "to_tenant": "hcm"})
    assert moved.status == 200, moved.text
    assert set(signing.names()) == {"tenant-ccc", "tenant-ccc+hcm"}
    widened = next(a for a in signing.assumed if a["RoleSessionName"] == "tenant-ccc+hcm")
    keys = json.loads(widened["Policy"])["Statement"][0]["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    assert keys == ["T#ccc#*", "T#hcm#*"]


def test_a_queue_message_is_handled_in_its_tenants_scope(per_tenant_credentials: Signing, stack: Any, unique: str) -> None:
    from chalicelib.entrypoints.queue import handle_records

    signing = per_tenant_credentials
    notice = Notice(
        "email",
        f"scope.{unique}@example.vn",
        "deadline-reminder",
        {"reference": "R", "subject": "s", "level": "50", "due_local": "", "url": "u"},
    )
    outbox = OutboxStore(clock=SystemClock())
    with acting_for("hcm"):
        outbox.entry(tenant="hcm", notice=notice).save()
    signing.clear()
    handle_records([{"body": json.dumps({"type": "notice", "tenant": "hcm", "notice_id": notice.id}), "attributes": {}}])
    assert signing.signed_by and set(signing.names()) == {"tenant-hcm"}
    with acting_for("hcm"):
        stored = outbox.get(tenant="hcm", notice_id=notice.id)
    assert stored is not None and stored.status == "sent"


def test_the_scheduled_jobs_enter_their_own_scopes(per_tenant_credentials: Signing, stack: Any) -> None:
    # Run as the schedule runs them: in a context of their own, without the tests' tooling scope.
    from chalicelib.bootstrap import container
    from chalicelib.entrypoints import jobs
    from chalicelib.tenancy.catalog import TENANTS

    signing = per_tenant_credentials
    contextvars.Context().run(jobs.reconcile, 5)
    names = set(signing.names())
    assert "process" not in names
    assert {f"tenant-{t.code}" for t in TENANTS} <= names, "each office's notices are swept in its own scope"
    assert names <= {f"tenant-{t.code}" for t in TENANTS} | {"national-read"}
    signing.clear()
    contextvars.Context().run(lambda: container().privacy.run_all(tenants=["hcm"]))
    assert signing.signed_by and set(signing.names()) == {"tenant-hcm"}, "national bounds are read with hcm's session"
