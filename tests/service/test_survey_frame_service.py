"""Frames as the service offers them, on fakes: a refused start writes no job, a frame id is its job's, and an id
of another kind of job or of nothing is 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.jobs.domain import Viewer
from chalicelib.jobs.service import JobService
from chalicelib.shared.clock import FixedClock
from chalicelib.shared.errors import NotFoundError, RuleViolationError
from chalicelib.surveys.frame_service import FrameService
from chalicelib.surveys.frames import REGISTRY_KIND
from tests.fakes import FakeFiles, FakeFrameStore, FakeJobStore, FakeQueue

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
OFFICER = Viewer(login="officer")


@pytest.fixture
def setup() -> tuple[FrameService, FakeJobStore, JobService]:
    store = FakeJobStore()
    jobs = JobService(store=store, queue=FakeQueue(), files=FakeFiles(), clock=FixedClock(NOW))
    jobs.register(REGISTRY_KIND, lambda run: None, label="Lập khung")
    jobs.register("other", lambda run: None, label="Khác")
    return FrameService(store=FakeFrameStore(), jobs=jobs), store, jobs


def test_a_period_that_ends_before_it_starts_is_refused_and_starts_no_job(setup) -> None:
    service, store, _ = setup
    with pytest.raises(RuleViolationError) as refused:
        service.from_registry(tenant="hanoi", actor="officer", since=NOW, until=NOW - timedelta(days=1), filters={}, title="x")
    assert "until" in refused.value.fields
    assert store.recent(tenant="hanoi", requested_by=None, kind=None, limit=10) == []


def test_a_frame_being_built_is_read_as_its_job_with_the_period_it_was_asked_for(setup) -> None:
    service, _, _ = setup
    job = service.from_registry(
        tenant="hanoi",
        actor="officer",
        since=NOW - timedelta(days=30),
        until=NOW,
        filters={"channel": "hotline", "kind": ""},
        title="Quý IV",
    )
    view = service.get(tenant="hanoi", frame_id=job.id, viewer=OFFICER)
    assert view.frame is None and view.job is not None and view.job.params["channel"] == "hotline"
    assert "kind" not in view.job.params and view.job.params["title"] == "Quý IV"
    with pytest.raises(NotFoundError):
        service.get(tenant="hcm", frame_id=job.id, viewer=OFFICER)


def test_an_id_of_another_kind_of_job_or_of_nothing_is_not_a_frame(setup) -> None:
    service, _, jobs = setup
    other = jobs.start(tenant="hanoi", actor="officer", kind="other", params={})
    for frame_id in (other.id, "NOPE"):
        with pytest.raises(NotFoundError):
            service.get(tenant="hanoi", frame_id=frame_id, viewer=OFFICER)
