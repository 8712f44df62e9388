"""Security headers on every answer — each registered route and page, signed in or not, errors included — and
pages that need no inline script or style (the Content-Security-Policy forbids them)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest

from app import app
from chalicelib.shared.http import ROUTES
from tests.conftest import Api, Reply

EVERY_ROUTE = sorted((path, method) for path, methods in app.routes.items() for method in methods)
STATIC = "/static/{name}"
SIGN_OUT = {("/api/auth/logout", "POST"), ("/logout", "POST")}  # would end the module's sessions: checked on their own


def _assert_secured(reply: Reply, what: str, *, cached: bool = False) -> None:
    headers = reply.headers
    policy = headers.get("content-security-policy", "")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives.get("script-src") == "'self'" and directives.get("style-src") == "'self'", (what, policy)
    assert directives.get("frame-ancestors") == "'none'" and directives.get("default-src") == "'none'", (what, policy)
    assert "unsafe" not in policy, (what, policy)
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("referrer-policy") == "no-referrer", what
    assert headers.get("x-frame-options") == "DENY", what
    if not cached:
        assert headers.get("cache-control") == "no-store", (what, reply.status)


class _InlineFinder(HTMLParser):
    """Collects whatever the CSP would block: inline scripts and styles, event handlers, javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name == "style":
                self.found.append(f"{tag} style=")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def _assert_no_inline_code(reply: Reply, what: str) -> None:
    if not reply.headers.get("content-type", "").startswith("text/html"):
        return
    finder = _InlineFinder()
    finder.feed(reply.text)
    assert finder.found == [], (what, finder.found)


@pytest.fixture(scope="module")
def callers(chalice_client: Any) -> dict[str, Api]:
    """Anonymous, and signed in (bearer and session cookie) as a province's leader and as the CCC's administrator."""
    signed: dict[str, Api] = {"anonymous": Api(chalice_client, "hanoi")}
    for tenant, user in (("hanoi", "leader"), ("ccc", "central-admin")):
        token = Api(chalice_client, tenant).login(user).token
        signed[f"{tenant}.{user}"] = Api(chalice_client, tenant, token, {"cookie": f"cskh_session={token}"})
    return signed


def test_every_api_operation_is_among_the_routes_checked():
    assert {(spec.path, spec.method) for spec in ROUTES} <= set(EVERY_ROUTE)


@pytest.mark.parametrize(("path", "method"), [pytest.param(p, m, id=f"{m} {p}") for p, m in EVERY_ROUTE if p != STATIC])
def test_every_answer_carries_the_security_headers_and_is_not_stored(callers, path, method):
    concrete = re.sub(r"{\w+}", "khong-co", path)
    for who, caller in callers.items():
        if (path, method) in SIGN_OUT and caller.token:
            continue
        reply = caller.call(method, concrete)
        _assert_secured(reply, f"{who} {method} {concrete} → {reply.status}")
        _assert_no_inline_code(reply, f"{who} {method} {concrete}")


def test_signing_out_is_answered_with_them(api):
    by_api = api("hanoi").login("supervisor")
    reply = by_api.post("/api/auth/logout")
    assert reply.status == 204
    _assert_secured(reply, "POST /api/auth/logout")
    by_page = api("hanoi").login("specialist")
    cookie = {"cookie": f"cskh_session={by_page.token}"}
    csrf = re.search(r'name="csrf" value="(\w+)"', by_page.get("/", headers=cookie).text)
    assert csrf
    form = {**cookie, "content-type": "application/x-www-form-urlencoded"}
    reply = by_page.call("POST", "/logout", raw=f"csrf={csrf.group(1)}".encode(), headers=form)
    assert reply.status == 303
    _assert_secured(reply, "POST /logout")


def test_pages_and_answers_with_personal_data_are_not_stored(api, unique):
    signed = api("hanoi").login("agent")
    agent = Api(signed.client, "hanoi", signed.token, {"cookie": f"cskh_session={signed.token}"})
    digits = str(int(unique, 16))[:9].rjust(9, "4")
    customer = agent.post(
        "/api/customers",
        {"kind": "individual", "full_name": "Đỗ Thị Mai", "id_number": "001" + digits, "phone": "09" + digits[:8]},
    )
    assert customer.status == 201, customer.text
    request = agent.post(
        "/api/requests",
        {
            "channel": "hotline",
            "kind": "information",
            "category": "policy",
            "subject": f"Hỏi về thẻ BHYT {unique}",
            "question": "Thẻ BHYT của tôi còn hạn không?",
            "customer": {"id": customer.json["id"]},
        },
    )
    assert request.status == 201, request.text
    for path in (
        f"/api/customers/{customer.json['id']}",
        f"/customers/{customer.json['id']}",
        f"/api/requests/{request.json['id']}",
        f"/requests/{request.json['id']}",
        f"/requests?q={unique}",  # found however many other tests' requests the inbox holds
        "/requests/new",
        "/customers?identifier=001" + digits,
    ):
        reply = agent.get(path)
        assert reply.status == 200, (path, reply.status)
        assert "Đỗ Thị Mai" in reply.text or path == "/requests/new", path
        _assert_secured(reply, path)
        _assert_no_inline_code(reply, path)


@pytest.mark.parametrize("name", ["app.css", "requests.css", "app.js", "customers.js", "requests.js"])
def test_static_files_may_be_cached_and_are_served_nosniff(callers, name):
    reply = callers["anonymous"].get(f"/static/{name}")
    assert reply.status == 200
    _assert_secured(reply, name, cached=True)
    assert reply.headers["cache-control"] == "max-age=300"
    assert reply.headers["content-type"].startswith(("text/css", "text/javascript"))


def test_the_errors_chalice_answers_itself_carry_them_too(callers):
    reply = callers["anonymous"].call("DELETE", "/api/auth/login")
    assert reply.status == 405 and reply.error_code == "method_not_allowed"
    _assert_secured(reply, "405")


def test_the_local_gateway_s_own_404_carries_them(live_server):
    import requests

    reply = requests.get(f"{live_server}/khong/co/duong/nay", headers={"Host": "hanoi.localhost"}, timeout=30)
    assert reply.status_code == 404
    _assert_secured(Reply(404, {k.lower(): v for k, v in reply.headers.items()}, reply.content), "gateway 404")
