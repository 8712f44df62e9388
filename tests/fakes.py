"""In-memory stand-ins for the stores and Cognito, honouring the same contracts (tests/integration checks both)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chalicelib.adapters.cognito import NewPasswordChallenge, Tokens
from chalicelib.audit.domain import AuditEvent
from chalicelib.identity.domain import StaffUser
from chalicelib.shared.errors import ConflictError, RuleViolationError, UnauthorizedError
from chalicelib.shared.tenancy import Principal
from chalicelib.tenancy.domain import Unit


@dataclass
class FakeAudit:
    """Records audit events per tenant."""

    events: dict[str, list[AuditEvent]] = field(default_factory=dict)

    def append(self, *, tenant: str, event: AuditEvent) -> None:
        self.events.setdefault(tenant, []).append(event)


class FakeUnitStore:
    """UnitStore in a dict; versions and conflicts as the table has them."""

    def __init__(self, audit: FakeAudit | None = None) -> None:
        self.rows: dict[tuple[str, str], Unit] = {}
        self.audit = audit or FakeAudit()

    def list(self, *, tenant: str) -> list[Unit]:
        return sorted((u for (t, _), u in self.rows.items() if t == tenant), key=lambda u: u.id)

    def get(self, *, tenant: str, unit_id: str) -> Unit | None:
        return self.rows.get((tenant, unit_id))

    def add(self, *, tenant: str, unit: Unit, event: AuditEvent) -> Unit:
        if (tenant, unit.id) in self.rows:
            raise ConflictError("Mã đơn vị đã tồn tại.")
        stored = replace(unit, version=1)
        self.rows[(tenant, unit.id)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored

    def replace(self, *, tenant: str, unit: Unit, event: AuditEvent) -> Unit:
        current = self.rows.get((tenant, unit.id))
        if current is None or current.version != unit.version:
            raise ConflictError()
        stored = replace(unit, version=unit.version + 1)
        self.rows[(tenant, unit.id)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored


class FakeUserStore:
    """UserStore in a dict; like the table, it refuses a unit that is not the tenant's active unit."""

    def __init__(self, audit: FakeAudit | None = None, units: FakeUnitStore | None = None) -> None:
        self.rows: dict[tuple[str, str], StaffUser] = {}
        self.audit = audit or FakeAudit()
        self.units = units or FakeUnitStore()
        self.fail_next_add = False

    def _check_unit(self, tenant: str, unit_id: str | None) -> None:
        unit = self.units.get(tenant=tenant, unit_id=unit_id) if unit_id else None
        if unit_id and (unit is None or not unit.active):
            raise RuleViolationError(fields={"unit_id": "unknown"})

    def list(self, *, tenant: str) -> list[StaffUser]:
        return [u for (t, _), u in self.rows.items() if t == tenant]

    def get(self, *, tenant: str, login: str) -> StaffUser | None:
        return self.rows.get((tenant, login))

    def add(self, *, tenant: str, user: StaffUser, event: AuditEvent | None) -> StaffUser:
        if self.fail_next_add:
            self.fail_next_add = False
            raise RuntimeError("table unavailable")
        if (tenant, user.login) in self.rows:
            raise ConflictError()
        self._check_unit(tenant, user.unit_id)
        stored = replace(user, version=1)
        self.rows[(tenant, user.login)] = stored
        if event:
            self.audit.append(tenant=tenant, event=event)
        return stored

    def replace(self, *, tenant: str, user: StaffUser, event: AuditEvent) -> StaffUser:
        current = self.rows.get((tenant, user.login))
        if current is None or current.version != user.version:
            raise ConflictError()
        self._check_unit(tenant, user.unit_id)
        stored = replace(user, version=user.version + 1)
        self.rows[(tenant, user.login)] = stored
        self.audit.append(tenant=tenant, event=event)
        return stored


@dataclass
class FakeAccount:
    tenant: str
    password: str
    roles: set[str]
    enabled: bool = True
    temporary: bool = True
    attributes: dict[str, str] = field(default_factory=dict)


class FakeDirectory:
    """Cognito as a dict of accounts; tokens are the username itself (FakeVerifier reads them back)."""

    def __init__(self) -> None:
        self.accounts: dict[str, FakeAccount] = {}
        self.calls: list[str] = []

    def sign_in(self, username: str, password: str) -> Tokens | NewPasswordChallenge:
        account = self.accounts.get(username)
        if account is None or not account.enabled or account.password != password:
            raise UnauthorizedError(code="invalid_credentials")
        return (
            NewPasswordChallenge(session=f"session:{username}")
            if account.temporary
            else Tokens(id_token=username, expires_in=3600)
        )

    def choose_password(self, username: str, session: str, new_password: str) -> Tokens | NewPasswordChallenge:
        account = self.accounts[username]
        account.password, account.temporary = new_password, False
        return Tokens(id_token=username, expires_in=3600)

    def create_user(self, *, username, tenant, full_name, email, unit_id, roles, temporary_password) -> None:
        self.calls.append(f"create {username}")
        if username in self.accounts:
            raise ConflictError(code="username_taken")
        self.accounts[username] = FakeAccount(tenant, temporary_password, set(roles))

    def set_password(self, *, username, password, permanent) -> None:
        account = self.accounts[username]
        account.password, account.temporary = password, not permanent

    def set_roles(self, *, username, add, remove) -> None:
        self.calls.append(f"roles {username} +{','.join(add)} -{','.join(remove)}")
        account = self.accounts[username]
        account.roles = (account.roles | set(add)) - set(remove)

    def set_attributes(self, *, username, full_name=None, unit_id=None) -> None:
        if unit_id is not None:
            self.accounts[username].attributes["custom:unit"] = unit_id

    def set_enabled(self, *, username, enabled) -> None:
        self.accounts[username].enabled = enabled

    def delete_user(self, *, username) -> None:
        self.calls.append(f"delete {username}")
        self.accounts.pop(username, None)


class FakeVerifier:
    """Turns a FakeDirectory token (the username) into its principal."""

    def __init__(self, directory: FakeDirectory) -> None:
        self.directory = directory

    def verify(self, token: str) -> Principal:
        account = self.directory.accounts[token]
        return Principal(token, account.tenant, frozenset(account.roles))
