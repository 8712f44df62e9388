"""Verifies Cognito ID tokens against the pool's JWKS on every call (keys fetched once per cold start)."""

from __future__ import annotations

import jwt
from jwt import PyJWKClient

from chalicelib.shared.errors import UnauthorizedError, UnavailableError
from chalicelib.shared.tenancy import Principal


class CognitoTokenVerifier:
    """Checks signature, issuer, audience, expiry and token use; the claims become a Principal."""

    def __init__(self, *, jwks_url: str, issuer: str, client_id: str) -> None:
        self._jwks = PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5)
        self._issuer = issuer
        self._client_id = client_id

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; any fault of the token is a 401."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError as exc:
            raise UnavailableError() from exc
        except (jwt.PyJWKClientError, jwt.DecodeError):
            raise UnauthorizedError("Mã đăng nhập không hợp lệ.", code="invalid_token") from None
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self._client_id,
                issuer=self._issuer,
                options={"require": ["exp", "iss", "aud", "token_use"]},
            )
        except jwt.ExpiredSignatureError:
            raise UnauthorizedError("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", code="token_expired") from None
        except jwt.InvalidTokenError:
            raise UnauthorizedError("Mã đăng nhập không hợp lệ.", code="invalid_token") from None
        if claims.get("token_use") != "id" or not claims.get("custom:tenant"):
            raise UnauthorizedError("Mã đăng nhập không hợp lệ.", code="invalid_token")
        return Principal(
            username=str(claims.get("cognito:username", "")),
            tenant=str(claims["custom:tenant"]),
            roles=frozenset(claims.get("cognito:groups") or ()),
            unit_id=claims.get("custom:unit") or None,
            display_name=str(claims.get("name", "")),
            issued_at=int(claims.get("iat", 0)),
        )
