"""The tenant scope's verdict on a call's wire parameters: who signs it, or a refusal (no network, no AWS)."""

from __future__ import annotations

import contextvars
import logging
from typing import Any

import pytest

from chalicelib.adapters.tenant_scope import NATIONAL, PROCESS, Grant, TenantScopeError, grant, tenant_of
from chalicelib.shared.errors import NotFoundError
from chalicelib.shared.tenancy import across, acting_for, allow_national_reads, whole_table

KEYS = {None: "PK", "GSI1": "GSI1PK", "GSI4": "GSI4PK"}
CALENDAR = "T#ccc#CALENDAR"  # shared for reading by chalicelib/sla/store.py


@pytest.fixture(autouse=True)
def _calendar_is_shared() -> None:
    import chalicelib.sla.store  # noqa: F401 - registers the national calendar as read by every tenant


def _key(pk: str) -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "x"}}


def get(pk: str) -> tuple[str, dict[str, Any]]:
    return "GetItem", {"TableName": "t", "Key": _key(pk)}


def put(pk: str) -> tuple[str, dict[str, Any]]:
    return "PutItem", {"TableName": "t", "Item": {**_key(pk), "GSI4PK": {"S": "T#ccc#OPEN"}}}


def query(pk: str, index: str | None = None) -> tuple[str, dict[str, Any]]:
    attribute = KEYS[index]
    params: dict[str, Any] = {
        "TableName": "t",
        "KeyConditionExpression": "(#0 = :0 AND begins_with (#1, :1))",
        "ExpressionAttributeNames": {"#0": attribute, "#1": attribute.replace("PK", "SK")},
        "ExpressionAttributeValues": {":0": {"S": pk}, ":1": {"S": "REQ#"}},
    }
    if index:
        params["IndexName"] = index
    return "Query", params


def transact(*pks: str) -> tuple[str, dict[str, Any]]:
    items = [{"Put": {"TableName": "t", "Item": _key(pk)}} for pk in pks]
    return "TransactWriteItems", {"TransactItems": [{"ConditionCheck": {"TableName": "t", "Key": _key(pks[0])}}, *items]}


def verdict(call: tuple[str, dict[str, Any]]) -> Grant:
    operation, params = call
    return grant(operation, params, partition_keys=KEYS)


def test_a_tenant_reads_and_writes_its_own_keys_signed_for_itself_alone() -> None:
    with acting_for("hanoi"):
        for call in (get("T#hanoi#CUST#1"), put("T#hanoi#REQ#1"), query("T#hanoi#REQ#1"), transact("T#hanoi#A", "T#hanoi#B")):
            assert verdict(call) == Grant(frozenset({"hanoi"}))


@pytest.mark.parametrize(
    "call",
    [
        get("T#hcm#CUST#1"),
        put("T#hcm#REQ#1"),
        query("T#hcm#IDENT#id_number"),
        transact("T#hanoi#REQ#1", "T#hcm#REQ#1"),  # one foreign item refuses the whole transaction
        query("T#ccc#OPEN", "GSI4"),  # the CCC's national list, as IAM sees a Query on GSI4
        get("T#hanoixyz#CUST#1"),  # a prefix is not a tenant
        get("hanoi#CUST#1"),  # a key of no tenant
        ("Scan", {"TableName": "t"}),
        ("DescribeTable", {"TableName": "t"}),
        ("Query", {"TableName": "t", "KeyConditionExpression": "#0 > :0", "ExpressionAttributeNames": {"#0": "PK"}}),
    ],
    ids=["get", "put", "query", "transaction", "national-index", "prefix", "no-tenant", "scan", "table", "unreadable-query"],
)
def test_anything_else_is_refused_and_looks_like_nothing_there(call: tuple[str, dict[str, Any]]) -> None:
    with acting_for("hanoi"), pytest.raises(TenantScopeError) as refused:
        verdict(call)
    assert isinstance(refused.value, NotFoundError) and refused.value.status == 404 and refused.value.code == "not_found"


def test_outside_any_invocation_every_call_is_refused() -> None:
    with pytest.raises(TenantScopeError):
        contextvars.Context().run(verdict, get("T#hanoi#CUST#1"))


def test_every_tenant_reads_the_national_calendar_only_the_ccc_writes_it() -> None:
    with acting_for("hanoi"):
        assert verdict(get(CALENDAR)) == Grant(frozenset({"hanoi"}))
        with pytest.raises(TenantScopeError):
            verdict(put(CALENDAR))
    with acting_for("ccc"):
        assert verdict(put(CALENDAR)) == Grant(frozenset({"ccc"}))


def test_the_ccc_national_view_reads_every_tenant_through_the_read_role_and_still_writes_only_its_own() -> None:
    with acting_for("ccc"):
        assert verdict(query("T#ccc#OPEN", "GSI4")) == Grant(frozenset({"ccc"}))
        with pytest.raises(TenantScopeError):
            verdict(get("T#hanoi#CUST#1"))  # not before the route allows the national view
        allow_national_reads()
        assert verdict(get("T#hanoi#CUST#1")) == NATIONAL
        assert verdict(query("T#hcm#REQS#open", "GSI1")) == NATIONAL
        assert verdict(put("T#ccc#AUDIT#2026-12")) == Grant(frozenset({"ccc"}))  # the read is audited in its own trail
        for write in (put("T#hanoi#CUST#1"), transact("T#ccc#REQ#1", "T#hanoi#REQ#1")):
            with pytest.raises(TenantScopeError):
                verdict(write)
        with pytest.raises(TenantScopeError):
            verdict(get("CUST#1"))


def test_only_the_ccc_can_be_given_the_national_view() -> None:
    with acting_for("hanoi"):
        allow_national_reads()
        with pytest.raises(TenantScopeError):
            verdict(get("T#hcm#CUST#1"))


def test_a_transfer_widens_to_the_receiving_office_for_its_step_only() -> None:
    with acting_for("ccc"):
        with across("hanoi"):
            assert verdict(transact("T#ccc#REQ#1", "T#hanoi#REQ#2")) == Grant(frozenset({"ccc", "hanoi"}))
            with pytest.raises(TenantScopeError):
                verdict(put("T#hcm#REQ#3"))
        with pytest.raises(TenantScopeError):
            verdict(put("T#hanoi#REQ#2"))


def test_widening_never_creates_a_scope() -> None:
    def widened() -> Grant:
        with across("hanoi"):
            return verdict(get("T#hanoi#CUST#1"))

    with pytest.raises(TenantScopeError):
        contextvars.Context().run(widened)


def test_tooling_over_the_whole_table_uses_the_process_credentials() -> None:
    with whole_table():
        assert verdict(("Scan", {"TableName": "t"})) is PROCESS
        assert verdict(get("T#hcm#CUST#1")) is PROCESS


def test_a_refusal_is_logged_as_a_warning_with_tenant_codes_but_no_key(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), acting_for("hanoi"), pytest.raises(TenantScopeError):
        verdict(query("T#hcm#IDENT#id_number#001099012345"))
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert record.getMessage() == "tenant scope refused a DynamoDB call"
    logged = repr(record.__dict__)
    assert "001099012345" not in logged and "IDENT" not in logged
    assert record.__dict__["key_tenants"] == ["hcm"] and record.__dict__["scope"] == ["hanoi"]


def test_tenant_of_reads_only_the_leading_segment() -> None:
    assert tenant_of("T#hanoi#REQ#1") == "hanoi"
    assert tenant_of("T#ccc#OPEN") == "ccc"
    assert tenant_of("T##x") is None and tenant_of("T#hanoi") is None and tenant_of("X#hanoi#1") is None


def _delete(pk: str) -> tuple[str, dict[str, Any]]:
    return "DeleteItem", {"TableName": "t", "Key": _key(pk)}


def _batch_get(*pks: str) -> tuple[str, dict[str, Any]]:
    return "BatchGetItem", {"RequestItems": {"t": {"Keys": [_key(pk) for pk in pks]}}}


def test_every_office_reads_and_writes_the_partitions_shared_for_writing_but_deletes_none() -> None:
    from chalicelib.surveys.contacts import PREFIX  # registers the national contact log as shared for writing

    contact = f"{PREFIX}9f2c"
    for tenant in ("hanoi", "ccc"):
        with acting_for(tenant):
            for call in (
                put(contact),
                get(contact),
                _batch_get(contact, f"{PREFIX}77"),
                transact(f"T#{tenant}#SURVEY#1", contact),
            ):
                assert verdict(call) == Grant(frozenset({tenant})), call[0]
            with pytest.raises(TenantScopeError):
                verdict(_delete(contact))
    with acting_for("hanoi"):
        for call in (put(PREFIX), put("CONTACTS#9f2c"), transact(contact, "T#hcm#SURVEY#1")):
            with pytest.raises(TenantScopeError):
                verdict(call)


def test_only_a_non_tenant_prefix_can_be_shared_for_writing() -> None:
    from chalicelib.adapters.tenant_scope import share_for_writing

    for prefix in ("T#ccc#", "CONTACT"):
        with pytest.raises(ValueError):
            share_for_writing(prefix)
