"""Verifies Cognito ID tokens (RS256) against the pool's keys, with the pure-Python `rsa` package.

The keys come from COGNITO_JWKS when the stack wrote them into the environment at deploy (so the first
authenticated request of a cold start makes no HTTPS call), else from the pool's JWKS URL, fetched once per cold
start and again for an unknown key id at most every 30 s. PyJWT with cryptography cost ~18 ms of every cold start
(bench/results.md), `rsa` ~1.3 ms; what a Cognito ID token needs is small:

* the signature: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3) by `rsa.verify`, which rebuilds the whole expected
  encoding and compares it (RFC 8017 §8.2.2), so nothing of the decrypted block is parsed loosely; a signature
  over another digest is refused;
* the claims, as PyJWT checked them before: `exp` (required; expired when `exp` ≤ now), `iat` and `nbf` (if
  present: integers, not in the future), `iss` equal to the pool's, `aud` the client (or a list holding it),
  `token_use` present — then `token_use == "id"` and a tenant, as before.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import rsa

from chalicelib.shared.errors import UnauthorizedError, UnavailableError
from chalicelib.shared.tenancy import Principal

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
# DER of DigestInfo { sha256, NULL } (RFC 8017 §9.2 note 1), followed by the 32-byte digest.
MIN_MODULUS_BITS = 2048
REFRESH_COOLDOWN_SECONDS = 30.0
KEYS_LIFESPAN_SECONDS = 3600.0
REQUIRED_CLAIMS = ("exp", "iss", "aud", "token_use")


class InvalidTokenError(Exception):
    """Anything wrong with a token; `expired` tells an expired one from the rest."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


class KeysUnavailableError(Exception):
    """The pool's keys could not be fetched."""


@dataclass(frozen=True)
class RsaKey:
    """An RSA public key of the pool."""

    n: int
    e: int

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> RsaKey | None:
        """The key of a JWK usable for RS256 signatures, or None (another type, use or algorithm; too small)."""
        if jwk.get("kty") != "RSA" or jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
            return None
        try:
            n = int.from_bytes(b64url_decode(str(jwk["n"])), "big")
            e = int.from_bytes(b64url_decode(str(jwk["e"])), "big")
        except (KeyError, InvalidTokenError):
            return None
        if n.bit_length() < MIN_MODULUS_BITS or e < 3 or e % 2 == 0 or e >= n:
            return None
        return cls(n, e)

    def verifies(self, message: bytes, signature: bytes) -> bool:
        """RSASSA-PKCS1-V1_5-VERIFY with SHA-256 (RFC 8017 §8.2.2), by the `rsa` package; another digest is refused."""
        try:
            return bool(rsa.verify(message, signature, rsa.PublicKey(self.n, self.e)) == "SHA-256")
        except rsa.VerificationError:
            return False


def b64url_decode(segment: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2), strictly: any other character is an error."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise InvalidTokenError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def parse_jwks(document: Any) -> dict[str, RsaKey]:
    """The usable signing keys of a JWKS document, by key id."""
    keys: dict[str, RsaKey] = {}
    entries = document.get("keys") if isinstance(document, dict) else None
    for jwk in entries if isinstance(entries, list) else ():
        if isinstance(jwk, dict) and isinstance(jwk.get("kid"), str) and (key := RsaKey.from_jwk(jwk)) is not None:
            keys[jwk["kid"]] = key
    return keys


def fetch_url(url: str, timeout: float = 5.0) -> bytes:
    """GET the JWKS (urllib is imported by the first fetch only: with COGNITO_JWKS set, never)."""
    import http.client
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return bytes(response.read())
    except (urllib.error.URLError, TimeoutError, http.client.HTTPException, OSError) as exc:
        raise KeysUnavailableError(str(exc)) from exc


class PoolKeys:
    """The pool's keys: given at deploy, else fetched and kept for an hour; an unknown key id refetches them."""

    def __init__(
        self,
        url: str,
        *,
        preset: str | None = None,
        fetch: Callable[[str], bytes] = fetch_url,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, RsaKey] = {}
        self._fetched_at: float | None = None
        self._preset = parse_jwks(json.loads(preset)) if preset else {}

    def get(self, kid: str) -> RsaKey | None:
        """The key with this id, fetching the set when it is unknown (at most every REFRESH_COOLDOWN_SECONDS)."""
        if kid in self._preset:
            return self._preset[kid]
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at > KEYS_LIFESPAN_SECONDS
            cooling = self._fetched_at is not None and now - self._fetched_at < REFRESH_COOLDOWN_SECONDS
            if stale or (kid not in self._keys and not cooling):
                self._keys = self._load()
                self._fetched_at = now
            return self._keys.get(kid)

    def _load(self) -> dict[str, RsaKey]:
        try:
            document = json.loads(self._fetch(self._url))
        except ValueError as exc:
            raise KeysUnavailableError("the JWKS endpoint did not return JSON") from exc
        return parse_jwks(document)


def decode(token: str, keys: PoolKeys, *, issuer: str, audience: str, now: float | None = None) -> dict[str, Any]:
    """The claims of a token signed with RS256 by one of the keys, after the registered claims' checks."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidTokenError("not a JWS compact serialization")
    header_b64, payload_b64, signature_b64 = parts
    try:
        header = json.loads(b64url_decode(header_b64))
        payload_bytes = b64url_decode(payload_b64)
        signature = b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidTokenError("undecodable header") from exc
    if not isinstance(header, dict) or header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
        raise InvalidTokenError("not an RS256 token with a key id")
    key = keys.get(header["kid"])
    if key is None:
        raise InvalidTokenError("unknown key id")
    if not key.verifies(f"{header_b64}.{payload_b64}".encode("ascii"), signature):
        raise InvalidTokenError("bad signature")
    try:
        claims = json.loads(payload_bytes)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidTokenError("undecodable payload") from exc
    if not isinstance(claims, dict):
        raise InvalidTokenError("payload is not an object")
    check_claims(claims, issuer=issuer, audience=audience, now=time.time() if now is None else now)
    return claims


def _integer(claims: Mapping[str, Any], name: str) -> int:
    try:
        return int(claims[name])
    except (ValueError, TypeError, OverflowError):
        raise InvalidTokenError(f"{name} is not an integer") from None


def check_claims(claims: Mapping[str, Any], *, issuer: str, audience: str, now: float) -> None:
    """The registered claims, as PyJWT's decode checked them with these options (no leeway)."""
    for name in REQUIRED_CLAIMS:
        if name not in claims:
            raise InvalidTokenError(f"{name} missing")
    if "iat" in claims and _integer(claims, "iat") > now:
        raise InvalidTokenError("issued in the future")
    if "nbf" in claims and _integer(claims, "nbf") > now:
        raise InvalidTokenError("not yet valid")
    if _integer(claims, "exp") <= now:
        raise InvalidTokenError("expired", expired=True)
    if not isinstance(claims["iss"], str) or claims["iss"] != issuer:
        raise InvalidTokenError("issuer")
    audiences = [claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"]
    if not audiences or not isinstance(audiences, list) or any(not isinstance(a, str) for a in audiences):
        raise InvalidTokenError("audience format")
    if audience not in audiences:
        raise InvalidTokenError("audience")


class CognitoTokenVerifier:
    """Checks signature, issuer, audience, expiry and token use; the claims become a Principal."""

    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        client_id: str,
        jwks: str | None = None,
        fetch: Callable[[str], bytes] = fetch_url,
    ) -> None:
        self._keys = PoolKeys(jwks_url, preset=jwks, fetch=fetch)
        self._issuer = issuer
        self._client_id = client_id

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; any fault of the token is a 401."""
        try:
            claims = decode(token, self._keys, issuer=self._issuer, audience=self._client_id)
        except KeysUnavailableError as exc:
            raise UnavailableError() from exc
        except InvalidTokenError as exc:
            if exc.expired:
                raise UnauthorizedError("Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.", code="token_expired") from None
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
