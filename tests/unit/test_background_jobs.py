"""Background jobs' rules (pure): when progress is written, when a worker is dead, who sees a job, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.jobs.domain import (
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Job,
    ProgressThrottle,
    message_lost,
    retry_after_error,
    visible_to,
    worker_died,
)

AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def _job(**changes) -> Job:
    base = {"id": "J", "tenant": "hanoi", "kind": "k", "requested_by": "leader", "status": QUEUED, "created_at": AT}
    return Job(**{**base, **changes})


def test_progress_is_written_first_on_a_new_stage_on_the_last_row_and_else_once_a_second():
    throttle = ProgressThrottle()
    assert throttle.due(now=AT, stage="a", done=1, total=10)
    assert not throttle.due(now=AT + timedelta(milliseconds=900), stage="a", done=2, total=10)
    assert throttle.due(now=AT + timedelta(milliseconds=950), stage="b", done=2, total=10), "a new stage"
    assert throttle.due(now=AT + timedelta(milliseconds=960), stage="b", done=10, total=10), "the last row"
    assert not throttle.due(now=AT + timedelta(milliseconds=970), stage="b", done=3, total=None)
    assert throttle.due(now=AT + timedelta(seconds=2), stage="b", done=4, total=None)


def test_a_running_job_unheard_of_past_any_attempts_length_has_a_dead_worker():
    running = _job(status=RUNNING, started_at=AT, heartbeat_at=AT + timedelta(minutes=5))
    assert not worker_died(running, AT + timedelta(minutes=20))
    assert worker_died(running, AT + timedelta(minutes=21))
    assert not worker_died(_job(status=SUCCEEDED), AT + timedelta(days=1))
    assert message_lost(_job(), AT + timedelta(minutes=15)) and not message_lost(_job(), AT + timedelta(minutes=14))


def test_the_requester_or_an_administrator_sees_a_job_and_errors_retry_until_the_third_delivery():
    job = _job()
    assert visible_to(job, login="leader", sees_all=False)
    assert not visible_to(job, login="agent", sees_all=False)
    assert visible_to(job, login="tenant-admin", sees_all=True)
    assert retry_after_error(receive_count=2, attempts=2) and not retry_after_error(receive_count=3, attempts=1)


def test_percent_is_whole_and_a_finished_job_is_complete():
    assert _job(status=RUNNING, done=1, total=3).percent == 33
    assert _job(status=RUNNING, done=5).percent is None
    assert _job(status=SUCCEEDED, done=0, total=0).percent == 100
