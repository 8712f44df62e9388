"""Cognito user pool: sign-in and staff accounts; Cognito's errors become domain errors here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.shared.errors import (
    ConflictError,
    NotFoundError,
    RuleViolationError,
    TooManyRequestsError,
    UnauthorizedError,
    UnavailableError,
)

BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


@dataclass(frozen=True)
class Tokens:
    """A successful sign-in."""

    id_token: str
    expires_in: int


@dataclass(frozen=True)
class NewPasswordChallenge:
    """Sign-in with a temporary password: a new one must be chosen first."""

    session: str


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NotAuthorizedException", "UserNotFoundException", "PasswordResetRequiredException"):
            # Same answer for a wrong password, an unknown or a disabled user: nothing to enumerate.
            raise UnauthorizedError(BAD_CREDENTIALS, code="invalid_credentials") from None
        if code == "UsernameExistsException":
            raise ConflictError("Tên đăng nhập đã được dùng.", code="username_taken") from None
        if code in ("InvalidPasswordException", "InvalidParameterException"):
            raise RuleViolationError(
                "Mật khẩu phải dài ít nhất 8 ký tự, có chữ hoa, chữ thường, chữ số và ký tự đặc biệt.",
                code="weak_password",
                fields={"password": "policy"},
            ) from None
        if code in ("CodeMismatchException", "ExpiredCodeException"):
            raise UnauthorizedError("Phiên đặt mật khẩu đã hết hạn, vui lòng đăng nhập lại.", code="session_expired") from None
        if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
            raise TooManyRequestsError() from None
        raise UnavailableError() from exc


class CognitoDirectory:
    """The staff user pool."""

    def __init__(self, client: Any, *, pool_id: str, client_id: str) -> None:
        self._client = client
        self._pool = pool_id
        self._app_client = client_id

    def sign_in(self, username: str, password: str) -> Tokens | NewPasswordChallenge:
        """Check a password; returns tokens, or the challenge to choose a new password."""
        with _translated():
            result = self._client.initiate_auth(
                ClientId=self._app_client,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": username, "PASSWORD": password},
            )
        return self._outcome(result)

    def choose_password(self, username: str, session: str, new_password: str) -> Tokens | NewPasswordChallenge:
        """Answer the new-password challenge."""
        with _translated():
            result = self._client.respond_to_auth_challenge(
                ClientId=self._app_client,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=session,
                ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": new_password},
            )
        return self._outcome(result)

    @staticmethod
    def _outcome(result: dict[str, Any]) -> Tokens | NewPasswordChallenge:
        if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            return NewPasswordChallenge(session=result["Session"])
        auth = result["AuthenticationResult"]
        return Tokens(id_token=auth["IdToken"], expires_in=int(auth.get("ExpiresIn", 3600)))

    def create_user(
        self,
        *,
        username: str,
        tenant: str,
        full_name: str,
        email: str | None,
        unit_id: str | None,
        roles: list[str],
        temporary_password: str,
    ) -> None:
        """Create a staff account with a temporary password (no Cognito e-mail: we send our own)."""
        attributes = [{"Name": "custom:tenant", "Value": tenant}, {"Name": "name", "Value": full_name}]
        if email:
            attributes.append({"Name": "email", "Value": email})
        if unit_id:
            attributes.append({"Name": "custom:unit", "Value": unit_id})
        with _translated():
            self._client.admin_create_user(
                UserPoolId=self._pool,
                Username=username,
                TemporaryPassword=temporary_password,
                UserAttributes=attributes,
                MessageAction="SUPPRESS",
            )
        self.set_roles(username=username, add=roles, remove=[])

    def set_password(self, *, username: str, password: str, permanent: bool) -> None:
        """Set a password; a temporary one must be changed at the next sign-in."""
        with _translated():
            self._client.admin_set_user_password(UserPoolId=self._pool, Username=username, Password=password, Permanent=permanent)

    def set_roles(self, *, username: str, add: list[str], remove: list[str]) -> None:
        """Add and remove role groups (idempotent)."""
        with _translated():
            for group in add:
                self._client.admin_add_user_to_group(UserPoolId=self._pool, Username=username, GroupName=group)
            for group in remove:
                self._client.admin_remove_user_from_group(UserPoolId=self._pool, Username=username, GroupName=group)

    def set_attributes(self, *, username: str, full_name: str | None = None, unit_id: str | None = None) -> None:
        """Update the name or unit carried in the token."""
        attributes = []
        if full_name is not None:
            attributes.append({"Name": "name", "Value": full_name})
        if unit_id is not None:
            attributes.append({"Name": "custom:unit", "Value": unit_id})
        if attributes:
            with _translated():
                self._client.admin_update_user_attributes(UserPoolId=self._pool, Username=username, UserAttributes=attributes)

    def set_enabled(self, *, username: str, enabled: bool) -> None:
        """Enable or disable sign-in; disabling also revokes refresh tokens."""
        with _translated():
            if enabled:
                self._client.admin_enable_user(UserPoolId=self._pool, Username=username)
            else:
                self._client.admin_disable_user(UserPoolId=self._pool, Username=username)
                self._client.admin_user_global_sign_out(UserPoolId=self._pool, Username=username)

    def delete_user(self, *, username: str) -> None:
        """Remove an account (compensation when the profile could not be stored)."""
        try:
            with _translated():
                self._client.admin_delete_user(UserPoolId=self._pool, Username=username)
        except NotFoundError:
            pass
