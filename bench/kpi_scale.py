"""League table and dashboard with 1,000 vs 1,000,000 requests behind them; reconcile of a 30,000-request month.

Everything comes from the demo year's generator (local/demo_year) on the in-process moto stack:

1. The small year (to 30/11/2025): 1,000 real requests — each lived on the aggregate and written through the
   request store's `commit` with the counters' recorder, as `make run` seeds them.
2. The large year (to 30/11/2026), 1,000,000 behind it: REAL real requests the same way (what moto holds in
   reasonable time: a commit with its counter updates costs moto 50–70 ms), then the rest as lives whose every batch
   of steps is turned into counter ADDs by the same code (`reports.facts.difference` of the facts before and after,
   at the step's time), merged per item and added with `DynamoCounterStore.adjust` — the counters of those requests
   without their items (a life costs ~0.5 ms; the ADDs, one per counter item, cost what moto takes to apply them).
   `ReportService.league` and `dashboard` are then read for each year's own periods, small and large interleaved:
   READS reads after 2 warm ones, median and p90, every DynamoDB call and the items DynamoDB returned. The items
   read cannot grow with the requests (one totals item per office and period, reports/store.py), nor can their
   attributes: the dimension values live in the period's other item, which these reads do not touch.
3. Reconcile: one office-month of 30,000 requests written as the request store's own items (`to_item` with their
   counted facts, BatchWriteItem) and their counters added by the same code; then the `kpi-reconcile` recount of that
   month is timed, with the items it read — it must find nothing to fix.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from .report import Section, median, table
from .requests_scale import observing

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # 10:00 on a Monday in Vietnam: the year of the large table
SMALL_NOW = datetime(2025, 11, 30, 3, 0, tzinfo=UTC)  # the year before: the 1,000 requests' own periods
OFFICES = ("ccc", "hanoi", "hcm", "danang", "haiphong", "cantho", "quangninh")
SMALL, LARGE = 1_000, 1_000_000
REAL = 4_000  # real requests of the large year
RECONCILE = 30_000
RECONCILE_TENANT, RECONCILE_MONTH = "hue", "2026-10"
READS = 21


class CountersOnly:
    """A life's steps turned into the counter ADDs their commits would carry, merged, without the request items."""

    def __init__(self, recorder: Any, sink: dict[tuple[str, str], Counter[str]], *, keep: bool = True) -> None:
        self._recorder, self._sink, self._keep = recorder, sink, keep
        self._held: dict[str, Any] = {}
        self._at: datetime | None = None
        self.seen: dict[str, Any] = {}  # every request it flushed, as it stands (unless `keep` is off)

    def step(self, at: datetime, requests: list[Any], **_: Any) -> None:
        """Hold the step's requests (a month's steps together, as `Batches` does)."""
        if self._at is not None and (at.year, at.month) != (self._at.year, self._at.month):
            self.flush()
        for request in requests:
            self._held.setdefault(request.id, request)
        self._at = at

    def flush(self) -> None:
        """The difference each held request makes, at the time of the last step (requests/store.py `commit`'s part)."""
        from chalicelib.reports.facts import NOTHING, Facts, difference
        from chalicelib.shared.clock import to_local

        if self._at is None:
            return
        today = to_local(self._at).date()
        for request in self._held.values():
            after = self._recorder.counted(request)
            before = Facts.of_body(request.counted) if request.counted is not None else NOTHING
            for key, values in difference(before, Facts.of_body(after), today=today).items():
                self._sink.setdefault((request.tenant, key), Counter()).update(values)
            request.counted, request.version = after, request.version + 1
            request.history.extend(request.new_events)
            request.new_events = []
            if self._keep:
                self.seen[request.id] = request
        self._held, self._at = {}, None


def _counters_only(calendar: Any, written: Any, *, size: int, seed: str) -> tuple[float, int]:
    """`size` lives of the demo year turned into counter ADDs (seconds, counter items touched)."""
    from chalicelib.shared.tenancy import across, acting_for
    from local.demo_year import plan
    from local.demo_year.lives import Life, World

    started = time.perf_counter()
    fake = {code: [(f"bench-{code}-{n}", "Khách hàng") for n in range(50)] for code in OFFICES}
    world = World(calendar, NOW, fake)
    sink: dict[tuple[str, str], Counter[str]] = {}
    for n, (code, day) in enumerate(plan(size=size, offices=OFFICES, today=NOW.date(), seed=seed)):
        with acting_for(code), across(*OFFICES):
            Life(world, CountersOnly(written.recorder, sink, keep=False), random.Random(f"{seed}:{n}"), code, day).run()
    _add(written, sink)
    return time.perf_counter() - started, len(sink)


def _add(written: Any, sink: dict[tuple[str, str], Counter[str]]) -> None:
    from chalicelib.shared.tenancy import acting_for

    by_tenant: dict[str, dict[str, dict[str, int]]] = {}
    for (tenant, key), values in sink.items():
        by_tenant.setdefault(tenant, {})[key] = {k: v for k, v in values.items() if v}
    for tenant, deltas in by_tenant.items():
        with acting_for(tenant):
            written.counters.adjust(tenant=tenant, deltas=deltas)


def _reads(services: Any, now: datetime) -> dict[str, Callable[[], Any]]:
    from chalicelib.reports.indicators import BY_KEY
    from chalicelib.reports.periods import Period

    month, today = Period.month(now.date()).previous(), now.date()
    return {
        "league, instant_rate, last month": lambda: services.league(period=month, indicator=BY_KEY["instant_rate"]),
        "league, satisfaction_rate, last month": lambda: services.league(period=month, indicator=BY_KEY["satisfaction_rate"]),
        "dashboard, national": lambda: services.dashboard(tenant=None, now=now, today=today),
        "dashboard, ccc": lambda: services.dashboard(tenant="ccc", now=now, today=today),
    }


def _measure(services: Any) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Each read of the small year and of the large one, interleaved (the machine's load falls on both alike)."""
    from chalicelib.shared.tenancy import acting_for, allow_national_reads

    sides = (_reads(services, SMALL_NOW), _reads(services, NOW))
    found: tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]] = ({}, {})
    with acting_for("ccc"):
        allow_national_reads()
        for name in sides[0]:
            times: tuple[list[float], list[float]] = ([], [])
            for n in range(READS + 2):
                for side, reads in enumerate(sides):
                    with observing() as seen:
                        tick = time.perf_counter()
                        reads[name]()
                        if n >= 2:
                            times[side].append((time.perf_counter() - tick) * 1000)
                    calls = Counter(op for op, _, _ in seen.calls)
                    found[side][name] = {
                        "items": sum(count for _, count, _ in seen.calls),
                        "calls": ", ".join(f"{op} × {c}" for op, c in sorted(calls.items())),
                    }
            for side in (0, 1):
                found[side][name]["median"] = median(times[side])
                found[side][name]["p90"] = sorted(times[side])[int(0.9 * (len(times[side]) - 1))]
    return found


def _export_year() -> list[dict[str, Any]]:
    """The statistics report of the large year (2026) for the busiest office and for the CCC, as PDF and XLSX: the
    report-export job's document (reports/exports.py) built from the counters, then each writer timed."""
    import tempfile
    from pathlib import Path

    from chalicelib.bootstrap import container
    from chalicelib.jobs.documents import write_pdf, write_xlsx
    from chalicelib.reports import views
    from chalicelib.reports.exports import statistics_document
    from chalicelib.reports.periods import Period
    from chalicelib.reports.selection import of_period
    from chalicelib.shared.tenancy import acting_for

    c, today, found = container(), NOW.date(), []
    selection = of_period(Period.year(NOW.date()))
    with tempfile.TemporaryDirectory() as folder:
        for tenant in ("hanoi", "ccc"):
            with acting_for(tenant), observing() as seen:
                tick = time.perf_counter()
                units = {u.id: u.name for u in c.tenancy.list_units(tenant=tenant, include_inactive=True)}
                tables = views.office_statistics(
                    c.reports, tenant=tenant, selection=selection, today=today, link=lambda d, v: None, units=units
                )
                document, name = statistics_document(tables, tenant=tenant, selection=selection, today=today)
                built = time.perf_counter() - tick
            rows = sum(len(t.rows) for t in tables.tables())
            for fmt, writer in (("pdf", write_pdf), ("xlsx", write_xlsx)):
                path = Path(folder) / f"{name}.{fmt}"
                tick = time.perf_counter()
                writer(document, path, progress=lambda n: None)
                found.append(
                    {
                        "tenant": tenant,
                        "format": fmt.upper(),
                        "read": built,
                        "items": sum(count for _, count, _ in seen.calls),
                        "rows": rows,
                        "seconds": time.perf_counter() - tick,
                        "kb": path.stat().st_size / 1024,
                    }
                )
    return found


def _reconcile_month(written: Any, size: int) -> dict[str, Any]:
    """30,000 requests of one office-month as the store's items and their counters, then the recount of the month."""
    from chalicelib.reports.periods import Period
    from chalicelib.requests.store import RequestItem, to_item
    from chalicelib.shared.tenancy import acting_for
    from local.demo_year.lives import Life, World

    month = Period.parse(RECONCILE_MONTH)
    end = datetime.combine(month.end, datetime.max.time(), UTC) - timedelta(hours=8)
    calendar = written.recorder._calendars
    world = World(calendar, end, {RECONCILE_TENANT: [(f"bench-hue-{n}", "Khách hàng") for n in range(400)]})
    rng = random.Random("reconcile")
    days = [d for d in month.days() if d.weekday() < 6]
    sink: dict[tuple[str, str], Counter[str]] = {}
    made: list[Any] = []
    started = time.perf_counter()
    for n in range(size):
        steps = CountersOnly(written.recorder, sink)
        with acting_for(RECONCILE_TENANT):
            Life(world, steps, random.Random(f"reconcile:{n}"), RECONCILE_TENANT, rng.choice(days)).run()
        made.extend(steps.seen.values())
    _add(written, sink)
    with acting_for(RECONCILE_TENANT), RequestItem.batch_write() as batch:
        for request in made:
            batch.save(to_item(request))
    write_seconds = time.perf_counter() - started
    with acting_for(RECONCILE_TENANT), observing() as seen:
        tick = time.perf_counter()
        from local.demo_year import check

        outcome = check(written, tenant=RECONCILE_TENANT, month=month)
        seconds = time.perf_counter() - tick
    calls = Counter(op for op, _, _ in seen.calls)
    return {
        "requests": len({r.id for r in made}),
        "write": write_seconds,
        "seconds": seconds,
        "items": sum(count for _, count, _ in seen.calls),
        "calls": ", ".join(f"{op} × {n}" for op, n in sorted(calls.items())),
        "outcome": outcome,
    }


def run(small_size: int = SMALL, real: int = REAL, large_size: int = LARGE, reconcile: int = RECONCILE) -> Section:
    """Measure and report (smaller sizes for a trial run: `python -m bench.kpi_scale 100 100 2000 500`)."""
    from .dynamo_calls import start_stack

    section = Section("Report counters at scale: league table and dashboard, 1,000 vs 1,000,000 requests; reconcile of 30,000")
    started = time.perf_counter()
    server, _ = start_stack(tenants=None)
    try:
        from chalicelib.bootstrap import container
        from local.demo_year import seed_year

        calendar = container().sla
        first, written = seed_year(calendar=calendar, tenants=OFFICES, size=small_size, now=SMALL_NOW, seed="bench-small")
        print(f"kpi_scale: {first.requests:,} real requests in {first.seconds} s", file=sys.stderr, flush=True)
        more, _ = seed_year(calendar=calendar, tenants=OFFICES, size=real, now=NOW, seed="bench-real")
        print(f"kpi_scale: +{more.requests:,} real requests in {more.seconds} s", file=sys.stderr, flush=True)
        rest = large_size - real
        counted_seconds, touched = _counters_only(calendar, written, size=rest, seed="bench-counters")
        print(f"kpi_scale: +{rest:,} as counters in {counted_seconds:.0f} s", file=sys.stderr, flush=True)
        small, large = _measure(container().reports)
        exported = _export_year()
        reconciled = _reconcile_month(written, reconcile)
    finally:
        server.stop()
    _report(section, first.requests, first.seconds, more.requests, more.seconds, rest, counted_seconds, touched, small, large)
    _report_exports(section, exported)
    _report_reconcile(section, reconciled)
    section.seconds = time.perf_counter() - started
    return section


def _bound(name: str) -> int:
    """The most items a read may return whatever the volume: one per office and period it asks for (the catalogue's
    35 offices; the CCC's own dashboard one), plus the dashboard's five worst overdue requests. Fewer come back
    where an office had no request that day or month — which is why the small year's reads return fewer."""
    from chalicelib.reports.service import WORST
    from chalicelib.tenancy.catalog import TENANTS

    offices = 1 if name.endswith(", ccc") else len(TENANTS)
    return offices * 2 if name.startswith("league") else offices * 3 + WORST


def _report(
    section: Section,
    small_n: int,
    small_s: float,
    more_n: int,
    more_s: float,
    rest: int,
    rest_s: float,
    touched: int,
    small: dict[str, dict[str, Any]],
    large: dict[str, dict[str, Any]],
) -> None:
    section.add(
        f"Small: the year to {SMALL_NOW:%d/%m/%Y}, {small_n:,} real requests (the lives with their follow-ups and the "
        f"provinces' copies of transfers) in {small_s:.0f} s. Large: the year to {NOW:%d/%m/%Y}, {more_n:,} real "
        f"requests in {more_s:.0f} s, then {rest:,} lives as counters only in {rest_s:.0f} s ({touched:,} counter items "
        f"added to). Both in one table; offices {', '.join(OFFICES)}. Each read is of its own year's periods (the "
        f"league: last month and the month before; the dashboard: that day, that month and the NOW gauge, which both "
        f"share). {READS} reads of each after 2 warm ones, small and large interleaved, in the CCC's national scope.",
        "",
    )
    rows = []
    for name in small:
        a, b = small[name], large[name]
        rows.append(
            (
                name,
                a["items"],
                b["items"],
                a["calls"],
                f"{a['median']:.2f}",
                f"{b['median']:.2f}",
                f"{b['p90']:.2f}",
                f"**{b['median'] / a['median']:.2f}×**",
            )
        )
        if b["median"] > a["median"] * 1.2:
            section.failures.append(f"{name}: OVER TARGET, {b['median'] / a['median']:.2f}× the small year's time (≤ 1.2×)")
        if b["items"] > _bound(name):
            section.failures.append(f"{name}: OVER TARGET, {b['items']} items read (≤ {_bound(name)}: offices × periods)")
    headers = ("Read", "Items, small", "Items, large", "Calls", "Median ms, small", "Median ms, large", "p90 ms, large", "Ratio")
    section.add(*table(headers, rows, ["l", "r", "r", "l", "r", "r", "r", "r"]), "")


def _report_exports(section: Section, found: list[dict[str, Any]]) -> None:
    rows = [
        (
            f"{f['tenant']}, {NOW.year}, {f['format']}",
            f["items"],
            f["rows"],
            f"{f['read']:.2f}",
            f"{f['seconds']:.2f}",
            f"{f['kb']:.0f}",
        )
        for f in found
    ]
    headers = ("Yearly statistics report", "Items read", "Table rows", "Read and build s", "Write s", "File KB")
    section.add(
        "The yearly report an office files (the report-export job's document: every table of the statistics page, the "
        "KPIs' trend charts, the definitions), of the large year:",
        "",
        *table(headers, rows, ["l", "r", "r", "r", "r", "r"]),
        "",
    )


def _report_reconcile(section: Section, found: dict[str, Any]) -> None:
    outcome = found["outcome"]
    section.add(
        f"Reconcile of {RECONCILE_TENANT} {RECONCILE_MONTH}: {found['requests']:,} requests written as request items "
        f"(BatchWriteItem of `to_item`) with their counters in {found['write']:.0f} s; the recount read "
        f"{found['items']:,} items ({found['calls']}) in **{found['seconds']:.1f} s** and fixed {outcome.fixed} "
        f"of {outcome.checked} counter items.",
    )
    if outcome.fixed:
        section.failures.append(f"reconcile at {found['requests']:,}: found {outcome.numbers} counters to fix (should be none)")


if __name__ == "__main__":
    print(run(*(int(a) for a in sys.argv[1:5])).markdown())
