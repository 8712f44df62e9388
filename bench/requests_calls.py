"""AWS calls per request action, through chalice's test client against the in-process stack.

Every action of tests/api/test_requests.py is run on two requests brought to the same state: the first, untimed
and uncounted, warms the caches (the session check, the SLA policy, clients, connections); the second is counted.
Counted on this thread: every botocore call (`BaseClient._make_api_call` wrapped), by service and operation, with
the chalicelib frames that issued it; cross-checked with `before-call` hooks on the app's own Step Functions, SQS,
SES and SNS clients (`container().requests._timers._client`, `container().notifications._queue._client`, …).

Target (the issue): at most 2 reads and 1 transaction per action. Not counted against it, but shown:
* the session check (`identity/sessions.py`): one GetItem per user per 15 s per instance, cached — warm here;
* the audit PutItem that every read of a customer's personal data writes by design (Art. 7.1).
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from unittest import mock

from botocore.client import BaseClient

from .dynamo_calls import Api, Call, Reply, _code_path, start_stack
from .report import ROOT, Section, table

READS = {"GetItem", "Query", "BatchGetItem", "Scan", "TransactGetItems"}
TRANSACTIONS = {"TransactWriteItems"}
MAX_READS, MAX_TRANSACTIONS = 2, 1
MESSAGING = {"stepfunctions": "Step Functions", "sqs": "SQS", "ses": "SES", "sns": "SNS"}
OWN_READ = "requests/store:get"  # the Query of the request's own partition
SESSION = "identity/sessions:check"
AUDITED = "customers/service:_audit_read"


@dataclass
class Tally:
    """What one counted request called."""

    calls: list[Call] = field(default_factory=list)
    hooked: list[tuple[str, str]] = field(default_factory=list)

    def of(self, service: str) -> list[Call]:
        """The calls to one service."""
        return [c for c in self.calls if c.service == service]

    @property
    def dynamo(self) -> list[Call]:
        """DynamoDB calls, without the session check."""
        return [c for c in self.of("dynamodb") if SESSION not in c.path]

    @property
    def session(self) -> list[Call]:
        """The session check's reads."""
        return [c for c in self.of("dynamodb") if SESSION in c.path]

    @property
    def audit(self) -> list[Call]:
        """Audit entries written because personal data was read."""
        return [c for c in self.dynamo if c.operation == "PutItem" and AUDITED in c.path]

    @property
    def reads(self) -> list[Call]:
        """Reads."""
        return [c for c in self.dynamo if c.operation in READS]

    @property
    def transactions(self) -> list[Call]:
        """Transactions."""
        return [c for c in self.dynamo if c.operation in TRANSACTIONS]

    @property
    def other_writes(self) -> list[Call]:
        """Writes outside a transaction, other than audited reads."""
        return [c for c in self.dynamo if c.operation not in READS | TRANSACTIONS and c not in self.audit]


@contextmanager
def counting() -> Iterator[Tally]:
    """Count every AWS call made on this thread while the block runs, and what the app's messaging clients saw."""
    from chalicelib.bootstrap import container

    tally = Tally()
    thread = threading.get_ident()
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if threading.get_ident() == thread:
            tally.calls.append(Call(self.meta.service_model.service_name, operation_name, _code_path()))
        return original(self, operation_name, api_params)

    c = container()
    clients = [
        c.requests._timers._client,
        c.notifications._queue._client,
        c.notifications._mailer._client,
        c.notifications._sms._client,
    ]
    hooks = []
    for client in clients:
        service = client.meta.service_model.service_name
        event = f"before-call.{client.meta.service_model.service_id.hyphenize()}"

        def hook(model: Any, _service: str = service, **kwargs: Any) -> None:
            tally.hooked.append((_service, model.name))

        client.meta.events.register(event, hook)
        hooks.append((client, event, hook))
    try:
        with mock.patch.object(BaseClient, "_make_api_call", spy):
            yield tally
    finally:
        for client, event, hook in hooks:
            client.meta.events.unregister(event, hook)


@dataclass
class Result:
    """One action's numbers."""

    action: str
    actor: str
    status: int
    expected: int
    tally: Tally

    @property
    def over(self) -> bool:
        """More than the target allows."""
        t = self.tally
        return len(t.reads) > MAX_READS or len(t.transactions) > MAX_TRANSACTIONS or bool(t.other_writes)


def _customer(unique: str, **extra: str) -> dict[str, str]:
    digits = str(int(hashlib.sha256(unique.encode()).hexdigest(), 16))[:9]
    return {"kind": "individual", "full_name": "Nguyễn Văn An", "id_number": "001" + digits, "phone": "09" + digits[:8], **extra}


@dataclass
class Lane:
    """One of the two requests every action runs on: `w` (warm-up) or `m` (measured)."""

    name: str
    tag: str
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)

    def unique(self, what: str) -> str:
        """A per-lane, per-run unique string."""
        return f"{what}-{self.name}-{self.tag}"


class Flow:
    """Drives the API: intake, actions with the version read last, and the uncounted preparation between them."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.results: list[Result] = []
        self.tag = uuid.uuid4().hex[:6]
        self.lanes = (Lane("w", self.tag), Lane("m", self.tag))
        hanoi, ccc = Api(client, "hanoi"), Api(client, "ccc")
        self.agent, self.leader = hanoi.login("agent"), hanoi.login("leader")
        self.officer, self.specialist = hanoi.login("focal-officer"), hanoi.login("specialist")
        self.admin = hanoi.login("tenant-admin")
        self.ccc_officer, self.ccc_leader = ccc.login("ccc-officer"), ccc.login("leader")

    # -- helpers ---------------------------------------------------------------------------------------------------

    def step(self, action: str, actor: str, expected: int, run: Callable[[Lane], Reply]) -> None:
        """Run on the warm-up lane, then count on the measured lane."""
        warm, measured = self.lanes
        first = run(warm)
        if first.status != expected:
            raise RuntimeError(f"warm-up of {action} answered {first.status}: {first.body[:400]!r}")
        with counting() as tally:
            reply = run(measured)
        self.results.append(Result(action, actor, reply.status, expected, tally))

    def prepare(self, run: Callable[[Lane], Reply], expected: int = 200) -> None:
        """Uncounted preparation on both lanes."""
        for lane in self.lanes:
            reply = run(lane)
            if reply.status != expected:
                raise RuntimeError(f"preparation answered {reply.status}: {reply.body[:400]!r}")

    @staticmethod
    def keep(lane: Lane, key: str, reply: Reply) -> Reply:
        """Remember the request the reply describes."""
        if reply.status < 300:
            lane.requests[key] = reply.json
        return reply

    def intake(self, api: Api, key: str, customer: str, channel: str = "hotline", **extra: str) -> Callable[[Lane], Reply]:
        """POST /api/requests for the lane's customer `customer`."""

        def run(lane: Lane) -> Reply:
            body = {
                "channel": channel,
                "kind": "information",
                "category": "policy",
                "subject": f"Chế độ thai sản {lane.unique(key)}",
                "question": "Tôi muốn hỏi về chế độ thai sản khi sinh con.",
                "customer": _customer(lane.unique(customer), **extra),
            }
            return self.keep(lane, key, api.call("POST", "/api/requests", body))

        return run

    def act(self, api: Api, key: str, action: str, **body: Any) -> Callable[[Lane], Reply]:
        """POST /api/requests/{id}/<action> with the version last read; `body` values may be functions of the request."""

        def run(lane: Lane) -> Reply:
            request = lane.requests[key]
            sent = {k: v(request) if callable(v) else v for k, v in body.items()}
            return self.keep(
                lane, key, api.call("POST", f"/api/requests/{request['id']}/{action}", {"version": request["version"], **sent})
            )

        return run

    def refresh(self, api: Api, key: str) -> Callable[[Lane], Reply]:
        """GET the request again (its version may have moved: worker, report back)."""
        return lambda lane: self.keep(lane, key, api.call("GET", f"/api/requests/{lane.requests[key]['id']}"))

    def wait_for_approval_tokens(self, key: str, timeout: float = 20.0) -> bool:
        """Run the outbox worker until the approval state machine's task token is on both lanes' pending draft."""
        import boto3

        from chalicelib.bootstrap import container
        from chalicelib.shared.tenancy import acting_for
        from local.worker import receive_and_handle

        c = container()
        sqs = boto3.client("sqs", endpoint_url=c.settings.endpoint_url, region_name=c.settings.region)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            receive_and_handle(sqs, c.settings.outbox_queue_url)
            tokens = []
            for lane in self.lanes:
                with acting_for("hanoi"):  # as the worker reads it
                    found = c.requests._store.get(tenant="hanoi", request_id=lane.requests[key]["id"])
                draft = found.pending_draft() if found else None
                tokens.append(bool(draft and draft.task_token))
            if all(tokens):
                return True
            time.sleep(0.2)
        return False

    # -- the flow ----------------------------------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        """Every action once per lane; returns facts the report needs."""
        from chalicelib.bootstrap import container

        facts: dict[str, Any] = {}
        agent, leader, officer, specialist = self.agent, self.leader, self.officer, self.specialist

        # Intake, reading, the hotline's direct answer, closing, rating, reopening.
        self.step("POST /api/requests (new customer)", "agent", 201, self.intake(agent, "a", "cust-a"))
        self.step("POST /api/requests (existing customer)", "agent", 201, self.intake(agent, "b", "cust-a"))
        self.step(
            "GET /api/requests/{id}", "agent", 200, lambda lane: agent.call("GET", f"/api/requests/{lane.requests['a']['id']}")
        )
        self.step("answer (hotline, at once)", "agent", 200, self.act(agent, "a", "answer", text="Ông/Bà được hưởng 6 tháng."))
        self.step("close", "agent", 200, self.act(agent, "a", "close"))
        self.step("rate (satisfied)", "agent", 200, self.act(agent, "a", "rate", satisfied=True))
        self.step("reopen", "agent", 200, self.act(agent, "a", "reopen", reason="Khách hàng gọi lại hỏi thêm"))

        # Callback, escalation to two units, the unit's inbox, both units' answers, the relayed answer, a follow-up.
        c = container()
        at = c.sla.next_working_time(at=c.clock.now() + timedelta(days=1))
        self.step(
            "schedule_callback", "agent", 200, self.act(agent, "b", "schedule_callback", at=at.isoformat(), note="Gọi buổi sáng")
        )
        own_unit = specialist.call("GET", "/api/me").json["user"]["unit_id"]
        units = [u["id"] for u in agent.call("GET", "/api/units").json["items"]]
        other_unit = (
            "thu"
            if "thu" in units and own_unit != "thu"
            else next(u for u in units if u not in (own_unit, "cham-soc-khach-hang"))
        )
        facts["units"] = (own_unit, other_unit)
        self.step(
            "escalate (2 units)",
            "leader",
            200,
            self.act(leader, "b", "escalate", unit_ids=[own_unit, other_unit], note="Cần trả lời cả hai phần"),
        )
        self.step(
            f"GET /api/requests?unit={own_unit}",
            "specialist",
            200,
            lambda lane: specialist.call("GET", f"/api/requests?unit={own_unit}"),
        )
        second = self._second_specialist(other_unit)

        def answer_part(api: Api, unit: str) -> Callable[[Lane], Reply]:
            def run(lane: Lane) -> Reply:
                request = lane.requests["b"]
                part = next(e for e in request["escalations"] if e["unit_id"] == unit)
                path = f"/api/requests/{request['id']}/escalations/{part['id']}/answer"
                return self.keep(lane, "b", api.call("POST", path, {"version": request["version"], "text": f"Phần {unit}: …"}))

            return run

        self.step("escalation answer (1st of 2 units)", "specialist", 200, answer_part(specialist, own_unit))
        self.step("escalation answer (last unit: relay deadline starts)", "specialist", 200, answer_part(second, other_unit))
        self.step(
            "answer (relaying the units' answers: SMS)",
            "agent",
            200,
            self.act(agent, "b", "answer", text="Tổng hợp trả lời của hai phòng"),
        )
        self.step(
            "rate (not satisfied → follow-up)",
            "agent",
            200,
            self.act(agent, "b", "rate", satisfied=False, reason="Chưa rõ mức hưởng", remedy="Gửi văn bản hướng dẫn"),
        )

        # The written flow: draft, the leader returns it, draft again, the leader approves (e-mail with survey link).
        self.prepare(self.intake(officer, "c", "cust-c", channel="email", email=f"an.{self.tag}@example.vn"), 201)
        self.step("draft", "focal-officer", 200, self.act(officer, "c", "draft", text="Kính gửi Ông/Bà, …"))
        facts["token_for_reject"] = self.wait_for_approval_tokens("c")
        self.prepare(self.refresh(officer, "c"))
        self.step(
            "reject_draft",
            "leader",
            200,
            self.act(leader, "c", "reject_draft", draft_id=lambda r: r["drafts"][-1]["id"], note="Bổ sung căn cứ pháp lý"),
        )
        self.prepare(self.act(officer, "c", "draft", text="Kính gửi Ông/Bà, theo Luật BHXH 2024 …"))
        facts["token_for_approve"] = self.wait_for_approval_tokens("c")
        self.prepare(self.refresh(officer, "c"))
        self.step(
            "approve (e-mail + survey link)",
            "leader",
            200,
            self.act(leader, "c", "approve", draft_id=lambda r: r["drafts"][-1]["id"]),
        )

        # Transfer from the CCC to hanoi, which answers and reports back.
        self.prepare(self.intake(self.ccc_officer, "t", "cust-t"), 201)
        self.step(
            "transfer (ccc → hanoi)",
            "ccc-officer",
            200,
            self.act(self.ccc_officer, "t", "transfer", to_tenant="hanoi", to_unit="co-so-1", note="Hồ sơ tại BHXH cơ sở"),
        )

        def remote(lane: Lane) -> Reply:
            return self.keep(
                lane, "r", agent.call("GET", f"/api/requests/{lane.requests['t']['transfers'][0]['remote_request_id']}")
            )

        self.prepare(remote)
        self.prepare(self.act(agent, "r", "answer", text="Đã giải quyết hồ sơ."))
        self.step("report_back (hanoi → ccc)", "agent", 200, self.act(agent, "r", "report_back", result="Đã trả lời khách hàng"))

        # Lists.
        def listing(api: Api, path: str) -> Callable[[Lane], Reply]:
            return lambda lane: api.call("GET", path)

        for query in ("overdue=true", "status=closed", "assignee=me"):
            self.step(f"GET /api/requests?{query}", "agent", 200, listing(agent, f"/api/requests?{query}"))
        self.step(
            "GET /api/central/requests", "ccc leader", 200, lambda lane: self.ccc_leader.call("GET", "/api/central/requests")
        )

        # The session check itself: the same read with the agent's cached session state forgotten (as after 15 s).
        sessions = container().identity._sessions

        def cold_session(lane: Lane) -> Reply:
            if lane.name == "m":
                sessions.forget(tenant="hanoi", login="agent")
            return agent.call("GET", f"/api/requests/{lane.requests['a']['id']}")

        self.step("GET /api/requests/{id}, session cache expired", "agent", 200, cold_session)
        return facts

    def _second_specialist(self, unit: str) -> Api:
        """A specialist of the second unit (created, first sign-in with a new password), warmed with one call."""
        login = f"bench-thu-{self.tag}"
        created = self.admin.call(
            "POST", "/api/users", {"username": login, "full_name": "Chuyên viên Thu", "roles": ["specialist"], "unit_id": unit}
        )
        if created.status != 201:
            raise RuntimeError(f"creating the second specialist answered {created.status}: {created.body[:300]!r}")
        anonymous = Api(self.client, "hanoi")
        first = anonymous.call(
            "POST", "/api/auth/login", {"username": login, "password": created.json["temporary_password"]}
        ).json
        done = anonymous.call(
            "POST", "/api/auth/new-password", {"username": login, "session": first["session"], "new_password": "Thu@123456"}
        )
        api = Api(self.client, "hanoi", done.json["access_token"])
        api.call("GET", "/api/me")
        return api


def _by_operation(calls: list[Call]) -> str:
    counts = Counter(c.operation for c in calls)
    return ", ".join(f"{op} ×{n}" if n > 1 else op for op, n in counts.items()) or "—"


def _short(path: str) -> str:
    """The frames from the service method on (drop the route handler)."""
    frames = path.split(" › ")
    start = next((i for i, f in enumerate(frames) if "/service:" in f or "/lists:" in f), 0)
    return " › ".join(frames[start:]) or path


def _own_read(call: Call) -> bool:
    """The request's own partition, read to load it (`service._load`) or to answer with it (`routes._read`)."""
    return call.path.endswith(OWN_READ) and ("requests/service:_load" in call.path or "requests/routes:_read" in call.path)


def _extra(result: Result, *, brief: bool = False) -> list[str]:
    """What makes an action over target: every read but the request's own two, the transactions beyond the request's
    own `RequestStore.save`, and writes outside a transaction (audit entries of customer reads excepted)."""
    t = result.tally
    own_tx = [c for c in t.transactions if c.path.endswith("requests/store:save")]
    reads = [c for c in t.reads if not _own_read(c)] if len(t.reads) > MAX_READS else []
    transactions: list[Call] = []
    if len(t.transactions) > MAX_TRANSACTIONS:
        transactions = [c for c in t.transactions if c not in own_tx] if own_tx else t.transactions[1:]
    calls = [*reads, *transactions, *t.other_writes]
    if brief:  # the last three frames without comprehensions: where it comes from, and what it reads or writes
        return [f"{c.operation} `{' › '.join([f for f in c.path.split(' › ') if ':<' not in f][-3:])}`" for c in calls]
    return [f"{c.operation} from `{_short(c.path)}`" for c in calls]


def run() -> Section:
    """Start the stack, run the flow, describe."""
    section = Section("AWS calls per request action")
    started = time.perf_counter()
    server, _ = start_stack()
    stack_seconds = time.perf_counter() - started
    try:
        from chalice.test import Client

        from app import app

        with Client(app, stage_name="dev", project_dir=str(ROOT)) as client, redirect_stdout(io.StringIO()):
            flow = Flow(client)
            facts = flow.run()
    finally:
        server.stop()

    rows = []
    for r in flow.results:
        t = r.tally
        n_reads, n_tx = len(t.reads), len(t.transactions)
        if r.status != r.expected:
            verdict = f"**FAIL**: status {r.status}, expected {r.expected}"
            section.failures.append(f"{r.action}: {verdict}")
        elif r.over:
            verdict = (
                f"**OVER TARGET** ({n_reads} reads, {n_tx} tx"
                + (f", {len(t.other_writes)} other writes" if t.other_writes else "")
                + ")"
            )
            section.failures.append(
                f"`{r.action}`: OVER TARGET, {n_reads} reads + {n_tx} transaction{'' if n_tx == 1 else 's'}"
                + (f" + {len(t.other_writes)} other writes" if t.other_writes else "")
                + f" (target ≤ {MAX_READS} + {MAX_TRANSACTIONS}); extra: "
                + "; ".join(_extra(r, brief=True))
            )
        else:
            verdict = "ok"
        messaging = [f"{MESSAGING[c.service]} {c.operation}" for c in t.calls if c.service in MESSAGING]
        rows.append(
            (
                f"`{r.action}`",
                r.actor,
                r.status,
                _by_operation(t.dynamo),
                n_reads,
                n_tx,
                len(t.audit),
                len(t.session) or "—",
                ", ".join(messaging) or "—",
                verdict,
            )
        )

    section.add(
        f"In-process moto server (stack up and tenants ccc, hanoi seeded in {stack_seconds:.1f} s; state machines executed by",
        "moto), chalice's test client. Each action runs first on a warm-up request brought to the same state (uncounted),",
        "then on the measured one. Preparation between steps (re-reading a version, running the outbox worker so the",
        "approval wait's task token reaches the draft) is uncounted.",
        f"Target: at most {MAX_READS} reads (GetItem/Query/BatchGetItem) and {MAX_TRANSACTIONS} transaction per action; a write",
        "outside a transaction is over target too. An action loads the request with one Query of its partition (its",
        "timeline included) and answers with the request it saved, without reading it again.",
        "",
        *table(
            [
                "Action",
                "As",
                "Status",
                "DynamoDB operations",
                "Reads",
                "Tx",
                "Audit PutItem (customer read)",
                "Session GetItem",
                "Step Functions / SQS / SES / SNS",
                "Verdict",
            ],
            rows,
            ["l", "l", "r", "l", "r", "r", "r", "r", "l", "l"],
        ),
        "",
        "- **Session check: 1 GetItem per user per 15 s per instance** (`identity/sessions.py`, `CACHE_SECONDS = 15`), on top",
        "  of every authenticated call above when that user's entry has expired; every counted call here ran with it warm",
        "  (the last row forgets the cache to show it).",
        "- **Audit PutItem**: reading a customer's personal data writes an audit entry on its own, by design (Art. 7.1,",
        "  `customers/service.py` `_audit_read`); it is shown apart and not counted against the target — but the customer",
        "  read that causes it is.",
    )
    hook_mismatch = [
        r.action
        for r in flow.results
        if sorted(r.tally.hooked) != sorted((c.service, c.operation) for c in r.tally.calls if c.service in MESSAGING)
    ]
    section.add(
        "- Step Functions / SQS / SES / SNS counted at botocore and by `before-call` hooks on the app's clients: "
        + ("they agree for every action." if not hook_mismatch else f"**they disagree** for {', '.join(hook_mismatch)}.")
    )
    if not (facts.get("token_for_reject") and facts.get("token_for_approve")):
        section.add(
            "- Note: the approval wait's task token did not reach the draft in time, so `reject_draft`/`approve` "
            "made no `SendTaskSuccess` here (in production they do)."
        )
    section.add(
        f"- Escalated to units `{facts['units'][0]}` (the demo specialist's) and `{facts['units'][1]}` (a specialist created for the run)."
    )

    over = [r for r in flow.results if r.over and r.status == r.expected]
    if over:
        section.add("", "### Why the actions over target are over", "")
        for r in over:
            section.add(f"- `{r.action}`: " + "; ".join(_extra(r)) + ".")

    section.add("", "### Code path of every DynamoDB and messaging call (chalicelib frames, outermost first)", "")
    detail = []
    for r in flow.results:
        for i, c in enumerate([c for c in r.tally.calls if c.service == "dynamodb" or c.service in MESSAGING], 1):
            name = c.operation if c.service == "dynamodb" else f"{MESSAGING[c.service]} {c.operation}"
            detail.append((f"`{r.action}`" if i == 1 else "", i, name, f"`{c.path}`" if c.path else "—"))
    section.add(*table(["Action", "#", "Operation", "Issued from"], detail, ["l", "r", "l", "l"]))
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run().markdown())
