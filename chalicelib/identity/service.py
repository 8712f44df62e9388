"""Use cases of sign-in and staff accounts."""

from __future__ import annotations

from dataclasses import dataclass, replace

from chalicelib.adapters.cognito import BAD_CREDENTIALS, CognitoDirectory, NewPasswordChallenge, Tokens
from chalicelib.audit.domain import AuditEvent
from chalicelib.audit.store import AuditStore
from chalicelib.limits.service import SignInThrottle
from chalicelib.shared.clock import Clock
from chalicelib.shared.errors import ConflictError, ForbiddenError, NotFoundError, UnauthorizedError
from chalicelib.shared.tenancy import Principal, cognito_username

from .domain import LOGIN, PasswordNeeded, SignedIn, StaffUser, check_account, temporary_password
from .sessions import Sessions
from .store import UserStore
from .verifier import CognitoTokenVerifier


@dataclass(frozen=True)
class NewAccount:
    """A created account and the temporary password to hand over once."""

    user: StaffUser
    temporary_password: str


class IdentityService:
    """Sign-in through Cognito, and the tenant administrator's management of staff."""

    def __init__(
        self,
        *,
        directory: CognitoDirectory,
        users: UserStore,
        verifier: CognitoTokenVerifier,
        clock: Clock,
        audit: AuditStore,
        sessions: Sessions,
        throttle: SignInThrottle,
    ) -> None:
        self._throttle = throttle
        self._directory = directory
        self._users = users
        self._verifier = verifier
        self._clock = clock
        self._audit = audit
        self._sessions = sessions

    def login(self, *, tenant: str, login: str, password: str, client: str = "") -> SignedIn | PasswordNeeded:
        """Sign in on the tenant's host: staff of another tenant are simply not found there.

        Failed attempts are throttled per account and client address (limits.domain); a name no account can have
        is refused like a wrong password, without asking Cognito or counting it.
        """
        name = login.strip().lower()
        if not LOGIN.match(name):
            raise UnauthorizedError(BAD_CREDENTIALS, code="invalid_credentials")
        with self._throttle.attempt(tenant=tenant, login=name, client=client):
            outcome = self._directory.sign_in(cognito_username(tenant, name), password)
        return self._signed_in(tenant, outcome)

    def choose_password(self, *, tenant: str, login: str, session: str, new_password: str) -> SignedIn | PasswordNeeded:
        """Finish a first sign-in by replacing the temporary password."""
        outcome = self._directory.choose_password(cognito_username(tenant, login.strip().lower()), session, new_password)
        return self._signed_in(tenant, outcome)

    def _signed_in(self, tenant: str, outcome: Tokens | NewPasswordChallenge) -> SignedIn | PasswordNeeded:
        if isinstance(outcome, NewPasswordChallenge):
            return PasswordNeeded(session=outcome.session)
        principal = self._verifier.verify(outcome.id_token)
        if principal.tenant != tenant:
            raise ForbiddenError("Tài khoản này thuộc đơn vị khác.", code="wrong_tenant")
        return SignedIn(token=outcome.id_token, expires_in=outcome.expires_in, principal=principal)

    def logout(self, *, principal: Principal) -> None:
        """End the user's sessions everywhere (the ID token itself cannot be recalled)."""
        self._sessions.revoke(tenant=principal.tenant, login=principal.login)

    def profile(self, *, tenant: str, principal: Principal) -> StaffUser:
        """The signed-in user's own profile (falls back to the token when no profile is stored)."""
        stored = self._users.get(tenant=tenant, login=principal.login)
        return stored or StaffUser(principal.login, principal.display_name, tuple(sorted(principal.roles)), principal.unit_id)

    def list_users(self, *, tenant: str) -> list[StaffUser]:
        """Every staff member of the tenant."""
        return sorted(self._users.list(tenant=tenant), key=lambda u: u.login)

    def get_user(self, *, tenant: str, login: str) -> StaffUser:
        """One staff member; another tenant's login is not found."""
        user = self._users.get(tenant=tenant, login=login)
        if user is None:
            raise NotFoundError("Không tìm thấy người dùng.")
        return user

    def create_user(
        self,
        *,
        tenant: str,
        actor: Principal,
        login: str,
        full_name: str,
        roles: list[str],
        unit_id: str | None,
        email: str | None,
        agent_code: str | None,
    ) -> NewAccount:
        """Create an account with a temporary password; the profile and its audit entry are written together."""
        check_account(tenant=tenant, login=login, roles=roles)
        password = temporary_password()
        username = cognito_username(tenant, login)
        self._directory.create_user(
            username=username,
            tenant=tenant,
            full_name=full_name,
            email=email,
            unit_id=unit_id,
            roles=roles,
            temporary_password=password,
        )
        user = StaffUser(login, full_name, tuple(roles), unit_id, email, agent_code)
        event = AuditEvent(actor.username, "user.create", "user", login, self._clock.now(), {"roles": ",".join(roles)})
        try:
            stored = self._users.add(tenant=tenant, user=user, event=event)
        except Exception:
            self._directory.delete_user(username=username)
            raise
        return NewAccount(user=stored, temporary_password=password)

    def update_user(
        self,
        *,
        tenant: str,
        actor: Principal,
        login: str,
        version: int,
        full_name: str | None,
        roles: list[str] | None,
        unit_id: str | None,
        agent_code: str | None,
    ) -> StaffUser:
        """Change name, roles, unit or agent code, if nobody changed the account since `version`."""
        current = self.get_user(tenant=tenant, login=login)
        if current.version != version:
            raise ConflictError()
        new_roles = tuple(roles) if roles is not None else current.roles
        new_unit = unit_id if unit_id is not None else current.unit_id
        check_account(tenant=tenant, login=None, roles=new_roles)
        changed = replace(
            current,
            full_name=full_name or current.full_name,
            roles=new_roles,
            unit_id=new_unit,
            agent_code=agent_code if agent_code is not None else current.agent_code,
        )
        fields = [
            n
            for n, v in (("full_name", full_name), ("roles", roles), ("unit_id", unit_id), ("agent_code", agent_code))
            if v is not None
        ]
        event = AuditEvent(actor.username, "user.update", "user", login, self._clock.now(), {"fields": ",".join(fields)})
        saved = self._users.replace(tenant=tenant, user=changed, event=event)
        username = cognito_username(tenant, login)
        self._directory.set_roles(
            username=username, add=sorted(set(new_roles) - set(current.roles)), remove=sorted(set(current.roles) - set(new_roles))
        )
        self._directory.set_attributes(username=username, full_name=full_name, unit_id=unit_id)
        if set(new_roles) != set(current.roles) or new_unit != current.unit_id:
            self._sessions.revoke(tenant=tenant, login=login)  # the token carries roles and unit: sign in again
        return saved

    def set_enabled(self, *, tenant: str, actor: Principal, login: str, version: int, enabled: bool) -> StaffUser:
        """Disable (or re-enable) an account; an administrator cannot disable themselves."""
        if not enabled and actor.login == login:
            raise ConflictError("Không thể tự khoá tài khoản của mình.", code="self_disable")
        current = self.get_user(tenant=tenant, login=login)
        if current.version != version:
            raise ConflictError()
        action = "user.enable" if enabled else "user.disable"
        saved = self._users.replace(
            tenant=tenant,
            user=replace(current, enabled=enabled),
            event=AuditEvent(actor.username, action, "user", login, self._clock.now()),
        )
        self._directory.set_enabled(username=cognito_username(tenant, login), enabled=enabled)
        if enabled:
            self._sessions.forget(tenant=tenant, login=login)
        else:
            self._sessions.revoke(tenant=tenant, login=login)
        return saved

    def reset_password(self, *, tenant: str, actor: Principal, login: str) -> NewAccount:
        """Give the account a new temporary password, to be replaced at the next sign-in."""
        current = self.get_user(tenant=tenant, login=login)
        password = temporary_password()
        self._directory.set_password(username=cognito_username(tenant, login), password=password, permanent=False)
        self._sessions.revoke(tenant=tenant, login=login)
        self._audit.append(
            tenant=tenant, event=AuditEvent(actor.username, "user.reset_password", "user", login, self._clock.now())
        )
        return NewAccount(user=current, temporary_password=password)
