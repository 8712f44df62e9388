"""Staff accounts: the rules an administrator's changes must follow (pure)."""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.shared.errors import RuleViolationError
from chalicelib.shared.permissions import roles_for_tenant
from chalicelib.shared.tenancy import Principal

LOGIN = re.compile(r"^[a-z0-9][a-z0-9_-]{2,39}$")


@dataclass(frozen=True)
class StaffUser:
    """A staff member of one tenant; `login` is what they type on their tenant's host."""

    login: str
    full_name: str
    roles: tuple[str, ...]
    unit_id: str | None = None
    email: str | None = None
    agent_code: str | None = None
    enabled: bool = True
    version: int = 0


def check_account(*, tenant: str, login: str | None, roles: Iterable[str]) -> None:
    """A login is a lowercase slug; roles must exist for this tenant (CCC-only roles only at the CCC).

    That the unit is the tenant's and active is checked by the store, inside the same write.
    """
    if login is not None and not LOGIN.match(login):
        raise RuleViolationError(
            "Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, số, '-' hoặc '_'.", fields={"username": "format"}
        )
    allowed = {r.value for r in roles_for_tenant(tenant)}
    roles = list(roles)
    if not roles:
        raise RuleViolationError("Cần ít nhất một vai trò.", fields={"roles": "empty"})
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        raise RuleViolationError("Vai trò không dùng được ở đơn vị này: " + ", ".join(unknown), fields={"roles": "not_allowed"})


def temporary_password() -> str:
    """A one-time password that meets the pool's policy (upper, lower, digit, symbol, ≥ 12 characters)."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Tm{body}#{secrets.randbelow(10)}"


@dataclass(frozen=True)
class SignedIn:
    """A completed sign-in."""

    token: str
    expires_in: int
    principal: Principal


@dataclass(frozen=True)
class PasswordNeeded:
    """The account has a temporary password: choose a new one with this session."""

    session: str
