"""One permission table decides what each role may do, in which tenant."""

from __future__ import annotations

from chalicelib.shared.permissions import Permission, Role, allows, permissions_of, roles_for_tenant


def test_cross_tenant_view_is_only_granted_at_the_ccc():
    assert allows(frozenset({"leader"}), "ccc", Permission.CENTRAL_VIEW)
    assert not allows(frozenset({"leader"}), "hanoi", Permission.CENTRAL_VIEW)
    assert not allows(frozenset({"central_admin"}), "hanoi", Permission.CENTRAL_CALENDAR)


def test_answers_are_approved_by_leaders_not_by_those_who_draft_them():
    # Art. 6.2: the focal officer drafts, a leader approves before anything is sent.
    assert allows(frozenset({"leader"}), "hanoi", Permission.REQUESTS_APPROVE)
    for role in ("agent", "focal_officer", "ccc_officer", "specialist"):
        assert not allows(frozenset({role}), "hanoi", Permission.REQUESTS_APPROVE), role


def test_administrators_manage_staff_but_do_not_handle_requests():
    granted = permissions_of(frozenset({"tenant_admin"}), "hanoi")
    assert Permission.USERS_MANAGE in granted and Permission.REQUESTS_HANDLE not in granted


def test_every_role_reaches_the_console_and_unknown_roles_grant_nothing():
    for role in Role:
        assert Permission.CONSOLE in permissions_of(frozenset({role.value}), "ccc")
    assert permissions_of(frozenset({"wizard"}), "ccc") == frozenset()


def test_roles_combine():
    both = permissions_of(frozenset({"agent", "supervisor"}), "hanoi")
    assert Permission.REQUESTS_INTAKE in both and Permission.SUPERVISION_MANAGE in both


def test_ccc_only_roles_are_not_offered_to_provinces():
    assert Role.CENTRAL_ADMIN not in roles_for_tenant("hanoi") and Role.CCC_OFFICER not in roles_for_tenant("hanoi")
    assert set(roles_for_tenant("ccc")) == set(Role)


def test_a_leader_hands_over_or_erases_a_customers_data_and_those_who_read_customers_all_day_do_not():
    for permission in (Permission.CUSTOMERS_EXPORT, Permission.CUSTOMERS_ERASE):
        assert allows(frozenset({"leader"}), "hanoi", permission)
        for role in ("agent", "focal_officer", "ccc_officer", "tenant_admin", "supervisor"):
            assert not allows(frozenset({role}), "hanoi", permission), (role, permission)


def test_administrators_set_the_offices_retention_and_only_the_ccc_the_national_bounds():
    assert allows(frozenset({"tenant_admin"}), "hanoi", Permission.RETENTION_MANAGE)
    assert not allows(frozenset({"leader"}), "hanoi", Permission.RETENTION_MANAGE)
    assert allows(frozenset({"central_admin"}), "ccc", Permission.CENTRAL_RETENTION)
    assert not allows(frozenset({"central_admin"}), "hanoi", Permission.CENTRAL_RETENTION)
    assert not allows(frozenset({"tenant_admin"}), "ccc", Permission.CENTRAL_RETENTION)
