"""Sign-in, tokens and tenants: who gets in where."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import PASSWORD


def _moto_private_key() -> str:
    """The emulated pool's signing key (moto signs every token with this one)."""
    from moto.utilities.utils import load_resource

    return json.dumps(load_resource("cognitoidp/resources/jwks-private.json"))


def _claims(stack, tenant: str, **overrides):
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{stack.region}.amazonaws.com/{stack.user_pool_id}",
        "aud": stack.user_pool_client_id,
        "token_use": "id",
        "cognito:username": f"{tenant}.agent",
        "custom:tenant": tenant,
        "cognito:groups": ["central_admin"],
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return claims


def _sign_with_pool_key(claims) -> str:
    key = jwt.PyJWK.from_json(_moto_private_key())
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": "dummy"})


def test_login_returns_token_user_and_http_only_cookie(api):
    reply = api("hanoi").post("/api/auth/login", {"username": "agent", "password": PASSWORD})
    assert reply.status == 200
    body = reply.json
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    assert body["user"]["username"] == "agent" and body["user"]["roles"] == ["agent"]
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith("cskh_session=" + body["access_token"]) and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_me_tells_user_tenant_roles_and_permissions(api):
    me = api("hanoi").login("leader").get("/api/me")
    assert me.status == 200
    assert me.json["tenant"] == {"code": "hanoi", "name": "Bảo hiểm xã hội thành phố Hà Nội", "short_name": "Hà Nội"}
    assert me.json["roles"] == ["leader"]
    assert "requests.approve" in me.json["permissions"]
    assert "central.view" not in me.json["permissions"], "the cross-tenant view is the CCC's alone"


@pytest.mark.parametrize("username,password", [("agent", "Sai@12345"), ("nobody", PASSWORD), ("", PASSWORD)])
def test_wrong_credentials_get_one_answer(api, username, password):
    reply = api("hanoi").post("/api/auth/login", {"username": username, "password": password})
    if username:
        assert reply.status == 401 and reply.error_code == "invalid_credentials"
    else:
        assert reply.status == 400


def test_staff_of_another_office_cannot_sign_in_on_this_host(api):
    # hcm's agent exists, but on hanoi's host the name means hanoi's account only.
    hcm_only = api("hcm").login("tenant-admin")
    created = hcm_only.post("/api/users", {"username": "chi-hcm", "full_name": "Chỉ ở HCM", "roles": ["agent"]})
    assert created.status == 201
    reply = api("hanoi").post("/api/auth/login", {"username": "chi-hcm", "password": created.json["temporary_password"]})
    assert reply.status == 401


def test_token_of_one_tenant_is_refused_on_another_host(api):
    hanoi = api("hanoi").login("agent")
    reply = hanoi.on("hcm").get("/api/me")
    assert reply.status == 403 and reply.error_code == "wrong_tenant"
    assert hanoi.on("ccc").get("/api/central/tenants").status == 403


def test_missing_token_is_401_and_bad_scheme_is_401(api):
    assert api("hanoi").get("/api/me").status == 401
    reply = api("hanoi").get("/api/me", headers={"authorization": "Basic YWdlbnQ6eA=="})
    assert reply.status == 401 and reply.error_code == "invalid_token"


def test_tampered_token_is_refused(api):
    token = api("hanoi").login("agent").token
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["custom:tenant"] = "ccc"
    claims["cognito:groups"] = ["central_admin"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    forged = api("ccc")
    forged.token = f"{header}.{forged_payload}.{signature}"
    reply = forged.get("/api/central/tenants")
    assert reply.status == 401 and reply.error_code == "invalid_token"


def test_token_signed_by_another_key_is_refused(api, stack):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = api("ccc")
    client.token = jwt.encode(_claims(stack, "ccc"), key, algorithm="RS256", headers={"kid": "dummy"})
    reply = client.get("/api/central/tenants")
    assert reply.status == 401 and reply.error_code == "invalid_token"


def test_expired_token_is_refused_with_its_own_code(api, stack):
    client = api("ccc")
    client.token = _sign_with_pool_key(_claims(stack, "ccc", exp=int(time.time()) - 10, iat=int(time.time()) - 4000))
    reply = client.get("/api/me")
    assert reply.status == 401 and reply.error_code == "token_expired"


def test_access_token_or_other_audience_is_not_an_id_token(api, stack):
    client = api("ccc")
    client.token = _sign_with_pool_key(_claims(stack, "ccc", token_use="access"))
    assert client.get("/api/me").status == 401
    client.token = _sign_with_pool_key(_claims(stack, "ccc", aud="someone-else"))
    assert client.get("/api/me").status == 401


def test_a_validly_signed_token_is_accepted(api, stack):
    # The control for the three tests above: same key, right claims → in.
    client = api("ccc")
    client.token = _sign_with_pool_key(_claims(stack, "ccc"))
    assert client.get("/api/central/tenants").status == 200


def test_cookie_session_works_for_reads_and_needs_csrf_for_writes(api):
    from chalicelib.shared.auth import csrf_token

    token = api("hanoi").login("tenant-admin").token
    cookie = {"cookie": f"cskh_session={token}"}
    assert api("hanoi").get("/api/me", headers=cookie).status == 200
    body = {"code": "csrf-test", "name": "Thử CSRF", "kind": "district_office"}
    refused = api("hanoi").post("/api/units", body, headers=cookie)
    assert refused.status == 403 and refused.error_code == "csrf_failed"
    assert api("hanoi").login("tenant-admin").get("/api/units/csrf-test").status == 404, "refused write stored nothing"
    allowed = api("hanoi").post("/api/units", body, headers={**cookie, "x-csrf-token": csrf_token(token)})
    assert allowed.status == 201


def test_logout_ends_every_session_of_the_user(api):
    import time

    first, second = api("hanoi").login("supervisor"), api("hanoi").login("supervisor")
    assert api("hanoi").post("/api/auth/logout").status == 401
    reply = first.post("/api/auth/logout")
    assert reply.status == 204 and "Max-Age=0" in reply.headers["set-cookie"]
    assert first.get("/api/me").error_code == "session_revoked"
    assert second.get("/api/me").status == 401, "the other browser's token is over too"
    time.sleep(1.1)  # revocation covers tokens issued up to the next whole second
    assert api("hanoi").login("supervisor").get("/api/me").status == 200


def test_disabling_or_changing_roles_ends_sessions_at_once(api, unique):
    import time

    admin = api("hanoi").login("tenant-admin")
    created = admin.post("/api/users", {"username": f"cut-{unique}", "full_name": "Sắp nghỉ", "roles": ["agent"]}).json
    session = api("hanoi").post("/api/auth/login", {"username": f"cut-{unique}", "password": created["temporary_password"]}).json
    signed = api("hanoi").post(
        "/api/auth/new-password", {"username": f"cut-{unique}", "session": session["session"], "new_password": "Cut@123456"}
    )
    client = api("hanoi")
    client.token = signed.json["access_token"]
    assert client.get("/api/me").status == 200
    version = admin.get(f"/api/users/cut-{unique}").json["version"]
    changed = admin.put(f"/api/users/cut-{unique}", {"version": version, "roles": ["leader"]}).json
    assert client.get("/api/me").error_code == "session_revoked", "a token with the old roles must not keep working"
    time.sleep(1.1)
    fresh = api("hanoi").login(f"cut-{unique}", "Cut@123456")
    assert fresh.get("/api/me").json["roles"] == ["leader"]
    admin.post(f"/api/users/cut-{unique}/disable", {"version": changed["version"]})
    assert fresh.get("/api/me").status == 401


def test_unknown_tenant_host_is_404(api):
    reply = api("atlantis").get("/api/me")
    assert reply.status == 404 and reply.error_code == "unknown_tenant"
    assert api("atlantis").post("/api/auth/login", {"username": "agent", "password": PASSWORD}).status == 404
