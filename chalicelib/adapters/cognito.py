"""Cognito user pool: sign-in and staff accounts; Cognito's errors become domain errors here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError, ParamValidationError

from chalicelib.shared.errors import (
    AppError,
    ConflictError,
    MalformedError,
    NotFoundError,
    RuleViolationError,
    TooManyRequestsError,
    UnauthorizedError,
    UnavailableError,
)
from chalicelib.shared.observability import logger

BAD_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."
SESSION_EXPIRED = "Phiên đặt mật khẩu đã hết hạn, vui lòng đăng nhập lại."
# RespondToAuthChallenge takes a Session of 20 to 2048 characters; anything else cannot be a session Cognito issued.
SESSION_MIN, SESSION_MAX = 20, 2048


@dataclass(frozen=True)
class Tokens:
    """A successful sign-in."""

    id_token: str
    expires_in: int


@dataclass(frozen=True)
class NewPasswordChallenge:
    """Sign-in with a temporary password: a new one must be chosen first."""

    session: str


def _bad_credentials() -> AppError:
    # Same answer for a wrong password, an unknown or a disabled user: nothing to enumerate.
    return UnauthorizedError(BAD_CREDENTIALS, code="invalid_credentials")


def _session_expired() -> AppError:
    return UnauthorizedError(SESSION_EXPIRED, code="session_expired")


def _weak_password() -> AppError:
    return RuleViolationError(
        "Mật khẩu phải dài ít nhất 8 ký tự, có chữ hoa, chữ thường, chữ số và ký tự đặc biệt.",
        code="weak_password",
        fields={"password": "policy"},
    )


# Cognito's refusals by error code. Anyone can cause them (a sign-in is public), so they are logged at INFO;
# only a code not listed here is a dependency failure (503, logged as an error).
_REFUSALS: dict[str, Callable[[], AppError]] = {
    "NotAuthorizedException": _bad_credentials,
    "UserNotFoundException": _bad_credentials,
    "PasswordResetRequiredException": _bad_credentials,
    "UsernameExistsException": lambda: ConflictError("Tên đăng nhập đã được dùng.", code="username_taken"),
    "InvalidPasswordException": _weak_password,
    "InvalidParameterException": _weak_password,
    "CodeMismatchException": _session_expired,
    "ExpiredCodeException": _session_expired,
    "TooManyRequestsException": TooManyRequestsError,
    "LimitExceededException": TooManyRequestsError,
    "TooManyFailedAttemptsException": TooManyRequestsError,
}
# In the new-password step the session is the credential: one Cognito did not issue, already used or expired, or of
# another user (moto answers ResourceNotFoundException) all mean "sign in again".
_SESSION_REFUSALS: dict[str, Callable[[], AppError]] = {
    code: _session_expired
    for code in (
        "NotAuthorizedException",
        "CodeMismatchException",
        "ExpiredCodeException",
        "ResourceNotFoundException",
        "UserNotFoundException",
    )
}


@contextmanager
def _translated(*, session_step: bool = False) -> Iterator[None]:
    try:
        yield
    except ParamValidationError:
        logger.warning("cognito refused the parameters before sending")
        raise (_session_expired() if session_step else MalformedError()) from None
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        refusal = (_SESSION_REFUSALS.get(code) if session_step else None) or _REFUSALS.get(code)
        if refusal is None:
            raise UnavailableError() from exc
        logger.info("cognito refused", extra={"cognito_error": code})
        raise refusal() from None


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
        """Answer the new-password challenge; a session Cognito cannot have issued, or refuses, is `session_expired`."""
        if not SESSION_MIN <= len(session) <= SESSION_MAX:
            raise _session_expired()
        with _translated(session_step=True):
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
