"""A year of plausible request activity for `make run` and the benchmarks (issue 11, "Demo data that makes it real").

`seed_year` draws `size` requests over the 365 days ending today for the CCC and the provinces of shape.py that
are being seeded, and lives each one (lives.py) on the request aggregate at backdated times, written through the
request store's `commit` with the statistics' recorder (writer.py): the counters are what production would have
kept, never written by hand. `check` then runs the `kpi-reconcile` recount over one office's month and says
whether it found anything to fix — the proof that the generator's requests and counters agree.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.reports.periods import Period
from chalicelib.reports.reconcile import KpiReconciler, Outcome
from chalicelib.shared.clock import to_local
from chalicelib.shared.permissions import CENTRAL_TENANT
from chalicelib.shared.tenancy import across, acting_for

from .lives import Life, World
from .shape import BY_CODE, OFFICES, days_of_year, person, season
from .writer import Batches, Stores, customer, stores

SEED = "demo-year-2026"
DEFAULT_SIZE = 1_500
PEOPLE_PER_REQUESTS = 6  # an office's customers: one for every few requests (people call again), 12 to 400


@dataclass(frozen=True)
class YearReport:
    """What a seed wrote: requests (follow-ups and the provinces' copies of transfers included) and seconds."""

    requests: int
    seconds: float
    offices: tuple[str, ...]


def plan(*, size: int, offices: Iterable[str], today: date, seed: str = SEED) -> list[tuple[str, date]]:
    """`size` (office, day of receipt) pairs drawn by the offices' weights and the days' season, oldest first."""
    codes = [c for c in offices if c in BY_CODE]
    if not codes:
        return []
    rng = random.Random(f"{seed}:plan")
    days = days_of_year(today)
    picked = zip(
        rng.choices(codes, weights=[BY_CODE[c].weight for c in codes], k=size),
        rng.choices(days, weights=[season(d) for d in days], k=size),
        strict=True,
    )
    return sorted(picked, key=lambda p: (p[1], p[0]))


def world(written: Stores, *, calendar: Any, offices: list[str], counts: dict[str, int], now: datetime, seed: str) -> World:
    """Each office's customers, made a year ago; the CCC's callers each from a province being seeded, with a copy there."""
    rng = random.Random(f"{seed}:people")
    made = now - timedelta(days=366)
    provinces = [c for c in offices if c != CENTRAL_TENANT]
    found = World(calendar, now, {})
    for code in offices:
        people = min(max(counts.get(code, 0) // PEOPLE_PER_REQUESTS, 12), 400)
        found.customers[code] = []
        for _ in range(people):
            home = rng.choice(provinces) if code == CENTRAL_TENANT and provinces else code
            name, id_number, phone = person(rng, BY_CODE[home].province_code or "001")
            ids = customer(written, tenant=code, at=made, name=name, id_number=id_number, phone=phone)
            found.customers[code].append(ids)
            if home != code:
                found.home[ids[0]] = home
                found.copies[(ids[0], home)] = customer(
                    written, tenant=home, at=made, name=name, id_number=id_number, phone=phone
                )
    return found


def seed_year(
    *,
    calendar: Any,
    tenants: Iterable[str],
    size: int = DEFAULT_SIZE,
    now: datetime | None = None,
    seed: str = SEED,
    threads: int = 2,
) -> tuple[YearReport, Stores]:
    """Write a year of requests ending `now` for the shape's offices among `tenants` (`calendar`: the SLA service)."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    offices = [o.code for o in OFFICES if o.code in set(tenants)]
    written = stores(calendar)
    days = plan(size=size, offices=offices, today=to_local(now).date(), seed=seed)
    counts: dict[str, int] = {}
    for code, _ in days:
        counts[code] = counts.get(code, 0) + 1
    shared = world(written, calendar=calendar, offices=offices, counts=counts, now=now, seed=seed)
    provinces = [c for c in offices if c != CENTRAL_TENANT]

    def live(job: tuple[int, tuple[str, date]]) -> None:
        n, (code, day) = job
        with acting_for(code), across(*(provinces if code == CENTRAL_TENANT else ())):
            Life(shared, Batches(written), random.Random(f"{seed}:{n}"), code, day).run()

    if threads > 1:
        pool = ThreadPoolExecutor(threads)
        try:
            list(pool.map(live, enumerate(days), chunksize=16))
        finally:  # a Ctrl+C stops at the days being written, not after every day still queued (minutes)
            pool.shutdown(cancel_futures=True)
    else:
        for job in enumerate(days):
            live(job)
    return YearReport(len(written.written), round(time.perf_counter() - started, 1), tuple(offices)), written


def check(written: Stores, *, tenant: str, month: Period) -> Outcome:
    """The `kpi-reconcile` recount of one office's month over what was written: `fixed` 0 when requests and counters agree."""
    reconciler = KpiReconciler(requests=written.requests, counters=written.counters, recorder=written.recorder)
    with acting_for(tenant):
        return reconciler.reconcile(tenant=tenant, month=month)


def seed_and_check(calendar: Any, tenants: Iterable[str], *, size: int = DEFAULT_SIZE) -> str:
    """`make run`'s demo year and its reconcile check on the busiest office's last full month, as a console line."""
    print(f"Seeding a year of demo requests ({size:,})…", flush=True)
    report, written = seed_year(calendar=calendar, tenants=tenants, size=size)
    if not report.offices:
        return "Demo year: none of its offices is being seeded."
    tenant = report.offices[0]
    month = Period.month(to_local(datetime.now(UTC)).date()).previous()
    outcome = check(written, tenant=tenant, month=month)
    verdict = "found nothing to fix" if outcome.fixed == 0 else f"FIXED {outcome.numbers} counters (a generator bug)"
    return (
        f"Demo year seeded in {report.seconds} s: {report.requests:,} requests of {', '.join(report.offices)}; "
        f"kpi-reconcile of {tenant} {month.text} {verdict}."
    )
