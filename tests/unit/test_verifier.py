"""The RS256 verifier: tokens PyJWT signs are accepted exactly when PyJWT's own decode would accept them."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.identity.verifier import (
    REFRESH_COOLDOWN_SECONDS,
    CognitoTokenVerifier,
    InvalidTokenError,
    KeysUnavailableError,
    PoolKeys,
    RsaKey,
    decode,
)
from chalicelib.shared.errors import UnauthorizedError, UnavailableError

ISSUER = "https://cognito-idp.ap-southeast-1.amazonaws.com/ap-southeast-1_test"
CLIENT = "client-123"
NOW = int(time.time())  # both verifiers read the real clock; the cases keep 30 s or more from their edges


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks(private_key: rsa.RSAPrivateKey) -> str:
    numbers = private_key.public_key().public_numbers()
    jwk = {
        "kid": "k1",
        "kty": "RSA",
        "alg": "RS256",
        "use": "sig",
        "n": _b64(numbers.n.to_bytes(256, "big")),
        "e": _b64(numbers.e.to_bytes(3, "big")),
    }
    return json.dumps({"keys": [jwk]})


def _claims(**overrides: Any) -> dict[str, Any]:
    claims = {
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "cognito:username": "hanoi.agent",
        "custom:tenant": "hanoi",
        "cognito:groups": ["agent"],
        "iat": NOW - 60,
        "exp": NOW + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _token(key: Any, claims: dict[str, Any], kid: str | None = "k1", algorithm: str = "RS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid} if kid else None)


def _keys(jwks: str) -> PoolKeys:
    def no_network(url: str) -> bytes:
        raise AssertionError(f"fetched {url}")

    return PoolKeys("https://example.invalid/jwks.json", preset=jwks, fetch=no_network)


def _pyjwt_accepts(token: str, private_key: rsa.RSAPrivateKey) -> bool:
    try:
        jwt.decode(
            token,
            private_key.public_key(),
            algorithms=["RS256"],
            audience=CLIENT,
            issuer=ISSUER,
            options={"require": ["exp", "iss", "aud", "token_use"]},
        )
    except jwt.InvalidTokenError:
        return False
    return True


CASES = {
    "valid": _claims(),
    "expired": _claims(exp=NOW - 1),
    "expires now": _claims(exp=NOW),
    "no exp": _claims(exp=None),
    "no token_use": _claims(token_use=None),
    "exp not a number": _claims(exp="soon"),
    "issued in the future": _claims(iat=NOW + 30),
    "not yet valid": _claims(nbf=NOW + 30),
    "valid from now": _claims(nbf=NOW),
    "other issuer": _claims(iss=ISSUER + "x"),
    "other audience": _claims(aud="someone-else"),
    "audience list with the client": _claims(aud=["x", CLIENT]),
    "audience list without it": _claims(aud=["x", "y"]),
    "empty audience": _claims(aud=[]),
    "audience not a string": _claims(aud=7),
}


@pytest.mark.parametrize("case", CASES)
def test_claims_are_judged_as_pyjwt_judges_them(case: str, private_key: rsa.RSAPrivateKey, jwks: str) -> None:
    token = _token(private_key, CASES[case])
    try:
        decode(token, _keys(jwks), issuer=ISSUER, audience=CLIENT)
        accepted = True
    except InvalidTokenError:
        accepted = False
    assert accepted == _pyjwt_accepts(token, private_key)


def test_expired_is_told_apart(private_key: rsa.RSAPrivateKey, jwks: str) -> None:
    verifier = CognitoTokenVerifier(jwks_url="https://example.invalid", issuer=ISSUER, client_id=CLIENT, jwks=jwks)
    with pytest.raises(UnauthorizedError) as raised:
        verifier.verify(_token(private_key, _claims(exp=int(time.time()) - 5, iat=int(time.time()) - 4000)))
    assert raised.value.code == "token_expired"


def test_a_valid_token_becomes_the_principal(private_key: rsa.RSAPrivateKey, jwks: str) -> None:
    now = int(time.time())
    verifier = CognitoTokenVerifier(jwks_url="https://example.invalid", issuer=ISSUER, client_id=CLIENT, jwks=jwks)
    principal = verifier.verify(_token(private_key, _claims(iat=now, exp=now + 600, **{"custom:unit": "van-phong"})))
    assert (principal.username, principal.tenant, principal.roles, principal.unit_id, principal.issued_at) == (
        "hanoi.agent",
        "hanoi",
        frozenset({"agent"}),
        "van-phong",
        now,
    )


def _forgeries(private_key: rsa.RSAPrivateKey, jwks: str) -> dict[str, str]:
    good = _token(private_key, _claims())
    header, payload, signature = good.split(".")
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private_key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo
    )
    tampered = _b64(json.dumps({**_claims(), "custom:tenant": "ccc"}).encode())
    signature_bytes = base64.urlsafe_b64decode(signature + "==")
    return {
        "tampered payload": f"{header}.{tampered}.{signature}",
        "other key": _token(other, _claims()),
        "alg none": f"{_b64(json.dumps({'alg': 'none', 'kid': 'k1'}).encode())}.{payload}.",
        "HS256 with the public key as secret": _hs256(header, payload, public_pem),
        "no kid": _token(private_key, _claims(), kid=None),
        "unknown kid": _token(private_key, _claims(), kid="k2"),
        "signature one byte short": f"{header}.{payload}.{_b64(signature_bytes[:-1])}",
        "signature plus the modulus": f"{header}.{payload}.{_b64((int.from_bytes(signature_bytes, 'big') + _modulus(jwks)).to_bytes(257, 'big'))}",
        "junk in base64": f"{header}.{payload}!.{signature}",
        "two parts": f"{header}.{payload}",
        "not json": f"{_b64(b'{')}.{payload}.{signature}",
        "signed over SHA-1": f"{header}.{payload}."
        + _b64(private_key.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA1())),
    }


def _modulus(jwks: str) -> int:
    n = json.loads(jwks)["keys"][0]["n"]
    return int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)), "big")


def _hs256(header: str, payload: str, secret: bytes) -> str:
    import hashlib
    import hmac

    head = _b64(json.dumps({"alg": "HS256", "kid": "k1"}).encode())
    mac = hmac.new(secret, f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{_b64(mac)}"


@pytest.mark.parametrize(
    "forgery",
    [
        "tampered payload",
        "other key",
        "alg none",
        "HS256 with the public key as secret",
        "no kid",
        "unknown kid",
        "signature one byte short",
        "signature plus the modulus",
        "junk in base64",
        "two parts",
        "not json",
        "signed over SHA-1",
    ],
)
def test_forgeries_are_refused(forgery: str, private_key: rsa.RSAPrivateKey, jwks: str) -> None:
    token = _forgeries(private_key, jwks)[forgery]
    keys = PoolKeys("https://example.invalid", preset=jwks, fetch=lambda url: jwks.encode())
    with pytest.raises(InvalidTokenError):
        decode(token, keys, issuer=ISSUER, audience=CLIENT, now=NOW)


def test_small_or_foreign_keys_are_not_used() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key().public_numbers()
    assert RsaKey.from_jwk({"kty": "RSA", "n": _b64(small.n.to_bytes(128, "big")), "e": "AQAB"}) is None
    assert RsaKey.from_jwk({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}) is None
    assert RsaKey.from_jwk({"kty": "RSA", "use": "enc", "n": "AA", "e": "AQAB"}) is None


def test_keys_are_fetched_once_and_refetched_for_an_unknown_kid_after_the_cooldown(jwks: str) -> None:
    fetched: list[str] = []
    clock = [1000.0]

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return jwks.encode()

    keys = PoolKeys("https://pool/jwks.json", fetch=fetch, clock=lambda: clock[0])
    assert keys.get("k1") is not None and keys.get("k1") is not None and len(fetched) == 1
    assert keys.get("rotated") is None and len(fetched) == 1, "within the cooldown"
    clock[0] += REFRESH_COOLDOWN_SECONDS + 1
    assert keys.get("rotated") is None and len(fetched) == 2


def test_keys_given_at_deploy_need_no_fetch_and_unknown_ones_fall_back_to_it(jwks: str) -> None:
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return b'{"keys": []}'

    keys = PoolKeys("https://pool/jwks.json", preset=jwks, fetch=fetch)
    assert keys.get("k1") is not None and fetched == []
    assert keys.get("k9") is None and fetched == ["https://pool/jwks.json"]


def test_an_unreachable_key_endpoint_is_unavailable_not_unauthorized(private_key: rsa.RSAPrivateKey) -> None:
    def down(url: str) -> bytes:
        raise KeysUnavailableError("connection refused")

    verifier = CognitoTokenVerifier(jwks_url="https://pool/jwks.json", issuer=ISSUER, client_id=CLIENT, fetch=down)
    with pytest.raises(UnavailableError):
        verifier.verify(_token(private_key, _claims(iat=int(time.time()), exp=int(time.time()) + 60)))
