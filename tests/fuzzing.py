"""Schemathesis over /openapi.json against a throwaway `python -m local`, as several roles.

Shared by the fuzz test (tests/api/test_fuzz.py) and its record (bench/fuzz.py). The stack is the one `make run`
starts — moto in the parent, HTTP worker processes — on a free port with a temporary data folder and two tenants,
so whatever the fuzzer creates, changes or disables is thrown away with it. Each role signs in first, then runs
schemathesis's CLI (the tool's stable interface) with the examples, coverage and fuzzing phases, a bounded number
of cases per operation, deterministic generation and no shrinking, so a run is reproducible and its time bounded.
The checks are: no 5xx (`not_a_server_error`), every status documented (`status_code_conformance`), every body
as documented (`response_schema_conformance`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TENANTS = ("ccc", "hanoi")
CHECKS = ("not_a_server_error", "status_code_conformance", "response_schema_conformance")
PHASES = ("examples", "coverage", "fuzzing")
MAX_EXAMPLES = 6  # per operation and role, in the fuzzing phase (the coverage phase adds its boundary cases)
STARTUP_SECONDS = 120.0
PASSWORD = "Demo@2026"  # local/seed.py DEMO_PASSWORD
PUBLIC_PATHS = "^/api/auth/"


@dataclass(frozen=True)
class Role:
    """Who the fuzzer calls as: a demo sign-in of a tenant (`login` None: nobody signed in), over which operations.

    `tags` narrows the run to the operations of those tags (none: every operation); `methods`, whether the coverage
    phase also sends the methods an operation does not have (TRACE, QUERY, …), which every route answers alike.
    """

    name: str
    tenant: str
    login: str | None
    tags: tuple[str, ...] = ()
    methods: bool = False


# A front-line agent and the CCC's officer over every operation (what they may not do is a 403 to check too); a
# leader over customers (a customer's export and erasure are theirs); a tenant administrator and the CCC's central
# administrator (who edits the national calendar) over the operations of administration; nobody signed in over
# the sign-in steps (elsewhere a 401 is all it could get). Signed-in roles skip logout: it ends every session of
# the user, and the rest of the run would only see 401.
# The tenants' runs go side by side, each tenant's one after another and its administrator after its staff: the
# fuzzer reuses names it reads (GET /api/users), and an administrator's run disables and resets those accounts.
ADMINISTRATION = ("identity", "tenancy", "audit", "notifications", "calendar", "personal data")
ROLES = (
    Role("agent", "hanoi", "agent", methods=True),
    Role("leader", "hanoi", "leader", ("customers",)),
    Role("province admin", "hanoi", "tenant-admin", ADMINISTRATION),
    Role("anonymous", "hanoi", None),
    Role("CCC officer", "ccc", "ccc-officer"),
    Role("central admin", "ccc", "central-admin", ADMINISTRATION),
)


@dataclass
class RoleRun:
    """What one role's run did: cases generated, failures by kind, answers by status, the CLI's own exit code."""

    role: Role
    cases: int
    operations: int
    failures: dict[str, int]
    statuses: Counter[int]
    seconds: float
    exit_code: int
    output: str = ""
    failed_operations: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        """HTTP calls made (a case may make more than one)."""
        return sum(self.statuses.values())


@dataclass
class Stack:
    """A running throwaway `python -m local`."""

    process: subprocess.Popen[str]
    base_url: str
    log: list[str]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_stack(workers: int = 2) -> Iterator[Stack]:
    """`python -m local` on a free port, a temporary data folder, two tenants; stopped (and the folder removed) after."""
    with tempfile.TemporaryDirectory(prefix="cskh-fuzz-") as state:
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "USER_POOL", "MOTO_"))}
        env.update(WORKERS=str(workers), POWERTOOLS_LOG_LEVEL="WARNING", PORT=str(port))
        for limit in ("RATE_LIMIT_USER", "RATE_LIMIT_CLIENT", "RATE_LIMIT_TENANT"):
            env[limit] = "0"  # off: thousands of calls a minute from one address (tests/api/test_limits.py has them)
        command = [sys.executable, "-m", "local", "--port", str(port), "--state-dir", state, "--tenants", ",".join(TENANTS)]
        command += ["--small-demo", "--no-demo"]  # test-size surveys, no demo year: the fuzzer needs the stack, not figures
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        stack = Stack(process, f"http://127.0.0.1:{port}", [])
        threading.Thread(target=lambda: stack.log.extend(process.stdout or []), daemon=True).start()
        try:
            _wait_ready(stack)
            yield stack
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _wait_ready(stack: Stack) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError("the local stack exited:\n" + "".join(stack.log[-40:]))
        if any("Stop with Ctrl+C" in line for line in stack.log):
            return
        time.sleep(0.1)
    raise RuntimeError("the local stack did not come up in time:\n" + "".join(stack.log[-40:]))


def sign_in(base_url: str, tenant: str, login: str) -> str:
    """A demo user's token on the tenant's host."""
    request = urllib.request.Request(
        f"{base_url}/api/auth/login",
        data=json.dumps({"username": login, "password": PASSWORD}).encode(),
        headers={"Host": f"{tenant}.localhost", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["access_token"])


def run_role(base_url: str, role: Role, *, max_examples: int = MAX_EXAMPLES, workers: int = 1) -> RoleRun:
    """Run schemathesis as `role` over every operation of /openapi.json; returns what it found.

    One schemathesis worker: the tenants' runs go side by side against the stack's two HTTP workers.
    """
    headers = ["-H", f"Host: {role.tenant}.localhost"]
    if role.login is not None:
        headers += ["-H", f"Authorization: Bearer {sign_in(base_url, role.tenant, role.login)}"]
        selected = ["--exclude-path", "/api/auth/logout"]
    else:
        selected = ["--include-path-regex", PUBLIC_PATHS]
    selected += [arg for tag in role.tags for arg in ("--include-tag", tag)]
    with tempfile.TemporaryDirectory(prefix="cskh-fuzz-report-") as reports:
        report, har, config = Path(reports, "run.json"), Path(reports, "run.har"), Path(reports, "schemathesis.toml")
        config.write_text(_config(role), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            f"{base_url}/openapi.json",
            "--url",
            base_url,
            *headers,
            *selected,
            "--checks",
            ",".join(CHECKS),
            "--phases",
            ",".join(PHASES),
            "--max-examples",
            str(max_examples),
            "--generation-deterministic",
            "--no-shrink",
            "--workers",
            str(workers),
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "30",
            "--warnings",
            "off",
            "--report",
            "json,har",
            "--report-json-path",
            str(report),
            "--report-har-path",
            str(har),
            "--no-color",
        ]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=reports, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - started
        if not report.exists():
            raise RuntimeError(
                f"schemathesis wrote no report (exit {done.returncode}):\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
            )
        summary = json.loads(report.read_text(encoding="utf-8"))
        statuses = _statuses(json.loads(har.read_text(encoding="utf-8"))) if har.exists() else Counter()
    failures = {f"{f['code']} {f['title']}": int(f["count"]) for f in summary.get("failures", [])}
    failed = sorted({op for f in summary.get("failures", []) for op in f.get("operations", [])})
    return RoleRun(
        role=role,
        cases=int(summary["test_cases"]["generated"]),
        operations=int(summary["operations"]["tested"]),
        failures=failures,
        statuses=statuses,
        seconds=seconds,
        exit_code=done.returncode,
        output=done.stdout,
        failed_operations=failed,
    )


def _config(role: Role) -> str:
    """schemathesis.toml of a run: no crash cache (a run never replays an earlier one), and unexpected methods or not."""
    lines = ["[cache]", "enabled = false"]
    if not role.methods:
        lines += ["", "[phases.coverage]", "unexpected-methods = []"]
    return "\n".join(lines) + "\n"


def _statuses(har: dict[str, Any]) -> Counter[int]:
    return Counter(int(entry["response"]["status"]) for entry in har.get("log", {}).get("entries", []))


def fuzz(roles: tuple[Role, ...] = ROLES, *, max_examples: int = MAX_EXAMPLES) -> tuple[list[RoleRun], float]:
    """Start a throwaway stack, run every role against it, stop it; returns the runs and the whole wall time."""
    from concurrent.futures import ThreadPoolExecutor

    lanes: dict[str, list[Role]] = {}
    for role in roles:
        lanes.setdefault(role.tenant, []).append(role)
    started = time.perf_counter()
    with throwaway_stack() as stack, ThreadPoolExecutor(len(lanes)) as pool:
        done = pool.map(lambda lane: [run_role(stack.base_url, r, max_examples=max_examples) for r in lane], lanes.values())
        by_role = {run.role: run for lane in done for run in lane}
    return [by_role[role] for role in roles], time.perf_counter() - started
