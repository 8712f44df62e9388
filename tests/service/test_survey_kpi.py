"""Survey answers in the office's satisfaction rate, on fakes (issue 11): an official round's counted answer moves the
office's rate and its place in the league table, a pilot's and a questionnaire without index questions add nothing,
and the `survey-results` job sets broken counters right (a second run finds nothing)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chalicelib.reports.indicators import BY_KEY
from chalicelib.reports.periods import Period
from chalicelib.reports.service import ReportService
from chalicelib.reports.survey_counts import SurveyRatings
from chalicelib.reports.tables import satisfaction
from chalicelib.surveys.domain import Survey
from chalicelib.surveys.reconcile import ResultsReconciler
from chalicelib.surveys.standard import CONTENT
from tests.service import test_survey_service as base
from tests.service.test_survey_results import INTERVIEW, _enter, _survey
from tests.service.test_survey_service import OFFICER, World, _drawn, _member, _opened

world = base.world  # the survey service's fixture

MONTH = Period.parse("2026-12")
RATE = BY_KEY["satisfaction_rate"]
UNHAPPY = {"q1": "no", "q2": 5, "q3": 1, "q4": 1}  # satisfied on one angle of three
OFFICES = {"ccc": "Trung tâm CSKH", "hanoi": "BHXH Hà Nội", "hcm": "BHXH TP. Hồ Chí Minh"}


def _reports(world: World) -> ReportService:
    return ReportService(store=world.store.kpis, requests=None, offices=OFFICES)  # type: ignore[arg-type]


def _rate(world: World, tenant: str = "hanoi", period: Period = MONTH) -> float | None:
    return RATE.value(_reports(world).figures(tenant=tenant, period=period))


def _ratings(world: World, tenant: str, rated: int, satisfied: int) -> None:
    """Ratings after an answer, counted in December's month, quarter and year."""
    for key in (MONTH.key, "Q#2026-4", "Y#2026"):
        world.store.kpis.apply([((tenant, key), {"rated": rated, "satisfied": satisfied})])


def _rated(world: World, tenant: str = "hanoi") -> tuple[int, int]:
    f = _reports(world).figures(tenant=tenant, period=MONTH)
    return f.get("survey_rated"), f.get("survey_satisfied")


def _reconcile(world: World, survey: Survey) -> str:
    fresh = world.service.get(tenant="hanoi", survey_id=survey.id)
    job = ResultsReconciler(
        store=world.store,  # type: ignore[arg-type]
        questionnaires=world.questionnaires,
        ratings=SurveyRatings(store=world.store.kpis),
    )
    return job.reconcile(tenant="hanoi", survey_id=survey.id, survey=fresh, number=fresh.rounds[-1].number).summary()


def test_an_official_rounds_answers_move_the_offices_rate_and_its_rank(world: World) -> None:
    _ratings(world, "hcm", 10, 7)  # HCM's ratings: 70 %
    _ratings(world, "hanoi", 4, 2)  # Hà Nội's: 50 %
    league = _reports(world).league(period=MONTH, indicator=RATE)
    assert [(r.tenant, r.rank) for r in league][:2] == [("hcm", 1), ("hanoi", 2)]
    survey = _survey(world)
    for member in ("m1", "m2", "m3"):
        _enter(world, survey, member)  # satisfied on two angles of three: satisfied
    assert _rated(world) == (3, 3)
    assert _rate(world) == (2 + 3) / (4 + 3)
    assert _rate(world, period=Period.parse("2026-12-01")) == 1.0, "the day: only the survey answers"
    assert _rate(world, period=Period.parse("2026")) == 5 / 7 and _rate(world, period=Period.parse("2026-Q4")) == 5 / 7
    league = _reports(world).league(period=MONTH, indicator=RATE)
    assert [(r.tenant, r.rank) for r in league][:2] == [("hanoi", 1), ("hcm", 2)], "71,4 % against 70 %"
    parts = satisfaction(_reports(world).figures(tenant="hanoi", period=MONTH))
    assert [[c.value for c in row] for row in parts.rows] == [
        ["Đánh giá sau khi trả lời", 4, 2, 0.5],
        ["Phiếu khảo sát", 3, 3, 1.0],
        ["Tổng cộng", 7, 5, 5 / 7],
    ]
    assert _rated(world, "hcm") == (0, 0), "another office's survey is not HCM's"


def test_a_pilots_answers_and_a_questionnaire_without_index_questions_count_nothing(world: World) -> None:
    world.questionnaires.version = lambda **_: INTERVIEW  # type: ignore[method-assign]
    pilot = _opened(world, _drawn(world, base._approved(world), _member("p1"), _member("p2"), kind="pilot"))
    _enter(world, pilot, "p1")
    assert world.store.answers and _rated(world) == (0, 0), "the pilot's answer counts in its results only"
    assert _reconcile(world, pilot).endswith("sửa 0"), "the pilot's recount finds nothing to add either"
    no_index = replace(INTERVIEW, content=replace(CONTENT, form_kind="individual_interview", sections=CONTENT.sections[:1]))
    world.questionnaires.version = lambda **_: no_index  # type: ignore[method-assign]
    survey = _opened(world, _drawn(world, base._approved(world), _member("m1"), _member("m2")))
    _enter(world, survey, "m1", {"q1": "yes"})
    assert _rated(world) == (0, 0) and _rate(world) is None


def test_the_results_job_sets_broken_survey_counters_right_and_a_second_run_finds_nothing(world: World) -> None:
    survey = _survey(world)
    _enter(world, survey, "m1")
    _enter(world, survey, "m2", UNHAPPY)
    right = dict(world.store.kpis.items)
    kpis: Any = world.store.kpis
    kpis.adjust(tenant="hanoi", deltas={"D#2026-12-01": {"survey_satisfied": 3}, "M#2026-12": {"survey_rated": -1}})
    kpis.adjust(tenant="hanoi", deltas={"Y#2026": {f"survey_rated|round={survey.id}/1": 2}})
    assert _rate(world) == 1 / 1 != 1 / 2
    summary = _reconcile(world, survey)
    assert summary.startswith("Đã kiểm 9 ô, sửa 3"), summary  # 5 cells and 4 counter items; 3 items set right
    assert {k: {n: v for n, v in d.items() if v} for k, d in world.store.kpis.items.items()} == right
    assert _rate(world) == 1 / 2
    assert _reconcile(world, survey) == "Đã kiểm 9 ô, sửa 0"


def test_new_weights_reach_who_is_satisfied_through_the_results_job(world: World) -> None:
    survey = _survey(world)
    _enter(world, survey, "m1", UNHAPPY)  # 1/3 on the index: not satisfied
    assert _rated(world) == (1, 0)
    saved = world.service.set_weights(
        tenant="hanoi", survey_id=survey.id, actor=OFFICER, weights={"angle:policy": 3}, version=survey.version
    )
    assert saved.weights == {"angle:policy": 3.0}
    _reconcile(world, survey)
    assert _rated(world) == (1, 1), "3/5 with the policy angle weighed three times: satisfied"
