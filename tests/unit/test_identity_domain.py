"""Rules for staff accounts."""

from __future__ import annotations

import re

import pytest

from chalicelib.identity.domain import check_account, temporary_password
from chalicelib.shared.errors import RuleViolationError
from chalicelib.shared.tenancy import Principal, cognito_username


def test_valid_account_passes():
    check_account(tenant="hanoi", login="gdv-01", roles=["agent"])


@pytest.mark.parametrize(
    "login,roles,field",
    [
        ("Gdv 01", ["agent"], "username"),
        ("ab", ["agent"], "username"),
        ("gdv-01", [], "roles"),
        ("gdv-01", ["central_admin"], "roles"),
        ("gdv-01", ["wizard"], "roles"),
    ],
)
def test_invalid_accounts_name_the_field(login, roles, field):
    with pytest.raises(RuleViolationError) as caught:
        check_account(tenant="hanoi", login=login, roles=roles)
    assert field in caught.value.fields


def test_temporary_passwords_meet_the_pool_policy_and_differ():
    passwords = {temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for p in passwords:
        assert (
            len(p) >= 12
            and re.search("[A-Z]", p)
            and re.search("[a-z]", p)
            and re.search("[0-9]", p)
            and re.search("[^A-Za-z0-9]", p)
        )


def test_logins_are_qualified_by_tenant_in_the_shared_pool():
    assert cognito_username("hanoi", "agent") == "hanoi.agent"
    assert Principal("hanoi.agent", "hanoi", frozenset()).login == "agent"
