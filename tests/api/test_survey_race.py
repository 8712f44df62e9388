"""One answer per sample member on the local stack, however the submissions race: twenty tabs sending the last
screen of one link at once, or the invitation's and the reminder's links of one member both used (issue 7's race)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier
from typing import Any

from tests.api.test_surveys import _approved, _frame

TENANT = "hanoi"
RACERS = 20


def _value(question: Any) -> list[str]:
    if question.kind == "text":
        return ["Nhân viên nhiệt tình."]
    return [question.options()[-1].value]


def _screen_form(sitting: Any) -> tuple[int, dict[str, list[str]]]:
    """The screen a respondent is on, filled in."""
    from chalicelib.surveys import answers

    screen = answers.screens(sitting.version, sitting.answers)[sitting.screen]
    return sitting.screen, {q.id: _value(q) for q in screen.questions}


def _to_last_screen(respondents: Any, token: str) -> tuple[int, Mapping[str, Sequence[str]]]:
    """Answer every screen but the last; the last one's screen number and form."""
    from chalicelib.shared.tenancy import acting_for
    from chalicelib.surveys import answers

    with acting_for(TENANT):
        sitting = respondents.open(tenant=TENANT, token=token, client="127.0.0.1")
        while sitting.screen < len(answers.screens(sitting.version, sitting.answers)) - 1:
            screen, form = _screen_form(sitting)
            sitting = respondents.answer(tenant=TENANT, token=token, client="127.0.0.1", screen=screen, form=form, back=False)
            assert not sitting.errors, sitting.errors
        return _screen_form(sitting)


def _open_round(api: Any, unique: str, run_jobs: Any) -> tuple[str, str]:
    """An approved survey's round drawn and open; its id and a main member's id."""
    officer, survey = _approved(api, unique)
    frame = _frame(officer, run_jobs, unique, rows=6)
    drawn = officer.post(
        f"/api/surveys/{survey['id']}/rounds", {"kind": "pilot", "frame_id": frame, "size": 2, "version": survey["version"]}
    )
    assert drawn.status == 201, drawn.text
    version = officer.get(f"/api/surveys/{survey['id']}").json["version"]
    closes = (datetime.now(UTC) + timedelta(days=5)).isoformat()
    opened = officer.post(
        f"/api/surveys/{survey['id']}/rounds/1/open", {"closes_at": closes, "reminders": [], "version": version}
    )
    assert opened.status == 200, opened.text
    members = officer.get(f"/api/surveys/{survey['id']}/rounds/1/members").json["items"]
    return str(survey["id"]), next(m["id"] for m in members if m["role"] == "main")


def _links(survey_id: str, member_id: str, count: int) -> list[str]:
    """Links to the member's questionnaire, as the invitation and its reminders carry them."""
    from chalicelib import bootstrap

    now = datetime.now(UTC)
    subject = {"survey_id": survey_id, "round": "1", "member_id": member_id}
    issued = bootstrap.container().links.issue_many(
        tenant=TENANT, purpose="survey", subjects=[subject] * count, valid_from=now, valid_until=now + timedelta(days=3)
    )
    return [link.token for link in issued]


def _answers_and_completed(survey_id: str) -> tuple[list[Any], int]:
    from chalicelib import bootstrap
    from chalicelib.approvals.store import PendingApprovals
    from chalicelib.audit.store import AuditStore
    from chalicelib.surveys.store import DynamoSurveyStore
    from chalicelib.surveys.tally_store import DynamoTallyStore

    store = DynamoSurveyStore(journal=AuditStore(), approvals=PendingApprovals(), tally=DynamoTallyStore())
    found = list(store.each_answer(tenant=TENANT, survey_id=survey_id, round_number=1))
    tally = bootstrap.container().surveys.tally(tenant=TENANT, survey_id=survey_id)
    return found, tally.overall["completed"]


def test_twenty_tabs_submitting_the_last_screen_at_once_record_one_answer(api, unique, run_jobs) -> None:
    from chalicelib import bootstrap
    from chalicelib.shared.tenancy import acting_for
    from chalicelib.surveys.respond import Done

    survey_id, member_id = _open_round(api, unique, run_jobs)
    [token] = _links(survey_id, member_id, 1)
    respondents = bootstrap.container().respondents
    screen, form = _to_last_screen(respondents, token)
    start = Barrier(RACERS)

    def submit(_: int) -> Any:
        with acting_for(TENANT):
            start.wait()
            return respondents.answer(tenant=TENANT, token=token, client="127.0.0.1", screen=screen, form=form, back=False)

    with ThreadPoolExecutor(RACERS) as pool:
        outcomes = list(pool.map(submit, range(RACERS)))
    assert all(isinstance(o, Done) for o in outcomes), outcomes
    assert sorted(o.again for o in outcomes) == [False] + [True] * (RACERS - 1), "one kept, every other told it was"
    found, completed = _answers_and_completed(survey_id)
    assert [a.member_id for a in found] == [member_id] and completed == 1


def test_the_invitations_and_the_reminders_links_of_one_member_record_one_answer(api, unique, run_jobs) -> None:
    from chalicelib import bootstrap
    from chalicelib.shared.tenancy import acting_for
    from chalicelib.surveys.respond import Done

    survey_id, member_id = _open_round(api, unique, run_jobs)
    invitation, reminder = _links(survey_id, member_id, 2)
    respondents = bootstrap.container().respondents
    first = _to_last_screen(respondents, invitation)
    second = _to_last_screen(respondents, reminder)  # the same member: resumed where the other link left off
    with acting_for(TENANT):
        kept = respondents.answer(tenant=TENANT, token=invitation, client="127.0.0.1", screen=first[0], form=first[1], back=False)
        again = respondents.answer(
            tenant=TENANT, token=reminder, client="127.0.0.1", screen=second[0], form=second[1], back=False
        )
        followed = respondents.open(tenant=TENANT, token=reminder, client="127.0.0.1")
    assert kept == Done() and again == Done(again=True) and followed == Done(again=True)
    found, completed = _answers_and_completed(survey_id)
    assert [a.member_id for a in found] == [member_id] and completed == 1
