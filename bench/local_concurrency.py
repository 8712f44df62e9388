"""Concurrent users on `make run`'s stack: intakes and a list through HTTP, N worker processes against 1.

`python -m local` is started as a subprocess on 127.0.0.1 (tenants ccc, hanoi, hcm; a temporary data folder), its
table is topped up with STORED synthetic requests (`requests_scale.synthetic_items`, written over HTTP to its moto)
and it is stopped (saved). It is then started with N workers (restored from that snapshot), CLIENTS threads of this
process, released together, each make CALLS calls with a time-out, and every call's wall time is recorded; then the
same with one worker. The figure is the ratio of the two throughputs.

Apart from that: one TransactWriteItems (the shape of an intake's: a conditional Put and an audit Put) timed on
moto's backend in this process, as moto ships (a copy of the whole table as backup) and with the local stack's
patches (local/moto_patches.py, local/moto_transactions.py), at 2,000 and 10,000 items.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from .report import ROOT, Section, table

STORED = 10_000
CLIENTS = 20
CALLS = 10  # per client and kind of call
WORKERS = (4, 1)
TX_SIZES = (2_000, 10_000)
TX_REPEATS = 3
TIMEOUT = 60.0  # seconds, per call
TARGET_P95_MS = 300.0
TENANTS = "ccc,hanoi,hcm"
LIST_PATH = "/api/requests?assignee=me"


# -- the stack in a subprocess ----------------------------------------------------------------------------------


@dataclass
class Stack:
    """A running `python -m local`."""

    process: subprocess.Popen[str]
    port: int
    state_dir: Path
    log: list[str] = field(default_factory=list)

    @property
    def resources(self) -> dict[str, Any]:
        """What the stack wrote to stack.json (endpoint, table, …)."""
        return dict(json.loads((self.state_dir / "stack.json").read_text(encoding="utf-8")))


def start(state_dir: Path, port: int, workers: int, *, reset: bool) -> Stack:
    """Start the stack and wait until it answers (at most 5 minutes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_", "USER_POOL", "MOTO_"))}
    env["WORKERS"] = str(workers)
    for limit in ("RATE_LIMIT_USER", "RATE_LIMIT_CLIENT", "RATE_LIMIT_TENANT"):
        env[limit] = "1000000"  # 20 clients share one demo account here: counted, never tripped
    command = [
        sys.executable,
        "-m",
        "local",
        "--port",
        str(port),
        "--state-dir",
        str(state_dir),
        "--tenants",
        TENANTS,
        "--no-demo",
    ]
    process = subprocess.Popen(
        [*command, *(["--reset"] if reset else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    stack = Stack(process, port, state_dir)
    threading.Thread(target=lambda: stack.log.extend(process.stdout or []), daemon=True).start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the local stack exited:\n" + "".join(stack.log[-40:]))
        if any("Stop with Ctrl+C" in line for line in stack.log):
            return stack
        time.sleep(0.2)
    stop(stack)
    raise RuntimeError("the local stack did not come up in 5 minutes")


def stop(stack: Stack) -> None:
    """Stop it as Ctrl+C would (its data is saved)."""
    stack.process.send_signal(signal.SIGINT)
    try:
        stack.process.wait(120)
    except subprocess.TimeoutExpired:
        stack.process.kill()
        stack.process.wait(10)


def top_up(stack: Stack, count: int) -> float:
    """Write `count` synthetic requests into the stack's table; returns the seconds it took."""
    import boto3

    from chalicelib.shared.clock import SystemClock

    from .requests_scale import load, synthetic_items

    r = stack.resources
    client = boto3.client(
        "dynamodb",
        endpoint_url=r["endpoint"],
        region_name=r["region"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    started = time.perf_counter()
    load(client, r["table_name"], synthetic_items(count, 0, SystemClock().now()))
    return time.perf_counter() - started


# -- the clients ------------------------------------------------------------------------------------------------


@dataclass
class Calls:
    """Wall times (ms) and statuses of one timed run."""

    ms: list[float]
    statuses: list[int]
    seconds: float
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the run: "moto" (the parent), "workers"

    @property
    def throughput(self) -> float:
        """Calls per second over the run."""
        return len(self.ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile of the wall times (nearest rank)."""
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))] if ordered else 0.0

    @property
    def failures(self) -> int:
        """Calls that did not answer 2xx."""
        return sum(1 for s in self.statuses if not 200 <= s < 300)


def _call(port: int, method: str, path: str, host: str, token: str | None, body: Any = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        headers = {"Host": host, "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def sign_in(port: int, username: str = "agent", tenant: str = "hanoi") -> str:
    """A bearer token for a demo user."""
    status, body = _call(
        port, "POST", "/api/auth/login", f"{tenant}.localhost:{port}", None, {"username": username, "password": "Demo@2026"}
    )
    if status != 200:
        raise RuntimeError(f"sign-in answered {status}: {body[:200]!r}")
    return str(json.loads(body)["access_token"])


def intake_body(tag: str, n: int) -> dict[str, Any]:
    """A hotline intake of a new customer (1 read and 2 transactions)."""
    digits = f"{abs(hash((tag, n))) % 10**9:09d}"
    return {
        "channel": "hotline",
        "kind": "information",
        "category": "policy",
        "subject": f"Chế độ thai sản {tag}-{n}",
        "question": "Tôi muốn hỏi về chế độ thai sản khi sinh con.",
        "customer": {"kind": "individual", "full_name": "Nguyễn Văn An", "id_number": "001" + digits, "phone": "09" + digits[:8]},
    }


def concurrently(clients: int, calls: int, one: Callable[[int, int], int]) -> Calls:
    """`clients` threads released together, each making `calls` calls of `one(client, n)` → status."""
    barrier = threading.Barrier(clients + 1, timeout=TIMEOUT)
    ms: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def run(client: int) -> None:
        barrier.wait()
        for n in range(calls):
            t0 = time.perf_counter()
            try:
                status = one(client, n)
            except OSError:
                status = 599
            elapsed = (time.perf_counter() - t0) * 1000
            with lock:
                ms.append(elapsed)
                statuses.append(status)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(TIMEOUT * calls + 10)
    return Calls(ms, statuses, time.perf_counter() - started)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _cpu(pid: int) -> dict[str, float]:
    """CPU seconds so far of the stack's process (moto, the outbox poller, the snapshot) and of its workers."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        children = []
    return {"moto": _cpu_seconds(pid), "workers": sum(_cpu_seconds(c) for c in children) if children else float("nan")}


def _timed(pid: int, run: Callable[[], Calls]) -> Calls:
    before = _cpu(pid)
    calls = run()
    calls.cpu = {k: v - before[k] for k, v in _cpu(pid).items()}
    return calls


def measure_http(port: int, workers: int, pid: int) -> dict[str, Calls]:
    """Warm every worker, then time CLIENTS × CALLS intakes and as many list calls (with the stack's CPU time)."""
    token = sign_in(port)
    host = f"hanoi.localhost:{port}"
    tag = uuid.uuid4().hex[:8]

    def intake(client: int, n: int) -> int:
        return _call(port, "POST", "/api/requests", host, token, intake_body(tag, client * 1000 + n))[0]

    def listing(client: int, n: int) -> int:
        return _call(port, "GET", LIST_PATH, host, token)[0]

    concurrently(max(workers, 2) * 2, 2, lambda c, n: intake(c + 900, n))  # warm-up: caches, clients, connections
    concurrently(max(workers, 2) * 2, 2, listing)
    return {
        "intake": _timed(pid, lambda: concurrently(CLIENTS, CALLS, intake)),
        "list": _timed(pid, lambda: concurrently(CLIENTS, CALLS, listing)),
    }


# -- one transaction, before and after --------------------------------------------------------------------------


def time_transactions(sizes: tuple[int, ...] = TX_SIZES) -> dict[int, dict[str, float]]:
    """Median ms of one intake-shaped TransactWriteItems on moto's backend: moto's method and the patched one."""
    import boto3
    from moto import mock_aws
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.shared.clock import SystemClock
    from infra import definitions as d
    from local import moto_patches
    from local.aws import ACCOUNT_ID, _table

    from .requests_scale import synthetic_items

    was_applied = moto_patches.revert()
    results: dict[int, dict[str, float]] = {}
    # In-process moto, not a server an earlier benchmark of this run pointed AWS_ENDPOINT_URL at.
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL"}
    try:
        with mock.patch.dict(os.environ, env, clear=True), mock_aws():
            client = boto3.client("dynamodb", region_name=d.DEFAULT_REGION)
            name = _table(client)
            backend = dynamodb_backends[ACCOUNT_ID][d.DEFAULT_REGION]
            loaded = 0
            for size in sizes:
                items = synthetic_items(size - loaded, loaded, SystemClock().now())
                for start in range(0, len(items), 25):
                    client.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]})
                loaded = size
                timings: dict[str, list[float]] = {"moto": [], "patched": []}
                for label in ("moto", "patched"):
                    if label == "patched":
                        moto_patches.apply()
                        backend.transact_write_items(_transaction(name, f"{size}-warm"))  # files the table's items once
                    for repeat in range(TX_REPEATS):
                        ops = _transaction(name, f"{size}-{label}-{repeat}")
                        t0 = time.perf_counter()
                        backend.transact_write_items(ops)
                        timings[label].append((time.perf_counter() - t0) * 1000)
                    moto_patches.revert()
                    backend.get_table(name).__dict__.pop("_cskh_state", None)  # moto's copy would copy it too
                results[size] = {k: statistics.median(v) for k, v in timings.items()}
                results[size]["items"] = float(len(backend.get_table(name)))
    finally:
        if was_applied:
            moto_patches.apply()
    return results


def _transaction(table_name: str, tag: str) -> list[dict[str, Any]]:
    s = lambda v: {"S": v}  # noqa: E731
    return [
        {
            "Put": {
                "TableName": table_name,
                "Item": {"PK": s(f"T#bench#REQ#{tag}"), "SK": s("REQ"), "status": s("open")},
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
        {
            "Put": {
                "TableName": table_name,
                "Item": {"PK": s("T#bench#AUDIT#2026-11"), "SK": s(f"{tag}"), "action": s("request.create")},
            }
        },
    ]


# -- the section ------------------------------------------------------------------------------------------------


def run() -> Section:
    """Measure everything and describe it."""
    from local.aws import free_port

    section = Section("Concurrent users on the local stack: worker processes, and moto's transactions")
    started = time.perf_counter()
    tx = time_transactions()
    http_results: dict[int, dict[str, Calls]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="cskh-bench-") as folder:
        state_dir, port = Path(folder), free_port()
        t0 = time.perf_counter()
        stack = start(state_dir, port, 1, reset=True)
        try:
            up = time.perf_counter() - t0
            notes.append(
                f"seeded in {up:.1f} s, {STORED:,} requests written in {top_up(stack, STORED):.1f} s, then stopped "
                "(saved) so that each measured run starts from the snapshot"
            )
        finally:
            stop(stack)
        for workers in WORKERS:
            t0 = time.perf_counter()
            stack = start(state_dir, port, workers, reset=False)
            try:
                notes.append(f"{workers} worker(s): restored and serving in {time.perf_counter() - t0:.1f} s")
                http_results[workers] = measure_http(port, workers, stack.process.pid)
            finally:
                stop(stack)
    many, one = WORKERS
    rows = []
    for kind in ("intake", "list"):
        for workers in WORKERS:
            c = http_results[workers][kind]
            rows.append(
                (
                    f"`{'POST /api/requests' if kind == 'intake' else 'GET ' + LIST_PATH}`",
                    workers,
                    len(c.ms),
                    c.failures,
                    f"{c.throughput:,.1f}",
                    f"{statistics.median(c.ms):,.0f}",
                    f"{c.percentile(95):,.0f}",
                    f"{max(c.ms):,.0f}",
                    f"{1000 * c.cpu.get('moto', float('nan')) / len(c.ms):,.1f}",
                    f"{1000 * c.cpu.get('workers', float('nan')) / len(c.ms):,.1f}",
                    f"{100 * c.cpu.get('moto', float('nan')) / c.seconds:,.0f} %",
                )
            )
    section.add(
        f"`python -m local` on 127.0.0.1 (tenants {TENANTS.replace(',', ', ')}), table topped up with {STORED:,} synthetic",
        f"requests; {CLIENTS} client threads released together, {CALLS} calls each (a new HTTP connection per call,",
        f"{TIMEOUT:.0f} s time-out), after an untimed warm-up. Intakes are hotline intakes of a new customer (1 read,",
        "2 transactions, 1 Step Functions start). CPU time from /proc: the stack's own process (moto's server, the outbox",
        "poller, the snapshot) and its worker processes. Stack: " + "; ".join(notes) + ".",
        "",
        *table(
            [
                "Call",
                "Workers",
                "Calls",
                "Failed",
                "Throughput, calls/s",
                "p50 ms",
                "p95 ms",
                "max ms",
                "moto's process, CPU ms per call",
                "workers, CPU ms per call",
                "moto's process busy",
            ],
            rows,
            ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
        ),
        "",
    )
    for kind in ("intake", "list"):
        ratio = http_results[many][kind].throughput / max(http_results[one][kind].throughput, 1e-9)
        section.add(f"- **{kind}: {many} workers give {ratio:.2f}× the throughput of 1** on this {os.cpu_count()}-core machine.")
    section.add(
        "- **The ceiling is moto's process.** Every worker calls the one emulated AWS, a Python process whose work is",
        "  serialized by its interpreter lock: its CPU per intake (column above) bounds the throughput whatever the",
        "  number of workers, and more workers only overlap the app's own share of the time (the workers' column).",
    )
    intake_p95 = http_results[many]["intake"].percentile(95)
    verdict = "PASS" if intake_p95 < TARGET_P95_MS else "**FAIL**"
    section.add(
        f"- {verdict}: intake p95 with {CLIENTS} clients and {many} workers is {intake_p95:,.0f} ms (target < {TARGET_P95_MS:.0f} ms)."
    )
    if intake_p95 >= TARGET_P95_MS:
        section.failures.append(f"local intake p95 {intake_p95:,.0f} ms with {CLIENTS} clients (target {TARGET_P95_MS:.0f} ms)")
    failed = sum(c.failures for r in http_results.values() for c in r.values())
    if failed:
        section.failures.append(f"{failed} concurrent calls on the local stack did not answer 2xx")
    section.add(
        "",
        f"One TransactWriteItems (conditional Put + audit Put) on moto's backend, median of {TX_REPEATS}:",
        "",
        *table(
            ["Items in the table", "moto 5.2.5 (copies the table), ms", "local stack (copies the touched items), ms", "Speed-up"],
            [
                (f"{int(v['items']):,}", f"{v['moto']:,.1f}", f"{v['patched']:,.2f}", f"**{v['moto'] / v['patched']:,.0f}×**")
                for v in tx.values()
            ],
            ["r", "r", "r", "r"],
        ),
    )
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    print(run().markdown())
