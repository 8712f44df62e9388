"""DynamoDB (and Cognito) calls per API operation, through chalice's test client against the in-process stack.

moto's server runs in this process with every resource provisioned and the tenants `ccc` and `hanoi` seeded. Each
operation is called once untimed (so cold caches such as the JWKS fetch and client creation do not count), then
once more inside a counter. Three ways of counting, so each can check the others:

* `chalicelib.adapters.dynamo.on_call` — the hook the product offers for exactly this;
* every botocore API call made on this thread (`BaseClient._make_api_call` wrapped), by service — the ground truth,
  with the chalicelib frames of each call's stack, to name the code path that issued it;
* a `before-call.cognito-idp` hook on the identity service's Cognito client.

Target: at most 2 DynamoDB calls for any single-object read or write (lists are one Query per page).
"""

from __future__ import annotations

import io
import json
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from botocore.client import BaseClient

from .report import ROOT, Section, table

TENANTS = ("ccc", "hanoi")
TENANT = "hanoi"
PASSWORD = "Demo@2026"
TARGET = 2


@dataclass
class Reply:
    """What the test client answered."""

    status: int
    body: bytes

    @property
    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body or b"null")


@dataclass
class Api:
    """Calls the app on the tenant's host, optionally with a bearer token."""

    client: Any
    tenant: str = TENANT
    token: str | None = None

    def call(self, method: str, path: str, body: Any = None) -> Reply:
        """One request; a body is sent as JSON."""
        headers = {"host": f"{self.tenant}.localhost"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        payload = b""
        if body is not None:
            headers["content-type"] = "application/json"
            payload = json.dumps(body).encode()
        response = self.client.http.request(method, path, headers=headers, body=payload)
        return Reply(response.status_code, response.body or b"")

    def login(self, username: str) -> Api:
        """A copy signed in as the user."""
        reply = Api(self.client, self.tenant).call("POST", "/api/auth/login", {"username": username, "password": PASSWORD})
        if reply.status != 200:
            raise RuntimeError(f"sign-in of {username} failed: {reply.status} {reply.body!r}")
        return Api(self.client, self.tenant, reply.json["access_token"])


@dataclass
class Call:
    """One botocore API call seen during a measured request."""

    service: str
    operation: str
    path: str


@dataclass
class Counts:
    """What one measured request cost."""

    calls: list[Call] = field(default_factory=list)
    on_call: list[str] = field(default_factory=list)
    cognito_hook: list[str] = field(default_factory=list)

    def of(self, service: str) -> list[Call]:
        """The calls to one service."""
        return [c for c in self.calls if c.service == service]


def _code_path() -> str:
    """The chalicelib frames on the stack, outermost first: which code path issued the call."""
    frames = []
    for frame in traceback.extract_stack()[:-2]:
        rel = os.path.relpath(frame.filename, ROOT)
        if rel.startswith("chalicelib") and not rel.startswith(("chalicelib/shared/http.py", "chalicelib/adapters/dynamo.py")):
            frames.append(f"{rel.removeprefix('chalicelib/').removesuffix('.py')}:{frame.name}")
    return " › ".join(frames)


@contextmanager
def counting() -> Iterator[Counts]:
    """Count DynamoDB and Cognito calls made on this thread while the block runs."""
    from chalicelib.adapters import dynamo
    from chalicelib.bootstrap import container

    counts = Counts()
    thread = threading.get_ident()
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if threading.get_ident() == thread:
            counts.calls.append(Call(self.meta.service_model.service_name, operation_name, _code_path()))
        return original(self, operation_name, api_params)

    def on_cognito(model: Any, **kwargs: Any) -> None:
        counts.cognito_hook.append(model.name)

    cognito_events = container().identity._directory._client.meta.events
    cognito_events.register("before-call.cognito-idp", on_cognito)
    unregister = dynamo.on_call(lambda operation_name: counts.on_call.append(operation_name))
    try:
        with mock.patch.object(BaseClient, "_make_api_call", spy):
            yield counts
    finally:
        unregister()
        cognito_events.unregister("before-call.cognito-idp", on_cognito)


@dataclass
class Result:
    """One operation's numbers."""

    operation: str
    kind: str
    status: int
    expected: int
    counts: Counts

    @property
    def dynamo(self) -> list[Call]:
        """The DynamoDB calls."""
        return self.counts.of("dynamodb")

    @property
    def over(self) -> bool:
        """More DynamoDB calls than the target allows."""
        return len(self.dynamo) > TARGET


def start_stack(tenants: tuple[str, ...] | None = TENANTS) -> tuple[Any, Any]:
    """moto's server in this process, every resource provisioned, the tenants seeded (None: none), the app bound to it.

    moto keeps its state in process-wide backends, so a second stack in the same process (another benchmark of the
    same `python -m bench` run) would find the first one's table: the state is reset first.
    """
    os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    for limit in ("RATE_LIMIT_USER", "RATE_LIMIT_CLIENT", "RATE_LIMIT_TENANT"):
        os.environ.setdefault(limit, "0")  # the capabilities' own calls; bench/rate_limits.py counts what limits add
    import requests

    from local import aws
    from local.seed import seed

    port = aws.free_port()
    server = aws.start_moto(port)
    endpoint = f"http://127.0.0.1:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=30)
    requests.post(f"{endpoint}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10)
    resources = aws.provision(endpoint)
    os.environ.update(resources.app_environment(base_domain="localhost"))
    from chalicelib import bootstrap
    from chalicelib.config import settings

    settings.cache_clear()
    bootstrap.reset()
    bootstrap.container()
    if tenants:
        seed(resources, tenants)
    return server, resources


def measure_all(client: Any) -> list[Result]:
    """Warm each operation with one call of the same kind, then count one more."""
    results: list[Result] = []
    tag = uuid.uuid4().hex[:6]
    anonymous = Api(client)
    agent = anonymous.login("agent")
    admin = anonymous.login("tenant-admin")

    def measure(operation: str, kind: str, expected: int, warm: Callable[[], Reply], call: Callable[[], Reply]) -> Reply:
        first = warm()
        if first.status != expected:
            raise RuntimeError(f"warm-up of {operation} answered {first.status}: {first.body[:300]!r}")
        with counting() as counts:
            reply = call()
        results.append(Result(operation, kind, reply.status, expected, counts))
        return reply

    measure("GET /api/me", "read one", 200, lambda: agent.call("GET", "/api/me"), lambda: agent.call("GET", "/api/me"))
    measure("GET /api/units", "list", 200, lambda: agent.call("GET", "/api/units"), lambda: agent.call("GET", "/api/units"))
    measure(
        "GET /api/units/{id}",
        "read one",
        200,
        lambda: agent.call("GET", "/api/units/van-phong"),
        lambda: agent.call("GET", "/api/units/truyen-thong"),
    )

    def new_unit(code: str) -> Callable[[], Reply]:
        return lambda: admin.call("POST", "/api/units", {"code": code, "name": "BHXH cơ sở Đo Đạc", "kind": "district_office"})

    warm_unit, bench_unit = f"bench-w-{tag}", f"bench-m-{tag}"
    created = {}

    def keep(code: str, make: Callable[[], Reply]) -> Callable[[], Reply]:
        def run() -> Reply:
            reply = make()
            created[code] = reply.json.get("version") if reply.status < 300 else None
            return reply

        return run

    measure("POST /api/units", "write one", 201, keep(warm_unit, new_unit(warm_unit)), keep(bench_unit, new_unit(bench_unit)))

    def rename_unit(code: str) -> Callable[[], Reply]:
        return lambda: admin.call("PUT", f"/api/units/{code}", {"version": created[code], "name": "BHXH cơ sở Đã Đổi Tên"})

    measure("PUT /api/units/{id}", "write one", 200, rename_unit(warm_unit), rename_unit(bench_unit))
    measure(
        "GET /api/users/{login}",
        "read one",
        200,
        lambda: admin.call("GET", "/api/users/leader"),
        lambda: admin.call("GET", "/api/users/agent"),
    )

    def new_user(login: str) -> Callable[[], Reply]:
        body = {"username": login, "full_name": "Ngô Văn Đo", "roles": ["agent"], "unit_id": "truyen-thong"}
        return lambda: admin.call("POST", "/api/users", body)

    warm_user, bench_user = f"bw-{tag}", f"bm-{tag}"
    measure("POST /api/users", "write one", 201, new_user(warm_user), new_user(bench_user))

    def change_user(login: str) -> Callable[[], Reply]:
        body = {"version": versions[login], "full_name": "Ngô Văn Đổi", "roles": ["agent", "leader"]}
        return lambda: admin.call("PUT", f"/api/users/{login}", body)

    # Versions are read before, outside the counter: the measured PUT is the request alone.
    versions = {login: admin.call("GET", f"/api/users/{login}").json["version"] for login in (warm_user, bench_user)}
    measure("PUT /api/users/{login}", "write one", 200, change_user(warm_user), change_user(bench_user))
    measure("GET /api/audit", "list", 200, lambda: admin.call("GET", "/api/audit"), lambda: admin.call("GET", "/api/audit"))

    def login(user: str) -> Callable[[], Reply]:
        return lambda: anonymous.call("POST", "/api/auth/login", {"username": user, "password": PASSWORD})

    measure("POST /api/auth/login", "sign-in (reads profile)", 200, login("leader"), login("agent"))
    return results


def _ops(calls: list[Call] | list[str]) -> str:
    names = [c.operation if isinstance(c, Call) else c for c in calls]
    return ", ".join(names) or "—"


def run() -> Section:
    """Start the stack, measure every operation, describe."""
    section = Section("DynamoDB and Cognito calls per API operation")
    started = time.perf_counter()
    server, _ = start_stack()
    stack_seconds = time.perf_counter() - started
    try:
        from chalice.test import Client

        from app import app

        # Powertools prints an EMF metric line per request to stdout; keep the benchmark's output readable.
        with Client(app, stage_name="dev", project_dir=str(ROOT)) as client, redirect_stdout(io.StringIO()):
            results = measure_all(client)
    finally:
        server.stop()

    rows = []
    for r in results:
        n = len(r.dynamo)
        if r.status != r.expected:
            verdict = f"**FAIL**: status {r.status}, expected {r.expected}"
            section.failures.append(f"{r.operation}: {verdict}")
        elif r.over:
            verdict = f"**OVER TARGET** ({n} > {TARGET})"
            section.failures.append(f"{r.operation}: OVER TARGET, {n} DynamoDB calls ({_ops(r.dynamo)})")
        else:
            verdict = "ok"
        cognito = r.counts.of("cognito-idp")
        rows.append(
            (
                f"`{r.operation}`",
                r.kind,
                r.status,
                n,
                _ops(r.dynamo),
                len(r.counts.on_call),
                len(cognito),
                _ops(cognito),
                verdict,
            )
        )
    section.add(
        f"In-process moto server (stack up and tenants {', '.join(TENANTS)} seeded in {stack_seconds:.1f} s), chalice's",
        f"test client, tenant `{TENANT}`. One warm-up request of the same kind first, then one counted request.",
        f"Target: at most {TARGET} DynamoDB calls for any single-object read or write.",
        "",
        *table(
            [
                "Operation",
                "Kind",
                "Status",
                "DynamoDB calls",
                "DynamoDB operations",
                "seen by `dynamo.on_call`",
                "Cognito calls",
                "Cognito operations",
                "Verdict",
            ],
            rows,
            ["l", "l", "r", "r", "l", "r", "r", "l", "l"],
        ),
        "",
        "DynamoDB calls counted at botocore (`BaseClient._make_api_call`, this thread only). Cognito calls counted the",
        "same way and cross-checked with a `before-call.cognito-idp` hook on the identity service's client.",
        "",
    )

    mismatched_cognito = [r.operation for r in results if len(r.counts.cognito_hook) != len(r.counts.of("cognito-idp"))]
    if mismatched_cognito:
        section.add(f"- Note: the Cognito hook and botocore disagree for {', '.join(mismatched_cognito)}.")
    missed = [r for r in results if len(r.counts.on_call) != len(r.dynamo)]
    if missed:
        line = (
            f"- **FAIL** (measuring tool): `chalicelib.adapters.dynamo.on_call` missed DynamoDB calls in {len(missed)} of "
            f"{len(results)} operations (it saw only {', '.join(sorted({o for r in results for o in r.counts.on_call})) or 'nothing'}). "
            "It registers on `BaseItem`'s botocore client, but `dynamo.bind()` resets `_connection` on every model "
            "subclass, so `UnitItem`, `UserItem` and `AuditItem` each build their own connection and client on first "
            "use: their GetItem/Query never reach the hook; only `transaction()` (which passes `connection()`) does."
        )
        section.failures.append(line)
        section.add(line)

    section.add("", "### Code path of every DynamoDB call (chalicelib frames, outermost first)", "")
    detail = []
    for r in results:
        for i, c in enumerate(r.dynamo, 1):
            detail.append((f"`{r.operation}`" if i == 1 else "", i, c.operation, f"`{c.path}`" if c.path else "—"))
    section.add(*table(["Operation", "#", "DynamoDB operation", "Issued from"], detail, ["l", "r", "l", "l"]))
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run().markdown())
