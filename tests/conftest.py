"""Shared fixtures: one emulated AWS stack per test session (moto's server in-process), the app on it."""

from __future__ import annotations

import io
import json
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDED_TENANTS = ("ccc", "hanoi", "hcm")
PASSWORD = "Demo@2026"

os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
# The whole suite signs in as a handful of demo users from 127.0.0.1 within a few minutes (and the fuzz run and
# the races add bursts): limits far above that, still counted on every call. tests/api/test_limits.py lowers them.
for _limit in ("RATE_LIMIT_USER", "RATE_LIMIT_CLIENT", "RATE_LIMIT_TENANT"):
    os.environ.setdefault(_limit, "1000000")
# Each API call asks whether a newer knowledge index was built (deployed: every 30 s), so a test sees its rebuild.
os.environ.setdefault("KNOWLEDGE_INDEX_CHECK_SECONDS", "0")


@pytest.fixture(autouse=True)
def whole_table_scope() -> Iterator[None]:
    """Tests reach stores and models directly, as tooling does: the whole table. The requests and queue messages a
    test sends narrow it to their tenant as in production (tests/integration/test_tenant_scope.py checks that)."""
    from chalicelib.shared.tenancy import whole_table

    with whole_table():
        yield


@pytest.fixture(scope="session")
def stack() -> Iterator[Any]:
    """moto's server with every resource of infra/definitions.py, three tenants seeded, the app bound to it."""
    from local import aws
    from local.seed import seed

    port = aws.free_port()
    server = aws.start_moto(port)
    resources = aws.provision(f"http://127.0.0.1:{port}")
    os.environ.update(resources.app_environment(base_domain="localhost"))
    os.environ["PUBLIC_URL_TEMPLATE"] = "http://{tenant}.localhost"
    from chalicelib import bootstrap
    from chalicelib.config import settings

    settings.cache_clear()
    bootstrap.reset()
    bootstrap.container()
    seed(resources, SEEDED_TENANTS)
    yield resources
    server.stop()


@dataclass
class Reply:
    """An HTTP answer, whichever client produced it."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8")

    @property
    def error_code(self) -> str:
        """The contract's error code."""
        return str(self.json["error"]["code"])


@dataclass
class Api:
    """Calls the app on a tenant's host through chalice's test client, optionally signed in."""

    client: Any
    tenant: str
    token: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        """The tenant's host."""
        return f"{self.tenant}.localhost"

    def call(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        """One request; a dict body is sent as JSON."""
        sent = {"host": self.host, **self.extra_headers}
        if self.token:
            sent["authorization"] = f"Bearer {self.token}"
        payload = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        if body is not None or raw is not None:
            sent.setdefault("content-type", "application/json")
        sent.update(headers or {})
        response = self.client.http.request(method, path, headers=sent, body=payload)
        return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.body or b"")

    def get(self, path: str, **kw: Any) -> Reply:
        """GET."""
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Reply:
        """POST."""
        return self.call("POST", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Reply:
        """PUT."""
        return self.call("PUT", path, body, **kw)

    def login(self, username: str, password: str = PASSWORD) -> Api:
        """A copy of this client signed in as the user."""
        reply = Api(self.client, self.tenant).post("/api/auth/login", {"username": username, "password": password})
        assert reply.status == 200, reply.body
        return Api(self.client, self.tenant, reply.json["access_token"])

    def on(self, tenant: str) -> Api:
        """The same credentials sent to another tenant's host."""
        return Api(self.client, tenant, self.token)


@pytest.fixture(scope="session")
def chalice_client(stack: Any) -> Iterator[Any]:
    """chalice's in-process test client for the app."""
    from chalice.test import Client

    from app import app

    with Client(app, stage_name="dev", project_dir=str(ROOT)) as client:
        yield client


@pytest.fixture
def api(chalice_client: Any) -> Any:
    """`api(tenant)` → an unsigned client on that tenant's host; `.login(user)` signs in."""
    return lambda tenant="hanoi": Api(chalice_client, tenant)


@pytest.fixture
def unique() -> str:
    """A short unique suffix, so tests sharing the session's stack never collide."""
    return uuid.uuid4().hex[:8]


LIVE_WORKERS = 2


@pytest.fixture(scope="session")
def live_server(stack: Any) -> Iterator[str]:
    """The app served over HTTP on loopback as `make run` serves it (worker processes); yields the base URL."""
    from local.server import Workers, listen

    sock = listen("127.0.0.1", 0)
    workers = Workers(sock, LIVE_WORKERS, env=dict(os.environ))
    workers.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    workers.stop()
    sock.close()


def _queue_runner(stack: Any, queue_url: str) -> Any:
    """`run()` receives and handles the queue's messages until it is empty (as the Lambda's SQS trigger would)."""
    import boto3

    from local.worker import receive_and_handle

    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name=stack.region)

    def run(rounds: int = 20) -> int:
        total = 0
        for _ in range(rounds):
            handled = receive_and_handle(sqs, queue_url)
            total += handled
            if not handled:
                break
        return total

    return run


@pytest.fixture
def drain(stack: Any) -> Any:
    """`drain()` runs the outbox worker until the queue is empty."""
    return _queue_runner(stack, stack.outbox_queue_url)


@pytest.fixture
def run_jobs(stack: Any) -> Any:
    """`run_jobs()` runs the background jobs' worker until its queue is empty."""
    return _queue_runner(stack, stack.jobs_queue_url)


@pytest.fixture
def ses_events(stack: Any) -> Any:
    """`ses_events()` handles what is on the SES events queue (as the `ses_events` Lambda would); returns the bodies."""
    import boto3

    from chalicelib.entrypoints.ses_events import handle_ses_records

    sqs = boto3.client("sqs", endpoint_url=stack.endpoint, region_name=stack.region)

    def run() -> list[str]:
        bodies = []
        for _ in range(20):
            got = sqs.receive_message(QueueUrl=stack.ses_events_queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                break
            for m in got:
                assert not handle_ses_records([{"messageId": m["MessageId"], "body": m["Body"]}])
                sqs.delete_message(QueueUrl=stack.ses_events_queue_url, ReceiptHandle=m["ReceiptHandle"])
                bodies.append(m["Body"])
        return bodies

    return run


@pytest.fixture
def faults(stack: Any) -> Iterator[Any]:
    """Faults injected into the app's AWS calls (tests/faults.py), on a container built with the hook in place."""
    from chalicelib import bootstrap
    from chalicelib.adapters import clients, dynamo
    from tests.faults import Faults

    plan = Faults()
    session = clients.session()
    session.register("before-call", plan.handler, unique_id="test-faults")
    bootstrap.reset()
    bootstrap.container()  # new clients, made from the session that now carries the hook
    table = dynamo.connection().client.meta.events
    table.register("before-call", plan.handler, unique_id="test-faults")
    yield plan
    session.unregister("before-call", unique_id="test-faults")
    table.unregister("before-call", unique_id="test-faults")
    bootstrap.reset()
    bootstrap.container()


@pytest.fixture
def sent(stack: Any) -> Any:
    """What moto's SES and SNS have sent: `sent()` → {"emails": [...], "bulk": [...], "sms": [...]} — `bulk` holds the
    SendBulkTemplatedEmail calls (their `destinations` a list of up to 50), `emails` every other message."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    def read() -> dict[str, list[Any]]:
        ses = ses_backends[DEFAULT_ACCOUNT_ID][stack.region]
        sns = sns_backends[DEFAULT_ACCOUNT_ID][stack.region]
        messages = list(ses.sent_messages)
        bulk = [m for m in messages if isinstance(getattr(m, "destinations", None), list)]
        emails = [m for m in messages if not isinstance(getattr(m, "destinations", None), list)]
        return {"emails": emails, "bulk": bulk, "sms": list(sns.sms_messages.values())}

    return read


@pytest.fixture
def log_lines() -> Iterator[Any]:
    """`log_lines()` → what the app's own log handler wrote (its real formatter) during the test, as parsed JSON."""
    from chalicelib.shared.observability import logger

    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler), handler
    stream = io.StringIO()
    previous_stream, previous_level = handler.setStream(stream), logger.log_level
    logger.setLevel("DEBUG")

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]

    yield read
    handler.setStream(previous_stream)
    logger.setLevel(previous_level)
