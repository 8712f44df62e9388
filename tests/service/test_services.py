"""Services with in-memory fakes: the rules of the use cases, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.identity.service import IdentityService, PasswordNeeded, SignedIn
from chalicelib.limits.domain import SignInPolicy
from chalicelib.limits.service import SignInThrottle
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.domain import TenantHosts
from chalicelib.tenancy.service import TenancyService
from tests.fakes import FakeAudit, FakeDirectory, FakeSessions, FakeSignInAttempts, FakeUnitStore, FakeUserStore, FakeVerifier

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
ADMIN = Principal("hanoi.tenant-admin", "hanoi", frozenset({"tenant_admin"}))


@pytest.fixture
def world():
    audit = FakeAudit()
    units = FakeUnitStore(audit)
    tenancy = TenancyService(units=units, hosts=TenantHosts("localhost", ["hanoi", "hcm"]), clock=FixedClock(NOW))
    tenancy.create_unit(tenant="hanoi", actor=ADMIN, code="truyen-thong", name="Phòng Tuyên truyền", kind="care_desk")
    directory, users = FakeDirectory(), FakeUserStore(audit, units)
    identity = IdentityService(
        directory=directory,
        users=users,
        verifier=FakeVerifier(directory),
        clock=FixedClock(NOW),
        audit=audit,
        sessions=FakeSessions(),
        throttle=SignInThrottle(attempts=FakeSignInAttempts(), policy=SignInPolicy(), clock=FixedClock(NOW)),
    )
    return tenancy, identity, directory, users, audit


def test_created_unit_is_audited_with_actor_and_time(world):
    tenancy, *_, audit = world
    tenancy.create_unit(tenant="hanoi", actor=ADMIN, code="co-so-1", name=" Cơ sở 1 ", kind="district_office")
    event = audit.events["hanoi"][-1]
    assert (event.actor, event.action, event.target_id, event.at) == ("hanoi.tenant-admin", "unit.create", "co-so-1", NOW)
    assert tenancy.get_unit(tenant="hanoi", unit_id="co-so-1").name == "Cơ sở 1"


def test_unit_update_with_an_old_version_conflicts(world):
    tenancy, *_ = world
    unit = tenancy.get_unit(tenant="hanoi", unit_id="truyen-thong")
    tenancy.update_unit(tenant="hanoi", actor=ADMIN, unit_id=unit.id, version=unit.version, name="Mới", active=None)
    with pytest.raises(ConflictError):
        tenancy.update_unit(tenant="hanoi", actor=ADMIN, unit_id=unit.id, version=unit.version, name="Cũ", active=None)


def test_first_sign_in_asks_for_a_new_password_then_signs_in(world):
    _, identity, *_ = world
    account = identity.create_user(
        tenant="hanoi",
        actor=ADMIN,
        login="gdv-1",
        full_name="A",
        roles=["agent"],
        unit_id="truyen-thong",
        email=None,
        agent_code=None,
    )
    first = identity.login(tenant="hanoi", login="GDV-1 ", password=account.temporary_password)
    assert isinstance(first, PasswordNeeded)
    done = identity.choose_password(tenant="hanoi", login="gdv-1", session=first.session, new_password="Moi@12345")
    assert isinstance(done, SignedIn) and done.principal.tenant == "hanoi"


def test_profile_write_failure_removes_the_half_created_account(world):
    _, identity, directory, users, _ = world
    users.fail_next_add = True
    with pytest.raises(RuntimeError):
        identity.create_user(
            tenant="hanoi", actor=ADMIN, login="gdv-2", full_name="B", roles=["agent"], unit_id=None, email=None, agent_code=None
        )
    assert "hanoi.gdv-2" not in directory.accounts and directory.calls[-1] == "delete hanoi.gdv-2"


def test_role_change_adds_and_removes_only_the_difference(world):
    _, identity, directory, *_ = world
    identity.create_user(
        tenant="hanoi",
        actor=ADMIN,
        login="gdv-3",
        full_name="C",
        roles=["agent", "supervisor"],
        unit_id=None,
        email=None,
        agent_code=None,
    )
    user = identity.get_user(tenant="hanoi", login="gdv-3")
    identity.update_user(
        tenant="hanoi",
        actor=ADMIN,
        login="gdv-3",
        version=user.version,
        full_name=None,
        roles=["agent", "leader"],
        unit_id=None,
        agent_code=None,
    )
    assert directory.calls[-1] == "roles hanoi.gdv-3 +leader -supervisor"
    assert directory.accounts["hanoi.gdv-3"].roles == {"agent", "leader"}


def test_unknown_unit_is_refused_and_leaves_no_account(world):
    _, identity, directory, users, _ = world
    with pytest.raises(RuleViolationError):
        identity.create_user(
            tenant="hanoi",
            actor=ADMIN,
            login="gdv-4",
            full_name="D",
            roles=["agent"],
            unit_id="nowhere",
            email=None,
            agent_code=None,
        )
    assert "hanoi.gdv-4" not in directory.accounts and users.get(tenant="hanoi", login="gdv-4") is None


def test_ccc_only_roles_are_refused_before_anything_is_created(world):
    _, identity, directory, *_ = world
    with pytest.raises(RuleViolationError):
        identity.create_user(
            tenant="hanoi",
            actor=ADMIN,
            login="gdv-5",
            full_name="E",
            roles=["ccc_officer"],
            unit_id=None,
            email=None,
            agent_code=None,
        )
    assert directory.calls == []


def test_a_token_of_another_tenant_does_not_sign_in_here(world):
    _, identity, directory, *_ = world
    directory.create_user(
        username="hanoi.xyz",
        tenant="hcm",
        full_name="",
        email=None,
        unit_id=None,
        roles=["agent"],
        temporary_password="P@ssw0rd!",
    )
    directory.set_password(username="hanoi.xyz", password="P@ssw0rd!", permanent=True)
    with pytest.raises(ForbiddenError):
        identity.login(tenant="hanoi", login="xyz", password="P@ssw0rd!")


def test_role_change_and_disabling_end_the_accounts_sessions(world):
    _, identity, directory, users, _ = world
    sessions = identity._sessions
    identity.create_user(
        tenant="hanoi", actor=ADMIN, login="gdv-6", full_name="F", roles=["agent"], unit_id=None, email=None, agent_code=None
    )
    user = identity.get_user(tenant="hanoi", login="gdv-6")
    identity.update_user(
        tenant="hanoi",
        actor=ADMIN,
        login="gdv-6",
        version=user.version,
        full_name="F2",
        roles=None,
        unit_id=None,
        agent_code=None,
    )
    assert sessions.revoked == [], "a new name does not need a new token"
    user = identity.get_user(tenant="hanoi", login="gdv-6")
    identity.update_user(
        tenant="hanoi",
        actor=ADMIN,
        login="gdv-6",
        version=user.version,
        full_name=None,
        roles=["leader"],
        unit_id=None,
        agent_code=None,
    )
    assert sessions.revoked == [("hanoi", "gdv-6")]
