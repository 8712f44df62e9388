"""Cold start up to the first answer: a fresh process that imports the app and serves one authenticated request.

Measurement (b) of the cold-start section. Deferring work from `import app` to the first request only moves it, so
this times a fresh interpreter from before `import app` to the first `GET /api/requests` answered (an API Gateway
proxy event handed to the Chalice app as the Lambda runtime hands it), against the floor: a fresh interpreter that
imports boto3 and chalice and makes one DynamoDB Query — the very Query the app's list makes — against the same
endpoint.

Both run against moto's server in this process (tenant `hanoi` seeded, a few requests created, the agent signed
in: the token is passed to the child). The children have the Lambda's environment, tracing on as deployed
(`AWS_LAMBDA_FUNCTION_NAME`, `LAMBDA_TASK_ROOT` and a sampled `_X_AMZN_TRACE_ID` set), with the X-Ray daemon
address pointed at a UDP socket of this process, which counts the trace documents each child sends, and the
pool's keys in COGNITO_JWKS as the stack writes them at deploy; the variant "app, keys fetched" goes without them.
"""

from __future__ import annotations

import io
import json
import secrets
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from botocore.client import BaseClient

from .report import PYTHON, ROOT

REPEATS = 9
TENANT = "hanoi"
REQUESTS = 3

_APP = """\
import json, os, sys, time
_c0, _t0 = time.process_time(), time.perf_counter()
import app
_t1 = time.perf_counter()


class _Context:
    aws_request_id = "bench-first-request"
    function_name = os.environ["AWS_LAMBDA_FUNCTION_NAME"]
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:ap-southeast-1:123456789012:function:" + function_name

    def get_remaining_time_in_millis(self):
        return 30000


_response = app.app(json.loads(os.environ["BENCH_EVENT"]), _Context())
_t2, _c2 = time.perf_counter(), time.process_time()
_body = json.loads(_response["body"] or "{}")
print(json.dumps({"import_us": (_t1 - _t0) * 1e6, "first_us": (_t2 - _t1) * 1e6, "total_us": (_t2 - _t0) * 1e6,
                  "cpu_us": (_c2 - _c0) * 1e6, "status": _response["statusCode"], "items": len(_body.get("items", [])),
                  "modules": sorted(sys.modules)}))
"""

_FLOOR = """\
import json, os, sys, time
_c0, _t0 = time.process_time(), time.perf_counter()
import boto3, chalice
_t1 = time.perf_counter()
_client = boto3.client("dynamodb", region_name=os.environ["AWS_REGION"], endpoint_url=os.environ["AWS_ENDPOINT_URL"])
_answer = _client.query(**json.loads(os.environ["BENCH_QUERY"]))
_t2, _c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import_us": (_t1 - _t0) * 1e6, "first_us": (_t2 - _t1) * 1e6, "total_us": (_t2 - _t0) * 1e6,
                  "cpu_us": (_c2 - _c0) * 1e6, "status": _answer["ResponseMetadata"]["HTTPStatusCode"],
                  "items": _answer["Count"], "modules": sorted(sys.modules)}))
"""

SCRIPTS = {"app": _APP, "floor": _FLOOR}


@dataclass
class Child:
    """One fresh process: its own timings (µs), the parent's view of it, and the trace documents it sent."""

    import_us: float
    first_us: float
    total_us: float
    cpu_us: float
    process_us: float
    status: int
    items: int
    modules: list[str]
    traces: Counter[str] = field(default_factory=Counter)


@dataclass
class Setup:
    """What the children need: the environment, the event the app answers and the Query the floor makes."""

    env: dict[str, str]
    event: dict[str, Any]
    query: dict[str, Any]
    listed: int


def proxy_event(token: str, host: str, path: str = "/api/requests") -> dict[str, Any]:
    """An API Gateway REST proxy event for an authenticated GET, as the Lambda receives it."""
    headers = {"Host": host, "Authorization": f"Bearer {token}", "Accept": "application/json"}
    return {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": "GET",
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "bench-" + secrets.token_hex(8),
            "apiId": "benchapi",
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }


@contextmanager
def _queries() -> Iterator[list[dict[str, Any]]]:
    """Record the parameters of every DynamoDB Query made while the block runs."""
    seen: list[dict[str, Any]] = []
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        if self.meta.service_model.service_name == "dynamodb" and operation_name == "Query":
            seen.append(json.loads(json.dumps(api_params)))
        return original(self, operation_name, api_params)

    with mock.patch.object(BaseClient, "_make_api_call", spy):
        yield seen


def prepare(lambda_env: dict[str, str], daemon_port: int) -> tuple[Any, Setup]:
    """Start the stack, create a few requests as the agent, and record the list's token, event and Query."""
    from chalice.test import Client

    from .dynamo_calls import Api, start_stack

    server, resources = start_stack(tenants=(TENANT,))
    try:
        from app import app

        with Client(app, stage_name="dev", project_dir=str(ROOT)) as client, redirect_stdout(io.StringIO()):
            agent = Api(client, TENANT).login("agent")
            for n in range(REQUESTS):
                body = {
                    "channel": "hotline",
                    "kind": "information",
                    "category": "policy",
                    "subject": f"Chế độ ốm đau {n}",
                    "question": "Tôi muốn hỏi về chế độ ốm đau.",
                    "customer": {
                        "kind": "individual",
                        "full_name": "Trần Thị Bình",
                        "id_number": f"00119000000{n}",
                        "phone": f"091234560{n}",
                    },
                }
                reply = agent.call("POST", "/api/requests", body)
                if reply.status != 201:
                    raise RuntimeError(f"creating a request answered {reply.status}: {reply.body[:300]!r}")
            with _queries() as queries:
                listed = agent.call("GET", "/api/requests")
        if listed.status != 200 or not queries:
            raise RuntimeError(f"GET /api/requests answered {listed.status} with {len(queries)} Query: {listed.body[:300]!r}")
    except BaseException:
        server.stop()
        raise
    assert agent.token is not None
    stack = resources.app_environment(base_domain="localhost")
    # As deployed: tracing and metrics on, the stage's log level (the local stack turns them off or down).
    for key in ("POWERTOOLS_TRACE_DISABLED", "POWERTOOLS_METRICS_DISABLED", "POWERTOOLS_LOG_LEVEL"):
        stack.pop(key, None)
    env = {
        **lambda_env,
        **stack,
        "LAMBDA_TASK_ROOT": str(ROOT),
        "AWS_XRAY_DAEMON_ADDRESS": f"127.0.0.1:{daemon_port}",
        "COGNITO_JWKS": pool_keys(resources.endpoint, resources.user_pool_id),
    }
    setup = Setup(env, proxy_event(agent.token, f"{TENANT}.localhost"), queries[0], len(listed.json["items"]))
    return server, setup


def pool_keys(endpoint: str, pool_id: str) -> str:
    """The pool's JWKS as the stack's PoolKeys custom resource writes it into COGNITO_JWKS (moto serves it locally)."""
    import requests

    keys = requests.get(f"{endpoint}/{pool_id}/.well-known/jwks.json", timeout=10).json()["keys"]
    fields = ("kid", "kty", "alg", "use", "n", "e")
    return json.dumps({"keys": [{f: k[f] for f in fields if f in k} for k in keys]}, separators=(",", ":"))


def _trace_header() -> str:
    """A sampled trace header, as Lambda sets it for an invocation under active tracing."""
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=1"


def _drain(daemon: socket.socket) -> Counter[str]:
    """The trace documents received since the last drain, by name (a datagram is a header line and a document)."""
    names: Counter[str] = Counter()
    while True:
        try:
            datagram = daemon.recv(65536)
        except BlockingIOError:
            return names
        _, _, document = datagram.decode("utf-8", "replace").partition("\n")
        try:
            names[str(json.loads(document).get("name", "?"))] += 1
        except ValueError:
            names["(unreadable)"] += 1


@dataclass(frozen=True)
class Variant:
    """What a child runs: the app's or the floor's script, from the repository or from an extracted package."""

    script: str
    package: Path | None = None  # run as from /var/task: only this directory and the standard library, no .pyc written
    env: tuple[tuple[str, str], ...] = ()  # on top of the setup's environment


# The deployed functions get the pool's keys in COGNITO_JWKS (infra/stacks/identity.py PoolKeys); "keys fetched" is
# the app without them, fetching the JWKS from the pool's URL on its first request as it did before.
VARIANTS = {"app": Variant("app"), "floor": Variant("floor"), "app, keys fetched": Variant("app", env=(("COGNITO_JWKS", ""),))}


def run_child(variant: Variant, setup: Setup, daemon: socket.socket) -> Child:
    """One fresh process of the variant; fails loudly when the answer is not a 200."""
    env = {
        **setup.env,
        "_X_AMZN_TRACE_ID": _trace_header(),
        "BENCH_EVENT": json.dumps(setup.event),
        "BENCH_QUERY": json.dumps(setup.query),
        **dict(variant.env),
    }
    command, cwd = [str(PYTHON), "-c", SCRIPTS[variant.script]], ROOT
    if variant.package is not None:
        # -I -S: no site-packages, no PYTHON* variables; -B: nothing written (Lambda's /var/task is read-only).
        root = str(variant.package)
        command = [str(PYTHON), "-B", "-I", "-S", "-c", f"import sys; sys.path.insert(0, {root!r})\n" + SCRIPTS[variant.script]]
        env["LAMBDA_TASK_ROOT"], cwd = root, variant.package
    _drain(daemon)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    process_us = (time.perf_counter() - started) * 1e6
    if done.returncode != 0:
        raise RuntimeError(f"the {variant} child failed:\n{done.stderr[-3000:]}")
    payload = json.loads(done.stdout.strip().splitlines()[-1])
    if payload["status"] != 200:
        raise RuntimeError(f"the {variant} child answered {payload['status']}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    time.sleep(0.05)  # let the last datagrams arrive
    return Child(
        payload["import_us"],
        payload["first_us"],
        payload["total_us"],
        payload["cpu_us"],
        process_us,
        payload["status"],
        payload["items"],
        payload["modules"],
        _drain(daemon),
    )


def measure(
    lambda_env: dict[str, str], repeats: int = REPEATS, variants: dict[str, Variant] | None = None
) -> tuple[Setup, dict[str, list[Child]]]:
    """One untimed run of each variant (bytecode caches), then `repeats` interleaved runs of each."""
    variants = variants or VARIANTS
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as daemon:
        daemon.bind(("127.0.0.1", 0))
        daemon.setblocking(False)
        server, setup = prepare(lambda_env, daemon.getsockname()[1])
        try:
            for variant in variants.values():
                run_child(variant, setup, daemon)
            runs: dict[str, list[Child]] = {label: [] for label in variants}
            for _ in range(repeats):
                for label, variant in variants.items():
                    runs[label].append(run_child(variant, setup, daemon))
        finally:
            server.stop()
    return setup, runs
