"""Rate limits and sign-in throttling through the API and the console: 429 in the contract's shape, Retry-After,
nothing written by a refused call, system work never refused.

The suite's settings (tests/conftest.py) put the limits far out of reach; each test lowers them on the process's
container for its own duration, with windows of a day so that no minute boundary can fall inside a test, and on
offices (or fresh accounts) no other test uses, so the counters start from nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.limits.domain import Limit, RateLimits
from chalicelib.shared.errors import TooManyRequestsError
from tests.conftest import Api

DAY = 86_400
OFF = Limit(0)
NEW_PASSWORD = "Moi@Matkhau9"


@pytest.fixture
def limits(chalice_client: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`limits(user=, client=, tenant=)` sets the process's rate limits (each a Limit) until the test ends."""
    from chalicelib.entrypoints import container

    limiter = container().edge.limiter

    def set_limits(user: Limit = OFF, client: Limit = OFF, tenant: Limit = OFF) -> None:
        monkeypatch.setattr(limiter, "limits", RateLimits(user=user, client=client, tenant=tenant))

    return set_limits


@pytest.fixture
def cognito_checks(chalice_client: Any) -> Any:
    """The InitiateAuth calls the identity service makes while the test runs."""
    from chalicelib.entrypoints import container

    calls: list[str] = []
    events = container().identity._directory._client.meta.events

    def count(model: Any, **kwargs: Any) -> None:
        calls.append(model.name)

    events.register("before-call.cognito-idp.InitiateAuth", count)
    yield calls
    events.unregister("before-call.cognito-idp.InitiateAuth", count)


def _new_account(api: Any, login: str) -> str:
    """A fresh agent of hanoi with its own password; returns its temporary password's successor."""
    admin = api("hanoi").login("tenant-admin")
    created = admin.post("/api/users", {"username": login, "full_name": "Lê Thị Tám", "roles": ["agent"]})
    assert created.status == 201, created.text
    first = api("hanoi").post("/api/auth/login", {"username": login, "password": created.json["temporary_password"]})
    chosen = api("hanoi").post(
        "/api/auth/new-password", {"username": login, "session": first.json["session"], "new_password": NEW_PASSWORD}
    )
    assert chosen.status == 200, chosen.text
    return NEW_PASSWORD


def _assert_throttled(reply: Any, code: str = "too_many_requests", most: int = DAY) -> int:
    assert reply.status == 429, reply.text
    assert reply.error_code == code and reply.json["error"]["message"].startswith(("Quá nhiều", "Đăng nhập sai"))
    wait = int(reply.headers["retry-after"])
    assert 0 < wait <= most
    assert reply.headers["cache-control"] == "no-store"
    return wait


def test_a_user_over_their_limit_gets_429_with_retry_after_and_nothing_is_written(api, limits, unique):
    login = f"nhanh-{unique}"
    agent = api("hanoi").login(login, _new_account(api, login))
    limits(user=Limit(2, seconds=DAY))
    assert agent.get("/api/me").status == 200
    assert agent.get("/api/me").status == 200
    id_number = "001" + str(int(unique, 16))[:9].rjust(9, "7")
    refused = agent.post("/api/customers", {"kind": "individual", "full_name": "Trần Văn Chín", "id_number": id_number})
    _assert_throttled(refused)
    limits()
    found = agent.get(f"/api/customers?identifier={id_number}")
    assert found.status == 200 and found.json["items"] == [], "the refused call created no customer"


def test_sign_in_from_one_address_over_its_limit_is_refused_on_the_api_and_the_page(api, limits):
    client = api("danang")  # no other test calls this office: its counters are this test's
    limits(client=Limit(2, seconds=DAY))
    for _ in range(2):
        assert client.post("/api/auth/login", {"username": "agent", "password": "Sai@12345"}).status == 401
    _assert_throttled(client.post("/api/auth/login", {"username": "agent", "password": "Sai@12345"}))
    page = client.get("/login", headers={"accept": "text/html"})
    assert page.status == 429 and int(page.headers["retry-after"]) > 0
    assert "text/html" in page.headers["content-type"] and "Quá nhiều yêu cầu" in page.text
    form = client.call(
        "POST", "/login", raw=b"username=agent&password=x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert form.status == 429 and "Quá nhiều yêu cầu" in form.text and 'name="username"' in form.text, "the form again"


def test_an_office_over_its_allowance_is_refused_for_everyone_there(api, limits):
    limits(tenant=Limit(3, seconds=DAY))
    for _ in range(3):
        assert api("cantho").post("/api/auth/login", {"username": "agent", "password": "Sai@12345"}).status == 401
    _assert_throttled(api("cantho").post("/api/auth/login", {"username": "leader", "password": "Sai@12345"}))
    assert api("haiphong").post("/api/auth/login", {"username": "agent", "password": "Sai@12345"}).status == 401


def test_five_wrong_passwords_lock_the_account_without_asking_cognito_and_a_success_resets(api, unique, cognito_checks):
    login = f"khoa-{unique}"
    password = _new_account(api, login)
    client = api("hanoi")

    def sign_in(secret: str) -> Any:
        return client.post("/api/auth/login", {"username": login, "password": secret})

    for _ in range(4):
        assert sign_in("Sai@12345").status == 401
    assert sign_in(password).status == 200, "four mistakes and then the right password"
    for _ in range(5):
        assert sign_in("Sai@12345").status == 401
    before = len(cognito_checks)
    locked = sign_in(password)
    assert _assert_throttled(locked, "too_many_sign_in_failures", most=60) <= 60
    assert "Đăng nhập sai quá nhiều lần" in locked.json["error"]["message"]
    assert len(cognito_checks) == before, "the locked attempt never reached Cognito"
    assert api("hanoi").login("agent").get("/api/me").status == 200, "other accounts sign in as usual"


def test_the_sign_in_page_says_when_to_try_again(api, unique):
    login = f"trang-{unique}"
    _new_account(api, login)
    client = api("hanoi")
    form = {"content-type": "application/x-www-form-urlencoded"}
    for _ in range(5):
        reply = client.call("POST", "/login", raw=f"username={login}&password=Sai%4012345".encode(), headers=form)
        assert reply.status == 401
    locked = client.call("POST", "/login", raw=f"username={login}&password=Sai%4012345".encode(), headers=form)
    assert locked.status == 429 and 0 < int(locked.headers["retry-after"]) <= 60
    assert "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 1 phút." in locked.text


class Refusing:
    """A limiter that refuses every call."""

    def admit(self, *, tenant: str, user: str | None, client: str) -> None:
        raise TooManyRequestsError(retry_after=30)


def test_system_work_is_never_throttled(api, drain, sent, unique, monkeypatch):
    from chalicelib.entrypoints import container

    officer, leader = api("hanoi").login("focal-officer"), api("hanoi").login("leader")
    email = f"he-thong.{unique}@example.vn"
    customer = {"kind": "individual", "full_name": "Phạm Văn Mười", "id_number": "002" + str(int(unique, 16))[:9].rjust(9, "3")}
    request = officer.post(
        "/api/requests",
        {
            "channel": "email",
            "kind": "information",
            "category": "policy",
            "subject": f"Hỏi chế độ {unique}",
            "question": "Tôi hỏi về chế độ hưu trí.",
            "customer": {**customer, "email": email},
        },
    ).json
    drafted = officer.post(f"/api/requests/{request['id']}/draft", {"version": request["version"], "text": "Trả lời."}).json
    approved = leader.post(
        f"/api/requests/{request['id']}/approve", {"version": drafted["version"], "draft_id": drafted["drafts"][0]["id"]}
    )
    assert approved.status == 200, approved.text
    monkeypatch.setattr(container().edge, "limiter", Refusing())
    assert officer.get(f"/api/requests/{request['id']}").status == 429, "people are refused now"
    drain()
    assert [m for m in sent()["emails"] if email in m.destinations["ToAddresses"]], "the queue still delivered the answer"


def test_an_unsigned_page_visit_is_counted_by_address_before_the_redirect(api: Any, limits: Any) -> None:
    visitor: Api = api("vinhlong")
    limits(client=Limit(1, seconds=DAY))
    assert visitor.get("/requests").status == 303
    refused = visitor.get("/requests")
    assert refused.status == 429 and "Quá nhiều yêu cầu" in refused.text


def test_every_operation_documents_its_429_and_retry_after(api):
    document = api("hanoi").get("/openapi.json").json
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            throttled = operation["responses"].get("429", {})
            if "$ref" in throttled:  # the operations share one 429 response (components/responses)
                throttled = document["components"]["responses"][throttled["$ref"].rsplit("/", 1)[1]]
            assert throttled and "Retry-After" in throttled["headers"], (method, path)
