"""What the rate limits and the sign-in throttle cost: DynamoDB calls and time per call, with the limits on and off.

Through chalice's test client against moto's server in this process (the stack of `dynamo_calls`), as the agent of
`hanoi`: `GET /api/me` alternately with the limits counted (the production settings, raised so that the run never
trips them — counting costs the same at any limit) and off, then a sign-in that succeeds and one that fails, then a
call of a user whose window is full. DynamoDB calls are counted by `chalicelib.adapters.dynamo.on_call`; times are
moto's over loopback — the calls, not the milliseconds, carry over to DynamoDB (single-digit ms per UpdateItem
in the region).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .dynamo_calls import Api, Reply, start_stack
from .report import Section, median, table

CALLS = 300
TENANT = "hanoi"


@contextmanager
def counted() -> Iterator[Counter[str]]:
    """DynamoDB operations made inside the block, by name."""
    from chalicelib.adapters import dynamo

    counts: Counter[str] = Counter()
    stop = dynamo.on_call(lambda operation_name: counts.update([operation_name]))
    try:
        yield counts
    finally:
        stop()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.95 * (len(ordered) - 1))] if ordered else 0.0


def _ops(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "none"


def run() -> Section:
    """Measure and report."""
    section = Section("Rate limits and sign-in throttling: DynamoDB calls and time per call")
    started = time.perf_counter()
    server, _ = start_stack()
    try:
        from chalice.test import Client

        from app import app
        from chalicelib.entrypoints import container
        from chalicelib.limits.domain import Limit, RateLimits

        limiter: Any = container().edge.limiter
        counting = RateLimits(user=Limit(1_000_000), client=Limit(1_000_000), tenant=Limit(1_000_000))
        off = RateLimits(user=Limit(0), client=Limit(0), tenant=Limit(0))
        with Client(app, stage_name="dev") as client:
            agent = Api(client).login("agent")
            rows, times = [], {"on": [], "off": []}
            for label, limits in (("on", counting), ("off", off)):
                limiter.limits = limits
                agent.call("GET", "/api/me")  # warm
                with counted() as counts:
                    agent.call("GET", "/api/me")
                rows.append(("GET /api/me", f"limits {label}", sum(counts.values()), _ops(counts)))
            for index in range(2 * CALLS):
                label = "on" if index % 2 == 0 else "off"
                limiter.limits = counting if label == "on" else off
                tick = time.perf_counter()
                reply = agent.call("GET", "/api/me")
                times[label].append((time.perf_counter() - tick) * 1000)
                assert reply.status == 200, reply.body[:200]

            limiter.limits = counting

            def sign_in(password: str) -> Callable[[], Reply]:
                return lambda: Api(client).call("POST", "/api/auth/login", {"username": "leader", "password": password})

            for label, attempt, expected in (
                ("sign-in, right password", sign_in("Demo@2026"), 200),
                ("sign-in, wrong password", sign_in("Sai@12345"), 401),
            ):
                attempt()
                with counted() as counts:
                    reply = attempt()
                assert reply.status == expected, reply.body[:200]
                rows.append(("POST /api/auth/login", label, sum(counts.values()), _ops(counts)))
            sign_in("Demo@2026")()  # forget the failures

            limiter.limits = RateLimits(user=Limit(1, seconds=86_400), client=Limit(0), tenant=Limit(0))
            agent.call("GET", "/api/me")
            first = agent.call("GET", "/api/me")
            with counted() as counts:
                again = agent.call("GET", "/api/me")
            assert first.status == again.status == 429
            rows.append(("GET /api/me", "refused again (window known full)", sum(counts.values()), _ops(counts)))
            limiter.limits = counting
    finally:
        server.stop()
    on, off_times = median(times["on"]), median(times["off"])
    section.add(
        f"Moto in this process, chalice's test client; {CALLS} calls each way, interleaved.",
        "",
        *table(("operation", "case", "DynamoDB calls", "which"), rows, ("l", "l", "r", "l")),
        "",
        *table(
            ("GET /api/me", "median ms", "p95 ms"),
            [
                ("limits counted", f"{on:.1f}", f"{_p95(times['on']):.1f}"),
                ("limits off", f"{off_times:.1f}", f"{_p95(times['off']):.1f}"),
                ("difference", f"{on - off_times:+.1f}", f"{_p95(times['on']) - _p95(times['off']):+.1f}"),
            ],
            ("l", "r", "r"),
        ),
    )
    section.seconds = time.perf_counter() - started
    return section
