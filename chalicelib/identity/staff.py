"""Who works in an office, as other capabilities ask it: is this login an active colleague, where to e-mail them."""

from __future__ import annotations

from chalicelib.shared.permissions import Role

from .store import UserStore


class StaffDirectory:
    """The office's active staff (requests.ports.Staff)."""

    def __init__(self, *, users: UserStore) -> None:
        self._users = users

    def is_active(self, *, tenant: str, login: str) -> bool:
        """Whether `login` is an enabled account of the office."""
        user = self._users.get(tenant=tenant, login=login)
        return user is not None and user.enabled

    def email_of(self, *, tenant: str, login: str) -> str | None:
        """The e-mail address on an enabled account's profile, if any."""
        user = self._users.get(tenant=tenant, login=login)
        return user.email if user is not None and user.enabled and user.email else None

    def leader_emails(self, *, tenant: str) -> list[str]:
        """The addresses of the office's enabled leaders (Art. 6.2: they approve, and hear of what is overdue)."""
        return [u.email for u in self._users.list(tenant=tenant) if Role.LEADER.value in u.roles and u.enabled and u.email]
