"""Per-tenant credentials: the session policy each grant is assumed with, cached per instance until near expiry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.adapters.tenant_credentials import TenantCredentials, TenantRoles, session_policy
from chalicelib.adapters.tenant_scope import NATIONAL, PROCESS, Grant
from chalicelib.tenancy.catalog import TENANTS

ROLES = TenantRoles(
    tenant_access="arn:aws:iam::123456789012:role/tenant-access", national_read="arn:aws:iam::123456789012:role/national-read"
)
CALENDAR = "T#ccc#CALENDAR"


class FakeSts:
    """STS as the vending machine sees it: AssumeRole, each call recorded, credentials valid for `lifetime`."""

    def __init__(self, lifetime: timedelta = timedelta(hours=1)) -> None:
        self.calls: list[dict[str, Any]] = []
        self.lifetime = lifetime

    def assume_role(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        n = len(self.calls)
        expiry = datetime.now(UTC) + self.lifetime
        return {
            "Credentials": {"AccessKeyId": f"ASIA{n}", "SecretAccessKey": f"s{n}", "SessionToken": f"t{n}", "Expiration": expiry}
        }


def _vault(sts: FakeSts) -> TenantCredentials:
    return TenantCredentials(roles=ROLES, sts=sts, shared_reads=lambda: [CALENDAR])


def _key_of(vault: TenantCredentials, grant: Grant) -> str:
    return str(vault.for_grant(grant).get_frozen_credentials().access_key)


def test_a_tenant_session_may_touch_only_its_keys_and_read_the_shared_calendar() -> None:
    sts = FakeSts()
    _key_of(_vault(sts), Grant(frozenset({"hanoi"})))
    (call,) = sts.calls
    assert call["RoleArn"] == ROLES.tenant_access and call["RoleSessionName"] == "tenant-hanoi"
    assert call["DurationSeconds"] == 3600  # the most a chained role session lasts
    own, shared = json.loads(call["Policy"])["Statement"]
    assert own["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["T#hanoi#*"]}}
    assert set(own["Action"]) == {
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    }
    assert shared["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [CALENDAR]}}
    assert set(shared["Action"]) == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"}


def test_sessions_ask_for_what_the_cdk_roles_hold() -> None:
    from chalicelib.adapters.tenant_credentials import READ_ACTIONS, TENANT_ACTIONS
    from chalicelib.config import settings
    from infra.definitions import TABLE_ACCESS

    assert TENANT_ACTIONS == TABLE_ACCESS.tenant_actions and READ_ACTIONS == TABLE_ACCESS.read_actions
    env = {TABLE_ACCESS.tenant_role_variable: ROLES.tenant_access, TABLE_ACCESS.national_role_variable: ROLES.national_read}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        settings.cache_clear()
        config = settings()
    settings.cache_clear()
    assert (config.tenant_access_role_arn, config.national_read_role_arn) == (ROLES.tenant_access, ROLES.national_read)


def test_no_statement_allows_calls_without_keys_which_forallvalues_would_let_through() -> None:
    for statement in json.loads(session_policy(["ccc", "hanoi"], [CALENDAR]))["Statement"]:
        assert not {"dynamodb:Scan", "dynamodb:BatchWriteItem", "dynamodb:*"} & set(statement["Action"])


def test_the_widest_session_policy_fits_sts_limit() -> None:
    # A transfer's grant spans the CCC and one province; STS refuses session policies over 2,048 characters.
    longest = max((t.code for t in TENANTS), key=len)
    assert len(session_policy(["ccc", longest], [CALENDAR])) < 2048


def test_credentials_are_assumed_once_per_grant_and_reused() -> None:
    sts = FakeSts()
    vault = _vault(sts)
    hanoi = Grant(frozenset({"hanoi"}))
    first = _key_of(vault, hanoi)
    assert [_key_of(vault, hanoi) for _ in range(5)] == [first] * 5
    transfer = Grant(frozenset({"ccc", "hanoi"}))
    assert _key_of(vault, transfer) != first and _key_of(vault, hanoi) == first
    assert [c["RoleSessionName"] for c in sts.calls] == ["tenant-hanoi", "tenant-ccc+hanoi"]
    assert json.loads(sts.calls[1]["Policy"])["Statement"][0]["Condition"]["ForAllValues:StringLike"] == {
        "dynamodb:LeadingKeys": ["T#ccc#*", "T#hanoi#*"]
    }


def test_credentials_close_to_expiry_are_assumed_again() -> None:
    sts = FakeSts(lifetime=timedelta(minutes=5))  # inside botocore's 10-minute mandatory refresh window
    vault = _vault(sts)
    hanoi = Grant(frozenset({"hanoi"}))
    assert _key_of(vault, hanoi) == "ASIA1"
    assert _key_of(vault, hanoi) == "ASIA2"


def test_nothing_is_assumed_before_the_first_signed_call() -> None:
    sts = FakeSts()
    vault = _vault(sts)
    vault.for_grant(Grant(frozenset({"hanoi"})))
    assert sts.calls == []


def test_the_national_view_reads_through_its_own_role_without_a_session_policy() -> None:
    sts = FakeSts()
    _key_of(_vault(sts), NATIONAL)
    (call,) = sts.calls
    assert call["RoleArn"] == ROLES.national_read and "Policy" not in call


def test_tooling_signs_with_the_process_credentials() -> None:
    assert _vault(FakeSts()).for_grant(PROCESS) is None


class _Session:
    """A botocore session's credential component, as install() uses it."""

    def __init__(self, process_key: str) -> None:
        from botocore.credentials import Credentials

        own = Credentials(process_key, "secret")
        self.components: dict[str, Any] = {"credential_provider": type("R", (), {"load_credentials": lambda _self: own})()}

    def get_component(self, name: str) -> Any:
        return self.components[name]

    def register_component(self, name: str, component: Any) -> None:
        self.components[name] = component


def test_the_client_signs_each_call_for_its_grant_and_with_its_own_credentials_outside() -> None:
    sts = FakeSts()
    vault = _vault(sts)
    session = _Session("AKIDPROCESS")
    vault.install(session)
    signer_credentials = session.get_component("credential_provider").load_credentials()
    assert signer_credentials.get_frozen_credentials().access_key == "AKIDPROCESS"
    with vault.signing(Grant(frozenset({"hanoi"}))):
        assert signer_credentials.get_frozen_credentials().access_key == "ASIA1"
        with vault.signing(NATIONAL):
            assert signer_credentials.get_frozen_credentials().access_key == "ASIA2"
        assert signer_credentials.get_frozen_credentials().access_key == "ASIA1"
    assert signer_credentials.get_frozen_credentials().access_key == "AKIDPROCESS"


def test_a_session_may_read_and_write_but_not_delete_the_partitions_shared_for_writing() -> None:
    statements = json.loads(session_policy(["hanoi"], [CALENDAR], ["CONTACT#"]))["Statement"]
    shared = statements[-1]
    assert shared["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONTACT#*"]}}
    assert set(shared["Action"]) == {"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}
    longest = max((t.code for t in TENANTS), key=len)
    assert len(session_policy(["ccc", longest], [CALENDAR], ["CONTACT#"])) < 2048


def test_the_shared_write_prefixes_are_the_cdk_roles() -> None:
    from chalicelib.adapters.tenant_scope import shared_writes
    from chalicelib.surveys.contacts import PREFIX
    from infra.definitions import TABLE_ACCESS

    assert PREFIX in shared_writes() and set(TABLE_ACCESS.shared_write_prefixes) == shared_writes()
