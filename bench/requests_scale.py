"""Request lists at 1,000 and 100,000 requests: indexed queries (the real code) against a full-table Scan.

The table of an in-process moto stack is filled directly — `batch_write_item` on the low-level client, 25 items per
call, several threads — with `chalicelib.requests.store.to_item(...)` of synthetic `Request`s (tenants hanoi and hcm,
every status, about 10 % overdue), no API calls. Then each list is timed through `RequestLists` (the code the routes
call): one untimed call, then the median of REPEATS. The contrast is a paginated full-table Scan with the same filter
(low-level client), and a GetItem of one request as a control. The first size is measured, the table is topped up to
the second, and everything is measured again.

What is measured, besides wall time: every DynamoDB call the list makes and what DynamoDB reports for it (Count,
ScannedCount — the items it had to read, which is what a real table's latency and bill follow).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from botocore.client import BaseClient

from .report import Section, machine_facts, table

SIZES = (1_000, 100_000)
LIMIT = 25  # page size of every list
SCAN = "Scan, same filter as inbox(overdue=True)"
FALLBACK_SIZE = 20_000  # used instead of the large size when loading it would take longer than LOAD_BUDGET
LOAD_BUDGET = 180.0  # seconds; estimated from the rate of the first load
REPEATS = 5
SCAN_REPEATS = 5
SLOW_RUN = 30.0  # seconds: a run this slow (moto's Scan at the large size) is measured once, without a warm-up
THREADS = 8
BATCH = 25
TENANTS = ("hanoi", "hcm")
SEED = 20261122

OPEN = ("open", "escalated", "transferred", "awaiting_approval")
# Share of each status: 40 % open in some form, 20 % answered, 40 % closed; a quarter of the open ones are overdue.
STATUS_WEIGHTS = {"open": 24, "escalated": 8, "transferred": 4, "awaiting_approval": 4, "answered": 20, "closed": 40}
OVERDUE_SHARE_OF_OPEN = 0.25
AGENTS = 20  # hotline requests are assigned to one of this many agents per tenant; `agent` is one of them


@dataclass
class Observed:
    """The DynamoDB calls one timed run made, with what DynamoDB answered."""

    calls: list[tuple[str, int, int]] = field(default_factory=list)  # (operation, Count, ScannedCount)


@contextmanager
def observing() -> Iterator[Observed]:
    """Record every DynamoDB call made on this thread and its Count / ScannedCount."""
    seen = Observed()
    thread = threading.get_ident()
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        response = original(self, operation_name, api_params)
        if threading.get_ident() == thread and self.meta.service_model.service_name == "dynamodb":
            count = response.get("Count", len(response.get("Responses", {}).get(api_params.get("TableName", ""), [])))
            if operation_name == "BatchGetItem":
                count = sum(len(v) for v in response.get("Responses", {}).values())
            elif operation_name == "GetItem":
                count = 1 if "Item" in response else 0
            seen.calls.append((operation_name, int(count), int(response.get("ScannedCount", count))))
        return response

    with mock.patch.object(BaseClient, "_make_api_call", spy):
        yield seen


# -- synthetic data ----------------------------------------------------------------------------------------------


def _ulid(rng: random.Random, at: datetime) -> str:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = (int(at.timestamp() * 1000) << 80) | rng.getrandbits(80)
    chars = []
    for _ in range(26):
        value, index = divmod(value, 32)
        chars.append(alphabet[index])
    return "".join(reversed(chars))


def synthetic_items(count: int, start: int, now: datetime) -> list[dict[str, Any]]:
    """`count` request items (low-level attribute maps), numbered from `start`, built with the store's own `to_item`."""
    from chalicelib.requests.domain import Category, Channel, Kind, Request, Status, reference_of
    from chalicelib.requests.store import to_item

    rng = random.Random(SEED + start)
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    channels = list(Channel)
    kinds, categories = list(Kind), list(Category)
    items = []
    for n in range(start, start + count):
        tenant = TENANTS[n % len(TENANTS)]
        received = now - timedelta(days=rng.uniform(0.1, 365))
        status = Status(rng.choices(statuses, weights)[0])
        channel = Channel.HOTLINE if rng.random() < 0.5 else rng.choice(channels)
        request = Request(
            id=_ulid(rng, received),
            reference="",
            tenant=tenant,
            channel=channel,
            kind=rng.choice(kinds),
            category=rng.choice(categories),
            subject=f"Chế độ thai sản khi sinh con — hỏi lần {n}",
            question="Tôi đóng BHXH bắt buộc được 8 tháng thì có được hưởng chế độ thai sản khi sinh con không? " * 2,
            customer_id=_ulid(rng, received),
            customer_name="Nguyễn Văn An",
            received_at=received,
            recorded_at=received,
            created_by=f"{tenant}.agent",
            status=status,
            version=rng.randint(1, 6),
        )
        request.reference = reference_of(request)
        if status.value in OPEN:
            overdue = rng.random() < OVERDUE_SHARE_OF_OPEN
            request.due_at = now - timedelta(hours=rng.uniform(1, 720)) if overdue else now + timedelta(hours=rng.uniform(1, 480))
            request.timer_id = f"{n:08x}"
            if channel is Channel.HOTLINE:
                number = rng.randrange(AGENTS)
                request.assignee = "agent" if number == 0 else f"agent-{number:02d}"
        else:
            request.answer, request.answered_at, request.answered_by = (
                "Ông/Bà được hưởng 6 tháng.",
                received + timedelta(hours=4),
                f"{tenant}.agent",
            )
        items.append(to_item(request).serialize())
    return items


def _size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it, roughly: attribute names plus values (UTF-8), numbers and booleans small."""
    total = 0
    for name, value in item.items():
        ((kind, raw),) = value.items()
        total += len(name.encode()) + (len(str(raw).encode()) if kind in ("S", "N") else 1)
    return total


def load(client: Any, table_name: str, items: list[dict[str, Any]]) -> float:
    """Write the items with batch_write_item (25 per call) on THREADS threads; returns the seconds it took."""
    started = time.perf_counter()
    batches = [items[i : i + BATCH] for i in range(0, len(items), BATCH)]

    def write(batch: list[dict[str, Any]]) -> None:
        pending: dict[str, Any] = {table_name: [{"PutRequest": {"Item": item}} for item in batch]}
        while pending:
            response = client.batch_write_item(RequestItems=pending)
            pending = response.get("UnprocessedItems") or {}

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(write, batches))
    return time.perf_counter() - started


# -- the queries -----------------------------------------------------------------------------------------------


@dataclass
class Timing:
    """One query at one size."""

    ms: list[float]
    calls: list[tuple[str, int, int]]
    returned: int

    @property
    def runs(self) -> int:
        """How many timed runs the median is of."""
        return len(self.ms)

    @property
    def median(self) -> float:
        """Median wall time, ms."""
        return statistics.median(self.ms)

    @property
    def scanned(self) -> int:
        """Items DynamoDB read (ScannedCount summed over the calls of one run)."""
        return sum(c[2] for c in self.calls)


def _time(run: Callable[[], int], repeats: int) -> Timing:
    """One untimed warm-up run, then `repeats` timed ones; a run slower than SLOW_RUN is measured once, warm-up included."""
    with observing() as seen:
        t0 = time.perf_counter()
        returned = run()  # warm: client, connection pool, first-use caches
        first = (time.perf_counter() - t0) * 1000
    if first > SLOW_RUN * 1000:
        return Timing([first], seen.calls, returned)
    ms: list[float] = []
    calls: list[tuple[str, int, int]] = []
    for _ in range(repeats):
        with observing() as seen:
            t0 = time.perf_counter()
            returned = run()
            ms.append((time.perf_counter() - t0) * 1000)
        calls = seen.calls
    return Timing(ms, calls, returned)


def scan_same_filter(client: Any, table_name: str, now: datetime, limit: int = 25) -> int:
    """The overdue list of hanoi without an index: Scan every page with the filter, sort by deadline, keep `limit`."""
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "FilterExpression": "#tenant = :tenant AND #type = :type AND #status IN (:s0, :s1, :s2, :s3) AND due_at < :now",
        "ExpressionAttributeNames": {"#tenant": "tenant", "#type": "type", "#status": "status"},
        "ExpressionAttributeValues": {
            ":tenant": {"S": "hanoi"},
            ":type": {"S": "Request"},
            ":now": {"S": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
            **{f":s{i}": {"S": s} for i, s in enumerate(OPEN)},
        },
    }
    while True:
        page = client.scan(**kwargs)
        found.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    found.sort(key=lambda i: i["due_at"]["S"])
    return len(found[:limit])


def measure(client: Any, table_name: str, sample_key: dict[str, Any]) -> dict[str, Timing]:
    """Every query once warm, then REPEATS timed runs each."""
    from chalicelib.bootstrap import container
    from chalicelib.requests.schemas import CentralQuery, RequestQuery
    from chalicelib.shared.tenancy import Principal, acting_for

    lists = container().request_lists
    now = container().clock.now()
    agent = Principal("hanoi.agent", "hanoi", frozenset({"agent"}))

    def inbox(**query: Any) -> Callable[[], int]:
        def run() -> int:
            with acting_for("hanoi"):  # as the route sets it
                return len(lists.inbox(tenant="hanoi", actor=agent, query=RequestQuery(limit=25, **query))[0])

        return run

    def central() -> int:
        with acting_for("ccc"):
            return len(lists.central(query=CentralQuery(overdue=True, limit=25))[0])

    return {
        "inbox(overdue=True)": _time(inbox(overdue=True), REPEATS),
        'inbox(status="closed")': _time(inbox(status="closed"), REPEATS),
        'inbox(assignee="me")': _time(inbox(assignee="me"), REPEATS),
        "central(overdue=True)": _time(central, REPEATS),
        "Scan, same filter as inbox(overdue=True)": _time(lambda: scan_same_filter(client, table_name, now), SCAN_REPEATS),
        "GetItem of one request (control)": _time(
            lambda: int("Item" in client.get_item(TableName=table_name, Key=sample_key)), REPEATS
        ),
    }


INDEX = {
    "inbox(overdue=True)": "GSI2 (open by due), key condition `GSI2SK < now`",
    'inbox(status="closed")': "GSI1 (status), newest first",
    'inbox(assignee="me")': "GSI3 (assignee)",
    "central(overdue=True)": "GSI4 (national open view), key condition `GSI4SK < now`",
    "Scan, same filter as inbox(overdue=True)": "none: Scan of the whole table, paginated (1 MB pages), filter, sort",
    "GetItem of one request (control)": "table key",
}


RECORD = Path(__file__).resolve().parent / "requests_scale.json"


def _commit() -> str:
    """HEAD, with `+changes` when chalicelib/ differs from it (what the run measured)."""
    import subprocess

    from .report import ROOT

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" + uncommitted changes in chalicelib/" if git("status", "--porcelain", "--", "chalicelib") else "")


def measure_all() -> dict[str, Any]:
    """Start a stack, load the small size, time, top up to the large size, time again; the raw numbers."""
    from . import dynamo_calls

    started = time.perf_counter()
    server, resources = dynamo_calls.start_stack(tenants=None)
    stack_seconds = time.perf_counter() - started
    record: dict[str, Any] = {
        "recorded_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "facts": machine_facts(),
        "stack_seconds": stack_seconds,
        "sizes": [],
        "loads": {},
        "item_counts": {},
        "item_bytes": {},
        "results": {},
        "notes": [],
        "commit": _commit(),
    }
    try:
        import boto3
        from botocore.config import Config

        from chalicelib.bootstrap import container

        client = boto3.client(
            "dynamodb",
            endpoint_url=resources.endpoint,
            region_name=resources.region,
            config=Config(max_pool_connections=THREADS * 2, retries={"max_attempts": 10, "mode": "standard"}),
        )
        now = container().clock.now()
        sizes = list(SIZES)
        loaded = 0
        sample_key: dict[str, Any] = {}
        for index, size in enumerate(sizes):
            t0 = time.perf_counter()
            items = synthetic_items(size - loaded, loaded, now)
            build = time.perf_counter() - t0
            sample_key = sample_key or {"PK": items[0]["PK"], "SK": items[0]["SK"]}
            write = load(client, resources.table_name, items)
            rate = len(items) / (build + write)
            print(f"  loaded {len(items):,} requests in {build + write:.1f} s ({rate:,.0f}/s)", file=sys.stderr, flush=True)
            loaded = size
            described = client.describe_table(TableName=resources.table_name)["Table"]
            record["sizes"].append(size)
            record["loads"][str(size)] = {"items": len(items), "build_s": build, "write_s": write}
            record["item_counts"][str(size)] = described["ItemCount"]
            record["item_bytes"][str(size)] = statistics.mean(_size(i) for i in items[:: max(len(items) // 500, 1)])
            timings = measure(client, resources.table_name, sample_key)
            record["results"][str(size)] = {name: asdict(t) for name, t in timings.items()}
            print(f"  measured at {size:,} ({time.perf_counter() - started:.0f} s so far)", file=sys.stderr, flush=True)
            if index + 1 < len(sizes):
                estimate = (sizes[index + 1] - loaded) / rate
                if estimate > LOAD_BUDGET:
                    record["notes"].append(
                        f"**Reduced size**: loading {sizes[index + 1]:,} would take about {estimate:.0f} s at the measured "
                        f"{rate:,.0f} requests/s (budget {LOAD_BUDGET:.0f} s), so the large size is {FALLBACK_SIZE:,}."
                    )
                    sizes[index + 1] = FALLBACK_SIZE
    finally:
        server.stop()
    record["seconds"] = time.perf_counter() - started
    return record


def _calls(t: Timing) -> str:
    return f"{len(t.calls)} call{'' if len(t.calls) == 1 else 's'}"


def render(record: dict[str, Any], *, fresh: bool) -> Section:
    """The section for a record, measured now or read from RECORD."""
    section = Section("Request lists at scale: indexed queries vs a full-table Scan")
    small, large = record["sizes"]
    results = {int(k): {n: Timing(**t) for n, t in v.items()} for k, v in record["results"].items()}
    if not fresh:
        section.add(
            f"**Recorded run of {record['recorded_at']}** (`bench/requests_scale.json`; it takes about "
            f"{record['seconds'] / 60:.0f} min, so `python -m bench` reuses it: re-measure with `python -m bench --scale`).",
            "",
            "Machine at the time of the recorded run:",
            "",
            *record["facts"],
            "",
        )
    loads = record["loads"]
    section.add(
        f"Code measured: {record.get('commit', 'unknown')}.",
        f"In-process moto server (stack up in {record['stack_seconds']:.1f} s). Synthetic requests written straight into the",
        f"table with `batch_write_item` ({BATCH} per call, {THREADS} threads) of `to_item(...)`: tenants hanoi and hcm",
        "alternately, statuses " + ", ".join(f"{k} {v} %" for k, v in STATUS_WEIGHTS.items()) + "; a quarter of the open",
        f"ones overdue (10 % of all); open hotline requests assigned to one of {AGENTS} agents per tenant (`agent` is one).",
        "Request items only (no timeline events, customer links or customers): the table holds exactly the requests.",
        "Loading: "
        + "; ".join(
            f"{int(k):,} requests (+{v['items']:,} in {v['build_s'] + v['write_s']:.1f} s, "
            f"{v['items'] / (v['build_s'] + v['write_s']):,.0f}/s)"
            for k, v in loads.items()
        )
        + ". Item count reported by moto: "
        + ", ".join(f"{v:,}" for v in record["item_counts"].values())
        + f"; mean item size ≈ {statistics.mean(record['item_bytes'].values()):,.0f} bytes (DynamoDB's rule: names + values).",
        "",
        "Each list through `container().request_lists` (what the routes call), tenant hanoi, limit 25, actor `hanoi.agent`;",
        f"one untimed call, then the median of {REPEATS} timed ones (a run slower than {SLOW_RUN:.0f} s is timed once, cold).",
        "",
    )
    rows = []
    for name in results[small]:
        a, b = results[small][name], results[large][name]
        ratio = b.median / a.median if a.median else float("nan")
        work = b.scanned / a.scanned if a.scanned else float("nan")
        runs = "" if a.runs == b.runs == REPEATS else f" ({a.runs} / {b.runs} runs)"
        rows.append(
            (
                f"`{name}`",
                INDEX[name],
                f"{a.median:,.1f}",
                f"{b.median:,.1f}",
                f"**{ratio:,.1f}×**{runs}",
                f"{len(a.calls)} / {len(b.calls)} {', '.join(sorted({c[0] for c in b.calls}))}",
                f"{a.scanned:,} / {b.scanned:,}",
                f"**{work:,.1f}×**",
                f"{a.returned} / {b.returned}",
            )
        )
    label = f"{large // 1000}k / {small // 1000}k"
    section.add(
        *table(
            [
                "List",
                "Served by",
                f"ms @ {small:,}",
                f"ms @ {large:,}",
                f"time ratio {label}",
                "DynamoDB calls (small / large)",
                "items DynamoDB read (ScannedCount, small / large)",
                f"read ratio {label}",
                "returned",
            ],
            rows,
            ["l", "l", "r", "r", "r", "l", "r", "r", "r"],
        )
    )
    checks = []
    for name in results[small]:
        if name.startswith(("Scan", "GetItem")):
            continue
        a, b = results[small][name], results[large][name]
        flat = all(len(t.calls) == 1 and t.scanned <= LIMIT for t in (a, b))
        checks.append(
            f"- {'PASS' if flat else '**FAIL**'}: `{name}` is one call reading at most {LIMIT} items at both sizes "
            f"({_calls(a)} reading {a.scanned} items / {_calls(b)} reading {b.scanned} items)."
        )
        if not flat:
            section.failures.append(
                f"`{name}` at scale: {len(b.calls)} DynamoDB calls reading {b.scanned} items for a page of {LIMIT}"
            )
    scan_a, scan_b = results[small][SCAN], results[large][SCAN]
    checks.append(
        f"- The Scan reads the whole table: {scan_a.scanned:,} items in {_calls(scan_a)} at {small:,}, {scan_b.scanned:,} "
        f"items in {_calls(scan_b)} at {large:,} ({scan_b.scanned / scan_a.scanned:,.0f}× the items, "
        f"{len(scan_b.calls) / len(scan_a.calls):,.0f}× the calls; moto's time {scan_b.median / scan_a.median:,.0f}×)."
    )
    section.add("", *checks, *[f"- {n}" for n in record["notes"]], *FINDINGS)
    section.seconds = record["seconds"] if fresh else 0.0
    if not fresh:
        section.add("", f"_Recorded run took {record['seconds']:.1f} s (not re-run now)._")
    return section


FINDINGS = (
    "- **For what DynamoDB would do, read the ScannedCount columns, not moto's times.** A Query costs what it reads: the",
    "  indexed lists read at most one page (25 items) in one call whatever the table holds; the Scan reads every item.",
    "- **moto's times grow for the indexed lists too; that is moto, not the design.** moto answers every Query — on the",
    "  table or on a GSI — by walking all the table's items in Python and sorting the matches (`moto/dynamodb/models/",
    "  table.py`, `Table.query`: `for item in self.all_items()`), so a Query costs O(table) there (`central` also sorts both",
    "  tenants' open requests, hence the slowest). Its Scan is worse than linear: every 1 MB page sorts the",
    "  whole table again (`Table.all_items` → `sorted`) and skips the earlier pages item by item — O(table² / page).",
    "  The GetItem control (a dict look-up in moto) stays flat: the harness does not slow down with the table.",
    "- Since 2026-12-01 the local stack patches moto (local/moto_patches.py) so that a Query reads only its partition;",
    "  a run recorded before then shows moto as shipped.",
)


def run(measure_now: bool | None = None) -> Section:
    """Measure (with `--scale` or BENCH_SCALE=1, or when nothing is recorded) or render the recorded run."""
    if measure_now is None:
        measure_now = os.environ.get("BENCH_SCALE") == "1" or not RECORD.exists()
    if measure_now:
        record = measure_all()
        RECORD.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"  wrote {RECORD}", file=sys.stderr)
        return render(record, fresh=True)
    return render(json.loads(RECORD.read_text(encoding="utf-8")), fresh=False)


if __name__ == "__main__":
    print(run(measure_now=True).markdown())
