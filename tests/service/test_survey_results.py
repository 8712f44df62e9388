"""The result cells on fakes: what an interviewer's entry and an anonymous answer count, the reconcile job that sets
broken cells right (and finds nothing the second time), and a change of the index's weights reaching the scores."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.shared.errors import ConflictError, RuleViolationError
from chalicelib.surveys.domain import Settings, Survey
from chalicelib.surveys.reconcile import KIND, ResultsReconciler
from chalicelib.surveys.respond import RespondentService
from chalicelib.surveys.standard import CONTENT, VERSION
from tests.service import test_survey_service as base
from tests.service.test_survey_service import (
    NOW,
    OFFICER,
    PLAN,
    World,
    _approved,
    _drawn,
    _member,
    _opened,
)

world = base.world  # the survey service's fixture

INTERVIEW = replace(VERSION, content=replace(CONTENT, form_kind="individual_interview"))
GIVEN = {"q1": "yes", "q2": 5, "q3": 2, "q4": 4, "q5": "Nhân viên nhiệt tình."}  # satisfied on two angles of three


def _respondents(world: World) -> RespondentService:
    return RespondentService(
        store=world.store,  # type: ignore[arg-type]
        links=None,  # type: ignore[arg-type]
        guard=None,  # type: ignore[arg-type]
        questionnaires=world.questionnaires,
        offices=None,  # type: ignore[arg-type]
        clock=world.clock,
        used_error=LookupError,
    )


def _survey(world: World, *, anonymous: bool = False) -> Survey:
    world.questionnaires.version = lambda **_: INTERVIEW  # type: ignore[method-assign]
    survey = _approved(world)
    if anonymous:
        survey.settings = Settings(anonymous=True)
        world.store.surveys[("hanoi", survey.id)].settings = survey.settings
    members = [_member("m1"), _member("m2"), _member("m3")]
    members[0].attributes = {"channel": "hotline", "group": "nld"}
    members[1].attributes = {"channel": "email", "group": ""}
    return _opened(world, _drawn(world, survey, *members))


def _enter(world: World, survey: Survey, member_id: str, given: dict[str, Any] = GIVEN) -> None:
    _respondents(world).interview(
        tenant="hanoi", survey=survey, number=1, member_id=member_id, actor=OFFICER, entry_id=f"e-{member_id}", given=given
    )


def _cells(world: World, survey: Survey) -> dict[tuple[str, str, str], Any]:
    found = world.store.result_cells(tenant="hanoi", survey_id=survey.id, round_number=1)
    return {(c.stratum, c.dimension, c.value): c for c in found}


def _reconcile(world: World, survey: Survey) -> str:
    fresh = world.service.get(tenant="hanoi", survey_id=survey.id)
    reconciler = ResultsReconciler(store=world.store, questionnaires=world.questionnaires)  # type: ignore[arg-type]
    return reconciler.reconcile(tenant="hanoi", survey_id=survey.id, survey=fresh, number=1).summary()


def test_an_interviewers_entry_counts_in_the_stratum_and_the_members_channel_group_and_form(world: World) -> None:
    survey = _survey(world)
    _enter(world, survey, "m1")
    _enter(world, survey, "m2", {"q1": "no", "q2": 1, "q3": 1, "q4": 1})
    cells = _cells(world, survey)
    assert sorted(cells) == [
        ("all", "", ""),
        ("all", "channel", "email"),
        ("all", "channel", "hotline"),
        ("all", "form", "individual_interview"),
        ("all", "group", "nld"),
    ], "m2's empty group is no group"
    whole, hotline = cells[("all", "", "")], cells[("all", "channel", "hotline")]
    assert (whole.respondents, whole.shown["q5"], whole.answered["q5"]) == (2, 2, 1), "a text question shown and answered"
    assert whole.options[("q1", "yes")] == 1 and whole.options[("q1", "no")] == 1
    assert hotline.respondents == 1 and hotline.scores["overall"] == (1, pytest.approx(2 / 3), pytest.approx(4 / 9))
    assert whole.scores["overall"] == (2, pytest.approx(2 / 3), pytest.approx(4 / 9))
    assert cells[("all", "form", "individual_interview")].respondents == 2


def test_an_anonymous_answer_keeps_its_groups_so_a_recount_still_finds_them(world: World) -> None:
    survey = _survey(world, anonymous=True)
    _enter(world, survey, "m1")
    [answer] = world.store.each_answer(tenant="hanoi", survey_id=survey.id, round_number=1)
    assert answer.member_id is None and answer.groups == {"channel": "hotline", "group": "nld", "form": "individual_interview"}
    before = _cells(world, survey)
    world.store.cells.clear()  # every cell lost: the recount from the answers alone brings them back
    assert _reconcile(world, survey) == "Đã kiểm 4 ô, sửa 4 (128 số đếm)"
    assert _cells(world, survey) == before


def test_the_reconcile_job_sets_broken_cells_right_and_a_second_run_finds_nothing(world: World) -> None:
    survey = _survey(world)
    _enter(world, survey, "m1")
    _enter(world, survey, "m2")
    right = _cells(world, survey)
    store, key = world.store, ("hanoi", survey.id, 1)
    store.adjust_cells(
        tenant="hanoi", survey_id=survey.id, round_number=1, deltas={("all", "channel", "email"): {"n": Decimal(5)}}
    )
    store.cells[key][("all", "channel", "fanpage")] = {"n": Decimal(1), "w:q1": Decimal(1)}  # no answer supports it
    store.old_counters[key] = 3  # the old layout's items, one per option
    assert _cells(world, survey) != right
    assert _reconcile(world, survey) == "Đã kiểm 6 ô, sửa 2 (1 số đếm); xoá 3 mục theo cách lưu cũ"
    assert _cells(world, survey) == right
    assert _reconcile(world, survey) == "Đã kiểm 5 ô, sửa 0"


def test_a_submission_landing_while_the_cells_are_read_is_counted_once(world: World) -> None:
    survey = _survey(world)
    _enter(world, survey, "m1")
    read = world.store.cell_values
    landed: list[bool] = []

    def racing(**where: Any) -> Any:
        found = read(**where)
        if not landed:  # m2's submission commits after the recount, before the cells are read
            landed.append(True)
            _enter(world, survey, "m2")
            return read(**where)
        return found

    world.store.cell_values = racing  # type: ignore[method-assign]
    _reconcile(world, survey)
    assert _cells(world, survey)[("all", "", "")].respondents == 2, "not subtracted, not added twice"
    assert _reconcile(world, survey) == "Đã kiểm 5 ô, sửa 0"


def test_new_weights_are_checked_saved_and_recount_the_index_scores(world: World) -> None:
    survey = _survey(world)
    _enter(world, survey, "m1")
    s = world.service
    with pytest.raises(RuleViolationError) as bad:
        s.set_weights(
            tenant="hanoi", survey_id=survey.id, actor=OFFICER, weights={"angle:nope": 2, "overall": 1}, version=survey.version
        )
    assert bad.value.fields == {"angle:nope": "unknown", "overall": "unknown"}
    with pytest.raises(ConflictError):
        s.set_weights(tenant="hanoi", survey_id=survey.id, actor=OFFICER, weights={"angle:policy": 3}, version=survey.version - 1)
    assert world.jobs.started == [] and world.service.get(tenant="hanoi", survey_id=survey.id).weights == {}

    saved = s.set_weights(tenant="hanoi", survey_id=survey.id, actor=OFFICER, weights={"angle:policy": 3}, version=survey.version)
    assert saved.weights == {"angle:policy": 3.0} and saved.version == survey.version + 1
    assert world.jobs.started == [("hanoi", KIND, {"survey_id": survey.id, "round": 1})]
    assert _reconcile(world, survey) == "Đã kiểm 4 ô, sửa 4 (8 số đếm)", "overall's Σ and Σ² in each cell"
    assert _cells(world, survey)[("all", "", "")].scores["overall"] == (1, pytest.approx(0.8), pytest.approx(0.64))

    stored = world.store.surveys[("hanoi", survey.id)]
    stored.archived_at = NOW + timedelta(days=30)
    with pytest.raises(ConflictError) as archived:
        s.set_weights(tenant="hanoi", survey_id=survey.id, actor=OFFICER, weights={}, version=saved.version)
    assert archived.value.code == "archived"
    assert PLAN.title == survey.plan.title
