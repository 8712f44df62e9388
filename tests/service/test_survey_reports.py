"""The survey report on fakes (Art. 8 step 4): started on a closed round with part III proposed from the lowest
criteria, written by the owner, approved by a leader who did not write it, which archives the survey read-only."""

from __future__ import annotations

import pytest

from chalicelib.shared.errors import ConflictError, ForbiddenError, RuleViolationError
from chalicelib.surveys.analysis import SurveyAnalysis
from chalicelib.surveys.domain import Survey
from chalicelib.surveys.report_jobs import ARCHIVE_JOB
from chalicelib.surveys.report_service import SurveyReports
from tests.service import test_survey_results as results_world
from tests.service import test_survey_service as base
from tests.service.test_survey_service import LEADER, OFFICER, World, _approved, _drawn, _member, _opened

world = base.world
ANGRY = {"q1": "no", "q2": 2, "q3": 1, "q4": 5, "q5": "Chờ lâu."}


def _reports(world: World) -> SurveyReports:
    analysis = SurveyAnalysis(surveys=world.service, cells=world.store, versions=world.questionnaires)  # type: ignore[arg-type]
    return SurveyReports(surveys=world.service, store=world.store, analysis=analysis, jobs=world.jobs, clock=world.clock)  # type: ignore[arg-type]


def _answered(world: World) -> Survey:
    """Six members interviewed: four satisfied on every angle, two angry about the procedures."""
    world.questionnaires.version = lambda **_: results_world.INTERVIEW  # type: ignore[method-assign]
    survey = _approved(world)
    members = [_member(f"m{i}") for i in range(1, 7)]
    survey = _opened(world, _drawn(world, survey, *members))
    for i in range(1, 7):
        results_world._enter(world, survey, f"m{i}", ANGRY if i > 4 else results_world.GIVEN)
    return survey


def _closed(world: World) -> Survey:
    survey = _answered(world)
    fresh = world.service.get(tenant="hanoi", survey_id=survey.id)
    world.service.close_early(tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, version=fresh.version)
    return world.service.get(tenant="hanoi", survey_id=survey.id)


def test_a_report_waits_for_the_round_to_close_then_proposes_part_three_from_the_lowest_criteria(world: World) -> None:
    reports = _reports(world)
    survey = _answered(world)
    fresh = world.service.get(tenant="hanoi", survey_id=survey.id)
    with pytest.raises(ConflictError) as open_round:
        reports.start(tenant="hanoi", survey_id=survey.id, actor=OFFICER, round_number=1, version=fresh.version)
    assert open_round.value.code == "round_open"
    assert world.service.get(tenant="hanoi", survey_id=survey.id).report is None, "a refused start writes nothing"

    world.service.close_early(tenant="hanoi", survey_id=survey.id, actor=OFFICER, number=1, version=fresh.version)
    closed = world.service.get(tenant="hanoi", survey_id=survey.id)
    started = reports.start(tenant="hanoi", survey_id=survey.id, actor=OFFICER, round_number=1, version=closed.version)
    report = started.report
    assert report is not None and report.approval.status == "draft"
    assert report.conclusions.startswith("Có 6 phiếu trả lời hợp lệ. Chỉ số hài lòng chung đạt ")
    assert "Tiêu chí «" in report.recommendations, "the draft names the lowest-scoring criteria"
    with pytest.raises(ConflictError) as twice:
        reports.start(tenant="hanoi", survey_id=survey.id, actor=OFFICER, round_number=1, version=started.version)
    assert twice.value.code == "report_exists"


def test_the_owner_writes_it_a_leader_approves_it_and_the_survey_is_archived_for_good(world: World) -> None:
    reports = _reports(world)
    survey = _closed(world)
    s = reports.start(tenant="hanoi", survey_id=survey.id, actor=OFFICER, round_number=1, version=survey.version)
    with pytest.raises(RuleViolationError) as empty:
        s = reports.edit(tenant="hanoi", survey_id=s.id, actor=OFFICER, conclusions="", recommendations="", version=s.version)
        reports.submit(tenant="hanoi", survey_id=s.id, actor=OFFICER, note="", version=s.version)
    assert empty.value.code == "invalid_report"
    s = world.service.get(tenant="hanoi", survey_id=survey.id)
    s = reports.edit(
        tenant="hanoi", survey_id=s.id, actor=OFFICER, conclusions="Đạt mục tiêu.", recommendations="Rút ngắn thời gian chờ.",
        version=s.version,
    )  # fmt: skip
    with pytest.raises(ConflictError):
        reports.edit(tenant="hanoi", survey_id=s.id, actor=OFFICER, conclusions="x", recommendations="y", version=s.version - 1)
    s = reports.submit(tenant="hanoi", survey_id=s.id, actor=OFFICER, note="Kính trình", version=s.version)
    with pytest.raises(ForbiddenError):
        reports.approve(tenant="hanoi", survey_id=s.id, actor=OFFICER, note="", version=s.version)

    s = reports.approve(tenant="hanoi", survey_id=s.id, actor=LEADER, note="Đồng ý", version=s.version)
    assert s.archived and s.report is not None and s.report.approval.status == "approved"
    assert (("hanoi", ARCHIVE_JOB, {"survey_id": s.id})) in world.jobs.started, "the frozen copy is made by a job"
    for change in (
        lambda v: reports.edit(tenant="hanoi", survey_id=s.id, actor=OFFICER, conclusions="a", recommendations="b", version=v),
        lambda v: world.service.set_weights(tenant="hanoi", survey_id=s.id, actor=OFFICER, weights={}, version=v),
    ):
        with pytest.raises(ConflictError) as refused:
            change(world.service.get(tenant="hanoi", survey_id=s.id).version)
        assert refused.value.code == "archived"

    reports.archived(tenant="hanoi", survey_id=s.id, files={"pdf": "archive/x.pdf"})
    reports.archived(tenant="hanoi", survey_id=s.id, files={"pdf": "archive/x.pdf"})  # a retried job: no change, no 409
    fresh = world.service.get(tenant="hanoi", survey_id=s.id)
    assert fresh.report is not None and fresh.report.archive == {"pdf": "archive/x.pdf"}
    published = reports.publish(tenant="hanoi", survey_id=s.id, actor=LEADER, version=fresh.version)
    assert published.report is not None and published.report.published_at == world.clock.now()


def test_a_report_not_approved_is_not_published_and_another_office_cannot_publish(world: World) -> None:
    reports = _reports(world)
    survey = _closed(world)
    s = reports.start(tenant="hanoi", survey_id=survey.id, actor=OFFICER, round_number=1, version=survey.version)
    with pytest.raises(ConflictError) as early:
        reports.publish(tenant="hanoi", survey_id=s.id, actor=OFFICER, version=s.version)
    assert early.value.code == "not_approved"
    with pytest.raises(ForbiddenError):
        reports.publish(tenant="hanoi", survey_id=s.id, actor=base.HCM_OFFICER, version=s.version)
