"""When the retention job runs: 02:00 in Vietnam every night, each night starting with another office."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.entrypoints.jobs import RETENTION_CRON, RETENTION_LOCAL_HOUR, tenants_from
from chalicelib.tenancy.catalog import TENANTS
from local.schedules import seconds_until


def test_the_deployed_schedule_and_the_local_timer_agree_on_two_in_the_morning_in_vietnam():
    assert RETENTION_CRON == "cron(0 19 * * ? *)" and RETENTION_LOCAL_HOUR == 2  # 19:00 UTC is 02:00 at UTC+7
    assert seconds_until(2, datetime(2026, 12, 1, 18, 0, tzinfo=UTC)) == 3600  # 01:00 local: an hour to go
    assert seconds_until(2, datetime(2026, 12, 1, 19, 0, tzinfo=UTC)) == 24 * 3600  # 02:00 sharp: tomorrow's
    assert seconds_until(2, datetime(2026, 12, 1, 3, 30, tzinfo=UTC)) == 15.5 * 3600  # 10:30 local


def test_every_office_is_visited_and_each_night_starts_with_another():
    monday, tuesday = tenants_from(date(2026, 12, 7)), tenants_from(date(2026, 12, 8))
    assert sorted(monday) == sorted(t.code for t in TENANTS) and len(set(monday)) == len(TENANTS)
    assert monday[0] != tuesday[0] and tuesday[0] == monday[1]


def test_a_local_schedule_runs_at_once_if_asked_and_goes_on_after_a_failed_run():
    import threading

    from local.schedules import repeat

    stop, runs = threading.Event(), list[int]()

    def run() -> None:
        runs.append(len(runs))
        if len(runs) == 2:
            raise RuntimeError("one bad run")
        if len(runs) == 4:
            stop.set()

    repeat("test", run, lambda: 0.001, stop, now=True).join(timeout=5)
    assert runs == [0, 1, 2, 3], "the run after the failure still came, and stop ended the loop"
