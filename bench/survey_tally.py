"""The tally of a survey with 1,000 vs 100,000 responses: items read and time to read it (issue 9, "Measured").

The counters are written as the survey's own writes would write them, through `chalicelib/surveys/tally_store.py`
on the in-process moto stack: the sample draw, the invitations and the opened links as one `add` per stratum and day
(a system event), then every submission as its own transaction carrying the parts `increments` gives for the
member's step to `completed` (the lead's store adds the member and answer items to that same transaction). Both
surveys have the same design — 6 strata, 30 days of collection — so only the number of responses differs. Reading
the tally is `DynamoTallyStore.read`: one paged Query of the part's partition, timed over 21 reads of each survey
after 2 warm ones, the two surveys' reads interleaved so that the shared machine's load falls on both alike. The
figure is the ratio 100,000 / 1,000 (goal: items read O(strata × days), the same for both; time ≈ 1×).
"""

from __future__ import annotations

import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .dynamo_calls import start_stack
from .report import Section, median, table

SIZES = (1_000, 100_000)
STRATA = tuple(f"hanoi|{channel}|{group}" for channel in ("hotline", "counter", "online") for group in ("nld", "hgd"))
DAYS = 30
FIRST_DAY = date(2026, 3, 2)
READS = 21
WRITERS = 4
TENANT = "hanoi"


def _cells(responses: int) -> Counter[tuple[str, date]]:
    """How many responses fall on each stratum and day (round robin: every cell gets its share)."""
    cells: Counter[tuple[str, date]] = Counter()
    for n in range(responses):
        cells[(STRATA[n % len(STRATA)], FIRST_DAY + timedelta(days=(n // len(STRATA)) % DAYS))] += 1
    return cells


def _write(store: Any, survey_id: str, responses: int) -> tuple[float, int]:
    """The survey's counters as its writes make them; (seconds, transactions) of the submissions."""
    from chalicelib.adapters.unit_of_work import commit
    from chalicelib.shared.tenancy import acting_for
    from chalicelib.surveys.tally import advance, reached_with
    from chalicelib.surveys.tally_store import add_parts

    at = datetime(2026, 3, 2, 3, tzinfo=UTC)
    cells = _cells(responses)
    before = advance(frozenset(), "started")  # planned, invited, delivered, opened, started; disposition P
    for (stratum, day), count in cells.items():
        counts = {name: value * count for name, value in before.counts.items()}
        store.add(tenant=TENANT, survey_id=survey_id, stratum=stratum, day=day, counts=counts, event_id=f"{stratum}#{day}", at=at)
    submit = advance(reached_with((), "started"), "completed").counts  # completed +1, P -1, I +1
    jobs = [(stratum, day) for (stratum, day), count in cells.items() for _ in range(count)]

    def one(job: tuple[str, date]) -> None:
        with acting_for(TENANT):  # each submission is its own invocation, in its tenant's scope
            parts = store.increments(tenant=TENANT, survey_id=survey_id, stratum=job[0], day=job[1], counts=submit)
            commit(lambda tx: add_parts(tx, parts))

    started = time.perf_counter()
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(one, jobs, chunksize=64))
    return time.perf_counter() - started, len(jobs)


def _read(store: Any, surveys: list[str]) -> list[dict[str, Any]]:
    """Each survey's tally read READS times, the surveys interleaved (the machine's load falls on both alike)."""
    from chalicelib.adapters import dynamo

    for survey_id in surveys:
        for _ in range(2):
            store.read(tenant=TENANT, survey_id=survey_id)
    calls: dict[str, Counter[str]] = {s: Counter() for s in surveys}
    times: dict[str, list[float]] = {s: [] for s in surveys}
    tallies: dict[str, Any] = {}
    for _ in range(READS):
        for survey_id in surveys:
            stop = dynamo.on_call(lambda operation_name, s=survey_id: calls[s].update([operation_name]))
            try:
                tick = time.perf_counter()
                tallies[survey_id] = store.read(tenant=TENANT, survey_id=survey_id)
                times[survey_id].append((time.perf_counter() - tick) * 1000)
            finally:
                stop()
    return [
        {
            "tally": tallies[s],
            "items": len(tallies[s].strata) + len(tallies[s].days),
            "calls": {op: n // READS for op, n in calls[s].items()},
            "median": median(times[s]),
            "p90": sorted(times[s])[int(0.9 * (len(times[s]) - 1))],
        }
        for s in surveys
    ]


def run(sizes: tuple[int, ...] = SIZES) -> Section:
    """Measure and report."""
    section = Section("Survey tally: items read and time to read it, 1,000 vs 100,000 responses")
    started = time.perf_counter()
    server, _ = start_stack(tenants=None)
    try:
        from chalicelib.shared.tenancy import acting_for
        from chalicelib.surveys.tally_store import DynamoTallyStore

        store = DynamoTallyStore()
        tag = uuid.uuid4().hex[:6]
        surveys = [f"bench-{size}-{tag}" for size in sizes]
        with acting_for(TENANT):
            written = [_write(store, survey_id, size) for survey_id, size in zip(surveys, sizes, strict=True)]
            reads = _read(store, surveys)
        results = []
        for size, (seconds, transactions), read in zip(sizes, written, reads, strict=True):
            overall = read["tally"].overall
            if overall["completed"] != size or overall["aapor_P"] != 0:
                section.failures.append(f"{size:,} responses: the tally says {overall['completed']:,} completed")
            results.append((size, seconds, transactions, read))
        section.add(
            __doc__.split("\n\n", 1)[1].strip(),  # type: ignore[union-attr]
            "",
            *table(
                (
                    "Responses",
                    "Submissions written (transactions)",
                    "Write time, s (4 threads, moto)",
                    "Items read",
                    "DynamoDB calls per read",
                    "Read, median ms",
                    "Read, p90 ms",
                    "RR1 overall",
                ),
                [
                    (
                        f"{size:,}",
                        f"{tx:,}",
                        f"{seconds:.1f}",
                        r["items"],
                        ", ".join(f"{op} × {n}" for op, n in sorted(r["calls"].items())),
                        f"{r['median']:.2f}",
                        f"{r['p90']:.2f}",
                        f"{r['tally'].overall.rr1:.3f}",
                    )
                    for size, seconds, tx, r in results
                ],
                ["r", "r", "r", "r", "l", "r", "r", "r"],
            ),
        )
        if len(results) >= 2:
            small, large = results[0][3], results[-1][3]
            item_ratio = large["items"] / small["items"]
            time_ratio = large["median"] / small["median"]
            section.add(
                "",
                f"**Ratio {results[-1][0]:,} / {results[0][0]:,} responses: items read {item_ratio:.2f}×, "
                f"read time {time_ratio:.2f}×** (items = strata × days + strata = "
                f"{len(STRATA)} × {DAYS} + {len(STRATA)} = {len(STRATA) * (DAYS + 1)}; never a member or an answer).",
            )
            if item_ratio > 1.0:
                section.failures.append(f"Survey tally: OVER TARGET, items read grow {item_ratio:.2f}× with responses")
            if time_ratio > 1.5:
                section.failures.append(f"Survey tally: read time {time_ratio:.2f}× at {results[-1][0]:,} responses")
    finally:
        server.stop()
    section.seconds = time.perf_counter() - started
    return section


if __name__ == "__main__":
    chosen = tuple(int(a) for a in sys.argv[1:]) or SIZES
    print(run(chosen).markdown())
