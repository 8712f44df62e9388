"""Staff profiles in the single table: PK T#{tenant}#USER, SK {login}. Cognito holds the passwords."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError

from chalicelib.adapters.dynamo import BaseItem, save_new, tenant_key, translated
from chalicelib.adapters.unit_of_work import Check, Journal, write
from chalicelib.audit.domain import AuditEvent
from chalicelib.shared.errors import RuleViolationError
from chalicelib.tenancy.store import UnitItem

from .domain import StaffUser


class UserItem(BaseItem, discriminator="User"):
    """A staff profile."""

    full_name = UnicodeAttribute()
    roles = ListAttribute(of=UnicodeAttribute)
    unit_id = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    agent_code = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    revoked_before = NumberAttribute(default=0)


def _to_user(item: UserItem) -> StaffUser:
    return StaffUser(
        login=item.SK,
        full_name=item.full_name,
        roles=tuple(str(r) for r in item.roles or []),
        unit_id=item.unit_id,
        email=item.email,
        agent_code=item.agent_code,
        enabled=item.enabled,
        version=item.version or 0,
    )


def _to_item(tenant: str, user: StaffUser, *, version: int | None) -> UserItem:
    item = UserItem(
        tenant_key(tenant, "USER"),
        user.login,
        tenant=tenant,
        full_name=user.full_name,
        roles=list(user.roles),
        unit_id=user.unit_id,
        email=user.email,
        agent_code=user.agent_code,
        enabled=user.enabled,
    )
    if version is not None:
        item.version = version
    return item


def _unit_check(tenant: str, unit_id: str | None) -> tuple[Check, ...]:
    """The staff member's unit must exist and be active — checked inside the write, not by an extra read."""
    if unit_id is None:
        return ()
    condition = UnitItem.PK.exists() & (UnitItem.active == True)  # noqa: E712 - a DynamoDB condition, not a comparison
    error = RuleViolationError("Đơn vị không tồn tại hoặc đã ngừng hoạt động.", fields={"unit_id": "unknown"})
    return (Check(UnitItem, tenant_key(tenant, "UNIT"), unit_id, condition, error),)


class UserStore:
    """Repository of staff profiles."""

    def __init__(self, *, journal: Journal) -> None:
        self._journal = journal

    def list(self, *, tenant: str) -> list[StaffUser]:
        """Every staff member of the tenant (one Query)."""
        with translated():
            return [_to_user(i) for i in UserItem.query(tenant_key(tenant, "USER"))]

    def get(self, *, tenant: str, login: str) -> StaffUser | None:
        """One profile, or None."""
        with translated():
            try:
                return _to_user(UserItem.get(tenant_key(tenant, "USER"), login))
            except UserItem.DoesNotExist:
                return None

    def add(self, *, tenant: str, user: StaffUser, event: AuditEvent | None) -> StaffUser:
        """Create a profile (with its audit entry when given); an existing login is a conflict."""
        item = _to_item(tenant, user, version=None)
        if event is None:
            save_new(item, "Tên đăng nhập đã được dùng.")
        else:
            write(
                item,
                journal=self._journal,
                tenant=tenant,
                event=event,
                conflict="Tên đăng nhập đã được dùng.",
                checks=_unit_check(tenant, user.unit_id),
            )
        return _to_user(item)

    def replace(self, *, tenant: str, user: StaffUser, event: AuditEvent) -> StaffUser:
        """Save a changed profile if nobody changed it since `user.version`."""
        item = _to_item(tenant, user, version=user.version)
        write(item, journal=self._journal, tenant=tenant, event=event, checks=_unit_check(tenant, user.unit_id))
        return _to_user(item)

    def session_state(self, *, tenant: str, login: str) -> tuple[bool, int]:
        """(enabled, revoked_before) of an account; an account without a profile is treated as enabled."""
        with translated():
            try:
                item = UserItem.get(tenant_key(tenant, "USER"), login, attributes_to_get=["enabled", "revoked_before"])
            except UserItem.DoesNotExist:
                return True, 0
        return bool(item.enabled), int(item.revoked_before or 0)

    def revoke_sessions(self, *, tenant: str, login: str, before: int) -> None:
        """Record that tokens issued before `before` (epoch seconds) no longer count (no version bump: not an edit)."""
        with translated():
            try:
                UserItem._get_connection().update_item(
                    tenant_key(tenant, "USER"),
                    range_key=login,
                    actions=[UserItem.revoked_before.set(before)],
                    condition=UserItem.PK.exists(),
                )
            except UpdateError:
                pass  # no profile: nothing to revoke
