"""Races through HTTP against the multi-process local server: twenty users pressing the same button at once."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests

CALLERS = 20
TIMEOUT = 60  # seconds, for every call, the barrier and the threads


class Http:
    """A signed-in client of one tenant's host on the live server (Python does not resolve *.localhost)."""

    def __init__(self, base: str, tenant: str, username: str, password: str = "Demo@2026") -> None:
        self.base = base
        self.host = f"{tenant}.localhost:{base.rsplit(':', 1)[1]}"
        reply = requests.post(
            f"{base}/api/auth/login",
            json={"username": username, "password": password},
            headers={"Host": self.host},
            timeout=TIMEOUT,
        )
        assert reply.status_code == 200, reply.text
        self.token = reply.json()["access_token"]

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> requests.Response:
        """One request, authenticated, JSON body."""
        sent = {"Host": self.host, "Authorization": f"Bearer {self.token}", **(headers or {})}
        return requests.request(method, f"{self.base}{path}", json=body, headers=sent, timeout=TIMEOUT)


def together(count: int, call: Callable[[int], requests.Response]) -> list[requests.Response]:
    """Run `call(i)` on `count` threads released at the same instant; every reply, in order."""
    barrier = threading.Barrier(count, timeout=TIMEOUT)
    replies: list[requests.Response | BaseException | None] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            replies[index] = call(index)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            replies[index] = error

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a caller did not finish in time"
    failed = [r for r in replies if not isinstance(r, requests.Response)]
    assert not failed, failed[:3]
    return [r for r in replies if isinstance(r, requests.Response)]


def _customer(unique: str) -> dict[str, str]:
    digits = str(uuid.UUID(int=int(unique, 16) << 64).int)[-9:]
    return {"kind": "individual", "full_name": "Nguyễn Văn An", "id_number": "079" + digits, "phone": "09" + digits[:8]}


def _intake_body(unique: str, customer: dict[str, str]) -> dict[str, Any]:
    return {
        "channel": "hotline",
        "kind": "information",
        "category": "policy",
        "subject": f"Chế độ ốm đau {unique}",
        "question": "Tôi muốn hỏi về chế độ ốm đau.",
        "customer": customer,
    }


@pytest.fixture(scope="module")
def agent(live_server: str) -> Http:
    """The hanoi agent, signed in on the live server."""
    return Http(live_server, "hanoi", "agent")


def test_twenty_answers_to_one_request_at_once_one_wins(agent, unique):
    created = agent.call("POST", "/api/requests", _intake_body(unique, _customer(unique)))
    assert created.status_code == 201, created.text
    request = created.json()
    body = {"version": request["version"], "text": "Ông/Bà được hưởng chế độ ốm đau."}

    replies = together(CALLERS, lambda i: agent.call("POST", f"/api/requests/{request['id']}/answer", body))

    assert Counter(r.status_code for r in replies) == {200: 1, 409: CALLERS - 1}, [r.text[:200] for r in replies]
    timeline = agent.call("GET", f"/api/requests/{request['id']}").json()["timeline"]
    assert [e["action"] for e in timeline].count("answered") == 1


def test_twenty_intakes_with_one_idempotency_key_create_one_request(agent, unique):
    body = _intake_body(unique, _customer(unique))
    key = {"Idempotency-Key": f"race-{unique}"}

    replies = together(CALLERS, lambda i: agent.call("POST", "/api/requests", body, headers=key))

    assert {r.status_code for r in replies} == {201}, [r.text[:200] for r in replies if r.status_code != 201]
    ids = {r.json()["id"] for r in replies}
    assert len(ids) == 1
    timeline = agent.call("GET", f"/api/customers/{replies[0].json()['customer_id']}").json()["timeline"]
    assert {e["ref_id"] for e in timeline if unique in e["title"]} == ids, "the customer has that one request only"


def test_twenty_new_customers_with_one_id_number_one_is_created(agent, unique):
    body = _customer(unique)

    replies = together(CALLERS, lambda i: agent.call("POST", "/api/customers", body))

    assert Counter(r.status_code for r in replies) == {201: 1, 409: CALLERS - 1}, [r.text[:200] for r in replies]
    winner = next(r for r in replies if r.status_code == 201).json()["id"]
    assert all(winner in r.text for r in replies if r.status_code == 409), "each 409 points at the record"
