"""The scheduled jobs on the local stack: one loop stands in for each EventBridge rule of app.py.

Each job runs in a daemon thread of `make run`'s process until `stop` is set; a failed run is logged and the
schedule goes on, as the next scheduled Lambda invocation would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from chalicelib.shared.clock import SystemClock, to_local

KNOWLEDGE_LOCAL_HOUR = 7  # app.py's KNOWLEDGE_CRON: 07:00 in Vietnam
RECONCILE_SECONDS = 60  # the deployed rule runs every 5 minutes; locally a restarted stack gets its timers back sooner
RECONCILE_LIMIT = 200  # each restarted timer is a thread in moto: a restart with many open requests catches up gradually


def seconds_until(hour: int, now: datetime) -> float:
    """Seconds from `now` to the next `hour`:00 in Vietnam's time."""
    local = to_local(now)
    target = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= local:
        target += timedelta(days=1)
    return (target - local).total_seconds()


def daily(hour: int) -> Callable[[], float]:
    """A wait until the next `hour`:00 in Vietnam."""
    clock = SystemClock()
    return lambda: seconds_until(hour, clock.now())


def every(seconds: float) -> Callable[[], float]:
    """A fixed wait."""
    return lambda: seconds


def repeat(
    name: str, run: Callable[[], object], wait: Callable[[], float], stop: threading.Event, *, now: bool = False
) -> threading.Thread:
    """Run `run` after each `wait()` (and at once when `now`), until `stop` is set."""
    from chalicelib.shared.observability import logger

    def loop() -> None:
        if now and not stop.is_set():
            _attempt()
        while not stop.wait(wait()):
            _attempt()

    def _attempt() -> None:
        try:
            run()
        except Exception:  # noqa: BLE001 - like a scheduled Lambda: the next run goes on
            logger.exception("scheduled job failed; the next run goes on", extra={"job": name})

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread


def start(stop: threading.Event) -> list[threading.Thread]:
    """Every scheduled job of app.py: reconcile (now, then every minute), retention (02:00), knowledge (07:00)."""
    from chalicelib.entrypoints import jobs

    def reconcile() -> None:
        report = jobs.reconcile(limit=RECONCILE_LIMIT)
        if report["restarted"] or report["notices_requeued"] or report["notices_abandoned"]:
            print("Reconcile:", report, flush=True)

    return [
        repeat("reconcile", reconcile, every(RECONCILE_SECONDS), stop, now=True),  # a restarted stack has no executions
        repeat("retention-job", lambda: jobs.run_retention(seconds=None), daily(jobs.RETENTION_LOCAL_HOUR), stop),
        repeat("knowledge-daily", jobs.knowledge_daily, daily(KNOWLEDGE_LOCAL_HOUR), stop),
    ]
